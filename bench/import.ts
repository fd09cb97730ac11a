/**
 * Import throughput on PostgreSQL: a deterministic synthetic bundle of N statements, imported into a fresh
 * schema (first import: every row created), then again (the idempotent path: every row unchanged), then
 * with 5% of the statements edited (the update path). Prints rows/s and the SQL statements Prisma sent.
 *
 *   tsx bench/import.ts [--statements 50000] [--runs 3] [--seed 1] [--responses-first] [--baseline DIR]
 *
 * --responses-first lists every response before the statement it answers (the bundle reversed), which
 * makes the importer link responses after their targets are inserted.
 *
 * --baseline DIR compares this checkout with another (say main, unpacked with its client generated: see
 * bench/README.md), side by side in one run: each run imports the same bundle with both, in child
 * processes, in alternating order, and the ratios of the medians are printed.
 *
 * DATABASE_URL selects the server (default postgresql://postgres@127.0.0.1:5432/test); each run uses a
 * new schema, dropped afterwards.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BUNDLE_FORMAT, type BundleActor, type BundleClaim, type BundleSource, type BundleStatement, type FactBundle } from '../src/bundle/format.js';
import type { ImportReport, importBundle } from '../src/bundle/import.js';
import type { openDatabase } from '../src/db.js';
import { splitSchema } from '../src/db.js';
import type { applyMigrations } from '../src/db/migrate.js';
import { ActorKind, ResponseKind, StancePosition, StatementKind } from '../src/generated/prisma/enums.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

const TYPES = ['sources', 'actors', 'affiliations', 'claims', 'statements', 'stances'] as const;

function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const WORDS = 'troops border talks sanctions minister claims denies reports alliance neutrality missile summit treaty aid strike ceasefire election envoy drills exports'.split(' ');

/** Actors ~N/20 (40% affiliated to an earlier one), claims ~N/4, sources ~N/100, ~1.5 stances per statement, ~30% responses to an earlier statement. */
export function syntheticBundle(statements: number, seed = 1): FactBundle {
  const random = mulberry32(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const date = () => `${2020 + int(5)}-${String(1 + int(12)).padStart(2, '0')}-${String(1 + int(28)).padStart(2, '0')}`;

  const sources: BundleSource[] = Array.from({ length: Math.max(1, Math.round(statements / 100)) }, (_, i) => ({
    slug: `source-${i}`,
    title: `Report ${i}: ${sentence(6)}`,
    url: i % 2 === 0 ? `https://news.example/${i}` : null,
    publisher: i % 3 === 0 ? `Publisher ${i % 17}` : null,
    publishedOn: i % 4 === 0 ? null : date(),
  }));
  const actorCount = Math.max(2, Math.round(statements / 20));
  const actors: BundleActor[] = Array.from({ length: actorCount }, (_, i) => ({
    slug: `actor-${i}`,
    name: `Actor ${i}`,
    kind: pick(Object.values(ActorKind)),
    aliases: i % 5 === 0 ? [`A${i}`] : [],
    description: i % 2 === 0 ? sentence(8) : null,
    wikidataId: i % 10 === 0 ? `Q${1_000_000 + i}` : null,
    affiliations: i > 0 && random() < 0.4 ? [{ actor: `actor-${int(i)}`, role: pick(['member', 'spokesperson', 'minister']), from: null, until: null }] : [],
  }));
  const claimCount = Math.max(2, Math.round(statements / 4));
  const claims: BundleClaim[] = Array.from({ length: claimCount }, (_, i) => ({
    slug: `claim-${i}`,
    text: `Claim ${i}: ${sentence(12)}.`,
    topics: [...new Set(Array.from({ length: 1 + int(3) }, () => pick(WORDS)))],
    source: random() < 0.2 ? pick(sources).slug : null,
  }));
  const bundleStatements: BundleStatement[] = Array.from({ length: statements }, (_, i) => {
    const first = int(claimCount);
    const stanceClaims = random() < 0.5 ? [first] : [first, (first + 1 + int(claimCount - 1)) % claimCount];
    return {
      slug: `statement-${i}`,
      speaker: `actor-${int(actorCount)}`,
      onBehalfOf: random() < 0.3 ? `actor-${int(actorCount)}` : null,
      text: `${sentence(10 + int(20))}.`,
      kind: pick(Object.values(StatementKind)),
      saidOn: random() < 0.7 ? date() : null,
      venue: random() < 0.2 ? 'press briefing' : null,
      source: pick(sources).slug,
      respondsTo: i > 0 && random() < 0.3 ? { statement: `statement-${int(i)}`, kind: pick(Object.values(ResponseKind)) } : null,
      stances: stanceClaims.map((claim) => ({ claim: `claim-${claim}`, position: pick(Object.values(StancePosition)) })),
    };
  });
  return { format: BUNDLE_FORMAT, sources, actors, claims, statements: bundleStatements };
}

export const rowCount = (bundle: FactBundle) =>
  bundle.sources.length +
  bundle.actors.length +
  bundle.actors.reduce((sum, actor) => sum + actor.affiliations.length, 0) +
  bundle.claims.length +
  bundle.statements.length +
  bundle.statements.reduce((sum, statement) => sum + statement.stances.length, 0);

async function admin<T>(url: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: splitSchema(url).connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

interface Pass {
  seconds: number;
  queries: Map<string, number>;
  report: ImportReport;
  /** CPU seconds spent on the import by this Node process and by the PostgreSQL backend serving it (null if the backend changed). */
  cpu: { node: number; database: number } | null;
}

/** user + system CPU of a process, from /proc (Linux; clock ticks of 1/100 s). */
async function processCpuSeconds(pid: number): Promise<number | null> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8').catch(() => null);
  if (stat === null) return null;
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

const verb = (sql: string) => /^\s*(\w+)/.exec(sql)?.[1]?.toUpperCase() ?? '?';
const total = (queries: Map<string, number>) => [...queries.values()].reduce((a, b) => a + b, 0);
const summary = (queries: Map<string, number>) =>
  [...queries]
    .sort((a, b) => b[1] - a[1])
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
const touched = (report: ImportReport) => TYPES.reduce((sum, type) => sum + report[type].created + report[type].updated + report[type].unchanged + report[type].deleted, 0);

/** The importer, database opener and migration runner of a checkout: this one, or a baseline to compare with. */
async function build(root: string) {
  const load = (path: string) => import(pathToFileURL(join(root, path)).href);
  return {
    importBundle: (await load('src/bundle/import.ts')).importBundle as typeof importBundle,
    openDatabase: (await load('src/db.ts')).openDatabase as typeof openDatabase,
    applyMigrations: (await load('src/db/migrate.ts')).applyMigrations as typeof applyMigrations,
  };
}

async function run(root: string, url: string, bundle: FactBundle, edited: FactBundle): Promise<Pass[]> {
  const { importBundle, openDatabase, applyMigrations } = await build(root);
  const schema = `bench_import_${randomBytes(4).toString('hex')}`;
  await admin(url, async (client) => {
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
    await client.query(`CREATE SCHEMA "${schema}"`);
  });
  const target = new URL(splitSchema(url).connectionString);
  target.searchParams.set('schema', schema);
  let queries = new Map<string, number>();
  // One connection: the import's transaction runs on the one backend whose CPU is read.
  const db = await openDatabase({ kind: 'postgres', url: target.toString(), poolMax: 1 }, { onQuery: (sql) => queries.set(verb(sql), (queries.get(verb(sql)) ?? 0) + 1) });
  const backend = async () => ((await db.prisma.$queryRawUnsafe<{ pid: number }[]>('SELECT pg_backend_pid() AS pid'))[0]?.pid ?? -1);
  try {
    await db.withSession((session) => applyMigrations(session));
    const passes: Pass[] = [];
    for (const input of [bundle, bundle, edited]) {
      const pid = await backend();
      const databaseBefore = await processCpuSeconds(pid);
      const nodeBefore = process.cpuUsage();
      queries = new Map();
      const started = performance.now();
      const report = await importBundle(db.prisma, input);
      const seconds = (performance.now() - started) / 1000;
      const node = process.cpuUsage(nodeBefore);
      const passQueries = queries;
      queries = new Map();
      const databaseAfter = (await backend()) === pid ? await processCpuSeconds(pid) : null;
      const cpu = databaseBefore !== null && databaseAfter !== null ? { node: (node.user + node.system) / 1e6, database: databaseAfter - databaseBefore } : null;
      passes.push({ seconds, queries: passQueries, report, cpu });
    }
    return passes;
  } finally {
    await db.close();
    await admin(url, (client) => client.query(`DROP SCHEMA "${schema}" CASCADE`));
  }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] ?? 0) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2;
};

