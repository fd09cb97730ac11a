import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { promisify } from 'node:util';
import pg from 'pg';
import { BENCH, NODE22, type Request } from './contenders.js';

const run = promisify(execFile);
const TICKS_PER_SECOND = 100;

/** User + system CPU seconds of a process, from /proc (0 once it is gone). */
export function cpuSeconds(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return 0;
  }
}

/** CPU of the PostgreSQL backends serving one database (the runner's own connection left out). */
export class PostgresCpu {
  constructor(private readonly monitor: pg.Client) {}

  async snapshot(): Promise<Map<number, number>> {
    const { rows } = await this.monitor.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()');
    return new Map(rows.map((row) => [row.pid, cpuSeconds(row.pid)]));
  }

  /** CPU seconds spent between two snapshots; a backend that appeared in between counts from its start. */
  static spent(before: Map<number, number>, after: Map<number, number>): number {
    let total = 0;
    for (const [pid, seconds] of after) total += seconds - (before.get(pid) ?? 0);
    return total;
  }
}

export interface TableStats {
  seqScans: number;
  rowsRead: number;
  rowsWritten: number;
}

const BIG_TABLES = ['Statement', 'Stance', 'Claim', 'Actor', 'Source', 'Affiliation'];

/**
 * Rows read = heap rows read by sequential scans + index entries read by index scans, over the fact tables
 * (pg_stat_user_tables / pg_stat_user_indexes). PostgreSQL flushes a backend's counters when it goes idle,
 * but at most once a second; what it defers goes out up to 10 s later: callers wait (bench/run.ts) or flush
 * their own connection first (rowsReadBy).
 */
export async function tableStats(monitor: pg.Client): Promise<TableStats> {
  const { rows } = await monitor.query<{ seq_scans: string; seq_read: string; idx_read: string; written: string }>(
    `SELECT
       (SELECT COALESCE(sum(seq_scan), 0) FROM pg_stat_user_tables WHERE relname = ANY($1)) AS seq_scans,
       (SELECT COALESCE(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE relname = ANY($1)) AS seq_read,
       (SELECT COALESCE(sum(idx_tup_read), 0) FROM pg_stat_user_indexes WHERE relname = ANY($1)) AS idx_read,
       (SELECT COALESCE(sum(n_tup_ins + n_tup_upd + n_tup_del), 0) FROM pg_stat_user_tables) AS written`,
    [BIG_TABLES],
  );
  const row = rows[0];
  return { seqScans: Number(row?.seq_scans), rowsRead: Number(row?.seq_read) + Number(row?.idx_read), rowsWritten: Number(row?.written) };
}

/**
 * Rows `work` reads on `client`'s connection, as tableStats counts them: the connection's counters are
 * flushed (pg_stat_force_next_flush, PostgreSQL 15+) before they are read, so nothing is left pending. Other
 * connections' reads of the same tables in the meantime count too: run it on a quiet database.
 */
export async function rowsReadBy(client: pg.Client, work: () => Promise<unknown>): Promise<number> {
  await client.query('SELECT pg_stat_force_next_flush()');
  const before = await tableStats(client);
  await work();
  await client.query('SELECT pg_stat_force_next_flush()');
  const after = await tableStats(client);
  return after.rowsRead - before.rowsRead;
}

export interface LoadResult {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  durationS: number;
}

/** One autocannon run in its own Node 22 process. */
export async function load(request: Request, connections: number, durationS: number): Promise<LoadResult> {
  const options = JSON.stringify({ ...request, connections, duration: durationS });
  const { stdout } = await run(NODE22, ['lib/load.mjs', options], { cwd: BENCH, maxBuffer: 10 * 1024 * 1024, timeout: (durationS + 60) * 1000 });
  return JSON.parse(stdout) as LoadResult;
}
