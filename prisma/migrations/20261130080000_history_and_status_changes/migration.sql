-- History: correction notes and the other records an audit entry belongs to
ALTER TABLE "AuditEntry" ADD COLUMN "reason" TEXT,
ADD COLUMN "related" UUID[] DEFAULT ARRAY[]::UUID[];

-- DropIndex
DROP INDEX "AuditEntry_targetType_targetId_idx";

-- CreateIndex
CREATE INDEX "AuditEntry_targetType_targetId_seq_idx" ON "AuditEntry"("targetType", "targetId", "seq");

-- CreateIndex
CREATE INDEX "AuditEntry_related_idx" ON "AuditEntry" USING GIN ("related");

-- CreateTable
CREATE TABLE "ClaimStatusChange" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "seq" BIGSERIAL NOT NULL,
    "claimId" UUID NOT NULL,
    "at" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "from" "ClaimStatus" NOT NULL,
    "to" "ClaimStatus" NOT NULL,
    "action" TEXT NOT NULL,
    "writer" TEXT NOT NULL,
    "statementId" UUID,

    CONSTRAINT "ClaimStatusChange_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "ClaimStatusChange_seq_key" ON "ClaimStatusChange"("seq");

-- CreateIndex
CREATE INDEX "ClaimStatusChange_claimId_seq_idx" ON "ClaimStatusChange"("claimId", "seq");

-- AddForeignKey
ALTER TABLE "ClaimStatusChange" ADD CONSTRAINT "ClaimStatusChange_claimId_fkey" FOREIGN KEY ("claimId") REFERENCES "Claim"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The claims that already have a status other than UNRESOLVED: the change that gave it, as far as is known.
INSERT INTO "ClaimStatusChange" ("claimId", "at", "from", "to", "action", "writer")
SELECT id, "updatedAt", 'UNRESOLVED', status, 'migration', 'migration' FROM "Claim" WHERE status <> 'UNRESOLVED' ORDER BY id;
