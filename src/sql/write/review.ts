import type { IngestionDraft, Prisma } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * Locks review drafts FOR UPDATE, ascending id, and returns them as they now are (a decision committed while
 * this waited included). Only review transactions lock drafts, and they do it before any actor, source,
 * statement or claim lock, so the write path's lock order gains a first step and no cycle.
 */
export async function lockDrafts(tx: Tx, ids: readonly string[]): Promise<IngestionDraft[]> {
  if (ids.length === 0) return [];
  return tx.$queryRaw<IngestionDraft[]>`
    SELECT * FROM "IngestionDraft" WHERE id = ANY(${[...new Set(ids)]}::uuid[]) ORDER BY id FOR UPDATE`;
}
