/**
 * As-of reads against current reads (README "History and as-of reads"; the target is at most 2x), measured
 * side by side in one run: the same query with and without `asOf`, alternated, after warm-up. The data: a
 * few thousand statements imported, then re-imported with a tenth of them edited, restanced or retracted, so
 * the revision tables hold more than one version of many rows. `asOf` is read at the instant between the two
 * imports (older versions) and at the end (the current versions, found through the revision tables).
 *
 *   npx tsx bench/asof.ts                                   # embedded PGlite
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/asof.ts
 *   STATEMENTS=5000 RUNS=40 npx tsx bench/asof.ts
 */
import { importBundle } from '../src/bundle/import.js';
import type { FactBundle } from '../src/bundle/format.js';
import { executeAs } from '../tests/support/auth.js';
import { createTestDatabase, databaseLabel } from '../tests/support/database.js';
import { createTestApp } from '../tests/support/graphql.js';

const STATEMENTS = Number(process.env.STATEMENTS ?? 3000);
const RUNS = Number(process.env.RUNS ?? 30);
const ACTORS = 60;
const CLAIMS = 300;
const SIDES = ['ASSERTS', 'DENIES', 'SUPPORTS', 'QUESTIONS', 'DECLINES_TO_CONFIRM'] as const;

const day = (i: number) => new Date(Date.UTC(2020, 0, 1 + Math.floor(i / 5))).toISOString().slice(0, 10);

function bundle(edited: boolean): FactBundle {
  return {
    format: 'fact-bundle/v1',
    sources: [{ slug: 'src', title: 'Source', url: null, publisher: null, publishedOn: null, text: null }],
    actors: Array.from({ length: ACTORS }, (_, a) => ({ slug: `actor-${a}`, name: `Actor ${a}`, kind: 'STATE' as const, aliases: [], description: null, wikidataId: null, affiliations: [] })),
    claims: Array.from({ length: CLAIMS }, (_, c) => ({ slug: `claim-${c}`, text: `Claim ${c}${edited && c % 10 === 0 ? ', reworded' : ''}.`, topics: [], source: null })),
    statements: Array.from({ length: STATEMENTS }, (_, i) => {
      const touched = edited && i % 10 === 0;
      return {
        slug: `s-${i}`,
        speaker: `actor-${i % ACTORS}`,
        onBehalfOf: null,
        text: `Statement ${i}${touched ? ' (corrected)' : ''}`,
        kind: 'PARAPHRASE' as const,
        saidOn: i % 10 === 3 ? null : day(i),
        venue: null,
        source: 'src',
        respondsTo: null,
        stances: [{ claim: `claim-${i % CLAIMS}`, position: SIDES[(Math.floor(i / CLAIMS) + (touched ? 1 : 0)) % SIDES.length] as (typeof SIDES)[number] }],
        ...(edited && i % 50 === 7 ? { retraction: { at: '2024-01-01T00:00:00.000Z', by: 'bench', reason: 'withdrawn' } } : {}),
      };
    }),
  };
}

const QUERIES: Record<string, string> = {
  'claim(slug) with stances, statements page, status': `query ($asOf: DateTime) { claim(slug: "claim-7", asOf: $asOf) { text status stances { position statement { slug } } statements(first: 20) { totalCount edges { position node { slug text } } } } }`,
  'actor(slug) with a statements page and their stances': `query ($asOf: DateTime) { actor(slug: "actor-3", asOf: $asOf) { name statements(first: 20) { totalCount edges { node { slug text saidOn retracted stances { position claim { slug status } } } } } } }`,
  'statements(first: 20), newest first, with speaker': `query ($asOf: DateTime) { statements(first: 20, asOf: $asOf) { totalCount edges { node { slug text saidOn speaker { slug name } } } } }`,
  'statement(slug) with thread, stances and history': `query ($asOf: DateTime) { statement(slug: "s-20", asOf: $asOf) { text retracted thread { slug } stances { position claim { text status } } history { totalCount } } }`,
  'claims(first: 50) with status': `query ($asOf: DateTime) { claims(first: 50, asOf: $asOf) { totalCount edges { node { slug text status } } } }`,
};

const test = await createTestDatabase('asof_bench');
try {
  const started = performance.now();
  await importBundle(test.db.prisma, bundle(false));
  await new Promise((resolve) => setTimeout(resolve, 20));
  const between = new Date().toISOString();
  await new Promise((resolve) => setTimeout(resolve, 20));
  await importBundle(test.db.prisma, bundle(true));
  const end = new Date().toISOString();
  const versions = await test.db.prisma.$queryRawUnsafe<{ table: string; rows: number }[]>(
    `SELECT 'statement' AS table, count(*)::int AS rows FROM "StatementRevision" UNION ALL SELECT 'stance', count(*)::int FROM "StanceRevision" UNION ALL SELECT 'claim', count(*)::int FROM "ClaimRevision"`,
  );
  console.log(
    `[asof bench ${databaseLabel()}] ${STATEMENTS} statements by ${ACTORS} actors on ${CLAIMS} claims, imported then re-imported with a tenth changed ` +
      `(${((performance.now() - started) / 1000).toFixed(1)} s); versions kept: ${versions.map((row) => `${row.table} ${row.rows}`).join(', ')}`,
  );
  const app = createTestApp(test);
  const run = async (query: string, asOf: string | null) => {
    const result = await executeAs(app, null, query, asOf ? { asOf } : {});
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;
  const ratios: number[] = [];
  for (const [label, query] of Object.entries(QUERIES)) {
    const times: Record<'current' | 'between' | 'end', number[]> = { current: [], between: [], end: [] };
    for (let i = 0; i < 5; i++) for (const asOf of [null, between, end]) await run(query, asOf);
    for (let i = 0; i < RUNS; i++) {
      // Alternated, so drift in the machine's load falls on all three alike.
      for (const [key, asOf] of [['current', null], ['between', between], ['end', end]] as const) {
        const start = performance.now();
        await run(query, asOf);
        times[key].push(performance.now() - start);
      }
    }
    const current = median(times.current);
    const atBetween = median(times.between) / current;
    const atEnd = median(times.end) / current;
    ratios.push(atBetween, atEnd);
    console.log(`${label}: current ${current.toFixed(2)} ms; as of between the imports ${atBetween.toFixed(2)}x, as of now ${atEnd.toFixed(2)}x (medians of ${RUNS})`);
  }
  const geometric = Math.exp(ratios.reduce((sum, ratio) => sum + Math.log(ratio), 0) / ratios.length);
  console.log(`[asof bench ${databaseLabel()}] as-of / current: geometric mean ${geometric.toFixed(2)}x, worst ${Math.max(...ratios).toFixed(2)}x (target: at most 2x)`);
} finally {
  await test.close();
}