function bundles(statements: number, seed: number, responsesFirst: boolean) {
  const bundle = syntheticBundle(statements, seed);
  if (responsesFirst) bundle.statements.reverse();
  const edited = structuredClone(bundle);
  edited.statements.forEach((statement, i) => {
    if (i % 20 === 0) statement.text = `${statement.text} (edited)`;
  });
  return { bundle, edited };
}

/** One run of one checkout in a child process: its own Node, its own Prisma client. */
function runChild(root: string, args: string[]): Promise<Pass[]> {
  return new Promise((resolvePasses, reject) => {
    const child = spawn(join(ROOT, 'node_modules/.bin/tsx'), [fileURLToPath(import.meta.url), '--child', root, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`the import bench for ${root} exited with ${code}`));
      const passes = JSON.parse(out.trim().split('\n').at(-1) ?? '[]') as (Omit<Pass, 'queries'> & { queries: [string, number][] })[];
      resolvePasses(passes.map((pass) => ({ ...pass, queries: new Map(pass.queries) })));
    });
  });
}

const NAMES = ['first import (all created)', 're-import (all unchanged)', 'update 5% of statement texts'];

function printPasses(rows: number, results: Pass[][], label = '') {
  for (const [i, passes] of results.entries()) {
    const last = passes.at(-1);
    if (!last) continue;
    const seconds = median(passes.map((pass) => pass.seconds));
    const sql = total(last.queries);
    process.stdout.write(
      `${label}${NAMES[i]}: median ${seconds.toFixed(2)} s (min ${Math.min(...passes.map((p) => p.seconds)).toFixed(2)}, max ${Math.max(...passes.map((p) => p.seconds)).toFixed(2)}), ` +
        `${Math.round(rows / seconds).toLocaleString('en-US')} rows/s; ${sql.toLocaleString('en-US')} SQL statements for ${touched(last.report).toLocaleString('en-US')} rows ` +
        `(${(touched(last.report) / Math.max(sql, 1)).toFixed(1)} rows per statement): ${summary(last.queries)}\n`,
    );
    const cpus = passes.flatMap((pass) => (pass.cpu ? [pass.cpu] : []));
    if (cpus.length > 0) {
      const node = median(cpus.map((cpu) => cpu.node));
      const database = median(cpus.map((cpu) => cpu.database));
      process.stdout.write(
        `${' '.repeat(label.length)}  CPU (median): Node ${node.toFixed(2)} s + PostgreSQL backend ${database.toFixed(2)} s = ${(node + database).toFixed(2)} s, ` +
          `${Math.round(rows / (node + database)).toLocaleString('en-US')} rows per CPU-second\n`,
      );
    }
    if (!label) process.stdout.write(`  report: ${TYPES.map((type) => `${type} ${JSON.stringify(last.report[type])}`).join('; ')}\n`);
  }
}

