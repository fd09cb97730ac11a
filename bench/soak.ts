/**
 * Soak: holds N concurrent clients against the service until a fixed number of requests is done, then
 * reports errors (must be 0: the exit code says so), latency, and the service's memory before and after.
 *
 *   node --expose-gc --import tsx bench/soak.ts [--clients 50] [--requests 20000] [--warmup 500]
 *
 * The service runs in this process on the embedded database (memory), or on DATABASE_URL's PostgreSQL in a
 * fresh schema that is dropped afterwards. Rate limiting is off: every client comes from 127.0.0.1.
 * `--expose-gc` lets the memory figures be taken after a full collection (otherwise they include garbage).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { splitSchema } from '../src/db.js';
import { EXAMPLE_QUERY } from '../src/graphql/example-query.js';
import { createLogger } from '../src/logger.js';
import { startService } from '../src/service.js';

const { values: args } = parseArgs({
  options: {
    clients: { type: 'string', default: '50' },
    requests: { type: 'string', default: '20000' },
    warmup: { type: 'string', default: '500' },
  },
});
const clients = Number(args.clients);
const total = Number(args.requests);
const warmup = Number(args.warmup);
if (![clients, total, warmup].every((n) => Number.isInteger(n) && n >= 0) || clients < 1) {
  process.stderr.write('--clients, --requests and --warmup must be whole numbers (clients at least 1)\n');
  process.exit(2);
}

interface Operation {
  name: string;
  query: string;
  variables?: (n: number) => Record<string, unknown>;
  write?: boolean;
}

/** A mix like a public reader's, with a few writes: lookups, pages, search, nested threads. */
const MIX: Operation[] = [
  { name: 'example', query: EXAMPLE_QUERY },
  { name: 'actor', query: 'query ($s: String!) { actor(slug: $s) { name kind aliases affiliations { role organization { name } } } }', variables: () => ({ s: 'lin-jian' }) },
  { name: 'search', query: 'query ($q: String) { statements(first: 10, search: $q) { totalCount edges { node { text speaker { name } } } } }', variables: (n) => ({ q: ['troops', 'korea', 'russia', 'nato', 'kursk'][n % 5] }) },
  { name: 'claims', query: '{ claims(first: 20) { totalCount edges { node { text status stances { position statement { speaker { name } } } } } } }' },
  { name: 'thread', query: '{ statements(first: 20) { edges { node { slug thread { text speaker { name } } responses(first: 5) { totalCount edges { node { text } } } } } } }' },
  { name: 'page', query: 'query ($after: String) { actors(first: 5, after: $after) { pageInfo { endCursor hasNextPage } edges { node { slug } } } }' },
  {
    name: 'write',
    write: true,
    query: 'mutation ($slug: String!) { createActor(input: { slug: $slug, name: $slug, kind: GROUP }) { __typename ... on Error { message } } }',
    variables: (n) => ({ slug: `soak-${process.pid}-${n}` }),
  },
];
/** One write in 20 requests. */
const pick = (n: number): Operation => (n % 20 === 19 ? (MIX.at(-1) as Operation) : (MIX[n % (MIX.length - 1)] as Operation));

