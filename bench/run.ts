/**
 * Query benchmark: our service against the physical limit (one hand-written SQL statement per request) and
 * PostGraphile 5, on the same PostgreSQL database, machine, data and Node 22 binary.
 *
 *   npm run bench      issue 9's measurement: M at 10 and 50 connections, plus S and L (Q2–Q5) for the
 *                      latency-vs-size target; prints the targets table with met/missed
 *   npm run bench -- [--sizes M] [--scaling-sizes S,L] [--shapes Q1,…,Q7] [--concurrency 10,50]
 *                    [--duration 5] [--warmup 2] [--turns 2] [--pool 10] [--contenders ours,limit,postgraphile]
 *                    [--node-flags "--max-semi-space-size=32"] [--env KEY=VALUE,…]   (ours only: experiments)
 *
 * For each size (data from `npm run bench:data -- --size X`):
 *  1. counting pass: each contender alone, its database connections through a counting proxy; every
 *     shape run 10 times in a row: SQL statements and rows read per request, and the answers, which must
 *     agree (ours = the limit byte for byte after parsing; ours = PostGraphile in normal form);
 *  2. timing pass: all contenders up, connected directly; per shape and concurrency a warm-up, then turns
 *     A B C A B C of `--duration` seconds with autocannon; requests/s, p50/p99 and CPU of Node and of
 *     the PostgreSQL backends.
 * --scaling-sizes run only Q2–Q5 (the flat-cost target), at the same concurrencies; a scaling size with
 * no data is skipped (its target shows "not measured"). Ours runs as `npm start` does (scripts/start.mjs,
 * dist/ built first). Ports are free ones the system picks.
 * Writes bench/results/<date>.json, <date>.md and <date>-*.svg.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createToken } from '../src/auth/tokens.js';
import { importBundle } from '../src/bundle/import.js';
import { openDatabase } from '../src/db.js';
import { applyMigrations } from '../src/db/migrate.js';
import { benchDatabaseName, copyDatabase, databaseUrl, DEFAULT_SERVER_URL, dropCopy, HOT, QUIET_CLAIMS, SIZES, type Size, writerBundle } from './data.js';
import { normalize, postgraphileVariables } from './equivalents.js';
import { BENCH, CONTENDERS, ROOT, type ContenderId, fillOnce, NODE22, requestFor, requireTools, type ShapeInputs, startContender } from './lib/contenders.js';
import { cpuSeconds, load, type LoadResult, PostgresCpu, tableStats } from './lib/measure.js';
import { renderCharts, renderMarkdown, type Results, type SizeResults } from './lib/report.js';
import { StatementCounter } from './lib/sql-proxy.js';
import { SHAPES, type ShapeId } from './shapes.js';
import { loadTargets, ourVariables } from './variables.js';

const list = (value: string) => value.split(',').map((item) => item.trim()).filter(Boolean);

export interface RunOptions {
  sizes: Size[];
  scalingSizes: Size[];
  shapes: ShapeId[];
  concurrency: number[];
  durationS: number;
  warmupS: number;
  turns: number;
  poolMax: number;
  contenders: ContenderId[];
  countRuns: number;
  serverUrl: string;
  out: string | null;
  log: (line: string) => void;
  /** Extra node flags and environment for our service only (experiments: V8 heap sizes, plugin switches). */
  oursNodeFlags?: string[];
  oursEnv?: Record<string, string>;
}

const SCALING_SHAPES: ShapeId[] = ['Q2', 'Q3', 'Q4', 'Q5'];
/** A port nothing listens on now (the system picks it), for a contender or the counting proxy. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}
const PORTS: Record<ContenderId, number> = { ours: 0, limit: 0, postgraphile: 0 };
const contenderOptions = (id: ContenderId, options: RunOptions) =>
  id === 'ours' ? { ...(options.oursNodeFlags?.length ? { nodeFlags: options.oursNodeFlags } : {}), ...(options.oursEnv ? { env: options.oursEnv } : {}) } : {};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * How long a backend may keep the rows it read to itself. PostgreSQL (15+) flushes a backend's table and
 * index counters when it goes idle, but at most once a second: what it reads within a second of its last
 * flush waits for its idle timer, PGSTAT_IDLE_INTERVAL = 10 s after the first deferral (pgstat.c). With only
 * 1.5 s of waiting, the counting pass gave most of a fast contender's reads to the next shape (the limit's Q3
 * read 2,498 rows where its plan reads 10,001 actors alone, its Q4 18,197).
 */
