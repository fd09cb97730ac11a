import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import type { App } from '../src/server.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, execute, query } from './support/graphql.js';

let test: TestDatabase;
let app: App;

beforeAll(async () => {
  test = await createTestDatabase('queries');
  await seed(test.db.prisma);
  app = createTestApp(test);
});
afterAll(() => test?.close());

const slugs = (connection: { edges: { node: { slug: string } }[] }) => connection.edges.map((edge) => edge.node.slug);

describe(`queries on the seeded article (${databaseLabel()})`, () => {
  it('looks an actor up by slug, and gives null for an unknown slug', async () => {
    const data = await query(
      app,
      `{ linJian: actor(slug: "lin-jian") { name kind aliases wikidataId affiliations { role organization { slug name } } }
         nobody: actor(slug: "no-such-actor") { name } }`,
    );
    expect(data.linJian).toMatchObject({ name: 'Lin Jian', kind: 'PERSON', wikidataId: null });
    expect(data.linJian.affiliations).toContainEqual({ role: 'Spokesperson', organization: { slug: 'china-mfa', name: expect.stringContaining('Foreign Affairs') } });
    expect(data.nobody).toBeNull();
  });

  it('lists the members of an organization through their affiliations', async () => {
    const data = await query(app, `{ actor(slug: "china-mfa") { members { role actor { slug } } } }`);
    expect(data.actor.members).toContainEqual({ role: 'Spokesperson', actor: { slug: 'lin-jian' } });
  });

  it('carries Wikidata ids only where they are certain, with a link', async () => {
    const data = await query(
      app,
      `{ russia: actor(slug: "russia") { wikidataId wikidataUrl } china: actor(slug: "china") { wikidataId }
         nato: actor(slug: "nato") { wikidataId } experts: actor(slug: "diplomatic-experts") { kind wikidataId wikidataUrl } }`,
    );
    expect(data.russia).toEqual({ wikidataId: 'Q159', wikidataUrl: 'https://www.wikidata.org/wiki/Q159' });
    expect(data.china.wikidataId).toBe('Q148');
    expect(data.nato.wikidataId).toBe('Q7184');
    expect(data.experts).toEqual({ kind: 'GROUP', wikidataId: null, wikidataUrl: null });
  });

  it('filters actors by kind and searches names and aliases case-insensitively', async () => {
    const states = await query(app, `{ actors(kind: STATE, first: 100) { totalCount edges { node { slug kind } } } }`);
    expect(states.actors.edges.every((edge: { node: { kind: string } }) => edge.node.kind === 'STATE')).toBe(true);
    expect(slugs(states.actors)).toEqual(expect.arrayContaining(['china', 'russia', 'north-korea', 'united-states', 'ukraine']));
    expect(states.actors.totalCount).toBe(states.actors.edges.length);

    const byAlias = await query(app, `{ actors(search: "pYoNgYaNg") { edges { node { slug } } } }`);
    expect(slugs(byAlias.actors)).toEqual(['north-korea']);
    const byName = await query(app, `{ actors(search: "jian") { edges { node { slug } } } }`);
    expect(slugs(byName.actors)).toEqual(['lin-jian']);
    const combined = await query(app, `{ actors(search: "korea", kind: STATE) { edges { node { slug } } } }`);
    expect(slugs(combined.actors).sort()).toEqual(['north-korea', 'south-korea']);
  });

  it('treats LIKE wildcards in a search as plain characters', async () => {
    const percent = await query(app, `{ actors(search: "%") { totalCount } statements(search: "_") { totalCount } }`);
    expect(percent.actors.totalCount).toBe(0);
    expect(percent.statements.totalCount).toBe(0);
  });

  it("lists an actor's own statements, and separately those made on its behalf", async () => {
    const data = await query(
      app,
      `{ china: actor(slug: "china") {
           statements(first: 50) { totalCount edges { node { slug speaker { slug } } } }
           statementsOnBehalf(first: 50) { totalCount edges { node { slug speaker { slug } onBehalfOf { slug } } } } } }`,
    );
    const own = data.china.statements;
    expect(own.edges.every((edge: { node: { speaker: { slug: string } } }) => edge.node.speaker.slug === 'china')).toBe(true);
    expect(slugs(own)).toContain('china-not-its-concern');
    const onBehalf = data.china.statementsOnBehalf;
    expect(slugs(onBehalf)).toContain('lin-sovereign-states-own-matter');
    expect(onBehalf.edges.every((edge: { node: { onBehalfOf: { slug: string } } }) => edge.node.onBehalfOf.slug === 'china')).toBe(true);
    expect(own.totalCount).toBe(own.edges.length);
    expect(onBehalf.totalCount).toBe(onBehalf.edges.length);
  });

  it("carries Lin Jian's “two independent sovereign states” quote verbatim, as a direct quote on behalf of China", async () => {
    const data = await query(
      app,
      `{ statements(search: "two independent sovereign states") { edges { node { text kind venue speaker { name } onBehalfOf { slug } source { slug url } } } } }`,
    );
    expect(data.statements.edges).toHaveLength(1);
    expect(data.statements.edges[0].node).toEqual({
      text: 'North Korea and Russia are two independent sovereign states. How they develop bilateral relations is their own matter',
      kind: 'DIRECT_QUOTE',
      venue: 'press briefing',
      speaker: { name: 'Lin Jian' },
      onBehalfOf: { slug: 'china' },
      source: { slug: 'article-china-north-korea-russia', url: null },
    });
  });

  it('filters statements by speaker, onBehalfOf, actor, claim, source and kind', async () => {
    const data = await query(
      app,
      `{ bySpeaker: statements(speaker: "lin-jian", first: 100) { totalCount edges { node { slug speaker { slug } } } }
         byOnBehalf: statements(onBehalfOf: "china", first: 100) { totalCount edges { node { slug } } }
         byActor: statements(actor: "china", first: 100) { totalCount }
         ownChina: statements(speaker: "china", first: 100) { totalCount }
         byClaim: statements(claim: "nk-troops-kursk-8000", first: 100) { edges { node { slug stances { claim { slug } } } } }
         bySource: statements(source: "article-china-north-korea-russia") { totalCount }
         quotes: statements(kind: DIRECT_QUOTE, first: 100) { edges { node { kind } } }
         unknown: statements(speaker: "nobody-at-all") { totalCount edges { node { slug } } }
         all: statements { totalCount } }`,
    );
    expect(data.bySpeaker.totalCount).toBeGreaterThanOrEqual(3);
    expect(data.bySpeaker.edges.every((edge: { node: { speaker: { slug: string } } }) => edge.node.speaker.slug === 'lin-jian')).toBe(true);
    expect(slugs(data.byOnBehalf)).toEqual(expect.arrayContaining(slugs(data.bySpeaker)));
    expect(data.byActor.totalCount).toBe(data.byOnBehalf.totalCount + data.ownChina.totalCount);
    expect(slugs(data.byClaim)).toContain('blinken-kursk-8000-of-10000');
    for (const edge of data.byClaim.edges) {
      expect(edge.node.stances.map((stance: { claim: { slug: string } }) => stance.claim.slug)).toContain('nk-troops-kursk-8000');
    }
    expect(data.bySource.totalCount).toBe(data.all.totalCount);
    expect(data.quotes.edges.length).toBeGreaterThan(0);
    expect(data.quotes.edges.every((edge: { node: { kind: string } }) => edge.node.kind === 'DIRECT_QUOTE')).toBe(true);
    expect(data.unknown).toEqual({ totalCount: 0, edges: [] });
  });

  it('searches statement text case-insensitively', async () => {
    const data = await query(app, `{ statements(search: "AUTHORITARIAN") { edges { node { slug text } } } }`);
    expect(data.statements.edges.length).toBeGreaterThan(0);
    for (const edge of data.statements.edges) expect(edge.node.text.toLowerCase()).toContain('authoritarian');
  });

  it('answers a statement with its responses (with totalCount) and its thread, oldest first', async () => {
    const data = await query(
      app,
      `{ root: statement(slug: "china-not-its-concern") {
           thread { slug }
           responses(first: 10) { totalCount edges { node { slug responseKind respondsTo { slug } speaker { slug } } } } }
         deep: statement(slug: "experts-china-position-unlikely-to-shift") { respondsTo { slug } responseKind thread { slug } } }`,
    );
    expect(data.root.thread).toEqual([]);
    expect(data.root.responses.totalCount).toBeGreaterThanOrEqual(2);
    for (const edge of data.root.responses.edges) {
      expect(edge.node.respondsTo.slug).toBe('china-not-its-concern');
      expect(edge.node.responseKind).toBe('CRITICIZES');
      expect(edge.node.speaker.slug).toBe('volodymyr-zelenskyy');
    }
    expect(data.deep.respondsTo.slug).toBe('eu-urges-china-reconsider-neutrality');
    expect(data.deep.responseKind).toBe('ANSWERS');
    const thread = data.deep.thread.map((statement: { slug: string }) => statement.slug);
    expect(thread[0]).toBe('china-not-its-concern');
    expect(thread.at(-1)).toBe('eu-urges-china-reconsider-neutrality');
    expect(thread).toEqual(['china-not-its-concern', 'zelenskyy-silence-tacit-support', 'lin-reaffirms-neutrality', 'eu-urges-china-reconsider-neutrality']);
  });

  it('has Lin Jian deflect Zelenskyy’s criticism', async () => {
    const data = await query(app, `{ statement(slug: "lin-does-not-know-specifics") { kind responseKind respondsTo { speaker { name } } } }`);
    expect(data.statement).toEqual({ kind: 'DIRECT_QUOTE', responseKind: 'DEFLECTS', respondsTo: { speaker: { name: 'Volodymyr Zelenskyy' } } });
  });

  it('derives claim status from stances, and filters claims by status, topic and text', async () => {
    const data = await query(
      app,
      `{ contested: claims(status: CONTESTED, first: 100) { totalCount edges { node { slug status stances { position statement { speaker { slug } onBehalfOf { slug } } } } } }
         asserted: claims(status: ASSERTED, first: 100) { totalCount }
         denied: claims(status: DENIED, first: 100) { totalCount edges { node { slug } } }
         unresolved: claims(status: UNRESOLVED, first: 100) { totalCount edges { node { slug stances { position } source { slug } } } }
         all: claims(first: 100) { totalCount }
         kursk: claims(search: "kursk") { edges { node { slug text status } } }
         troops: claims(topic: "troops", first: 100) { edges { node { topics } } } }`,
    );
    expect(data.contested.totalCount).toBeGreaterThanOrEqual(1);
    for (const edge of data.contested.edges) {
      const sides = (positions: string[]) =>
        new Set(
          edge.node.stances
            .filter((stance: { position: string }) => positions.includes(stance.position))
            .map((stance: { statement: { speaker: { slug: string }; onBehalfOf: { slug: string } | null } }) => stance.statement.onBehalfOf?.slug ?? stance.statement.speaker.slug),
        );
      const pro = sides(['ASSERTS', 'SUPPORTS']);
      const con = sides(['DENIES', 'QUESTIONS']);
      expect(pro.size).toBeGreaterThan(0);
      expect(con.size).toBeGreaterThan(0);
      expect(new Set([...pro, ...con]).size).toBeGreaterThan(1);
    }
    expect(slugs(data.contested)).toContain('china-silence-tacit-support-for-russia');
    expect(slugs(data.denied)).toContain('china-knows-nk-russia-cooperation-specifics');
    for (const edge of data.unresolved.edges) {
      expect(edge.node.stances.filter((stance: { position: string }) => stance.position !== 'DECLINES_TO_CONFIRM')).toEqual([]);
    }
    expect(data.contested.totalCount + data.asserted.totalCount + data.denied.totalCount + data.unresolved.totalCount).toBe(data.all.totalCount);
    expect(data.kursk.edges.length).toBeGreaterThan(0);
    expect(data.kursk.edges[0].node.text).toMatch(/8,000/);
    expect(data.kursk.edges[0].node.status).toBe('ASSERTED');
    expect(data.troops.edges.length).toBeGreaterThan(0);
    for (const edge of data.troops.edges) expect(edge.node.topics).toContain('troops');
  });

  it('lists the statements on a claim by position, with the position on each edge', async () => {
    const data = await query(
      app,
      `{ claim(slug: "china-silence-tacit-support-for-russia") {
           text status
           all: statements { totalCount edges { position node { slug } } }
           denies: statements(position: DENIES) { totalCount edges { position node { slug speaker { slug } } } }
           denyingStances: stances(position: DENIES) { position statement { slug } } } }`,
    );
    const { claim } = data;
    expect(claim.status).toBe('CONTESTED');
    expect(claim.denies.totalCount).toBe(claim.denies.edges.length);
    expect(claim.denies.totalCount).toBeGreaterThan(0);
    expect(claim.denies.edges.every((edge: { position: string }) => edge.position === 'DENIES')).toBe(true);
    expect(claim.all.totalCount).toBeGreaterThan(claim.denies.totalCount);
    expect(claim.denyingStances.map((stance: { statement: { slug: string } }) => stance.statement.slug).sort()).toEqual(
      claim.denies.edges.map((edge: { node: { slug: string } }) => edge.node.slug).sort(),
    );
  });

  it('keeps numbers as the article wrote them', async () => {
    const data = await query(app, `{ a: claim(slug: "nk-troops-in-russia-10000") { text } b: claim(slug: "nk-troops-at-ukraine-border") { text } }`);
    expect(data.a.text).toMatch(/an estimated 10,000/i);
    expect(data.b.text).toContain('Up to 8,000');
  });

  it('serves sources with their statements and narration claims', async () => {
    const data = await query(
      app,
      `{ source(slug: "article-china-north-korea-russia") { title url publisher publishedOn statements(first: 3) { totalCount } claims(first: 50) { totalCount edges { node { slug } } } }
         sources { totalCount edges { node { slug } } } nothing: source(slug: "nope") { title } }`,
    );
    expect(data.source.url).toBeNull();
    expect(data.source.statements.totalCount).toBeGreaterThanOrEqual(15);
    expect(slugs(data.source.claims)).toContain('japan-us-missile-defense-talks');
    expect(data.sources.totalCount).toBe(1);
    expect(data.nothing).toBeNull();
  });
});

