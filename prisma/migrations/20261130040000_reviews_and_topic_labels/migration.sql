-- AlterTable: topic slugs beside the labels. Until now every topic was a slug, so its slug is itself.
ALTER TABLE "Claim" ADD COLUMN     "topicSlugs" TEXT[] DEFAULT ARRAY[]::TEXT[];
UPDATE "Claim" SET "topicSlugs" = "topics";

-- CreateTable
CREATE TABLE "RatingScale" (
    "id" UUID NOT NULL,
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "description" TEXT,
    "labels" TEXT[],
    "values" DOUBLE PRECISION[],
    "worstRating" DOUBLE PRECISION NOT NULL,
    "bestRating" DOUBLE PRECISION NOT NULL,
    "builtIn" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "RatingScale_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Review" (
    "id" UUID NOT NULL,
    "claimId" UUID NOT NULL,
    "reviewerId" UUID NOT NULL,
    "scaleId" UUID NOT NULL,
    "ratingLabel" TEXT NOT NULL,
    "ratingValue" DOUBLE PRECISION NOT NULL,
    "normalizedRating" DOUBLE PRECISION NOT NULL,
    "explanation" TEXT,
    "url" TEXT,
    "publishedOn" DATE,
    "language" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Review_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Claim_topicSlugs_idx" ON "Claim" USING GIN ("topicSlugs");

-- CreateIndex
CREATE UNIQUE INDEX "RatingScale_slug_key" ON "RatingScale"("slug");

-- CreateIndex
CREATE INDEX "Review_reviewerId_idx" ON "Review"("reviewerId");

-- CreateIndex
CREATE INDEX "Review_scaleId_ratingLabel_idx" ON "Review"("scaleId", "ratingLabel");

-- CreateIndex
CREATE UNIQUE INDEX "Review_claimId_reviewerId_key" ON "Review"("claimId", "reviewerId");

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "Claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_reviewerId_fkey" FOREIGN KEY ("reviewerId") REFERENCES "Actor"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Review" ADD CONSTRAINT "Review_scaleId_fkey" FOREIGN KEY ("scaleId") REFERENCES "RatingScale"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- Built-in scales. Fixed ids, so that every database names them alike.
INSERT INTO "RatingScale" ("id", "slug", "name", "description", "labels", "values", "worstRating", "bestRating", "builtIn", "updatedAt") VALUES
  ('01937a00-0000-7000-8000-000000000001', 'politifact', 'PolitiFact-style Truth-O-Meter',
   'Six steps from "Pants on Fire" (worst) to "True" (best).',
   ARRAY['Pants on Fire', 'False', 'Mostly False', 'Half True', 'Mostly True', 'True'],
   ARRAY[0, 1, 2, 3, 4, 5]::DOUBLE PRECISION[], 0, 5, true, CURRENT_TIMESTAMP),
  ('01937a00-0000-7000-8000-000000000002', 'true-mixed-false', 'True / Mixed / False',
   'Three steps: FALSE (worst), MIXED, TRUE (best).',
   ARRAY['FALSE', 'MIXED', 'TRUE'],
   ARRAY[1, 2, 3]::DOUBLE PRECISION[], 1, 3, true, CURRENT_TIMESTAMP);