async function main() {
  const { values } = parseArgs({
    options: {
      statements: { type: 'string', default: '50000' },
      runs: { type: 'string', default: '3' },
      seed: { type: 'string', default: '1' },
      'responses-first': { type: 'boolean', default: false },
      baseline: { type: 'string' },
      child: { type: 'string' },
    },
  });
  const statements = Number(values.statements);
  const runs = Number(values.runs);
  const url = process.env.DATABASE_URL || 'postgresql://postgres@127.0.0.1:5432/test';
  const { bundle, edited } = bundles(statements, Number(values.seed), values['responses-first']);

  if (values.child) {
    const passes = await run(resolve(values.child), url, bundle, edited);
    process.stdout.write(`${JSON.stringify(passes.map((pass) => ({ ...pass, queries: [...pass.queries] })))}\n`);
    return;
  }

  const rows = rowCount(bundle);
  const counts = TYPES.map((type) => `${type} ${type === 'affiliations' ? bundle.actors.reduce((n, a) => n + a.affiliations.length, 0) : type === 'stances' ? bundle.statements.reduce((n, s) => n + s.stances.length, 0) : bundle[type].length}`);
  const server = await admin(url, async (client) => (await client.query<{ server_version: string }>('SHOW server_version')).rows[0]?.server_version ?? '?');
  const order = values['responses-first'] ? 'each listed before the statement it answers' : 'each listed after the statement it answers';
  process.stdout.write(`Synthetic bundle: ${rows} rows (${counts.join(', ')}); ${bundle.statements.filter((s) => s.respondsTo).length} responses, ${order}.\n`);
  process.stdout.write(`PostgreSQL ${server}, Node ${process.version}, ${runs} run(s), each in a fresh schema.\n\n`);

  if (!values.baseline) {
    const results: Pass[][] = [[], [], []];
    for (let r = 0; r < runs; r += 1) {
      const passes = await run(ROOT, url, bundle, edited);
      passes.forEach((pass, i) => results[i]?.push(pass));
      process.stdout.write(`run ${r + 1}: ${passes.map((pass) => `${pass.seconds.toFixed(2)} s`).join(' / ')}\n`);
    }
    process.stdout.write('\n');
    printPasses(rows, results);
    return;
  }

  const baseline = resolve(values.baseline);
  const args = ['--statements', String(statements), '--seed', String(values.seed), ...(values['responses-first'] ? ['--responses-first'] : [])];
  const results: Record<'ours' | 'baseline', Pass[][]> = { ours: [[], [], []], baseline: [[], [], []] };
  for (let r = 0; r < runs; r += 1) {
    for (const which of r % 2 === 0 ? (['baseline', 'ours'] as const) : (['ours', 'baseline'] as const)) {
      const passes = await runChild(which === 'ours' ? ROOT : baseline, args);
      passes.forEach((pass, i) => results[which][i]?.push(pass));
      process.stdout.write(`run ${r + 1} ${which.padEnd(8)}: ${passes.map((pass) => `${pass.seconds.toFixed(2)} s`).join(' / ')}\n`);
    }
  }
  process.stdout.write(`\nbaseline = ${baseline}\n`);
  printPasses(rows, results.baseline, 'baseline  ');
  printPasses(rows, results.ours, 'this tree ');
  process.stdout.write('\nthis tree / baseline, ratios of the medians (wall-clock throughput; CPU seconds spent, Node + PostgreSQL backend):\n');
  const cpuTotal = (passes: Pass[] | undefined) => median((passes ?? []).flatMap((pass) => (pass.cpu ? [pass.cpu.node + pass.cpu.database] : [])));
  for (const [i, name] of NAMES.entries()) {
    const ours = median(results.ours[i]?.map((pass) => pass.seconds) ?? []);
    const theirs = median(results.baseline[i]?.map((pass) => pass.seconds) ?? []);
    const paired = (results.ours[i] ?? []).map((pass, r) => (results.baseline[i]?.[r]?.seconds ?? 0) / pass.seconds);
    process.stdout.write(
      `  ${name}: throughput ${(theirs / ours).toFixed(2)}x (per run: ${paired.map((ratio) => `${ratio.toFixed(2)}x`).join(', ')}); ` +
        `CPU ${(cpuTotal(results.baseline[i]) / cpuTotal(results.ours[i])).toFixed(2)}x less\n`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
