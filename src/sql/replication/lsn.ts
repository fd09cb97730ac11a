import type { PrismaClient } from '../../generated/prisma/client.js';

/** Where the primary's WAL ends now: at or after the commit record of every transaction it has acknowledged. */
export async function currentWalLsn(prisma: PrismaClient): Promise<string> {
  const rows = await prisma.$queryRawUnsafe<{ lsn: string }[]>(`SELECT pg_current_wal_lsn()::text AS lsn`);
  return rows[0]?.lsn ?? '0/0';
}

/** A replica's state: whether it is one (in recovery), and how far it has replayed the primary's WAL. */
export async function replayState(prisma: PrismaClient): Promise<{ recovering: boolean; lsn: string | null }> {
  const rows = await prisma.$queryRawUnsafe<{ recovering: boolean; lsn: string | null }[]>(
    `SELECT pg_is_in_recovery() AS recovering, pg_last_wal_replay_lsn()::text AS lsn`,
  );
  return rows[0] ?? { recovering: false, lsn: null };
}
