/**
 * Writers at once, on PostgreSQL. Two benchmarks:
 *
 *   tsx bench/concurrency.ts [--workers 16] [--operations 150] [--seed 1]
 *     The longer run of the concurrency checker of tests/concurrency.test.ts: more workers, more writes.
 *     Prints throughput, the service's transaction retries and every invariant broken (exit 1 if any).
 *
 *   tsx bench/concurrency.ts --q6 --baseline DIR [--connections 10] [--seconds 10] [--turns 3]
 *     recordStatement (the benchmark's Q6: a response with one stance) under concurrency, this tree against
 *     another checkout (say main; see bench/README.md), side by side: each turn runs both, in child processes,
 *     in alternating order, on two workloads: stances spread over 200 quiet claims, and every stance on one
 *     hot claim (whose lock the writers must take in turn). A counting pass first runs 20 requests through a
 *     proxy that counts the SQL statements each build sends per request, BEGIN and COMMIT included.
 *
 * DATABASE_URL selects the server (default postgresql://postgres@127.0.0.1:5432/test); each run uses a new
 * schema, dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { createToken } from '../src/auth/tokens.js';
import type { seed } from '../src/bundle/seed.js';
import type { importBundle } from '../src/bundle/import.js';
import { type Database, openDatabase as openOurDatabase, splitSchema } from '../src/db.js';
import type { openDatabase } from '../src/db.js';
import type { applyMigrations } from '../src/db/migrate.js';
import type { createLogger } from '../src/logger.js';
import type { createApp } from '../src/server.js';
import { retryCounts } from '../src/write/transaction.js';
import { check, runWorkers } from '../tests/support/concurrency-checker.js';
import { StatementCounter } from './lib/sql-proxy.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const URL_DEFAULT = 'postgresql://postgres@127.0.0.1:5432/test';
const Q6 = `mutation Q6($input: RecordStatementInput!) { recordStatement(input: $input) { __typename ... on MutationRecordStatementSuccess { data { slug text responseKind speaker { slug } stances { position claim { slug } } } } ... on Error { message } } }`;
const QUIET_CLAIMS = 200;

async function withAdmin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: splitSchema(url).connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** A fresh schema on the server, and a URL that selects it. */
async function freshSchema(url: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const schema = `bench_writes_${randomBytes(4).toString('hex')}`;
  await withAdmin(url, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
    await client.query(`CREATE SCHEMA "${schema}"`);
  });
  const target = new URL(splitSchema(url).connectionString);
  target.searchParams.set('schema', schema);
  return { url: target.toString(), drop: () => withAdmin(url, (client) => client.query(`DROP SCHEMA "${schema}" CASCADE`).then(() => undefined)) };
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};
const percentile = (values: number[], p: number) => [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((values.length * p) / 100))] ?? 0;

