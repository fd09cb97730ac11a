/**
 * Fills a PostgreSQL database with a deterministic, skewed fact graph through the service's own bulk path
 * (`importBundle`, in batches), for the query benchmark.
 *
 *   npm run bench:data -- --size S|M|L [--seed 1] [--url postgresql://postgres@127.0.0.1:5432/postgres]
 *
 * The database `fact_bench_<size>` is dropped and made anew on the server of --url (or BENCH_DATABASE_URL).
 *
 * Skew: 10 hot actors speak 3000, 1500, 1000, … statements; 10 hot statements (a reply chain, so the
 * last has a thread of 9) receive 200 … 2000 responses; 10 hot claims carry 3000, 1500, … stances. Those
 * counts are the same at every size, so a query on a hot record reads as much at S as at L: what grows is
 * everything around it. Everything else is uniform: most actors have a handful of statements, most
 * statements one or two stances and at most a few responses.
 */
import { parseArgs } from 'node:util';
import pg from 'pg';
import { BUNDLE_FORMAT, type BundleActor, type BundleClaim, type BundleSource, type BundleStatement, type FactBundle } from '../src/bundle/format.js';
import { importBundle } from '../src/bundle/import.js';
import { openDatabase } from '../src/db.js';
import { applyMigrations } from '../src/db/migrate.js';
import type { StancePosition } from '../src/generated/prisma/enums.js';

export const SIZES = {
  S: { actors: 1_000, statements: 20_000, claims: 5_000, hot: 1 },
  M: { actors: 10_000, statements: 200_000, claims: 50_000, hot: 1 },
  L: { actors: 20_000, statements: 1_000_000, claims: 200_000, hot: 1 },
  /** For the harness's smoke test only: hot records 100x cooler. */
  XS: { actors: 40, statements: 600, claims: 60, hot: 0.01 },
} as const;
export type Size = keyof typeof SIZES;

/** Records the benchmark's queries point at; the same slugs exist at every size. */
export const HOT = {
  actors: 10,
  statements: 10,
  claims: 10,
  /** The statement Q4 reads: 9 ancestors and 2000 responses. */
  threadStatement: 'statement-0000009',
  /** The claim Q5 reads: 3000 stances, ~750 of them DENIES. */
  claim: 'claim-000000',
  searchTerm: 'ceasefire',
  /** Q6 writes as this actor, in answer to this statement, about one of QUIET_CLAIMS: none of them hot, none on Q3's page. */
  writer: { speaker: 'actor-last', respondsTo: 'statement-quiet', source: 'source-0000' },
} as const;

export const BATCH_STATEMENTS = 20_000;

/** Claims only the write shape takes stances on, 200 so that no claim's status refresh grows much during a run. */
export const QUIET_CLAIMS = Array.from({ length: 200 }, (_, i) => `claim-quiet-${String(i).padStart(3, '0')}`);

/** The records the write shape needs, as a bundle: imported by the generator, and again (idempotently) before each run. */
export function writerBundle(): FactBundle {
  return {
    format: BUNDLE_FORMAT,
    sources: [],
    actors: [{ slug: HOT.writer.speaker, name: 'Zz Writer', kind: 'PERSON', aliases: [], description: null, wikidataId: null, affiliations: [] }],
    claims: QUIET_CLAIMS.map((slug) => ({ slug, text: `A claim only the write benchmark takes stances on (${slug}).`, topics: [], source: null })),
    statements: [
      {
        slug: HOT.writer.respondsTo,
        speaker: HOT.writer.speaker,
        onBehalfOf: null,
        text: 'A statement only the write benchmark answers.',
        kind: 'PARAPHRASE',
        saidOn: '2014-06-01',
        venue: null,
        source: HOT.writer.source,
        respondsTo: null,
        stances: [],
      },
    ],
  };
}

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

