import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { encodeGlobalId } from '../src/builder.js';
import type { App } from '../src/server.js';
import { configurePlanCache, planCacheStats } from '../src/sql/read/plan-cache.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, execute, type Result } from './support/graphql.js';

/**
 * The read compiler's plan cache (src/sql/read/plan-cache.ts): one document sent with variables that change
 * the SQL (an `@include`, paging direction, a cursor, a blank search, `includeRetracted`, a global ID of
 * another type, a different mix of lookups) must answer each time as a fresh plan does. Each case runs its
 * variable sets with the cache off (the expected answers), then with it on in both orders, so that every
 * set is planned once and meets the other's plan once; the sets must give different answers, or a wrong
 * reuse could not show.
 */

let test: TestDatabase;
let app: App;
let ids: { statement: string; actor: string; claim: string; source: string; stance: string };

beforeAll(async () => {
  test = await createTestDatabase('plan_cache');
  await seed(test.db.prisma);
  // One retracted statement, so that includeRetracted changes answers.
  await test.db.prisma.statement.update({ where: { slug: 'lin-does-not-know-specifics' }, data: { retractedAt: new Date('2024-11-02T00:00:00Z'), retractedBy: 'test', retractionReason: 'test' } });
  const statement = await test.db.prisma.statement.findUniqueOrThrow({ where: { slug: 'lin-does-not-know-specifics' } });
  const actor = await test.db.prisma.actor.findUniqueOrThrow({ where: { slug: 'china' } });
  const claim = await test.db.prisma.claim.findFirstOrThrow({ orderBy: { slug: 'asc' } });
  const source = await test.db.prisma.source.findFirstOrThrow();
  const stance = await test.db.prisma.stance.findFirstOrThrow();
  ids = {
    statement: encodeGlobalId('Statement', statement.id),
    actor: encodeGlobalId('Actor', actor.id),
    claim: encodeGlobalId('Claim', claim.id),
    source: encodeGlobalId('Source', source.id),
    stance: encodeGlobalId('Stance', stance.id),
  };
  app = createTestApp(test, { hardening: { limits: { maxCost: Number.POSITIVE_INFINITY } } });
});
afterAll(() => {
  configurePlanCache({ maxPlans: 1_000 });
  return test?.close();
});

const answers = async (query: string, sets: Record<string, unknown>[]) => {
  const out: Result[] = [];
  for (const variables of sets) out.push(await execute(app, query, variables));
  return out;
};

/** Every variable set answers as without the cache, in either order; the answers differ from one another. */
async function expectSameAsUncached(query: string, sets: Record<string, unknown>[]) {
  configurePlanCache({ maxPlans: 0 });
  const expected = await answers(query, sets);
  expect(new Set(expected.map((answer) => JSON.stringify(answer))).size, `each variable set of this case should answer differently: ${JSON.stringify(expected)}`).toBe(sets.length);
  for (const order of [sets, [...sets].reverse()]) {
    configurePlanCache({ maxPlans: 1_000 });
    const before = planCacheStats();
    const got = await answers(query, [...order, ...order]);
    const wanted = order.map((variables) => expected[sets.indexOf(variables)]);
    expect(got).toEqual([...wanted, ...wanted]);
    // The second round reuses the plans of the first (a set that falls back to its resolver plans nothing).
    expect(planCacheStats().hits).toBeGreaterThan(before.hits);
  }
}

const STATEMENT_PAGE = `edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }`;

