import type { ClaimStatus } from '../generated/prisma/enums.js';
import type { Prisma } from '../generated/prisma/client.js';
import { chunk } from './chunk.js';
import { deriveClaimStatus, type StanceFact } from './claim-status.js';

/** Recomputes the stored status of the given claims from their stances. */
export async function refreshClaimStatuses(tx: Prisma.TransactionClient, claimIds: Iterable<string>): Promise<void> {
  const ids = [...new Set(claimIds)];
  const byStatus = new Map<ClaimStatus, string[]>();
  for (const part of chunk(ids, 5_000)) {
    const stances = await tx.stance.findMany({
      where: { claimId: { in: part }, statement: { retractedAt: null } },
      select: {
        claimId: true,
        position: true,
        statement: { select: { speakerId: true, onBehalfOfId: true, saidOn: true, seq: true } },
      },
    });
    stances.sort(
      (a, b) =>
        (a.statement.saidOn?.getTime() ?? -Infinity) - (b.statement.saidOn?.getTime() ?? -Infinity) ||
        a.statement.seq - b.statement.seq,
    );
    const facts = new Map<string, StanceFact[]>(part.map((id) => [id, []]));
    for (const [order, stance] of stances.entries()) {
      const { statement } = stance;
      facts.get(stance.claimId)?.push({
        position: stance.position,
        actorId: statement.onBehalfOfId ?? statement.speakerId,
        order,
      });
    }
    for (const [claimId, claimFacts] of facts) {
      const status = deriveClaimStatus(claimFacts);
      const group = byStatus.get(status);
      if (group) group.push(claimId);
      else byStatus.set(status, [claimId]);
    }
  }
  for (const [status, claimIdsWithStatus] of byStatus) {
    for (const part of chunk(claimIdsWithStatus, 5_000)) {
      await tx.claim.updateMany({ where: { id: { in: part }, status: { not: status } }, data: { status } });
    }
  }
}