const STATS_SETTLE_MS = 11_000;

/** Migrates, adds the write shape's records, a write token, and PostGraphile's thread function; returns the inputs. */
export async function prepareInputs(url: string, size: Size): Promise<ShapeInputs> {
  const check = new pg.Client({ connectionString: url });
  try {
    await check.connect();
    const found = await check.query('SELECT 1 FROM "Statement" WHERE slug = $1', [HOT.threadStatement]);
    if (found.rowCount !== 1) throw new Error('no data');
  } catch {
    await check.end().catch(() => {});
    throw new Error(`No benchmark data at ${url}: run \`npm run bench:data -- --size ${size}\` first.`);
  }
  // PostGraphile reaches a thread through a computed column; the function lives only in the benchmark's database.
  await check.query(`CREATE OR REPLACE FUNCTION "Statement_thread"(s "Statement") RETURNS SETOF "Statement" LANGUAGE sql STABLE AS
    $$ SELECT t.* FROM unnest(s."threadIds") WITH ORDINALITY u(id, ord) JOIN "Statement" t ON t.id = u.id ORDER BY u.ord $$`);
  const db = await openDatabase({ kind: 'postgres', url, poolMax: 2, connectTimeoutMs: 60_000 });
  let writeToken: string;
  try {
    await db.withSession((session) => applyMigrations(session));
    await importBundle(db.prisma, writerBundle());
    writeToken = await createToken(db.prisma, `bench-${Date.now()}`, ['write']);
  } finally {
    await db.close();
  }
  const ids = async (table: string, slugs: string[]) => {
    const { rows } = await check.query<{ id: string; slug: string }>(`SELECT id, slug FROM "${table}" WHERE slug = ANY($1)`, [slugs]);
    const bySlug = new Map(rows.map((row) => [row.slug, row.id]));
    return slugs.map((slug) => bySlug.get(slug) ?? '');
  };
  const [speakerId] = await ids('Actor', [HOT.writer.speaker]);
  const [sourceId] = await ids('Source', [HOT.writer.source]);
  const parent = (await check.query<{ id: string; threadIds: string[] }>('SELECT id, "threadIds" FROM "Statement" WHERE slug = $1', [HOT.writer.respondsTo])).rows[0];
  const claimIds = await ids('Claim', QUIET_CLAIMS);
  await check.end();

  const targets = await loadTargets(url);
  const postgraphile = postgraphileVariables(targets);
  const now = new Date().toISOString();
  postgraphile.Q6 = {
    statement: {
      rowId: '__UUID1__',
      slug: 'bench-__UNIQUE__',
      text: 'Recorded by the benchmark, __UNIQUE__.',
      kind: 'PARAPHRASE',
      saidOn: '2014-06-02',
      speakerId,
      sourceId,
      respondsToId: parent?.id,
      responseKind: 'ANSWERS',
      threadIds: [...(parent?.threadIds ?? []), parent?.id],
      updatedAt: now,
    },
    stance: { rowId: '__UUID2__', statementId: '__UUID1__', claimId: '__PICK__', position: 'DENIES', updatedAt: now },
  };
  return { ours: ourVariables(targets), postgraphile, writeToken, claimSlugs: QUIET_CLAIMS, claimIds };
}

