import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

type Client = PrismaClient | Prisma.TransactionClient;

export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  auditSeq: bigint;
  event: unknown;
  attempts: number;
  leasedUntil: Date;
}

/**
 * Claims up to `limit` due deliveries for this instance until the lease ends, in one statement: rows
 * another instance is claiming at the same moment are skipped (FOR UPDATE SKIP LOCKED), and rows it has
 * claimed carry a lease that has not ended, so each delivery goes to exactly one instance. If that instance
 * dies mid-delivery, the lease runs out and another one retries it.
 */
export async function claimDueDeliveries(prisma: Client, limit: number, leaseMs: number): Promise<ClaimedDelivery[]> {
  return prisma.$queryRawUnsafe<ClaimedDelivery[]>(
    `UPDATE "WebhookDelivery" d
     SET "leasedUntil" = now() + $2::int * interval '1 millisecond', attempts = d.attempts + 1
     WHERE d.id IN (
       SELECT id FROM "WebhookDelivery"
       WHERE status = 'PENDING' AND "nextAttemptAt" <= now() AND ("leasedUntil" IS NULL OR "leasedUntil" < now())
         AND EXISTS (SELECT 1 FROM "Webhook" w WHERE w.id = "webhookId" AND w.active)
       ORDER BY "nextAttemptAt", "auditSeq"
       LIMIT $1::int
       FOR UPDATE SKIP LOCKED)
     RETURNING d.id, d."webhookId", d."auditSeq", d.event, d.attempts, d."leasedUntil"`,
    limit,
    leaseMs,
  );
}

/**
 * Only one instance at a time matches a webhook against the feed; the others skip it this round. A
 * transaction-scoped advisory lock takes no transaction id, so it does not hold back the feed it reads.
 * Duplicate fan-out would be harmless anyway: deliveries are unique per (webhook, audit entry).
 */
export async function tryLockWebhookFanOut(tx: Prisma.TransactionClient, webhookId: string): Promise<boolean> {
  const rows = await tx.$queryRawUnsafe<{ locked: boolean }[]>(
    `SELECT pg_try_advisory_xact_lock(1464156744, hashtext($1::text)) AS locked`,
    webhookId,
  );
  return rows[0]?.locked === true;
}
