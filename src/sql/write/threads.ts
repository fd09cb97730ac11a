import type { Prisma } from '../../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * After a statement is deleted (its responses lost their link through the foreign key), every descendant's
 * thread starts below it, and its direct responses lose their response kind. The descendants are locked.
 */
export async function cutThreadsAt(tx: Tx, deletedId: string): Promise<number> {
  return tx.$executeRawUnsafe(
    `UPDATE "Statement" SET "threadIds" = "threadIds"[array_position("threadIds", $1::uuid) + 1:],
       "responseKind" = CASE WHEN "respondsToId" IS NULL THEN NULL ELSE "responseKind" END,
       "updatedAt" = now()
     WHERE "threadIds" @> ARRAY[$1::uuid]`,
    deletedId,
  );
}
