import type { Prisma } from '../../generated/prisma/client.js';
import type { StancePosition } from '../../generated/prisma/enums.js';

type Tx = Prisma.TransactionClient;

export interface StanceRow {
  id: string;
  statementId: string;
  claimId: string;
  position: StancePosition;
}

/** The stances of these statements, in creation order: read after the statements are locked, so none is missed. */
export async function stancesOf(tx: Tx, statementIds: readonly string[]): Promise<StanceRow[]> {
  if (statementIds.length === 0) return [];
  return tx.$queryRawUnsafe<StanceRow[]>(`SELECT id, "statementId", "claimId", position FROM "Stance" WHERE "statementId" = ANY($1::uuid[]) ORDER BY id`, [...statementIds]);
}
