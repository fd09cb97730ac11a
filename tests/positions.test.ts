import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/builder.js';
import { seed } from '../src/bundle/seed.js';
import type { PositionChangedEvent } from '../src/events.js';
import type { App } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { observedEvents } from './support/events.js';
import { createTestApp } from './support/graphql.js';
import { subscribeOverSSE } from './support/sse.js';
import { waitFor } from './support/wait.js';

/**
 * Positions and position changes (README "Positions and position changes"): whose stance counts, in
 * what order, what a change is, and the `positionChanged` events the writes send after they commit.
 */

const WAIT_MS = 30_000;
const START_MS = 240_000;
const SOURCE = 'article-china-north-korea-russia';

const RECORD = /* GraphQL */ `
  mutation ($input: RecordStatementInput!) {
    recordStatement(input: $input) { __typename ... on Error { message } ... on MutationRecordStatementSuccess { data { id } } }
  }
`;
const POSITIONS = /* GraphQL */ `
  query ($actor: String!, $claim: String!, $first: Int, $after: String, $includeRetracted: Boolean) {
    actor(slug: $actor) {
      positions(claim: $claim, first: $first, after: $after, includeRetracted: $includeRetracted) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { position saidOn statement { slug speaker { slug } } } }
      }
    }
  }
`;
const CHANGES = /* GraphQL */ `
  query ($actor: String, $claim: String, $since: Date, $first: Int, $after: String, $includeRetracted: Boolean) {
    positionChanges(actor: $actor, claim: $claim, since: $since, first: $first, after: $after, includeRetracted: $includeRetracted) {
      totalCount
      pageInfo { hasNextPage endCursor }
      edges { node { actor { slug } claim { slug } from to at fromStatement { slug } toStatement { slug } } }
    }
  }
`;

interface Change {
  actor: { slug: string };
  claim: { slug: string };
  from: string;
  to: string;
  at: string | null;
  fromStatement: { slug: string };
  toStatement: { slug: string };
}

const actor = (slug: string, kind = 'STATE') => ({ slug, name: slug, kind, aliases: [], description: null, wikidataId: null, affiliations: [] });
const claim = (slug: string) => ({ slug, text: `Claim ${slug}.`, topics: [], source: null });

let test: TestDatabase;
let tokens: Tokens;
let app: App;
let observed: ReturnType<typeof observedEvents>;
/** Every positionChanged event published since the start, in order. */
const heard: PositionChangedEvent[] = [];
let stopListening: () => void = () => {};
let counter = 0;

beforeAll(async () => {
  test = await waitFor('a fresh test database', createTestDatabase('positions', { poolMax: 8 }), START_MS);
  await waitFor('the seed to load', seed(test.db.prisma), START_MS);
  tokens = await createTokens(test);
  observed = observedEvents();
  app = createTestApp(test, { events: observed.events });
  const listening = observed.listening();
  const stream = observed.events.subscribe('positionChanged');
  stopListening = () => void stream.return?.();
  void (async () => {
    for await (const event of stream) heard.push(event);
  })();
  await listening;
  const imported = await executeAs(app, tokens.write, `mutation ($b: JSON!) { importBundle(bundle: $b) { __typename ... on Error { message } } }`, {
    b: {
      format: 'fact-bundle/v1',
      sources: [],
      actors: [actor('ruritania'), actor('ruritania-spokesperson', 'PERSON'), actor('osterlich'), actor('crowd', 'GROUP')],
      claims: ['border-closed', 'dam-breached', 'live-claim', 'race-claim', 'import-claim'].map(claim),
      statements: [],
    },
  });
  expect(imported.data?.importBundle.__typename).toBe('MutationImportBundleSuccess');
}, 2 * START_MS + 60_000);
afterAll(async () => {
  stopListening();
  await test?.close();
});