describe(`pagination (${databaseLabel()})`, () => {
  const PAGE = `query($first: Int, $after: String, $last: Int, $before: String) {
    statements(first: $first, after: $after, last: $last, before: $before) {
      totalCount edges { cursor node { slug } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } }`;

  it('walks forward and backward with correct pageInfo, newest first', async () => {
    const everything = await query(app, PAGE, { first: 100 });
    const all = slugs(everything.statements);
    expect(all.length).toBe(everything.statements.totalCount);
    expect(everything.statements.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: false });

    const forward: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const page: any = await query(app, PAGE, { first: 7, after });
      pages += 1;
      forward.push(...slugs(page.statements));
      expect(page.statements.pageInfo.hasPreviousPage).toBe(after !== null);
      expect(page.statements.pageInfo.startCursor).toBe(page.statements.edges[0].cursor);
      expect(page.statements.pageInfo.endCursor).toBe(page.statements.edges.at(-1).cursor);
      if (!page.statements.pageInfo.hasNextPage) break;
      after = page.statements.pageInfo.endCursor;
    }
    expect(forward).toEqual(all);
    expect(pages).toBe(Math.ceil(all.length / 7));

    const backward: string[] = [];
    let before: string | null = null;
    for (;;) {
      const page: any = await query(app, PAGE, { last: 5, before });
      backward.unshift(...slugs(page.statements));
      expect(page.statements.pageInfo.hasNextPage).toBe(before !== null);
      if (!page.statements.pageInfo.hasPreviousPage) break;
      before = page.statements.pageInfo.startCursor;
    }
    expect(backward).toEqual(all);
  });

  it('defaults to 20 per page', async () => {
    const data = await query(app, `{ statements { totalCount edges { node { slug } } pageInfo { hasNextPage } } }`);
    expect(data.statements.totalCount).toBeGreaterThan(20);
    expect(data.statements.edges).toHaveLength(20);
    expect(data.statements.pageInfo.hasNextPage).toBe(true);
  });

  it('refuses a page larger than 100 with a clear error, instead of clamping', async () => {
    const literal = await execute(app, `{ actors(first: 101) { edges { node { slug } } } }`);
    expect(literal.data).toBeUndefined();
    expect(literal.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'first', max: 100 }, locations: [{ line: 1, column: 10 }] });
    expect(literal.errors?.[0]?.message).toMatch(/at most 100/);

    const nested = await execute(app, `query($n: Int) { actors(first: 2) { edges { node { statements(last: $n) { totalCount } } } } }`, { n: 1000 });
    expect(nested.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT', argument: 'last', field: 'Actor.statements' } });

    const negative = await execute(app, `{ claims(first: -1) { totalCount } }`);
    expect(negative.errors?.[0]).toMatchObject({ extensions: { code: 'BAD_USER_INPUT' } });
    expect(negative.errors?.[0]?.message).toMatch(/negative/);

    const exactly = await query(app, `{ statements(first: 100) { edges { node { slug } } } }`);
    expect(exactly.statements.edges.length).toBeGreaterThan(0);
  });

  it('rejects a malformed cursor with a typed error', async () => {
    const result = await execute(app, `{ statements(first: 2, after: "not-a-cursor") { edges { node { slug } } } }`);
    expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(result.errors?.[0]?.path).toEqual(['statements']);
  });
});