async function adminQuery(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: splitSchema(process.env.DATABASE_URL ?? '').connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const schema = `soak_${randomBytes(4).toString('hex')}`;
const postgres = Boolean(process.env.DATABASE_URL);
let databaseUrl: string | undefined;
if (postgres) {
  await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
  await adminQuery(`CREATE SCHEMA "${schema}"`);
  const url = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
  url.searchParams.set('schema', schema);
  databaseUrl = url.toString();
}

const config = loadConfig({
  NODE_ENV: 'production',
  PORT: '0',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_COST_PER_MINUTE: '0',
  // As behind a load balancer: the clients here share the service's event loop, and when the embedded database
  // blocks it for seconds, a 5 s keep-alive races the clients' reuse of idle connections (ECONNRESET).
  KEEP_ALIVE_TIMEOUT_MS: process.env.KEEP_ALIVE_TIMEOUT_MS ?? '65000',
  ...(databaseUrl ? { DATABASE_URL: databaseUrl, DATABASE_POOL_MAX: process.env.DATABASE_POOL_MAX ?? '10' } : { DATA_DIR: 'memory://' }),
});
const service = await startService(config, createLogger('warn'));
const token = await createToken(service.db.prisma, `soak-${process.pid}`, ['write']);

const gc = (globalThis as { gc?: () => void }).gc;
const memory = () => {
  gc?.();
  gc?.();
  const usage = process.memoryUsage();
  return { rss: usage.rss, heapUsed: usage.heapUsed };
};
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

interface Outcome {
  ok: boolean;
  ms: number;
  reason?: string;
}

async function run(n: number): Promise<Outcome> {
  const operation = pick(n);
  const started = performance.now();
  try {
    const response = await fetch(service.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
        ...(operation.write ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify({ query: operation.query, variables: operation.variables?.(n) }),
    });
    const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[]; data?: Record<string, { __typename?: string }> };
    const ms = performance.now() - started;
    if (response.status !== 200) return { ok: false, ms, reason: `${operation.name}: HTTP ${response.status}` };
    if (body.errors?.length) return { ok: false, ms, reason: `${operation.name}: ${body.errors[0]?.extensions?.code ?? 'error'}` };
    const typename = body.data?.createActor?.__typename;
    if (operation.write && typename !== 'MutationCreateActorSuccess') return { ok: false, ms, reason: `write: ${typename}` };
    return { ok: true, ms };
  } catch (error) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    return { ok: false, ms: performance.now() - started, reason: `${operation.name}: ${error instanceof Error ? error.message : String(error)}${cause}` };
  }
}

/** `clients` loops share one counter, so exactly `count` requests are sent, `clients` at a time. */
async function drive(count: number, offset: number): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      for (let n = next++; n < count; n = next++) outcomes.push(await run(offset + n));
    }),
  );
  return outcomes;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

try {
  process.stdout.write(`soak: ${clients} clients, ${total} requests (+${warmup} warm-up) on ${postgres ? 'PostgreSQL' : 'PGlite'}\n`);
  await drive(warmup, 0);
  const before = memory();
  const started = performance.now();
  const outcomes = await drive(total, warmup);
  const seconds = (performance.now() - started) / 1000;
  const after = memory();

  const failures = outcomes.filter((outcome) => !outcome.ok);
  const reasons = new Map<string, number>();
  for (const failure of failures) reasons.set(failure.reason ?? '?', (reasons.get(failure.reason ?? '?') ?? 0) + 1);
  const latencies = outcomes.map((outcome) => outcome.ms).sort((a, b) => a - b);
  const report = {
    clients,
    requests: outcomes.length,
    errors: failures.length,
    throughput: `${Math.round(outcomes.length / seconds)} req/s`,
    latency: {
      p50: `${percentile(latencies, 50).toFixed(1)} ms`,
      p95: `${percentile(latencies, 95).toFixed(1)} ms`,
      p99: `${percentile(latencies, 99).toFixed(1)} ms`,
      max: `${(latencies.at(-1) ?? 0).toFixed(1)} ms`,
    },
    memory: {
      afterGc: Boolean(gc),
      rss: `${mb(before.rss)} -> ${mb(after.rss)}`,
      heapUsed: `${mb(before.heapUsed)} -> ${mb(after.heapUsed)} (${after.heapUsed >= before.heapUsed ? '+' : ''}${mb(after.heapUsed - before.heapUsed)})`,
    },
  };
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  for (const [reason, count] of reasons) process.stdout.write(`  ${count} x ${reason}\n`);
  if (!gc) process.stdout.write('(run with node --expose-gc for memory figures after a full collection)\n');
  process.exitCode = failures.length === 0 ? 0 : 1;
} finally {
  await service.close();
  if (postgres) await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}