async function countingPass(size: Size, url: string, inputs: ShapeInputs, options: RunOptions, shapes: ShapeId[]): Promise<SizeResults['counts']> {
  const counter = new StatementCounter({ host: new URL(url).hostname, port: Number(new URL(url).port || 5432) });
  const proxyPort = await freePort();
  await counter.listen(proxyPort);
  const proxied = new URL(url);
  proxied.port = String(proxyPort);
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  const counts: SizeResults['counts'] = {};
  try {
    for (const id of options.contenders) {
      PORTS[id] = await freePort();
      const probe = requestFor(id, PORTS[id], 'Q1', inputs);
      const contender = await startContender(id, { databaseUrl: proxied.toString(), port: PORTS[id], poolMax: options.poolMax, ...contenderOptions(id, options) }, probe);
      try {
        await sleep(STATS_SETTLE_MS);
        for (const shape of shapes) {
          const request = requestFor(id, PORTS[id], shape, inputs);
          const before = await tableStats(monitor);
          counter.reset();
          let first: unknown;
          let failures = 0;
          for (let n = 0; n < options.countRuns; n++) {
            const response = await fetch(request.url, { method: 'POST', headers: request.headers, body: fillOnce(request, n) });
            const text = await response.text();
            if (!response.ok || text.includes('"errors"')) failures += 1;
            if (n === 0) first = text ? JSON.parse(text) : null;
          }
          const statements = counter.statements / options.countRuns;
          await sleep(STATS_SETTLE_MS);
          const after = await tableStats(monitor);
          (counts[shape] ??= {})[id] = {
            statements,
            rowsRead: (after.rowsRead - before.rowsRead) / options.countRuns,
            seqScans: (after.seqScans - before.seqScans) / options.countRuns,
            failures,
            answer: first,
            normal: normalize(shape, id, first),
          };
          options.log(`[${size}] count ${id} ${shape}: ${statements} statements, ${Math.round((after.rowsRead - before.rowsRead) / options.countRuns)} rows read${failures ? `, ${failures} FAILED` : ''}`);
        }
      } finally {
        await contender.stop();
      }
    }
  } finally {
    await monitor.end();
    await counter.close();
  }
  return counts;
}

function verify(counts: SizeResults['counts']): SizeResults['verification'] {
  const verification: SizeResults['verification'] = {};
  for (const [shape, byContender] of Object.entries(counts)) {
    const ours = byContender.ours;
    const problems: string[] = [];
    if (!ours) continue;
    if (ours.failures) problems.push(`ours failed ${ours.failures} times`);
    const limit = byContender.limit;
    if (limit) {
      const same = shape === 'Q6' ? JSON.stringify(limit.normal) === JSON.stringify(ours.normal) : JSON.stringify(limit.answer) === JSON.stringify(ours.answer);
      if (!same) problems.push('the limit answered differently');
      if (limit.failures) problems.push(`the limit failed ${limit.failures} times`);
    }
    const postgraphile = byContender.postgraphile;
    if (postgraphile) {
      if (JSON.stringify(postgraphile.normal) !== JSON.stringify(ours.normal)) problems.push('PostGraphile answered differently');
      if (postgraphile.failures) problems.push(`PostGraphile failed ${postgraphile.failures} times`);
    }
    verification[shape] = { same: problems.length === 0, problems };
  }
  return verification;
}

