import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

type Client = PrismaClient | Prisma.TransactionClient;

/** A place in the change feed: after the entry of transaction `txid` numbered `seq`. (0, 0) is the start. */
export interface ChangePosition {
  txid: bigint;
  seq: bigint;
}

export interface ChangeRow {
  seq: bigint;
  txid: bigint;
  at: Date;
  writer: string;
  action: string;
  targetType: string;
  targetId: string | null;
  targetSlug: string | null;
  before: unknown;
  after: unknown;
}

/**
 * Every transaction below the current snapshot's xmin has ended (committed or rolled back), so the entries
 * of those transactions are final: no entry can appear later among them. The feed serves only those, in
 * (txid, seq) order, so a reader that resumes after the last entry it saw never skips one that commits
 * later with a lower seq: such an entry's transaction is still running, hence at or above xmin, hence
 * after every entry served so far. A long-running writer holds the feed back until it ends.
 * The import's summary entry (targetType 'Bundle') is not a record, and webhook registrations are admin
 * configuration: both are left out.
 */
const FINISHED = `txid < (pg_snapshot_xmin(pg_current_snapshot())::text)::bigint AND "targetType" NOT IN ('Bundle', 'Webhook')`;

export async function readChanges(prisma: Client, after: ChangePosition, limit: number): Promise<ChangeRow[]> {
  return prisma.$queryRawUnsafe<ChangeRow[]>(
    `SELECT seq, txid, at, writer, action, "targetType", "targetId", "targetSlug", before, after
     FROM "AuditEntry"
     WHERE (txid, seq) > ($1::bigint, $2::bigint) AND ${FINISHED}
     ORDER BY txid, seq
     LIMIT $3::int`,
    after.txid,
    after.seq,
    limit,
  );
}

/** The position after the last entry the feed serves now: where a reader that wants only new changes starts. */
export async function changeFeedHead(prisma: Client): Promise<ChangePosition> {
  const rows = await prisma.$queryRawUnsafe<ChangePosition[]>(
    `SELECT txid, seq FROM "AuditEntry" WHERE ${FINISHED} ORDER BY txid DESC, seq DESC LIMIT 1`,
  );
  return rows[0] ?? { txid: 0n, seq: 0n };
}