const WORDS = (
  'troops border talks sanctions minister claims denies reports alliance neutrality missile summit treaty aid strike election envoy drills exports ' +
  'official statement spokesperson press briefing foreign ministry defence region forces deployment intelligence sources confirmed unverified ' +
  'cooperation partnership security council resolution nuclear programme peninsula embassy delegation visit agreement military exercise'
).split(' ');
const POSITIONS: [StancePosition, number][] = [
  ['ASSERTS', 0.35],
  ['SUPPORTS', 0.2],
  ['DENIES', 0.25],
  ['QUESTIONS', 0.1],
  ['DECLINES_TO_CONFIRM', 0.1],
];
const KINDS = ['DIRECT_QUOTE', 'PARAPHRASE', 'REPORTED'] as const;
const RESPONSE_KINDS = ['ANSWERS', 'REBUTS', 'CRITICIZES', 'DEFLECTS', 'ENDORSES', 'CLARIFIES'] as const;
const ACTOR_KINDS = ['PERSON', 'STATE', 'GOVERNMENT_BODY', 'ORGANIZATION', 'MILITARY', 'GROUP'] as const;

const pad = (n: number, width: number) => String(n).padStart(width, '0');
export const actorSlug = (i: number) => `actor-${pad(i, 5)}`;
export const statementSlug = (i: number) => `statement-${pad(i, 7)}`;
export const claimSlug = (i: number) => `claim-${pad(i, 6)}`;
const sourceSlug = (i: number) => `source-${pad(i, 4)}`;


export interface GeneratedGraph {
  head: FactBundle;
  statementBatches: () => Generator<FactBundle>;
  totals: { actors: number; statements: number; claims: number; stances: number; responses: number; sources: number };
}