describe(`global IDs (${databaseLabel()})`, () => {
  it('round-trips every type through node(id) and nodes(ids)', async () => {
    const data = await query(
      app,
      `{ actor(slug: "lin-jian") { id affiliations { id } statements(first: 1) { edges { node { id stances { id } } } } }
         claim(slug: "nk-troops-kursk-8000") { id } source(slug: "article-china-north-korea-russia") { id } }`,
    );
    const ids: Record<string, string> = {
      Actor: data.actor.id,
      Affiliation: data.actor.affiliations[0].id,
      Statement: data.actor.statements.edges[0].node.id,
      Stance: data.actor.statements.edges[0].node.stances[0].id,
      Claim: data.claim.id,
      Source: data.source.id,
    };
    for (const [typename, id] of Object.entries(ids)) {
      const node = await query(app, `query($id: ID!) { node(id: $id) { __typename id } }`, { id });
      expect(node.node).toEqual({ __typename: typename, id });
    }
    const many = await query(app, `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }`, { ids: Object.values(ids) });
    expect(many.nodes.map((node: { __typename: string }) => node.__typename)).toEqual(Object.keys(ids));
    const actor = await query(app, `query($id: ID!) { node(id: $id) { ... on Actor { slug } } }`, { id: ids.Actor });
    expect(actor.node.slug).toBe('lin-jian');
  });

  it('gives null for a well-formed ID of a record that does not exist', async () => {
    const missing = Buffer.from('Actor:01900000-0000-7000-8000-000000000000').toString('base64');
    const data = await query(app, `query($id: ID!) { node(id: $id) { id } }`, { id: missing });
    expect(data.node).toBeNull();
  });

  it('rejects malformed and foreign IDs with a typed error and no internals', async () => {
    const bad = [
      'nonsense',
      Buffer.from('Actor:42').toString('base64'),
      Buffer.from('User:01900000-0000-7000-8000-000000000000').toString('base64'),
      Buffer.from("Actor:'; DROP TABLE \"Actor\"; --").toString('base64'),
      '',
    ];
    for (const id of bad) {
      const result = await execute(app, `query($id: ID!) { node(id: $id) { id } }`, { id });
      expect(result.errors?.[0]?.extensions?.code, id).toBe('INVALID_ID');
      expect(result.errors?.[0]?.path).toEqual(['node']);
      expect(JSON.stringify(result.errors)).not.toMatch(/prisma|SELECT|stack|at \w+ \(/i);
    }
    const count = await query(app, `{ actors { totalCount } }`);
    expect(count.actors.totalCount).toBeGreaterThanOrEqual(15);
  });
});

describe(`Date scalar and bad arguments (${databaseLabel()})`, () => {
  it('filters by date range and validates dates', async () => {
    const ranged = await query(app, `{ statements(from: "2000-01-01", to: "2100-12-31") { totalCount } }`);
    expect(ranged.statements.totalCount).toBe(0);
    for (const bad of ['2024-02-30', '01/11/2024', '2024-1-1', 'yesterday']) {
      const result = await execute(app, `query($d: Date) { statements(from: $d) { totalCount } }`, { d: bad });
      expect(result.errors?.[0]?.message, bad).toMatch(/YYYY-MM-DD/);
      expect(result.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    }
    const literal = await execute(app, `{ statements(to: "2024-13-01") { totalCount } }`);
    expect(literal.errors?.[0]?.message).toMatch(/YYYY-MM-DD/);
    const reversed = await execute(app, `{ statements(from: "2024-12-01", to: "2024-01-01") { totalCount } }`);
    expect(reversed.errors?.[0]).toMatchObject({ path: ['statements'], extensions: { code: 'BAD_USER_INPUT', argument: 'from' } });
  });

  it('rejects an over-long search with a typed error', async () => {
    const result = await execute(app, `query($s: String) { actors(search: $s) { totalCount } }`, { s: 'x'.repeat(201) });
    expect(result.errors?.[0]).toMatchObject({ path: ['actors'], extensions: { code: 'BAD_USER_INPUT', argument: 'search' } });
  });

  it('rejects an unknown enum value', async () => {
    const result = await execute(app, `{ claims(status: MAYBE) { totalCount } }`);
    expect(result.errors?.[0]?.message).toMatch(/MAYBE/);
  });
});
