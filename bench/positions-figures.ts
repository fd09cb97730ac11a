/**
 * Indicative figures for positions (README "Positions and position changes"): one actor with many
 * statements on a few claims, then the time of a page of positionChanges and of Actor.positions, and of
 * recordStatement on a claim with a long history. Run: DATABASE_URL=… npx tsx bench/positions-figures.ts
 */
import { importBundle } from '../src/bundle/import.js';
import { createToken } from '../src/auth/tokens.js';
import { createTestDatabase } from '../tests/support/database.js';
import { createTestApp } from '../tests/support/graphql.js';
import { executeAs } from '../tests/support/auth.js';

const STATEMENTS = Number(process.env.STATEMENTS ?? 5000);
const CLAIMS = 10;
const SIDES = ['ASSERTS', 'DENIES', 'SUPPORTS', 'QUESTIONS', 'DECLINES_TO_CONFIRM'] as const;

const test = await createTestDatabase('positions_figures');
try {
  const day = (i: number) => new Date(Date.UTC(2020, 0, 1 + Math.floor(i / 3))).toISOString().slice(0, 10);
  await importBundle(test.db.prisma, {
    format: 'fact-bundle/v1',
    sources: [{ slug: 'src', title: 'Source', url: null, publisher: null, publishedOn: null }],
    actors: [{ slug: 'state', name: 'State', kind: 'STATE', aliases: [], description: null, wikidataId: null, affiliations: [] }],
    claims: Array.from({ length: CLAIMS }, (_, c) => ({ slug: `claim-${c}`, text: `Claim ${c}.`, topics: [], source: null })),
    statements: Array.from({ length: STATEMENTS }, (_, i) => ({
      slug: `s-${i}`, speaker: 'state', onBehalfOf: null, text: `Statement ${i}`, kind: 'PARAPHRASE', saidOn: i % 10 === 0 ? null : day(i), venue: null, source: 'src', respondsTo: null,
      stances: [{ claim: `claim-${i % CLAIMS}`, position: SIDES[Math.floor(i / CLAIMS) % SIDES.length] }],
    })),
  });
  const app = createTestApp(test);
  const token = await createToken(test.db.prisma, 'bench', ['write']);
  const time = async (label: string, runs: number, run: () => Promise<unknown>) => {
    await run();
    const took: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = performance.now();
      await run();
      took.push(performance.now() - start);
    }
    took.sort((a, b) => a - b);
    console.log(`${label}: p50 ${took[Math.floor(runs / 2)]?.toFixed(1)} ms, p90 ${took[Math.floor(runs * 0.9)]?.toFixed(1)} ms (${runs} runs)`);
  };
  const ok = async (query: string, variables?: Record<string, unknown>, bearer: string | null = null) => {
    const result = await executeAs(app, bearer, query, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return result.data;
  };
  const total = await ok('{ positionChanges(actor: "state") { totalCount } }');
  console.log(`${STATEMENTS} statements of one actor on ${CLAIMS} claims: ${JSON.stringify(total)}`);
  await time('positionChanges(actor, first: 100) with totalCount', 20, () => ok('{ positionChanges(actor: "state", first: 100) { totalCount edges { node { from to at toStatement { slug } } } } }'));
  await time('positionChanges(actor, claim, first: 100)', 20, () => ok('{ positionChanges(actor: "state", claim: "claim-3", first: 100) { edges { node { from to at } } } }'));
  await time('Actor.positions(claim, first: 100)', 20, () => ok('{ actor(slug: "state") { positions(claim: "claim-3", first: 100) { totalCount edges { node { position saidOn } } } } }'));
  let n = 0;
  await time(`recordStatement on a claim with ${STATEMENTS / CLAIMS} stances of the same actor`, 30, () =>
    ok(
      'mutation ($i: RecordStatementInput!) { recordStatement(input: $i) { __typename } }',
      { i: { slug: `new-${n++}`, speaker: 'state', text: 'x', kind: 'PARAPHRASE', source: 'src', saidOn: '2030-01-01', stances: [{ claim: 'claim-3', position: SIDES[n % 4] }] } },
      token,
    ),
  );
} finally {
  await test.close();
}