/** Records a statement through the API; returns its id. */
async function record(input: { speaker: string; claim: string; position: string; onBehalfOf?: string; saidOn?: string | null; slug?: string }) {
  const slug = input.slug ?? `pos-${input.speaker}-${++counter}`;
  const result = await executeAs(app, tokens.write, RECORD, {
    input: {
      slug,
      speaker: input.speaker,
      ...(input.onBehalfOf ? { onBehalfOf: input.onBehalfOf } : {}),
      ...(input.saidOn ? { saidOn: input.saidOn } : {}),
      text: `Statement ${counter} by ${input.speaker}`,
      kind: 'PARAPHRASE',
      source: SOURCE,
      stances: [{ claim: input.claim, position: input.position }],
    },
  });
  if (result.errors || result.data?.recordStatement.__typename !== 'MutationRecordStatementSuccess') throw new Error(JSON.stringify(result));
  return { slug, id: result.data.recordStatement.data.id as string };
}

async function changes(variables: Record<string, unknown>) {
  const result = await executeAs(app, null, CHANGES, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data?.positionChanges as { totalCount: number; pageInfo: { hasNextPage: boolean; endCursor: string | null }; edges: { node: Change }[] };
}

const summary = (change: Pick<Change, 'from' | 'to' | 'fromStatement' | 'toStatement'>) => `${change.fromStatement.slug} ${change.from} -> ${change.toStatement.slug} ${change.to}`;

/** The events heard on a claim, once there are at least `count` of them (each test writes to a claim of its own). */
async function eventsOn(claimSlug: string, count: number): Promise<PositionChangedEvent[]> {
  const on = () => heard.filter((event) => event.claimSlug === claimSlug);
  await waitFor(`${count} positionChanged event(s) on ${claimSlug}`, () => (on().length >= count ? true : undefined), WAIT_MS);
  return on();
}

/** The row id inside a global ID. */
const rowId = (globalId: string) => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1];