/** The whole graph as a head bundle (sources, actors, claims) and statement bundles of BATCH_STATEMENTS, in order. */
export function generate(size: Size, seed = 1): GeneratedGraph {
  const spec = SIZES[size];
  const hotQuota = (k: number, top: number) => Math.max(1, Math.round((top * spec.hot) / (k + 1)));
  const random = mulberry32(seed);
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const sentence = (words: number) => Array.from({ length: words }, () => pick(WORDS)).join(' ');
  const day = () => new Date(Date.UTC(2015, 0, 1) + int(3650) * 86_400_000).toISOString().slice(0, 10);
  const position = (): StancePosition => {
    let u = random();
    for (const [value, weight] of POSITIONS) {
      if ((u -= weight) < 0) return value;
    }
    return 'ASSERTS';
  };

  const sourceCount = Math.max(10, Math.round(spec.statements / 200));
  const sources: BundleSource[] = Array.from({ length: sourceCount }, (_, i) => ({
    slug: sourceSlug(i),
    title: `Report ${i}: ${sentence(6)}`,
    url: i % 2 === 0 ? `https://news.example/${i}` : null,
    publisher: i % 3 === 0 ? `Publisher ${i % 17}` : null,
    publishedOn: i % 4 === 0 ? null : day(),
  }));
  const actors: BundleActor[] = Array.from({ length: spec.actors }, (_, i) => ({
    slug: actorSlug(i),
    name: `Actor ${pad(i, 5)}`,
    kind: pick(ACTOR_KINDS),
    aliases: i % 5 === 0 ? [`A${i}`] : [],
    description: i % 2 === 0 ? sentence(8) : null,
    wikidataId: i % 10 === 0 ? `Q${1_000_000 + i}` : null,
    affiliations: i > 0 && random() < 0.2 ? [{ actor: actorSlug(int(i)), role: pick(['member', 'spokesperson', 'minister']), from: null, until: null }] : [],
  }));
  const claims: BundleClaim[] = Array.from({ length: spec.claims }, (_, i) => ({
    slug: claimSlug(i),
    text: `Claim ${i}: ${sentence(12)}.`,
    topics: [...new Set(Array.from({ length: 1 + int(3) }, () => pick(WORDS)))],
    source: random() < 0.2 ? sourceSlug(int(sourceCount)) : null,
  }));

  const n = spec.statements;
  const free = (taken: Int32Array, from: number) => {
    for (;;) {
      const i = from + int(n - from);
      if (taken[i] === -1) return i;
    }
  };
  const speaker = new Int32Array(n).fill(-1);
  for (let k = 0; k < HOT.actors; k++) for (let q = hotQuota(k, 3000); q > 0; q--) speaker[free(speaker, 0)] = k;
  for (let i = 0; i < n; i++) if (speaker[i] === -1) speaker[i] = HOT.actors + int(spec.actors - HOT.actors);

  const respondsTo = new Int32Array(n).fill(-1);
  for (let k = 1; k < HOT.statements; k++) respondsTo[k] = k - 1;
  for (let k = 0; k < HOT.statements; k++) for (let q = hotQuota(HOT.statements - 1 - k, 2000); q > 0; q--) respondsTo[free(respondsTo, 100)] = k;
  const depth = new Uint8Array(n);
  for (let i = 1; i < n; i++) {
    if (respondsTo[i] === -1 && i > HOT.statements && random() < 0.2) {
      const target = i - 1 - int(Math.min(i - 1, 500));
      if (target >= HOT.statements && (depth[target] ?? 0) < 12) respondsTo[i] = target;
    }
    const parent = respondsTo[i] ?? -1;
    if (parent >= 0) depth[i] = (depth[parent] ?? 0) + 1;
  }

  const hotStances: number[][] = Array.from({ length: n }, () => []);
  for (let k = 0; k < HOT.claims; k++) {
    for (let q = hotQuota(k, 3000); q > 0; q--) {
      let i = int(n);
      while (hotStances[i]?.includes(k)) i = int(n);
      hotStances[i]?.push(k);
    }
  }
  let stanceCount = 0;
  let responseCount = 0;
  const statement = (i: number): BundleStatement => {
    const claimIds = new Set(hotStances[i]);
    const wanted = 1 + (random() < 0.5 ? 1 : 0);
    while (claimIds.size < wanted) claimIds.add(HOT.claims + int(spec.claims - HOT.claims));
    stanceCount += claimIds.size;
    const parent = respondsTo[i] ?? -1;
    if (parent >= 0) responseCount += 1;
    const words = sentence(8 + int(18));
    return {
      slug: statementSlug(i),
      speaker: actorSlug(speaker[i] ?? 0),
      onBehalfOf: random() < 0.15 ? actorSlug(int(spec.actors)) : null,
      text: `${random() < 0.03 ? `${words} ${HOT.searchTerm} ${sentence(3)}` : words}.`,
      kind: pick(KINDS),
      saidOn: random() < 0.9 ? day() : null,
      venue: random() < 0.3 ? pick(['press briefing', 'interview', 'parliament', 'summit', 'statement']) : null,
      source: sourceSlug(int(sourceCount)),
      respondsTo: parent >= 0 ? { statement: statementSlug(parent), kind: pick(RESPONSE_KINDS) } : null,
      stances: [...claimIds].map((claim) => ({ claim: claimSlug(claim), position: position() })),
    };
  };
  const expectedStances = Math.round(n * 1.5);
  return {
    head: { format: BUNDLE_FORMAT, sources, actors, claims, statements: [] },
    *statementBatches() {
      for (let from = 0; from < n; from += BATCH_STATEMENTS) {
        const statements: BundleStatement[] = [];
        for (let i = from; i < Math.min(n, from + BATCH_STATEMENTS); i++) statements.push(statement(i));
        yield { format: BUNDLE_FORMAT, sources: [], actors: [], claims: [], statements };
      }
    },
    get totals() {
      return { actors: actors.length, statements: n, claims: claims.length, stances: stanceCount || expectedStances, responses: responseCount, sources: sourceCount };
    },
  };
}

