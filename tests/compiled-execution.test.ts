import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import type { App } from '../src/server.js';
import { compiledExecutionStats, configureCompiledExecution } from '../src/sql/read/execute.js';
import { compiledReadStatement } from '../src/sql/statement-names.js';
import { createTokens, executeAs } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, execute, type Result } from './support/graphql.js';
import { comparable, createReferenceExecutor, type ReferenceExecutor } from './support/reference/index.js';

/**
 * Queries the read compiler plans are answered from its JSON without graphql-js's field-by-field execution
 * (src/sql/read/execute.ts). Whatever it answers must be what graphql-js answers (the differential test
 * checks that over the whole schema against a reference); these cases check that it takes the queries it
 * should, leaves the others to graphql-js, and that either way the answer is the same.
 */

let test: TestDatabase;
let app: App;
let reference: ReferenceExecutor;

beforeAll(async () => {
  test = await createTestDatabase('compiled_execution');
  await seed(test.db.prisma);
  app = createTestApp(test, { hardening: { limits: { maxCost: Number.POSITIVE_INFINITY } } });
  reference = createReferenceExecutor(test.db.prisma);
});
afterAll(() => {
  configureCompiledExecution({ enabled: true });
  return test?.close();
});

/** The answer with direct execution on, how it was executed, the SQL it sent; and graphql-js's answer with it off. */
async function both(query: string, variables?: Record<string, unknown>, headers?: Record<string, string>) {
  const send = async () => {
    if (!headers) return execute(app, query, variables);
    const response = await app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers },
      body: JSON.stringify({ query, variables }),
    });
    return (await response.json()) as Result;
  };
  configureCompiledExecution({ enabled: false });
  const reference = await send();
  configureCompiledExecution({ enabled: true });
  const before = compiledExecutionStats();
  test.resetQueries();
  const answer = await send();
  const sql = [...test.queries];
  const after = compiledExecutionStats();
  return { answer, reference, direct: after.direct - before.direct, graphqlJs: after.graphqlJs - before.graphqlJs, sql };
}

const NESTED = `query Nested($withStances: Boolean!, $skipSource: Boolean!, $first: Int) {
  __typename
  china: actor(slug: "china") { __typename ...ActorBits statements(first: $first) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { slug } } } }
  statements(first: 3) {
    edges { node {
      __typename slug kind saidOn retracted
      speaker { slug name kind }
      source @skip(if: $skipSource) { slug publishedOn }
      stances @include(if: $withStances) { position claim { slug status text } }
      thread { slug }
    } }
  }
  claims(first: 2) { totalCount edges { node { slug createdAt } } }
}
fragment ActorBits on Actor { id slug name aliases wikidataUrl }`;

/**
 * The answer must also be the reference executor's (tests/support/reference: resolvers over the rows, no SQL):
 * with execution off, graphql-js still reads a declared field's value from the compiled SQL, so only the
 * reference tells a declaration that answers differently from the field's resolver.
 */
async function expectReference(answer: Result, query: string, variables?: Record<string, unknown>) {
  await reference.refresh();
  const { unpredictable, ...expected } = await reference.execute(query, variables);
  if (unpredictable === undefined) expect(comparable(answer), query).toEqual(expected);
}

/** The answer of a query compiled execution must take: graphql-js's and the reference's, without errors, one direct send. */
async function sameDirect<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
  const { answer, reference, direct } = await both(query, variables);
  expect(answer.errors, query).toBeUndefined();
  expect(JSON.stringify(answer), query).toBe(JSON.stringify(reference));
  expect(direct, query).toBe(1);
  await expectReference(answer, query, variables);
  return answer.data as T;
}