describe(`positions and position changes (${databaseLabel()})`, () => {
  const slugs: Record<string, string> = {};

  beforeAll(async () => {
    // Recorded out of date order on purpose: the list follows the dates, undated first, ties in record order.
    slugs.march = (await record({ speaker: 'ruritania', claim: 'border-closed', position: 'ASSERTS', saidOn: '2024-03-01' })).slug;
    slugs.february = (await record({ speaker: 'ruritania-spokesperson', onBehalfOf: 'ruritania', claim: 'border-closed', position: 'DENIES', saidOn: '2024-02-01' })).slug;
    slugs.undated = (await record({ speaker: 'ruritania', claim: 'border-closed', position: 'QUESTIONS' })).slug;
    slugs.marchDeclines = (await record({ speaker: 'ruritania', claim: 'border-closed', position: 'DECLINES_TO_CONFIRM', saidOn: '2024-03-01' })).slug;
    slugs.april = (await record({ speaker: 'ruritania', claim: 'border-closed', position: 'SUPPORTS', saidOn: '2024-04-01' })).slug;
    slugs.mayDeclines = (await record({ speaker: 'ruritania', claim: 'border-closed', position: 'DECLINES_TO_CONFIRM', saidOn: '2024-05-01' })).slug;
    slugs.june = (await record({ speaker: 'ruritania', claim: 'border-closed', position: 'DENIES', saidOn: '2024-06-01' })).slug;
    // Someone else's stance on the same claim, and the spokesperson speaking for himself.
    slugs.other = (await record({ speaker: 'osterlich', claim: 'border-closed', position: 'DENIES', saidOn: '2024-03-15' })).slug;
    slugs.own = (await record({ speaker: 'ruritania-spokesperson', claim: 'border-closed', position: 'ASSERTS', saidOn: '2024-01-01' })).slug;
  });

  it('lists an actor’s positions oldest first: undated first, then by date, ties in the order recorded, statements on its behalf included', async () => {
    const result = await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'border-closed' });
    expect(result.errors).toBeUndefined();
    const positions = result.data?.actor.positions;
    expect(positions.totalCount).toBe(7);
    expect(positions.edges.map((edge: { node: { statement: { slug: string }; position: string; saidOn: string | null } }) => [edge.node.statement.slug, edge.node.position, edge.node.saidOn])).toEqual([
      [slugs.undated, 'QUESTIONS', null],
      [slugs.february, 'DENIES', '2024-02-01'],
      [slugs.march, 'ASSERTS', '2024-03-01'],
      [slugs.marchDeclines, 'DECLINES_TO_CONFIRM', '2024-03-01'],
      [slugs.april, 'SUPPORTS', '2024-04-01'],
      [slugs.mayDeclines, 'DECLINES_TO_CONFIRM', '2024-05-01'],
      [slugs.june, 'DENIES', '2024-06-01'],
    ]);
    // The spokesperson's statement for Ruritania is evidence of Ruritania's position.
    expect(positions.edges[1].node.statement.speaker.slug).toBe('ruritania-spokesperson');
  });

  it('counts a statement made on behalf of an actor for that actor only, not for the speaker', async () => {
    const spokesperson = (await executeAs(app, null, POSITIONS, { actor: 'ruritania-spokesperson', claim: 'border-closed' })).data?.actor.positions;
    expect(spokesperson.edges.map((edge: { node: { statement: { slug: string } } }) => edge.node.statement.slug)).toEqual([slugs.own]);
    // He asserted on his own behalf in January and denied for Ruritania in February: that is no change of his.
    expect((await changes({ actor: 'ruritania-spokesperson' })).edges).toEqual([]);
  });

  it('finds the changes of side, passing over DECLINES_TO_CONFIRM and same-side stances, with both statements as evidence', async () => {
    const found = await changes({ actor: 'ruritania', claim: 'border-closed' });
    expect(found.edges.map((edge) => summary(edge.node))).toEqual([
      `${slugs.february} DENIES -> ${slugs.march} ASSERTS`,
      `${slugs.april} SUPPORTS -> ${slugs.june} DENIES`,
    ]);
    expect(found.edges.map((edge) => [edge.node.actor.slug, edge.node.claim.slug, edge.node.at])).toEqual([
      ['ruritania', 'border-closed', '2024-03-01'],
      ['ruritania', 'border-closed', '2024-06-01'],
    ]);
    expect(found.totalCount).toBe(2);
    // By claim alone: the same two (Osterlich only ever denied); by actor alone: the same two (no other claim).
    expect((await changes({ claim: 'border-closed' })).edges.map((edge) => summary(edge.node))).toEqual(found.edges.map((edge) => summary(edge.node)));
    expect((await changes({ actor: 'ruritania' })).totalCount).toBe(2);
    // `actor` and `claim` by global ID name the same records.
    const ids = await executeAs(app, null, `{ actor(slug: "ruritania") { id } claim(slug: "border-closed") { id } }`);
    expect((await changes({ actor: ids.data?.actor.id, claim: ids.data?.claim.id })).totalCount).toBe(2);
  });

  it('keeps the changes said on or after `since`, leaving undated ones out', async () => {
    expect((await changes({ actor: 'ruritania', since: '2024-03-02' })).edges.map((edge) => edge.node.toStatement.slug)).toEqual([slugs.june]);
    expect((await changes({ actor: 'ruritania', since: '2024-03-01' })).totalCount).toBe(2);
    expect((await changes({ actor: 'ruritania', since: '2024-06-02' })).edges).toEqual([]);
  });

  it('pages both lists with cursors, in the same order as one long page', async () => {
    const first = (await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'border-closed', first: 3 })).data?.actor.positions;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = (await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'border-closed', first: 10, after: first.pageInfo.endCursor })).data?.actor.positions;
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const all = (await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'border-closed' })).data?.actor.positions;
    expect([...first.edges, ...rest.edges]).toEqual(all.edges);

    const one = await changes({ actor: 'ruritania', first: 1 });
    expect(one.pageInfo.hasNextPage).toBe(true);
    const two = await changes({ actor: 'ruritania', first: 1, after: one.pageInfo.endCursor });
    expect([...one.edges, ...two.edges].map((edge) => edge.node.toStatement.slug)).toEqual([slugs.march, slugs.june]);
    expect((await changes({ actor: 'ruritania', first: 1, after: two.pageInfo.endCursor })).edges).toEqual([]);
  });

  it('reads the positions of every actor of a list in the list’s one SQL statement, not one per actor', async () => {
    test.resetQueries();
    const result = await executeAs(app, null, `{ actors(first: 50) { edges { node { slug positions(claim: "border-closed", first: 2) { totalCount edges { node { position } } } } } } }`);
    expect(result.errors).toBeUndefined();
    const listed = result.data?.actors.edges as { node: { slug: string; positions: { totalCount: number } } }[];
    expect(listed.length).toBeGreaterThan(10);
    expect(listed.find((edge) => edge.node.slug === 'ruritania')?.node.positions.totalCount).toBe(7);
    // Actor.positions is declared to the read compiler (src/sql/read/fields.ts): the pages and totals are part of the list's statement.
    expect(test.queries).toHaveLength(1);
  });

  it('leaves retracted statements out unless includeRetracted, as the claim status does', async () => {
    const id = (await executeAs(app, null, `{ statement(slug: "${slugs.march}") { id } }`)).data?.statement.id;
    const retracted = await executeAs(app, tokens.write, `mutation ($id: ID!) { retractStatement(id: $id, reason: "misdated") { __typename } }`, { id });
    expect(retracted.data?.retractStatement.__typename).toBe('MutationRetractStatementSuccess');
    const visible = (await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'border-closed' })).data?.actor.positions;
    expect(visible.totalCount).toBe(6);
    expect(visible.edges.map((edge: { node: { statement: { slug: string } } }) => edge.node.statement.slug)).not.toContain(slugs.march);
    const all = (await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'border-closed', includeRetracted: true })).data?.actor.positions;
    expect(all.totalCount).toBe(7);
    // The events so far on this claim: each change as it appeared, the last one through the retraction.
    const statementIds = new Map((await test.db.prisma.statement.findMany({ select: { id: true, slug: true } })).map((row) => [row.id, row.slug]));
    const events = (await eventsOn('border-closed', 3)).map((event) => `${statementIds.get(event.fromStatementId)} ${event.from} -> ${statementIds.get(event.toStatementId)} ${event.to}`);
    expect(events).toEqual([`${slugs.february} DENIES -> ${slugs.march} ASSERTS`, `${slugs.april} SUPPORTS -> ${slugs.june} DENIES`, `${slugs.february} DENIES -> ${slugs.april} SUPPORTS`]);
    // Without the March assertion, Ruritania went from DENIES (February) to SUPPORTS in April.
    expect((await changes({ actor: 'ruritania' })).edges.map((edge) => summary(edge.node))).toEqual([
      `${slugs.february} DENIES -> ${slugs.april} SUPPORTS`,
      `${slugs.april} SUPPORTS -> ${slugs.june} DENIES`,
    ]);
    expect((await changes({ actor: 'ruritania', includeRetracted: true })).edges.map((edge) => summary(edge.node))).toEqual([
      `${slugs.february} DENIES -> ${slugs.march} ASSERTS`,
      `${slugs.april} SUPPORTS -> ${slugs.june} DENIES`,
    ]);
  });

  it('answers an unknown slug with an empty list, and a malformed or foreign ID, a missing filter or a bad date with a typed error', async () => {
    expect((await changes({ actor: 'no-such-actor' })).edges).toEqual([]);
    expect((await changes({ actor: 'ruritania', claim: 'no-such-claim' })).totalCount).toBe(0);
    expect((await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'no-such-claim' })).data?.actor.positions.edges).toEqual([]);
    const statementId = encodeGlobalId('Statement', '0190a0a0-0000-7000-8000-00000000dead');
    const foreign = await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: statementId });
    expect(foreign.errors?.[0]).toMatchObject({ path: ['actor', 'positions'], extensions: { code: 'INVALID_ID' } });
    expect(foreign.errors?.[0]?.message).toBe(`"${statementId}" is the ID of a Statement, not of a Claim`);
    const actorId = encodeGlobalId('Actor', '0190a0a0-0000-7000-8000-00000000dead');
    const anActor = await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: actorId });
    expect(anActor.errors?.[0]?.message).toBe(`"${actorId}" is the ID of an Actor, not of a Claim`);
    const malformed = await executeAs(app, null, CHANGES, { actor: 'Ruritania!' });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    const neither = await executeAs(app, null, CHANGES, {});
    expect(neither.errors?.[0]).toMatchObject({ path: ['positionChanges'], extensions: { code: 'BAD_USER_INPUT' } });
    const badDate = await executeAs(app, null, CHANGES, { actor: 'ruritania', since: '2024-02-30' });
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(badDate.data ?? null).toBeNull();
  });
});