async function timingPass(size: Size, url: string, inputs: ShapeInputs, options: RunOptions, shapes: ShapeId[], concurrency: number[]): Promise<SizeResults['timing']> {
  const monitor = new pg.Client({ connectionString: url });
  await monitor.connect();
  const postgresCpu = new PostgresCpu(monitor);
  const running = [];
  const timing: SizeResults['timing'] = {};
  try {
    for (const id of options.contenders) {
      PORTS[id] = await freePort();
      running.push(await startContender(id, { databaseUrl: url, port: PORTS[id], poolMax: options.poolMax, ...contenderOptions(id, options) }, requestFor(id, PORTS[id], 'Q1', inputs)));
    }
    for (const shape of shapes) {
      for (const connections of concurrency) {
        for (const contender of running) {
          await load(requestFor(contender.id, contender.port, shape, inputs), connections, options.warmupS);
        }
        const turns: Partial<Record<ContenderId, (LoadResult & { nodeCpuS: number; postgresCpuS: number })[]>> = {};
        for (let turn = 0; turn < options.turns; turn++) {
          for (const contender of running) {
            const pid = contender.process.pid ?? 0;
            const nodeBefore = cpuSeconds(pid);
            const pgBefore = await postgresCpu.snapshot();
            const result = await load(requestFor(contender.id, contender.port, shape, inputs), connections, options.durationS);
            const pgAfter = await postgresCpu.snapshot();
            (turns[contender.id] ??= []).push({ ...result, nodeCpuS: cpuSeconds(pid) - nodeBefore, postgresCpuS: PostgresCpu.spent(pgBefore, pgAfter) });
          }
        }
        for (const [id, results] of Object.entries(turns) as [ContenderId, (LoadResult & { nodeCpuS: number; postgresCpuS: number })[]][]) {
          const mean = (pick: (r: (typeof results)[number]) => number) => results.reduce((sum, r) => sum + pick(r), 0) / results.length;
          const requests = results.reduce((sum, r) => sum + r.requests, 0);
          const summary = {
            rps: mean((r) => r.rps),
            p50: mean((r) => r.p50),
            p99: mean((r) => r.p99),
            requests,
            errors: results.reduce((sum, r) => sum + r.errors + r.timeouts + r.non2xx, 0),
            nodeCpuMsPerRequest: (1000 * results.reduce((sum, r) => sum + r.nodeCpuS, 0)) / Math.max(1, requests),
            postgresCpuMsPerRequest: (1000 * results.reduce((sum, r) => sum + r.postgresCpuS, 0)) / Math.max(1, requests),
            turns: results.map(({ rps, p50, p99, requests: n }) => ({ rps, p50, p99, requests: n })),
          };
          ((timing[shape] ??= {})[String(connections)] ??= {})[id] = summary;
          options.log(`[${size}] ${shape} c=${connections} ${id}: ${summary.rps.toFixed(0)} req/s, p50 ${summary.p50} ms, p99 ${summary.p99} ms${summary.errors ? `, ${summary.errors} errors` : ''}`);
        }
      }
    }
  } finally {
    for (const contender of running) await contender.stop();
    await monitor.end();
  }
  return timing;
}

/** Whether a size's benchmark database holds data (scaling sizes without it are skipped). */
async function hasData(url: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    return (await client.query('SELECT 1 FROM "Statement" WHERE slug = $1', [HOT.threadStatement])).rowCount === 1;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => {});
  }
}