async function checker(options: { workers: number; operations: number; seed: number }) {
  const { url, drop } = await freshSchema(process.env.DATABASE_URL || URL_DEFAULT);
  let db: Database | undefined;
  try {
    const { applyMigrations } = await import('../src/db/migrate.js');
    const { createApp } = await import('../src/server.js');
    const { createLogger } = await import('../src/logger.js');
    db = await openOurDatabase({ kind: 'postgres', url, poolMax: options.workers + 4 });
    const opened = db;
    await opened.withSession((session) => applyMigrations(session));
    const app = createApp({ prisma: opened.prisma, logger: createLogger('silent'), graphiql: false, checkDatabase: async () => undefined });
    const execute = async (token: string | null, query: string, variables?: Record<string, unknown>) => {
      const response = await app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return (await response.json()) as Awaited<ReturnType<Parameters<typeof runWorkers>[1]['execute']>>;
    };
    const retries = retryCounts.retries;
    const run = await runWorkers(opened.prisma, { execute }, options);
    const verdict = await check(opened.prisma, run);
    const acknowledged = run.outcomes.filter((outcome) => outcome.result === 'ok').length;
    const unavailable = run.outcomes.filter((outcome) => outcome.result === 'unavailable').length;
    process.stdout.write(
      `seed ${options.seed}: ${run.outcomes.length} writes by ${options.workers} workers in ${run.seconds.toFixed(1)} s ` +
        `(${(run.outcomes.length / run.seconds).toFixed(1)} writes/s, ${(acknowledged / run.seconds).toFixed(1)} acknowledged/s); ` +
        `${retryCounts.retries - retries} transaction retries inside the service, ${retryCounts.exhausted} given up, ${unavailable} SERVICE_UNAVAILABLE answers\n`,
    );
    for (const [key, count] of Object.entries(verdict.counts).sort()) process.stdout.write(`  ${key}: ${count}\n`);
    if (verdict.problems.length > 0) {
      process.stdout.write(`\n${verdict.problems.length} invariant(s) broken:\n${verdict.problems.slice(0, 50).map((problem) => `  ${problem}`).join('\n')}\n`);
      process.stdout.write(`replay: DATABASE_URL=… npx tsx bench/concurrency.ts --workers ${options.workers} --operations ${options.operations} --seed ${options.seed}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write('every invariant held\n');
    }
  } finally {
    await db?.close();
    await drop();
  }
}

interface Turn {
  requests: number;
  errors: number;
  seconds: number;
  p50: number;
  p99: number;
  statementsPerRequest: number;
  retries: number | null;
  /** CPU milliseconds per request: this process (service and load generator) and the pool's PostgreSQL backends. */
  nodeCpuMs: number;
  databaseCpuMs: number | null;
}

/** user + system CPU of a process, from /proc (Linux; clock ticks of 1/100 s). */
async function processCpuSeconds(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Loads a checkout's own service pieces: this tree's or the baseline's. */
async function build(root: string) {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  return {
    openDatabase: (await load('src/db.ts')).openDatabase as typeof openDatabase,
    applyMigrations: (await load('src/db/migrate.ts')).applyMigrations as typeof applyMigrations,
    seed: (await load('src/bundle/seed.ts')).seed as typeof seed,
    importBundle: (await load('src/bundle/import.ts')).importBundle as typeof importBundle,
    createToken: (await load('src/auth/tokens.ts')).createToken as typeof createToken,
    createApp: (await load('src/server.ts')).createApp as typeof createApp,
    createLogger: (await load('src/logger.ts')).createLogger as typeof createLogger,
    retryCounts: ((await load('src/write/transaction.ts')) as { retryCounts?: { retries: number } }).retryCounts,
  };
}

/** One checkout, one workload: a counting pass through the statement-counting proxy, then C clients for D seconds. */
async function q6Child(root: string, scenario: 'quiet' | 'hot', connections: number, seconds: number): Promise<Turn> {
  const pieces = await build(root);
  const { url, drop } = await freshSchema(process.env.DATABASE_URL || URL_DEFAULT);
  const target = new URL(splitSchema(url).connectionString);
  const counter = new StatementCounter({ host: target.hostname, port: Number(target.port || 5432) });
  const proxied = new URL(url);
  proxied.hostname = '127.0.0.1';
  proxied.port = String(await counter.listen(0));
  const db = await pieces.openDatabase({ kind: 'postgres', url, poolMax: connections });
  const counted = await pieces.openDatabase({ kind: 'postgres', url: proxied.toString(), poolMax: 1 });
  try {
    await db.withSession((session) => pieces.applyMigrations(session));
    await pieces.seed(db.prisma);
    await pieces.importBundle(db.prisma, {
      format: 'fact-bundle/v1',
      sources: [],
      actors: [],
      claims: Array.from({ length: QUIET_CLAIMS }, (_, i) => ({ slug: `quiet-claim-${i}`, text: `Quiet claim ${i}.`, topics: [], source: null })),
      statements: [],
    });
    const token = await pieces.createToken(db.prisma, `bench-writer-${randomBytes(3).toString('hex')}`, ['write']);
    const logger = pieces.createLogger('silent');
    let sequence = 0;
    const input = () => ({
      slug: `q6-${process.pid}-${sequence++}`,
      speaker: 'russia',
      text: `Russia answers, request ${sequence}.`,
      kind: 'PARAPHRASE',
      saidOn: '2024-11-02',
      source: 'article-china-north-korea-russia',
      respondsTo: { statement: 'blinken-kursk-8000-of-10000', kind: 'REBUTS' },
      stances: [{ claim: scenario === 'hot' ? 'quiet-claim-0' : `quiet-claim-${Math.floor(Math.random() * QUIET_CLAIMS)}`, position: Math.random() < 0.5 ? 'DENIES' : 'ASSERTS' }],
    });
    const post = async (app: ReturnType<typeof createApp>) => {
      const response = await app.fetch('http://yoga/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query: Q6, variables: { input: input() } }),
      });
      const body = (await response.json()) as { data?: { recordStatement?: { __typename: string } }; errors?: unknown[] };
      return body.data?.recordStatement?.__typename === 'MutationRecordStatementSuccess';
    };

    // The counting pass: one client, through the proxy; the token lookup is part of the request.
    const countingApp = pieces.createApp({ prisma: counted.prisma, logger, graphiql: false, checkDatabase: async () => undefined });
    for (let i = 0; i < 3; i++) await post(countingApp);
    counter.reset();
    for (let i = 0; i < 20; i++) await post(countingApp);
    const statementsPerRequest = counter.statements / 20;

    const app = pieces.createApp({ prisma: db.prisma, logger, graphiql: false, checkDatabase: async () => undefined });
    // Holding `connections` transactions open at once takes every connection of the pool: their backends' pids.
    const backends = async () => {
      const pids = await Promise.all(
        Array.from({ length: connections }, () =>
          db.prisma.$transaction(async (tx) => {
            const [row] = await tx.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid FROM pg_sleep(0.05)');
            return row?.pid ?? -1;
          }),
        ),
      );
      return [...new Set(pids)].sort();
    };
    const databaseCpu = async (pids: number[]) => {
      let sum = 0;
      for (const pid of pids) {
        const cpu = await processCpuSeconds(pid);
        if (cpu === null) return null;
        sum += cpu;
      }
      return sum;
    };
    for (let i = 0; i < connections; i++) await post(app);
    const pidsBefore = await backends();
    const databaseBefore = await databaseCpu(pidsBefore);
    const nodeBefore = process.cpuUsage();
    const retriesBefore = pieces.retryCounts?.retries;
    const latencies: number[] = [];
    let errors = 0;
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: connections }, async () => {
        while (performance.now() < deadline) {
          const begun = performance.now();
          const ok = await post(app).catch(() => false);
          latencies.push(performance.now() - begun);
          if (!ok) errors += 1;
        }
      }),
    );
    const elapsed = (performance.now() - started) / 1000;
    const node = process.cpuUsage(nodeBefore);
    const databaseAfter = await databaseCpu(pidsBefore);
    const samePool = (await backends()).join() === pidsBefore.join();
    return {
      nodeCpuMs: ((node.user + node.system) / 1000) / Math.max(1, latencies.length),
      databaseCpuMs: samePool && databaseBefore !== null && databaseAfter !== null ? ((databaseAfter - databaseBefore) * 1000) / Math.max(1, latencies.length) : null,
      requests: latencies.length,
      errors,
      seconds: elapsed,
      p50: percentile(latencies, 50),
      p99: percentile(latencies, 99),
      statementsPerRequest,
      retries: pieces.retryCounts && retriesBefore !== undefined ? pieces.retryCounts.retries - retriesBefore : null,
    };
  } finally {
    await counted.close();
    await db.close();
    await counter.close();
    await drop();
  }
}

function runChild(root: string, args: string[]): Promise<Turn> {
  return new Promise((resolveTurn, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [fileURLToPath(import.meta.url), '--child', root, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolveTurn(JSON.parse(out.trim().split('\n').at(-1) ?? '{}') as Turn) : reject(new Error(`the Q6 bench for ${root} exited with ${code}`))));
  });
}

async function q6(options: { baseline: string; connections: number; seconds: number; turns: number }) {
  const baseline = resolve(options.baseline);
  const server = await withAdmin(process.env.DATABASE_URL || URL_DEFAULT, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?');
  process.stdout.write(
    `recordStatement (Q6) under concurrency: ${options.connections} clients in-process (yoga.fetch), ${options.seconds} s per turn, ${options.turns} turn(s), alternating order.\n` +
      `PostgreSQL ${server}, Node ${process.version}, pool of ${options.connections} connections per build. baseline = ${baseline}\n\n`,
  );
  for (const scenario of ['quiet', 'hot'] as const) {
    const turns: Record<'ours' | 'baseline', Turn[]> = { ours: [], baseline: [] };
    for (let t = 0; t < options.turns; t++) {
      for (const which of t % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const)) {
        const turn = await runChild(which === 'ours' ? ROOT : baseline, ['--scenario', scenario, '--connections', String(options.connections), '--seconds', String(options.seconds)]);
        turns[which].push(turn);
        process.stdout.write(
          `${scenario} turn ${t + 1} ${which.padEnd(8)}: ${(turn.requests / turn.seconds).toFixed(1)} req/s, p50 ${turn.p50.toFixed(0)} ms, p99 ${turn.p99.toFixed(0)} ms, ` +
            `${turn.errors} errors, ${turn.statementsPerRequest.toFixed(1)} SQL statements/request, CPU ms/request Node ${turn.nodeCpuMs.toFixed(1)} / PostgreSQL ${turn.databaseCpuMs === null ? '?' : turn.databaseCpuMs.toFixed(1)}` +
            `${turn.retries === null ? '' : `, ${turn.retries} retries`}\n`,
        );
      }
    }
    const rate = (which: 'ours' | 'baseline') => median(turns[which].map((turn) => turn.requests / turn.seconds));
    const p99 = (which: 'ours' | 'baseline') => median(turns[which].map((turn) => turn.p99));
    const cpu = (which: 'ours' | 'baseline', key: 'nodeCpuMs' | 'databaseCpuMs') => median(turns[which].flatMap((turn) => (turn[key] === null ? [] : [turn[key]])));
    const paired = turns.ours.map((turn, t) => (turn.requests / turn.seconds) / ((turns.baseline[t]?.requests ?? 0) / (turns.baseline[t]?.seconds ?? 1)));
    process.stdout.write(
      `${scenario === 'quiet' ? `quiet (${QUIET_CLAIMS} claims)` : 'hot (one claim)'}: this tree ${rate('ours').toFixed(1)} req/s vs baseline ${rate('baseline').toFixed(1)} req/s = ${(rate('ours') / rate('baseline')).toFixed(2)}x ` +
        `(per turn: ${paired.map((ratio) => `${ratio.toFixed(2)}x`).join(', ')}); p99 ${p99('ours').toFixed(0)} vs ${p99('baseline').toFixed(0)} ms; ` +
        `CPU ms/request Node ${cpu('ours', 'nodeCpuMs').toFixed(1)} vs ${cpu('baseline', 'nodeCpuMs').toFixed(1)}, PostgreSQL ${cpu('ours', 'databaseCpuMs').toFixed(1)} vs ${cpu('baseline', 'databaseCpuMs').toFixed(1)}\n\n`,
    );
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      workers: { type: 'string', default: '16' },
      operations: { type: 'string', default: '150' },
      seed: { type: 'string', default: '1' },
      q6: { type: 'boolean', default: false },
      baseline: { type: 'string' },
      connections: { type: 'string', default: '10' },
      seconds: { type: 'string', default: '10' },
      turns: { type: 'string', default: '3' },
      child: { type: 'string' },
      scenario: { type: 'string', default: 'quiet' },
    },
  });
  if (values.child) {
    const turn = await q6Child(resolve(values.child), values.scenario === 'hot' ? 'hot' : 'quiet', Number(values.connections), Number(values.seconds));
    process.stdout.write(`${JSON.stringify(turn)}\n`);
    return;
  }
  if (values.q6) {
    if (!values.baseline) throw new Error('--q6 compares with another checkout: give --baseline DIR');
    await q6({ baseline: values.baseline, connections: Number(values.connections), seconds: Number(values.seconds), turns: Number(values.turns) });
    return;
  }
  await checker({ workers: Number(values.workers), operations: Number(values.operations), seed: Number(values.seed) });
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