describe(`positionChanged events (${databaseLabel()})`, () => {
  it('announces a new change once, after commit, with both statements; nothing for a same-side stance', async () => {
    await record({ speaker: 'osterlich', claim: 'live-claim', position: 'ASSERTS' });
    const same = await record({ speaker: 'osterlich', claim: 'live-claim', position: 'SUPPORTS' });
    const flip = await record({ speaker: 'osterlich', claim: 'live-claim', position: 'DENIES' });
    // The first event on the claim is the flip's: the first two statements announced nothing.
    const [event] = await eventsOn('live-claim', 1);
    expect(event).toEqual({
      actorId: expect.any(String),
      actorSlug: 'osterlich',
      claimId: expect.any(String),
      claimSlug: 'live-claim',
      from: 'SUPPORTS',
      to: 'DENIES',
      fromStatementId: rowId(same.id),
      toStatementId: rowId(flip.id),
      fromStanceId: expect.any(String),
      toStanceId: expect.any(String),
      at: null,
    });
  });

  it('announces nothing for a write that rolls back (a dry-run import) and announces setStance and import changes', async () => {
    const bundle = (slug: string, position: string) => ({
      format: 'fact-bundle/v1',
      sources: [],
      actors: [],
      claims: [],
      statements: [{ slug, speaker: 'osterlich', onBehalfOf: null, text: slug, kind: 'PARAPHRASE', saidOn: null, venue: null, source: SOURCE, respondsTo: null, stances: [{ claim: 'live-claim', position }] }],
    });
    const IMPORT = `mutation ($b: JSON!, $d: Boolean) { importBundle(bundle: $b, dryRun: $d) { __typename ... on MutationImportBundleSuccess { data { dryRun statements { created } } } } }`;
    const dry = await executeAs(app, tokens.write, IMPORT, { b: bundle('dry-run-flip', 'ASSERTS'), d: true });
    expect(dry.data?.importBundle.data).toMatchObject({ dryRun: true, statements: { created: 1 } });
    const real = await executeAs(app, tokens.write, IMPORT, { b: bundle('imported-flip', 'ASSERTS'), d: false });
    expect(real.data?.importBundle.data).toMatchObject({ dryRun: false, statements: { created: 1 } });
    const [, imported, ...rest] = await eventsOn('live-claim', 2);
    expect(rest).toEqual([]);
    expect(imported).toMatchObject({ actorSlug: 'osterlich', claimSlug: 'live-claim', from: 'DENIES', to: 'ASSERTS' });

    // setStance turns the last statement (ASSERTS) into a denial: the change into it is gone, none is new... until it is.
    const last = await executeAs(app, null, `{ statement(slug: "imported-flip") { id } }`);
    const set = (position: string) =>
      executeAs(app, tokens.write, `mutation ($id: ID!, $p: StancePosition!) { setStance(statement: $id, claim: "live-claim", position: $p) { __typename } }`, { id: last.data?.statement.id, p: position });
    expect((await set('QUESTIONS')).data?.setStance.__typename).toBe('MutationSetStanceSuccess');
    expect((await set('SUPPORTS')).data?.setStance.__typename).toBe('MutationSetStanceSuccess');
    const [, , back, ...none] = await eventsOn('live-claim', 3);
    expect(none).toEqual([]);
    // Back to the assertion side: the change DENIES -> SUPPORTS into that statement appears again.
    expect(back).toMatchObject({ from: 'DENIES', to: 'SUPPORTS', toStatementId: imported?.toStatementId });
    const listed = await changes({ actor: 'osterlich', claim: 'live-claim' });
    expect(listed.edges.map((edge) => `${edge.node.from}->${edge.node.to}`)).toEqual(['SUPPORTS->DENIES', 'DENIES->SUPPORTS']);
  });

  it('delivers positionChanged to subscribers over SSE, filtered by actor and claim', async () => {
    const listening = observed.listening();
    const sub = await subscribeOverSSE<{ positionChanged: Change }>(
      (url, init) => Promise.resolve(app.fetch(url, init)),
      'http://yoga/graphql',
      `subscription ($actor: String, $claim: String) { positionChanged(actor: $actor, claim: $claim) { actor { slug } claim { slug } from to at fromStatement { slug } toStatement { slug } } }`,
      { actor: 'crowd', claim: 'dam-breached' },
    );
    await waitFor('the subscription to listen', listening, WAIT_MS);
    try {
      await record({ speaker: 'osterlich', claim: 'dam-breached', position: 'ASSERTS' });
      await record({ speaker: 'osterlich', claim: 'dam-breached', position: 'DENIES' });
      const before = await record({ speaker: 'crowd', claim: 'dam-breached', position: 'DENIES', saidOn: '2024-07-01' });
      const after = await record({ speaker: 'crowd', claim: 'dam-breached', position: 'ASSERTS', saidOn: '2024-07-02' });
      const event = await sub.next(WAIT_MS);
      expect(event.errors).toBeUndefined();
      expect(event.data?.positionChanged).toEqual({
        actor: { slug: 'crowd' },
        claim: { slug: 'dam-breached' },
        from: 'DENIES',
        to: 'ASSERTS',
        at: '2024-07-02',
        fromStatement: { slug: before.slug },
        toStatement: { slug: after.slug },
      });
    } finally {
      sub.close();
    }
    const unknown = await subscribeOverSSE((url, init) => Promise.resolve(app.fetch(url, init)), 'http://yoga/graphql', `subscription { positionChanged(claim: "no-such-claim") { from } }`);
    expect((await unknown.next(WAIT_MS)).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'claim' });
  });
});