describe(`the plan cache reuses a plan only for requests that agree on everything it read (${databaseLabel()})`, () => {
  it('@include and @skip outcomes, on fields and on fragment spreads', async () => {
    await expectSameAsUncached(
      `query ($b: Boolean!) { statement(slug: "lin-reaffirms-neutrality") { slug text @include(if: $b) speaker @skip(if: $b) { slug } ...F @include(if: $b) } }
       fragment F on Statement { kind stances { position } }`,
      [{ b: true }, { b: false }],
    );
  });

  it('the same response key merged from two places, one of them conditional', async () => {
    await expectSameAsUncached(
      `query ($b: Boolean!) { s: statement(slug: "lin-reaffirms-neutrality") { slug } ... @include(if: $b) { s: statement(slug: "lin-reaffirms-neutrality") { text } } }`,
      [{ b: true }, { b: false }],
    );
  });

  it('first against last, and no size (the default page)', async () => {
    await expectSameAsUncached(`query ($f: Int, $l: Int) { statements(first: $f, last: $l) { ${STATEMENT_PAGE} } }`, [{ f: 2 }, { l: 2 }, {}, { f: 0 }]);
  });

  it('a cursor against none, after against before', async () => {
    configurePlanCache({ maxPlans: 0 });
    const page = await execute(app, `{ statements(first: 5) { edges { cursor } } }`);
    const cursors = (page.data as { statements: { edges: { cursor: string }[] } }).statements.edges.map((edge) => edge.cursor);
    await expectSameAsUncached(`query ($a: String, $b: String, $f: Int, $l: Int) { statements(first: $f, last: $l, after: $a, before: $b) { ${STATEMENT_PAGE} } }`, [
      { f: 2 },
      { f: 2, a: cursors[1] },
      { l: 2, b: cursors[3] },
      { f: 1, a: null },
      { f: 2, a: 'not-a-cursor' },
    ]);
  });

  it('a blank search against a search, no search and one too long', async () => {
    await expectSameAsUncached(`query ($s: String) { statements(search: $s, first: 3) { totalCount edges { node { slug } } } }`, [
      { s: '  ' },
      { s: 'North Korea' },
      { s: 'x'.repeat(201) },
    ]);
    await expectSameAsUncached(`query ($s: String) { actors(search: $s, first: 3) { edges { node { slug } } } }`, [{ s: '' }, { s: 'china' }]);
  });

  it('includeRetracted, at the root and nested', async () => {
    await expectSameAsUncached(`query ($r: Boolean) { statements(includeRetracted: $r, first: 50) { totalCount } }`, [{ r: true }, { r: false }]);
    await expectSameAsUncached(
      `query ($r: Boolean) { actor(slug: "lin-jian") { statements(includeRetracted: $r) { totalCount edges { node { slug retracted } } } } }`,
      [{ r: true }, {}],
    );
  });

  it('an argument given or null, on a nested list and a nested connection', async () => {
    await expectSameAsUncached(
      `query ($p: StancePosition, $n: Int) { claim(slug: "nk-russia-ties-not-china-concern") { stances(position: $p) { position } statements(position: $p, first: $n) { totalCount edges { position } } } }`,
      [{ p: 'QUESTIONS' }, { p: null }, { p: 'ASSERTS', n: 1 }],
    );
  });

  it('a global ID of each type, one of no known row, and one that is not an ID', async () => {
    await expectSameAsUncached(`query ($id: ID!) { node(id: $id) { __typename id ... on Statement { slug } ... on Actor { name } ... on Claim { text } } }`, [
      { id: ids.statement },
      { id: ids.actor },
      { id: ids.claim },
      { id: encodeGlobalId('Actor', '0190a8a0-0000-7000-8000-000000000000') },
      { id: 'not-an-id' },
    ]);
  });

  it('nodes: different mixes of types, orders and counts', async () => {
    await expectSameAsUncached(`query ($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on Statement { slug } ... on Actor { slug } ... on Stance { position } } }`, [
      { ids: [ids.actor, ids.statement] },
      { ids: [ids.statement, ids.actor] },
      { ids: [ids.statement] },
      { ids: [ids.stance, ids.stance, ids.actor] },
      { ids: [] },
    ]);
  });

  it('_entities: lookups by id, slug and Wikidata id, grouped differently', async () => {
    await expectSameAsUncached(
      `query ($r: [_Any!]!) { _entities(representations: $r) { __typename ... on Actor { slug } ... on Statement { slug } ... on Claim { slug } ... on Source { slug } } }`,
      [
        { r: [{ __typename: 'Actor', slug: 'china' }] },
        { r: [{ __typename: 'Actor', id: ids.actor }, { __typename: 'Statement', id: ids.statement }] },
        { r: [{ __typename: 'Statement', id: ids.statement }, { __typename: 'Actor', slug: 'russia' }, { __typename: 'Actor', wikidataId: 'Q159' }] },
        { r: [{ __typename: 'Claim', id: ids.claim }, { __typename: 'Source', id: ids.source }, { __typename: 'Claim', id: ids.actor }] },
        { r: [{ __typename: 'Actor', slug: 'russia' }, { __typename: 'Actor', slug: 'china' }] },
      ],
    );
  });

  it('dates: a valid range against one that ends before it starts (an error from the resolver)', async () => {
    await expectSameAsUncached(`query ($from: Date, $to: Date) { statements(from: $from, to: $to, includeRetracted: true) { totalCount } }`, [
      { from: '2024-01-01', to: '2024-12-31' },
      { from: '2024-12-31', to: '2024-01-01' },
      {},
    ]);
  });
});