describe(`compiled execution (${databaseLabel()})`, () => {
  it('answers a nested read without graphql-js, one SQL statement per root field, as graphql-js answers it', async () => {
    for (const variables of [
      { withStances: true, skipSource: false, first: 2 },
      { withStances: false, skipSource: true, first: 1 },
    ]) {
      const { answer, reference, direct, sql } = await both(NESTED, variables);
      expect(answer.errors).toBeUndefined();
      expect(JSON.stringify(answer)).toBe(JSON.stringify(reference));
      expect(direct).toBe(1);
      expect(sql).toHaveLength(3);
      const data = answer.data as { china: { slug: string; statements: { edges: unknown[] } }; statements: { edges: { node: Record<string, unknown> }[] } };
      expect(data.china.slug).toBe('china');
      expect(data.china.statements.edges).toHaveLength(variables.first);
      expect('stances' in (data.statements.edges[0]?.node ?? {})).toBe(variables.withStances);
      expect('source' in (data.statements.edges[0]?.node ?? {})).toBe(!variables.skipSource);
    }
  });

  it('resolves interfaces and unions by the row’s type: node, nodes (an unknown id is null) and _entities', async () => {
    const ids = (await execute(app, '{ statements(first: 1) { edges { node { id speaker { id } } } } }')).data as { statements: { edges: { node: { id: string; speaker: { id: string } } }[] } };
    const statement = ids.statements.edges[0]?.node;
    const unknown = Buffer.from('Actor:00000000-0000-7000-8000-000000000000').toString('base64');
    const query = `query ($ids: [ID!]!, $reps: [_Any!]!) {
      node(id: "${statement?.id}") { __typename id ... on Statement { slug } ... on Actor { name } }
      nodes(ids: $ids) { __typename ... on Actor { slug } ... on Statement { slug speaker { slug } } }
      _entities(representations: $reps) { __typename ... on Actor { slug name } ... on Statement { slug } }
    }`;
    const { answer, reference, direct } = await both(query, {
      ids: [statement?.speaker.id, unknown, statement?.id],
      reps: [{ __typename: 'Actor', slug: 'china' }, { __typename: 'Statement', id: statement?.id }],
    });
    expect(answer.errors).toBeUndefined();
    expect(JSON.stringify(answer)).toBe(JSON.stringify(reference));
    expect(direct).toBe(1);
    const data = answer.data as { node: { __typename: string }; nodes: ({ __typename: string } | null)[]; _entities: { __typename: string }[] };
    expect(data.node.__typename).toBe('Statement');
    expect(data.nodes.map((node) => node?.__typename ?? null)).toEqual(['Actor', null, 'Statement']);
    expect(data._entities.map((entity) => entity.__typename)).toEqual(['Actor', 'Statement']);
  });

  it('leaves a field the plan gives to its resolver to graphql-js, without sending its SQL twice', async () => {
    // Every field reachable from a compiled root is declared; one whose arguments the SQL will not take
    // (`similar` refuses `first: 0`) is left to its resolver, which reports them.
    const query = '{ claims(first: 2) { edges { node { slug similar(first: 0) { score } } } } }';
    const first = await both(query);
    expect(first.answer.errors?.length ?? 0).toBeGreaterThan(0);
    expect(JSON.stringify(first.answer)).toBe(JSON.stringify(first.reference));
    expect(first.direct).toBe(0);
    expect(first.graphqlJs).toBe(1);
    // The plan says a field needs its resolver before the statement is sent: it goes out once, for graphql-js.
    const compiledReads = (sql: string[]) => sql.filter((text) => text === compiledReadStatement(text.slice('SELECT ('.length, -')::text AS j'.length)));
    expect(compiledReads(first.sql)).toHaveLength(1);
    const again = await both(query);
    expect(JSON.stringify(again.answer)).toBe(JSON.stringify(first.answer));
    expect(compiledReads(again.sql)).toHaveLength(1);
    expect(again.graphqlJs).toBe(1);
  });

  it('leaves errors to graphql-js: arguments the compiler rejects, a malformed ID, a bad variable give the same errors', async () => {
    for (const [query, variables] of [
      ['{ statements(first: -1) { edges { node { slug } } } }', undefined],
      ['{ statements(after: "bm90LWEtY3Vyc29y") { edges { node { slug } } } }', undefined],
      ['{ node(id: "not-an-id") { id } }', undefined],
      ['query ($first: Int) { actors(first: $first) { totalCount } }', { first: 'many' }],
      ['{ actors(first: 5000) { totalCount } }', undefined],
    ] as const) {
      const { answer, reference, direct } = await both(query, variables);
      expect(answer.errors?.length ?? 0, `${query}: ${JSON.stringify(answer)}`).toBeGreaterThan(0);
      expect(JSON.stringify(answer), query).toBe(JSON.stringify(reference));
      expect(direct, query).toBe(0);
    }
  });

  it('leaves mutations and Apollo federated traces (ftv1) to graphql-js', async () => {
    const traced = await both('{ actor(slug: "china") { slug } }', undefined, { 'apollo-federation-include-trace': 'ftv1' });
    expect(traced.direct).toBe(0);
    expect(typeof (traced.answer.extensions as { ftv1?: unknown } | undefined)?.ftv1).toBe('string');
    expect(traced.answer.data).toEqual(traced.reference.data);
    const before = compiledExecutionStats();
    // Valid, and refused by its resolver (no token): it reached execution, and graphql-js executed it.
    const mutation = await execute(app, 'mutation { setWebhookActive(name: "none", active: false) { __typename } }');
    expect(mutation.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const after = compiledExecutionStats();
    expect(after.direct).toBe(before.direct);
    expect(after.reasons['not a query']).toBe((before.reasons['not a query'] ?? 0) + 1);
  });

  it('answers Source.text and textSha256 from SQL: the kept text and its hash, null for a source that keeps none', async () => {
    await test.db.prisma.source.create({ data: { slug: 'untexted', title: 'A source without its text' } });
    const data = await sameDirect<{ sources: { edges: { node: { slug: string; text: string | null; textSha256: string | null } }[] } }>(
      '{ sources(first: 5) { edges { node { slug text textSha256 } } } }',
    );
    const nodes = data.sources.edges.map((edge) => edge.node);
    expect(nodes.find((node) => node.slug === 'untexted')).toEqual({ slug: 'untexted', text: null, textSha256: null });
    expect(nodes.some((node) => typeof node.text === 'string' && /^[0-9a-f]{64}$/.test(node.textSha256 ?? ''))).toBe(true);
  });

  it('answers Claim.topicList from the stored labels and slugs, in the order given, empty for a claim without topics', async () => {
    const claim = await test.db.prisma.claim.findFirstOrThrow({ where: { topics: { isEmpty: false } }, orderBy: { id: 'asc' } });
    await test.db.prisma.claim.create({ data: { slug: 'no-topics', text: 'A claim filed under no topic.' } });
    const data = await sameDirect<{ claim: { topicList: { label: string; slug: string }[] }; none: { topicList: unknown[] } }>(
      'query ($slug: String!) { claim(slug: $slug) { topics topicList { __typename slug label } } none: claim(slug: "no-topics") { topicList { label } } }',
      { slug: claim.slug },
    );
    expect(data.claim.topicList.map((topic) => topic.label)).toEqual(claim.topics);
    expect(data.claim.topicList.map((topic) => topic.slug)).toEqual(claim.topicSlugs);
    expect(data.none.topicList).toEqual([]);
  });

  it('answers Claim.similar from SQL as its resolver scores it; leaves an invalid `first` to the resolver and refuses it as of a past instant', async () => {
    const query = 'query ($first: Int) { claims(first: 100) { edges { node { slug similar(first: $first) { __typename score claim { slug text } } } } } }';
    type Claims = { claims: { edges: { node: { slug: string; similar: { score: number; claim: { slug: string } }[] } }[] } };
    for (const first of [1, 3, 50]) {
      const data = await sameDirect<Claims>(query, { first });
      const similar = data.claims.edges.flatMap((edge) => edge.node.similar);
      expect(similar.length).toBeGreaterThan(0);
      expect(data.claims.edges.every((edge) => edge.node.similar.length <= first && edge.node.similar.every((scored) => scored.claim.slug !== edge.node.slug))).toBe(true);
    }
    // Default `first`, and two aliases with different `first` on one claim.
    await sameDirect('{ claim(slug: "nk-troops-kursk-8000") { similar { score claim { slug } } two: similar(first: 2) { score } } }');
    // Equal scores: by record order.
    for (const slug of ['tie-a', 'tie-b', 'tie-c', 'tie-d']) await test.db.prisma.claim.create({ data: { slug, text: 'The same words about the Varna dam, four times over.' } });
    const ties = await sameDirect<{ claim: { similar: { score: number; claim: { slug: string } }[] } }>('{ claim(slug: "tie-c") { similar(first: 2) { score claim { slug } } } }');
    expect(ties.claim.similar).toEqual([{ score: 1, claim: { slug: 'tie-a' } }, { score: 1, claim: { slug: 'tie-b' } }]);
    // Text outside ASCII: trigrams follow the database's locale, the same for the SQL and the resolver.
    for (const [slug, text] of [['cyrillic-a', 'Язовир „Варна“ е пълен до ръба.'], ['cyrillic-b', 'Язовир „Варна“ е пълен.'], ['accented', 'Le barrage de Varna est plein à ras bord.']] as const) {
      await test.db.prisma.claim.create({ data: { slug, text } });
    }
    await sameDirect('{ a: claim(slug: "cyrillic-a") { similar { score claim { slug } } } b: claim(slug: "accented") { similar { score claim { slug } } } }');
    for (const first of [0, 51]) {
      const { answer, reference, direct } = await both(query, { first });
      expect(answer.errors?.length ?? 0).toBeGreaterThan(0);
      expect(JSON.stringify(answer)).toBe(JSON.stringify(reference));
      expect(direct).toBe(0);
      await expectReference(answer, query, { first });
    }
    const asOf = await both(`{ claim(slug: "nk-troops-kursk-8000", asOf: "${new Date().toISOString()}") { similar { score } } }`);
    expect(asOf.answer.errors?.[0]?.message).toContain('Claim.similar cannot be read as of a past instant');
    expect(JSON.stringify(asOf.answer)).toBe(JSON.stringify(asOf.reference));
  });

  it('answers Actor.positions from SQL: the rule of whose stance it is, oldest first, paging both ways; leaves a bad claim reference to its resolver', async () => {
    const claims = await test.db.prisma.claim.findMany({ where: { stances: { some: {} } }, select: { id: true, slug: true }, orderBy: { id: 'asc' }, take: 3 });
    const QUERY = `query ($claim: String!, $first: Int, $after: String, $last: Int, $before: String, $all: Boolean) {
      actors(first: 100) { edges { node { slug positions(claim: $claim, first: $first, after: $after, last: $last, before: $before, includeRetracted: $all) {
        totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
        edges { cursor node { __typename position saidOn statement { slug saidOn retracted speaker { slug } onBehalfOf { slug } } } }
      } } } }
    }`;
    type Page = { totalCount: number; pageInfo: { endCursor: string | null; startCursor: string | null }; edges: unknown[] };
    type Actors = { actors: { edges: { node: { slug: string; positions: Page } }[] } };
    let held = 0;
    let pagedOn = 0;
    for (const claim of claims) {
      for (const ref of [claim.slug, Buffer.from(`Claim:${claim.id}`).toString('base64')]) {
        for (const all of [false, true]) {
          const data = await sameDirect<Actors>(QUERY, { claim: ref, first: 1, all });
          held += data.actors.edges.reduce((sum, edge) => sum + edge.node.positions.totalCount, 0);
          const paged = data.actors.edges.find((edge) => edge.node.positions.totalCount > 1)?.node.positions;
          if (paged) {
            pagedOn++;
            await sameDirect(QUERY, { claim: ref, first: 2, after: paged.pageInfo.endCursor, all });
            await sameDirect(QUERY, { claim: ref, last: 1, before: paged.pageInfo.endCursor, all });
          }
        }
      }
    }
    expect(held).toBeGreaterThan(0);
    expect(pagedOn).toBeGreaterThan(0);
    // An unknown claim: empty lists. A reference that is neither a slug nor a Claim's ID: the resolver's INVALID_ID.
    await sameDirect(QUERY, { claim: 'no-such-claim' });
    await sameDirect(QUERY, { claim: '' });
    // A Claim ID whose id is no UUID fails in the resolver's Prisma lookup (SERVICE_UNAVAILABLE), where the
    // reference says INVALID_ID: the same with and without compiled execution, not judged by the reference.
    const badRefs: [string, boolean][] = [
      ['Not a slug!', true],
      [Buffer.from('Actor:00000000-0000-7000-8000-000000000000').toString('base64'), true],
      [Buffer.from('Claim:not-a-uuid').toString('base64'), false],
    ];
    for (const [claim, judged] of badRefs) {
      const { answer, reference, direct } = await both(QUERY, { claim, first: 1 });
      expect(answer.errors?.length ?? 0, claim).toBeGreaterThan(0);
      expect(JSON.stringify(answer), claim).toBe(JSON.stringify(reference));
      expect(direct, claim).toBe(0);
      if (judged) await expectReference(answer, QUERY, { claim, first: 1 });
    }
    const asOf = await both(`{ actor(slug: "china", asOf: "${new Date().toISOString()}") { positions(claim: "${claims[0]?.slug}") { totalCount } } }`);
    expect(asOf.answer.errors?.[0]?.message).toContain('Actor.positions cannot be read as of a past instant');
    expect(JSON.stringify(asOf.answer)).toBe(JSON.stringify(asOf.reference));
  });

  it('answers Statement.quote from SQL: offsets in UTF-16 code units past characters outside the BMP, null without offsets', async () => {
    const text = 'Plain start. 😀 Then “𝒜 quoted 😀 words” and é the end.';
    const quoted = '“𝒜 quoted 😀 words”';
    const start = text.indexOf(quoted);
    const source = await test.db.prisma.source.create({ data: { slug: 'astral', title: 'Outside the BMP', text } });
    const [withQuote, without, plain] = await test.db.prisma.statement.findMany({ where: { retractedAt: null }, orderBy: { seq: 'asc' }, take: 3 });
    await test.db.prisma.statement.update({ where: { id: withQuote?.id }, data: { sourceId: source.id, quoteStart: start, quoteEnd: start + quoted.length } });
    await test.db.prisma.statement.update({ where: { id: without?.id }, data: { quoteStart: null, quoteEnd: null } });
    await test.db.prisma.statement.update({ where: { id: plain?.id }, data: { sourceId: source.id, quoteStart: 0, quoteEnd: 'Plain start.'.length } });
    type Quote = { start: number; end: number; text: string } | null;
    const data = await sameDirect<Record<'a' | 'b' | 'c', { quote: Quote }>>(
      `query ($a: String!, $b: String!, $c: String!) {
        a: statement(slug: $a) { quote { __typename start end text } }
        b: statement(slug: $b) { quote { text } }
        c: statement(slug: $c) { quote { end text start } }
      }`,
      { a: withQuote?.slug, b: without?.slug, c: plain?.slug },
    );
    expect(data.a.quote).toEqual({ __typename: 'Quote', start, end: start + quoted.length, text: quoted });
    expect(data.b.quote).toBeNull();
    expect(data.c.quote).toEqual({ end: 12, text: 'Plain start.', start: 0 });
    // Every quote of the seed too (offsets into a text of its own), on a list.
    const list = await sameDirect<{ statements: { edges: { node: { quote: Quote } }[] } }>('{ statements(first: 100, includeRetracted: true) { edges { node { slug quote { start end text } } } } }');
    expect(list.statements.edges.filter((edge) => edge.node.quote?.text).length).toBeGreaterThan(3);
  });

  it('answers Claim.reviews and every field of Review and RatingScale from SQL, nulls and rounding included; refuses them as of a past instant', async () => {
    const tokens = await createTokens(test);
    const write = async (query: string, variables: Record<string, unknown>) => {
      const result = await executeAs(app, tokens.write, query, variables);
      expect(result.errors, query).toBeUndefined();
      expect(JSON.stringify(result.data)).toContain('Success');
    };
    const [reviewed, unreviewed] = await test.db.prisma.claim.findMany({ orderBy: { id: 'asc' }, take: 2 });
    for (const slug of ['checker-one', 'checker-two']) {
      await write('mutation ($i: CreateActorInput!) { createActor(input: $i) { __typename } }', { i: { slug, name: slug, kind: 'ORGANIZATION' } });
    }
    // Values whose normalized form lands on halves at the 9th decimal: Math.round takes them up, PostgreSQL's round() to even.
    await write('mutation ($i: CreateRatingScaleInput!) { createRatingScale(input: $i) { __typename } }', {
      i: { slug: 'halves', name: 'Halves', labels: ['A', 'B', 'C', 'D', 'E'], values: [0, 0.5, 1.5, 2.5, 2e9] },
    });
    const REVIEW = 'mutation ($i: CreateReviewInput!) { createReview(input: $i) { __typename } }';
    await write(REVIEW, { i: { claim: reviewed?.slug, reviewer: 'checker-one', scale: 'halves', rating: 'b', explanation: 'Close.', url: 'https://example.org/r', publishedOn: '2024-11-02', language: 'en' } });
    await write(REVIEW, { i: { claim: reviewed?.slug, reviewer: 'checker-two', scale: 'politifact', rating: 'Half True' } });

    const FIELDS = `__typename id rating ratingValue normalizedRating explanation url publishedOn language createdAt updatedAt claim { slug } reviewer { slug kind }
      scale { __typename slug name description labels worstRating bestRating builtIn steps { __typename label value normalized } }`;
    type Review = { id: string; explanation: string | null; language: string | null; scale: { steps: { normalized: number }[] } };
    const data = await sameDirect<{ reviewed: { reviews: Review[] }; unreviewed: { reviews: Review[] } }>(
      `query ($a: String!, $b: String!) { reviewed: claim(slug: $a) { reviews { ${FIELDS} } } unreviewed: claim(slug: $b) { reviews { id } } }`,
      { a: reviewed?.slug, b: unreviewed?.slug },
    );
    const [first, second] = data.reviewed.reviews;
    expect(data.reviewed.reviews).toHaveLength(2);
    expect(data.unreviewed.reviews).toEqual([]);
    expect(first?.scale.steps.map((step) => step.normalized)).toEqual([-1, -0.999999999, -0.999999998, -0.999999997, 1]);
    expect([second?.explanation, second?.language]).toEqual([null, null]);

    // A review by its ID, and the claim it rules on through it.
    await sameDirect(`{ node(id: "${first?.id}") { __typename ... on Review { rating claim { slug topicList { slug } } scale { steps { label } } } } }`);

    // Reviews keep no revisions: as of a past instant they are refused, with or without compiled execution.
    const asOf = await both(`{ claim(slug: "${reviewed?.slug}", asOf: "${new Date().toISOString()}") { slug reviews { rating } } }`);
    expect(asOf.answer.errors?.[0]?.message).toContain('Claim.reviews cannot be read as of a past instant');
    expect(JSON.stringify(asOf.answer)).toBe(JSON.stringify(asOf.reference));
  });

  it('answers many clients at once as graphql-js answers each alone', async () => {
    const queries = [
      ...['china', 'russia', 'north-korea', 'no-such-actor'].map((slug) => [`{ actor(slug: "${slug}") { slug name statements(first: 3) { edges { node { slug text } } } } }`, undefined] as const),
      ['query ($n: Int) { statements(first: $n) { totalCount edges { cursor node { slug speaker { slug } } } } }', { n: 4 }] as const,
      ['{ sources(first: 2) { edges { node { slug publishedOn statements(first: 2) { totalCount } } } } }', undefined] as const,
      ['{ claims(last: 3) { pageInfo { hasPreviousPage startCursor } edges { node { slug status } } } }', undefined] as const,
    ];
    configureCompiledExecution({ enabled: false });
    const expected = await Promise.all(queries.map(([query, variables]) => execute(app, query, variables)));
    configureCompiledExecution({ enabled: true });
    const before = compiledExecutionStats().direct;
    const rounds = 5;
    const answers = await Promise.all(Array.from({ length: rounds }, () => queries.map(([query, variables]) => execute(app, query, variables))).flat());
    answers.forEach((answer, i) => expect(JSON.stringify(answer)).toBe(JSON.stringify(expected[i % queries.length])));
    expect(expected.every((answer) => !answer.errors)).toBe(true);
    expect(compiledExecutionStats().direct - before).toBe(rounds * queries.length);
  });
});