describe.runIf(usingPostgres())(`positionChanged under concurrent writers (${databaseLabel()})`, () => {
  it('reports each change exactly once while several clients record opposing stances for one actor at once, and the list equals a recomputation', async () => {
    const CLIENTS = 6;
    const EACH = 6;
    const positions = ['ASSERTS', 'DENIES', 'SUPPORTS', 'QUESTIONS', 'DECLINES_TO_CONFIRM'];
    // Each client speaks for Ruritania (some as its spokesperson), undated: the history runs in record order.
    await Promise.all(
      Array.from({ length: CLIENTS }, async (_, client) => {
        for (let i = 0; i < EACH; i++) {
          await record({
            speaker: client % 2 === 0 ? 'ruritania' : 'ruritania-spokesperson',
            ...(client % 2 === 0 ? {} : { onBehalfOf: 'ruritania' }),
            claim: 'race-claim',
            position: positions[(client * 7 + i * 3) % positions.length] as string,
            slug: `race-${client}-${i}`,
          });
        }
      }),
    );
    // Recompute from the positions list: consecutive sides that differ, DECLINES_TO_CONFIRM passed over.
    const all = (await executeAs(app, null, POSITIONS, { actor: 'ruritania', claim: 'race-claim', first: 100 })).data?.actor.positions;
    expect(all.totalCount).toBe(CLIENTS * EACH);
    const side = (position: string) => (['ASSERTS', 'SUPPORTS'].includes(position) ? 1 : ['DENIES', 'QUESTIONS'].includes(position) ? -1 : 0);
    const recomputed: string[] = [];
    let previous: { slug: string; position: string } | undefined;
    for (const edge of all.edges as { node: { position: string; statement: { slug: string } } }[]) {
      if (side(edge.node.position) === 0) continue;
      if (previous && side(previous.position) !== side(edge.node.position)) recomputed.push(`${previous.slug} ${previous.position} -> ${edge.node.statement.slug} ${edge.node.position}`);
      previous = { slug: edge.node.statement.slug, position: edge.node.position };
    }
    const listed = (await changes({ actor: 'ruritania', claim: 'race-claim', first: 100 })).edges.map((edge) => summary(edge.node));
    expect(listed).toEqual(recomputed);
    expect(recomputed.length).toBeGreaterThan(3);

    const events = await eventsOn('race-claim', recomputed.length);
    const slugById = new Map<string, string>();
    const rows = await test.db.prisma.statement.findMany({ where: { slug: { startsWith: 'race-' } }, select: { id: true, slug: true } });
    for (const row of rows) slugById.set(row.id, row.slug);
    const reported = events.map((event) => `${slugById.get(event.fromStatementId)} ${event.from} -> ${slugById.get(event.toStatementId)} ${event.to}`);
    // Exactly once each: no duplicates, and (undated statements only ever join at the end) nothing but the final changes.
    expect(new Set(reported).size).toBe(reported.length);
    expect([...reported].sort()).toEqual([...recomputed].sort());
  }, 120_000);
});