export const DEFAULT_SERVER_URL = 'postgresql://postgres@127.0.0.1:5432/postgres';
export const benchDatabaseName = (size: Size) => `fact_bench_${size.toLowerCase()}`;

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  url.search = '';
  return url.toString();
}

/**
 * A fresh copy of a benchmark database, for one run: the write shape (Q6) adds statements and stances to
 * the same quiet claims, so a run on the data itself would leave the next run more to recompute. The copy
 * is a file copy (planner statistics and visibility included), replaced if one is left from a run that
 * died; `dropCopy` removes it after the run.
 */
export async function copyDatabase(serverUrl: string, from: string, to: string): Promise<string> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY($1) AND pid <> pg_backend_pid()`, [[from, to]]);
    await admin.query(`DROP DATABASE IF EXISTS "${to}"`);
    await admin.query(`CREATE DATABASE "${to}" TEMPLATE "${from}" STRATEGY FILE_COPY`);
  } finally {
    await admin.end();
  }
  return databaseUrl(serverUrl, to);
}

export async function dropCopy(serverUrl: string, database: string): Promise<void> {
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
  } finally {
    await admin.end();
  }
}

/** Drops and recreates the database, migrates it, and imports the graph in batches. Returns its URL. */
export async function buildDatabase(
  size: Size,
  options: { serverUrl?: string; seed?: number; database?: string; log?: (line: string) => void; graph?: GeneratedGraph } = {},
): Promise<string> {
  const log = options.log ?? (() => {});
  const serverUrl = options.serverUrl ?? DEFAULT_SERVER_URL;
  const database = options.database ?? benchDatabaseName(size);
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()`, [database]);
    await admin.query(`DROP DATABASE IF EXISTS "${database}"`);
    await admin.query(`CREATE DATABASE "${database}"`);
  } finally {
    await admin.end();
  }
  const url = databaseUrl(serverUrl, database);
  const setup = new pg.Client({ connectionString: url });
  await setup.connect();
  await setup.query('CREATE EXTENSION IF NOT EXISTS pg_trgm');
  await setup.end();

  const db = await openDatabase({ kind: 'postgres', url, poolMax: 2, connectTimeoutMs: 60_000 });
  try {
    await db.withSession((session) => applyMigrations(session));
    const graph = options.graph ?? generate(size, options.seed);
    const started = performance.now();
    await importBundle(db.prisma, graph.head);
    log(`head: ${graph.head.sources.length} sources, ${graph.head.actors.length} actors, ${graph.head.claims.length} claims (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    let done = 0;
    for (const batch of graph.statementBatches()) {
      await importBundle(db.prisma, batch);
      done += batch.statements.length;
      log(`statements: ${done.toLocaleString('en')} / ${SIZES[size].statements.toLocaleString('en')} (${((performance.now() - started) / 1000).toFixed(1)} s)`);
    }
    await importBundle(db.prisma, writerBundle());
    log(`totals: ${JSON.stringify(graph.totals)}`);
  } finally {
    await db.close();
  }
  const analyse = new pg.Client({ connectionString: url });
  await analyse.connect();
  await analyse.query('VACUUM ANALYZE');
  await analyse.end();
  return url;
}

async function main() {
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'S' },
      seed: { type: 'string', default: '1' },
      url: { type: 'string', default: process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL },
    },
  });
  const size = values.size.toUpperCase();
  if (!(size in SIZES)) throw new Error(`--size must be S, M, L (or XS), got ${values.size}`);
  const started = performance.now();
  const url = await buildDatabase(size as Size, {
    serverUrl: values.url,
    seed: Number(values.seed),
    log: (line) => process.stdout.write(`[bench:data ${size}] ${line}\n`),
  });
  process.stdout.write(`[bench:data ${size}] ready in ${((performance.now() - started) / 1000).toFixed(1)} s: ${url}\n`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