export async function runBenchmark(options: RunOptions): Promise<Results> {
  requireTools();
  // Ours runs as `npm start` does: from dist/, which must be built from this tree first (not during a warm-up).
  if (options.contenders.includes('ours')) execFileSync(process.execPath, [`${ROOT}scripts/build.mjs`, '--no-template'], { stdio: 'inherit' });
  const versions = new pg.Client({ connectionString: options.serverUrl });
  await versions.connect();
  const postgresVersion = (await versions.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?';
  await versions.end();
  const nodeVersion = execFileSync(NODE22, ['--version']).toString().trim();
  const results: Results = {
    date: new Date().toISOString(),
    machine: { cpus: (await import('node:os')).cpus().length, node: nodeVersion, postgres: postgresVersion, loadAverage: (await import('node:os')).loadavg() },
    options: { ...options, log: undefined, serverUrl: undefined },
    sizes: {},
  };
  const all = [...options.sizes.map((size) => ({ size, scaling: false })), ...options.scalingSizes.map((size) => ({ size, scaling: true }))];
  for (const { size, scaling } of all) {
    const started = performance.now();
    const source = databaseUrl(options.serverUrl, benchDatabaseName(size));
    if (!(await hasData(source))) {
      if (!scaling) throw new Error(`No benchmark data at ${source}: run \`npm run bench:data -- --size ${size}\` first.`);
      options.log(`[${size}] no benchmark data (npm run bench:data -- --size ${size}): skipped; the latency-vs-size target is not measured`);
      continue;
    }
    // Every run starts from the data as generated: Q6's writes go to a copy that is dropped afterwards.
    const copy = `${benchDatabaseName(size)}_run`;
    const url = await copyDatabase(options.serverUrl, benchDatabaseName(size), copy);
    options.log(`[${size}] running on ${copy}, a fresh copy of ${benchDatabaseName(size)} (${((performance.now() - started) / 1000).toFixed(1)} s to copy)`);
    try {
      const inputs = await prepareInputs(url, size);
      const shapes = scaling ? options.shapes.filter((shape) => SCALING_SHAPES.includes(shape)) : options.shapes;
      const concurrency = options.concurrency;
      const counts = await countingPass(size, url, inputs, options, shapes);
      const verification = verify(counts);
      for (const [shape, check] of Object.entries(verification)) {
        options.log(`[${size}] verify ${shape}: ${check.same ? 'same data from every contender' : `MISMATCH: ${check.problems.join('; ')}`}`);
      }
      const timing = await timingPass(size, url, inputs, options, shapes, concurrency);
      for (const byContender of Object.values(counts)) for (const entry of Object.values(byContender)) delete entry.answer;
      results.sizes[size] = { scaling, spec: SIZES[size], counts, verification, timing, seconds: (performance.now() - started) / 1000 };
      if (options.out) write(results, options.out);
    } finally {
      await dropCopy(options.serverUrl, copy);
    }
  }
  return results;
}

function write(results: Results, out: string) {
  mkdirSync(out, { recursive: true });
  const stem = results.date.slice(0, 10);
  writeFileSync(`${out}/${stem}.json`, `${JSON.stringify(results, null, 2)}\n`);
  const charts = renderCharts(results);
  for (const [name, svg] of Object.entries(charts)) writeFileSync(`${out}/${stem}-${name}.svg`, svg);
  writeFileSync(`${out}/${stem}.md`, renderMarkdown(results, Object.keys(charts).map((name) => `${stem}-${name}.svg`)));
}

async function main() {
  const { values } = parseArgs({
    options: {
      sizes: { type: 'string', default: 'M' },
      'scaling-sizes': { type: 'string', default: 'S,L' },
      shapes: { type: 'string', default: SHAPES.map((shape) => shape.id).join(',') },
      concurrency: { type: 'string', default: '10,50' },
      'node-flags': { type: 'string', default: '' },
      env: { type: 'string', default: '' },
      duration: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '2' },
      turns: { type: 'string', default: '2' },
      pool: { type: 'string', default: '10' },
      contenders: { type: 'string', default: CONTENDERS.join(',') },
      'count-runs': { type: 'string', default: '10' },
      out: { type: 'string', default: `${BENCH}results` },
      url: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL },
    },
  });
  const sizes = (value: string) =>
    list(value).map((size) => {
      const upper = size.toUpperCase();
      if (!(upper in SIZES)) throw new Error(`unknown size ${size}`);
      return upper as Size;
    });
  const started = performance.now();
  const results = await runBenchmark({
    sizes: sizes(values.sizes),
    scalingSizes: sizes(values['scaling-sizes']),
    shapes: list(values.shapes) as ShapeId[],
    concurrency: list(values.concurrency).map(Number),
    durationS: Number(values.duration),
    warmupS: Number(values.warmup),
    turns: Number(values.turns),
    poolMax: Number(values.pool),
    contenders: list(values.contenders) as ContenderId[],
    countRuns: Number(values['count-runs']),
    serverUrl: values.url,
    out: values.out,
    log: (line) => process.stdout.write(`${line}\n`),
    oursNodeFlags: values['node-flags'].split(/\s+/).filter(Boolean),
    ...(values.env ? { oursEnv: Object.fromEntries(list(values.env).map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)])) } : {}),
  });
  process.stdout.write(`\n${renderMarkdown(results, [])}\nDone in ${((performance.now() - started) / 60_000).toFixed(1)} min; results in ${values.out}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
