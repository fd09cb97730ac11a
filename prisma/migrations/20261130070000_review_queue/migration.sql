-- CreateEnum
CREATE TYPE "DraftKind" AS ENUM ('DIRECT_QUOTE', 'PARAPHRASE', 'REPORTED', 'NUMERIC_CLAIM');

-- CreateEnum
CREATE TYPE "DraftStatus" AS ENUM ('PENDING', 'ACCEPTED', 'REJECTED');

-- CreateTable
CREATE TABLE "Ingestion" (
    "id" UUID NOT NULL,
    "sourceSlug" TEXT NOT NULL,
    "title" TEXT NOT NULL,
    "publisher" TEXT,
    "url" TEXT,
    "publishedOn" DATE,
    "text" TEXT NOT NULL,
    "textSha256" TEXT NOT NULL,
    "bundle" JSONB NOT NULL,
    "warnings" JSONB NOT NULL DEFAULT '[]',
    "createdBy" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Ingestion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "IngestionDraft" (
    "id" UUID NOT NULL,
    "ingestionId" UUID NOT NULL,
    "position" INTEGER NOT NULL,
    "kind" "DraftKind" NOT NULL,
    "status" "DraftStatus" NOT NULL DEFAULT 'PENDING',
    "record" JSONB NOT NULL,
    "extraction" JSONB NOT NULL,
    "quoteStart" INTEGER,
    "quoteEnd" INTEGER,
    "confidence" DOUBLE PRECISION NOT NULL,
    "rule" TEXT NOT NULL,
    "flags" TEXT[] DEFAULT ARRAY[]::TEXT[],
    "duplicates" JSONB NOT NULL DEFAULT '[]',
    "decidedBy" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "rejectionReason" TEXT,
    "createdSlug" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "IngestionDraft_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Ingestion_createdAt_idx" ON "Ingestion"("createdAt" DESC);

-- CreateIndex
CREATE UNIQUE INDEX "Ingestion_sourceSlug_textSha256_key" ON "Ingestion"("sourceSlug", "textSha256");

-- CreateIndex
CREATE INDEX "IngestionDraft_ingestionId_status_kind_idx" ON "IngestionDraft"("ingestionId", "status", "kind");

-- CreateIndex
CREATE UNIQUE INDEX "IngestionDraft_ingestionId_position_key" ON "IngestionDraft"("ingestionId", "position");

-- AddForeignKey
ALTER TABLE "IngestionDraft" ADD CONSTRAINT "IngestionDraft_ingestionId_fkey" FOREIGN KEY ("ingestionId") REFERENCES "Ingestion"("id") ON DELETE CASCADE ON UPDATE CASCADE;
