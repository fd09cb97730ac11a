import type { Prisma } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

export interface AuditInsert {
  writer: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetSlug: string | null;
  before: string | null;
  after: string | null;
  reason: string | null;
  related: string[];
}

/**
 * One audit entry, stamped by the database: `at` is the transaction's time (now()), as in the entries the
 * write path's SQL writes and in the revision rows the same transaction writes, so a record's revision
 * `at` is the instant an as-of read starts to see it. (Prisma's `@default(now())` is the client's clock.)
 */
export async function insertAuditEntry(tx: Tx, id: string, entry: AuditInsert): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO "AuditEntry" (id, writer, action, "targetType", "targetId", "targetSlug", before, after, reason, related)
     VALUES ($1::uuid, $2, $3, $4, $5, $6, $7::jsonb, $8::jsonb, $9, $10::uuid[])`,
    id,
    entry.writer,
    entry.action,
    entry.targetType,
    entry.targetId,
    entry.targetSlug,
    entry.before,
    entry.after,
    entry.reason,
    entry.related,
  );
}
