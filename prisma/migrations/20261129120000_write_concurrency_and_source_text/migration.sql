-- AlterTable
ALTER TABLE "AuditEntry" ADD COLUMN     "seq" BIGSERIAL NOT NULL;

-- AlterTable
ALTER TABLE "Source" ADD COLUMN     "text" TEXT,
ADD COLUMN     "textSha256" TEXT;

-- AlterTable
ALTER TABLE "Statement" ADD COLUMN     "quoteEnd" INTEGER,
ADD COLUMN     "quoteStart" INTEGER;

-- CreateIndex
CREATE UNIQUE INDEX "AuditEntry_seq_key" ON "AuditEntry"("seq");

-- CreateIndex
CREATE INDEX "Statement_threadIds_idx" ON "Statement" USING GIN ("threadIds");
