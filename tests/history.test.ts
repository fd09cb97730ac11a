import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/builder.js';
import { seed } from '../src/bundle/seed.js';
import type { App } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { waitFor } from './support/wait.js';

/**
 * History (README "History and as-of reads"): every record's revisions from the one write path, correction
 * notes, a claim's status history, and what bulk writes leave in both.
 */

const START_MS = 240_000;
const SOURCE = 'article-china-north-korea-russia';

let test: TestDatabase;
let tokens: Tokens;
let app: App;
let counter = 0;

const actor = (slug: string, kind = 'STATE') => ({ slug, name: slug, kind, aliases: [], description: null, wikidataId: null, affiliations: [] });
const claim = (slug: string) => ({ slug, text: `Claim ${slug}.`, topics: [], source: null });

beforeAll(async () => {
  test = await waitFor('a fresh test database', createTestDatabase('history', { poolMax: 8 }), START_MS);
  await waitFor('the seed to load', seed(test.db.prisma), START_MS);
  tokens = await createTokens(test);
  app = createTestApp(test);
  const imported = await executeAs(app, tokens.write, `mutation ($b: JSON!) { importBundle(bundle: $b) { __typename ... on Error { message } } }`, {
    b: { format: 'fact-bundle/v1', sources: [], actors: [actor('hist-a'), actor('hist-b'), actor('hist-c')], claims: ['hist-1', 'hist-2', 'hist-race'].map(claim), statements: [] },
  });
  expect(imported.data?.importBundle.__typename).toBe('MutationImportBundleSuccess');
}, 2 * START_MS);
afterAll(async () => {
  await test?.close();
});

async function ok<T = any>(token: string | null, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const result = await executeAs(app, token, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data as T;
}

const RECORD = /* GraphQL */ `
  mutation ($input: RecordStatementInput!) {
    recordStatement(input: $input) { __typename ... on Error { message } ... on MutationRecordStatementSuccess { data { id } } }
  }
`;

async function record(speaker: string, claimSlug: string, position: string, saidOn: string | null = null) {
  const slug = `hist-statement-${++counter}`;
  const data = await ok(tokens.write, RECORD, {
    input: { slug, speaker, text: `Statement ${counter}`, kind: 'PARAPHRASE', source: SOURCE, saidOn, stances: [{ claim: claimSlug, position }] },
  });
  if (data.recordStatement.__typename !== 'MutationRecordStatementSuccess') throw new Error(JSON.stringify(data));
  /** id: the statement's global ID. */
  return { slug, id: data.recordStatement.data.id as string };
}

const HISTORY = /* GraphQL */ `
  query ($slug: String!, $first: Int, $after: String) {
    statement(slug: $slug) {
      history(first: $first, after: $after) {
        totalCount
        pageInfo { hasNextPage endCursor }
        edges { cursor node { at writer action before after reason } }
      }
    }
  }
`;

const STATUS_HISTORY = /* GraphQL */ `
  query ($slug: String!) {
    claim(slug: $slug) {
      status
      statusHistory(first: 100) { totalCount edges { node { at from to action writer statement { slug } } } }
      history(first: 100) { edges { node { action reason writer } } }
    }
  }
`;

interface StatusChangeNode {
  from: string;
  to: string;
  action: string;
  writer: string;
  statement: { slug: string } | null;
}

async function statusHistory(slug: string): Promise<{ status: string; changes: StatusChangeNode[]; actions: string[] }> {
  const data = await ok(null, STATUS_HISTORY, { slug });
  return {
    status: data.claim.status,
    changes: data.claim.statusHistory.edges.map((edge: { node: StatusChangeNode }) => edge.node),
    actions: data.claim.history.edges.map((edge: { node: { action: string } }) => edge.node.action),
  };
}

/** The status history is a chain: starts UNRESOLVED, each change starts where the last ended, the last ends at the status. */
function expectChain(status: string, changes: readonly { from: string; to: string }[]) {
  let at = 'UNRESOLVED';
  for (const change of changes) {
    expect(change.from).toBe(at);
    expect(change.to).not.toBe(change.from);
    at = change.to;
  }
  expect(at).toBe(status);
}

describe(`history on ${databaseLabel()}`, () => {
  it('lists a statement’s revisions oldest first, with writer, action, before, after and the correction note; pages by cursor', async () => {
    const { slug, id } = await record('hist-a', 'hist-1', 'ASSERTS', '2024-01-01');
    const global = id;
    const updated = await ok(tokens.write, `mutation ($id: ID!) { updateStatement(id: $id, input: { venue: "Press briefing" }, reason: "  venue was missing  ") { __typename } }`, { id: global });
    expect(updated.updateStatement.__typename).toBe('MutationUpdateStatementSuccess');
    await ok(tokens.write, `mutation ($id: ID!) { setStance(statement: $id, claim: "hist-1", position: DENIES, reason: "misread the quote") { __typename } }`, { id: global });
    await ok(tokens.write, `mutation ($id: ID!) { retractStatement(id: $id, reason: "the outlet withdrew the report") { __typename } }`, { id: global });

    const all = (await ok(null, HISTORY, { slug, first: 10 })).statement.history;
    expect(all.totalCount).toBe(4);
    const nodes = all.edges.map((edge: { node: Record<string, unknown> }) => edge.node);
    expect(nodes.map((node: { action: string }) => node.action)).toEqual(['recordStatement', 'updateStatement', 'setStance', 'retractStatement']);
    expect(nodes.map((node: { writer: string }) => node.writer)).toEqual(['test-write', 'test-write', 'test-write', 'test-write']);
    expect(nodes.map((node: { reason: string | null }) => node.reason)).toEqual([null, 'venue was missing', 'misread the quote', 'the outlet withdrew the report']);
    expect(nodes[0].before).toBeNull();
    expect(nodes[0].after).toMatchObject({ slug, venue: null });
    expect(nodes[1].before).toMatchObject({ venue: null });
    expect(nodes[1].after).toMatchObject({ venue: 'Press briefing' });
    expect(nodes[2]).toMatchObject({ before: { claim: 'hist-1', position: 'ASSERTS' }, after: { claim: 'hist-1', position: 'DENIES' } });
    const times = nodes.map((node: { at: string }) => Date.parse(node.at));
    expect([...times].sort((a, b) => a - b)).toEqual(times);

    const first = (await ok(null, HISTORY, { slug, first: 2 })).statement.history;
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await ok(null, HISTORY, { slug, first: 2, after: first.pageInfo.endCursor })).statement.history;
    expect(second.pageInfo.hasNextPage).toBe(false);
    expect([...first.edges, ...second.edges].map((edge: { cursor: string }) => edge.cursor)).toEqual(all.edges.map((edge: { cursor: string }) => edge.cursor));
  });

  it('shows stance changes in the claim’s history and in the stance’s own', async () => {
    const { id } = await record('hist-b', 'hist-2', 'ASSERTS');
    const global = id;
    await ok(tokens.write, `mutation ($id: ID!) { setStance(statement: $id, claim: "hist-2", position: QUESTIONS) { __typename } }`, { id: global });
    const { actions } = await statusHistory('hist-2');
    expect(actions).toEqual(['importBundle', 'recordStatement', 'setStance']);
    const stance = await ok(null, `query ($id: ID!) { node(id: $id) { ... on Statement { stances { history { edges { node { action before after } } } } } } }`, { id: global });
    // The stance's history starts where the stance did: in the recordStatement that created it.
    expect(stance.node.stances[0].history.edges.map((edge: { node: { action: string } }) => edge.node.action)).toEqual(['recordStatement', 'setStance']);
  });

  it('keeps each status change with the write and statement that caused it, as a chain ending at the status', async () => {
    const claimSlug = 'hist-status';
    await ok(tokens.write, `mutation { createClaim(input: { slug: "${claimSlug}", text: "A status history claim." }) { __typename } }`);
    const asserting = await record('hist-a', claimSlug, 'ASSERTS', '2024-02-01');
    const denying = await record('hist-b', claimSlug, 'DENIES', '2024-02-02');
    await ok(tokens.write, `mutation ($id: ID!) { retractStatement(id: $id, reason: "wrong speaker") { __typename } }`, { id: denying.id });
    await ok(tokens.write, `mutation ($id: ID!) { removeStance(statement: $id, claim: "${claimSlug}", reason: "not about this claim") { __typename } }`, {
      id: asserting.id,
    });
    const { status, changes } = await statusHistory(claimSlug);
    expect(status).toBe('UNRESOLVED');
    expect(changes.map((change) => `${change.from}->${change.to} ${change.action} ${change.statement?.slug ?? '-'}`)).toEqual([
      `UNRESOLVED->ASSERTED recordStatement ${asserting.slug}`,
      `ASSERTED->CONTESTED recordStatement ${denying.slug}`,
      `CONTESTED->ASSERTED retractStatement ${denying.slug}`,
      `ASSERTED->UNRESOLVED removeStance ${asserting.slug}`,
    ]);
    expect(new Set(changes.map((change) => change.writer))).toEqual(new Set(['test-write']));
    expectChain(status, changes);
  });

  it('starts the seeded article’s records with the seed’s import: statement, speaker, claim and source', async () => {
    const seeded = await ok(
      null,
      `{
        statement(slug: "china-not-its-concern") { history { totalCount edges { node { writer action before after } } } speaker { history { edges { node { writer action } } } } }
        claim(slug: "nk-russia-ties-not-china-concern") { history(first: 1) { edges { node { writer action } } } }
        source(slug: "${SOURCE}") { history { edges { node { writer action } } } }
      }`,
    );
    const first = seeded.statement.history.edges[0].node;
    expect(first).toMatchObject({ writer: 'seed', action: 'importBundle', before: null });
    expect(first.after).toMatchObject({ slug: 'china-not-its-concern', speaker: 'china' });
    for (const history of [seeded.statement.speaker.history, seeded.claim.history, seeded.source.history]) {
      expect(history.edges[0]?.node).toEqual({ writer: 'seed', action: 'importBundle' });
    }
    // Seeding again changes nothing, so no record gets a second entry.
    await seed(test.db.prisma);
    const again = await ok(null, `{ statement(slug: "china-not-its-concern") { history { totalCount } } }`);
    expect(again.statement.history.totalCount).toBe(seeded.statement.history.totalCount);
  });

  it('writes the history of what an import creates and changes, and the status changes it causes', async () => {
    const bundle = (venue: string | null, position: string) => ({
      format: 'fact-bundle/v1',
      sources: [],
      actors: [actor('hist-imported')],
      claims: [claim('hist-imported-claim')],
      statements: [
        {
          slug: 'hist-imported-statement',
          speaker: 'hist-imported',
          onBehalfOf: null,
          text: 'An imported statement.',
          kind: 'PARAPHRASE',
          saidOn: null,
          venue,
          source: SOURCE,
          respondsTo: null,
          stances: [{ claim: 'hist-imported-claim', position }],
        },
      ],
    });
    const IMPORT = `mutation ($b: JSON!) { importBundle(bundle: $b) { __typename ... on Error { message } } }`;
    expect((await ok(tokens.write, IMPORT, { b: bundle(null, 'ASSERTS') })).importBundle.__typename).toBe('MutationImportBundleSuccess');
    expect((await ok(tokens.write, IMPORT, { b: bundle('Summit', 'DENIES') })).importBundle.__typename).toBe('MutationImportBundleSuccess');
    const history = (await ok(null, HISTORY, { slug: 'hist-imported-statement', first: 10 })).statement.history;
    expect(history.edges.map((edge: { node: { action: string; before: unknown } }) => [edge.node.action, edge.node.before === null])).toEqual([
      ['importBundle', true],
      ['importBundle', false],
    ]);
    expect(history.edges[1].node.after).toMatchObject({ venue: 'Summit', stances: [{ claim: 'hist-imported-claim', position: 'DENIES' }] });
    const actorHistory = await ok(null, `{ actor(slug: "hist-imported") { history { totalCount edges { node { action before } } } } }`);
    expect(actorHistory.actor.history.totalCount).toBe(1);
    const { status, changes, actions } = await statusHistory('hist-imported-claim');
    expect(changes.map((change) => `${change.from}->${change.to} ${change.action}`)).toEqual(['UNRESOLVED->ASSERTED importBundle', 'ASSERTED->DENIED importBundle']);
    expectChain(status, changes);
    // The claim created, the statement created with its stance on it, that stance changed.
    expect(actions).toEqual(['importBundle', 'importBundle', 'importBundle']);
  });

  it('takes a correction note on updates and deletions: trimmed, refused when blank or over 2,000 characters', async () => {
    const id = encodeGlobalId('Claim', (await test.db.prisma.claim.findUniqueOrThrow({ where: { slug: 'hist-1' } })).id);
    const UPDATE = `mutation ($id: ID!, $reason: String) { updateClaim(id: $id, input: { text: "Claim hist-1, reworded." }, reason: $reason) { __typename ... on ValidationError { issues { path message } } } }`;
    for (const reason of ['   ', 'x'.repeat(2_001)]) {
      const refused = await ok(tokens.write, UPDATE, { id, reason });
      expect(refused.updateClaim.__typename).toBe('ValidationError');
      expect(refused.updateClaim.issues[0].path).toEqual(['reason']);
    }
    expect((await ok(tokens.write, UPDATE, { id, reason: 'x'.repeat(2_000) })).updateClaim.__typename).toBe('MutationUpdateClaimSuccess');
    const data = await ok(null, `{ claim(slug: "hist-1") { history { edges { node { action reason } } } } }`);
    const last = data.claim.history.edges.at(-1).node;
    expect(last).toEqual({ action: 'updateClaim', reason: 'x'.repeat(2_000) });
  });

  it('puts the correction notes in the JSON-LD export', async () => {
    const { id } = await record('hist-c', 'hist-2', 'SUPPORTS');
    await ok(tokens.write, `mutation ($id: ID!) { updateStatement(id: $id, input: { venue: "Corrected venue" }, reason: "the venue was wrong") { __typename } }`, {
      id: id,
    });
    const data = await ok(null, `{ claimsJsonLd(claims: ["hist-2"]) { ... on QueryClaimsJsonLdSuccess { data } } }`);
    const graph = data.claimsJsonLd.data['@graph'] as { '@type': string; identifier?: string; correction?: { '@type': string; text: string; name: string }[] }[];
    const claimNode = graph.find((node) => node['@type'] === 'Claim' && node.identifier === 'hist-2');
    expect(claimNode?.correction?.at(-1)).toMatchObject({ '@type': 'CorrectionComment', text: 'the venue was wrong', name: 'updateStatement' });
  });

  it('reads a statement, its claim and its speaker as of each instant of create, edit and retract', async () => {
    const claimSlug = 'hist-asof';
    await ok(tokens.write, `mutation { createClaim(input: { slug: "${claimSlug}", text: "As-of claim, first wording." }) { __typename } }`);
    const made = await record('hist-a', claimSlug, 'ASSERTS', '2024-03-01');
    await ok(tokens.write, `mutation ($id: ID!) { updateStatement(id: $id, input: { text: "Edited text", stances: [{ claim: "${claimSlug}", position: DENIES }] }, reason: "misquoted") { __typename } }`, { id: made.id });
    await ok(tokens.write, `mutation { updateClaim(id: "${encodeGlobalId('Claim', (await test.db.prisma.claim.findUniqueOrThrow({ where: { slug: claimSlug } })).id)}", input: { text: "As-of claim, second wording." }) { __typename } }`);
    await ok(tokens.write, `mutation ($id: ID!) { retractStatement(id: $id, reason: "withdrawn") { __typename } }`, { id: made.id });

    const revisions = (await ok(null, HISTORY, { slug: made.slug, first: 10 })).statement.history.edges.map((edge: { node: { at: string; action: string } }) => edge.node);
    expect(revisions.map((revision: { action: string }) => revision.action)).toEqual(['recordStatement', 'updateStatement', 'retractStatement']);
    const [created, edited, retracted] = revisions.map((revision: { at: string }) => Date.parse(revision.at)) as [number, number, number];
    const before = (at: number) => new Date(at - 1).toISOString();
    const at = (instant: number) => new Date(instant).toISOString();

    const READ = /* GraphQL */ `
      query ($slug: String!, $claim: String!, $asOf: DateTime) {
        statement(slug: $slug, asOf: $asOf) {
          text retracted retraction { reason }
          stances { position claim { text status } }
          speaker { slug statements(includeRetracted: true) { totalCount } }
          history { totalCount }
        }
        claim(slug: $claim, asOf: $asOf) {
          text status
          statements(includeRetracted: true) { totalCount edges { position node { slug } } }
          statusHistory { totalCount edges { node { to } } }
        }
        statements(asOf: $asOf, speaker: "hist-a", first: 100) { totalCount }
        claims(asOf: $asOf, search: "As-of claim") { totalCount edges { node { slug text } } }
      }
    `;
    const read = (asOf: string | null) => ok(null, READ, { slug: made.slug, claim: claimSlug, asOf });

    const beforeCreate = await read(before(created));
    expect(beforeCreate.statement).toBeNull();
    expect(beforeCreate.claim).toMatchObject({ text: 'As-of claim, first wording.', status: 'UNRESOLVED', statements: { totalCount: 0 }, statusHistory: { totalCount: 0 } });
    const now = await read(null);

    const afterCreate = await read(at(created));
    expect(afterCreate.statement).toMatchObject({ text: 'Statement ' + made.slug.split('-').at(-1), retracted: false, retraction: null, stances: [{ position: 'ASSERTS', claim: { status: 'ASSERTED' } }], history: { totalCount: 1 } });
    expect(afterCreate.claim).toMatchObject({ status: 'ASSERTED', statements: { totalCount: 1, edges: [{ position: 'ASSERTS', node: { slug: made.slug } }] } });
    expect(afterCreate.claims.edges).toEqual([{ node: { slug: claimSlug, text: 'As-of claim, first wording.' } }]);
    expect(afterCreate.statements.totalCount).toBe(beforeCreate.statements.totalCount + 1);

    const afterEdit = await read(at(edited));
    expect(afterEdit.statement).toMatchObject({ text: 'Edited text', retracted: false, stances: [{ position: 'DENIES', claim: { status: 'DENIED' } }], history: { totalCount: 2 } });
    expect(afterEdit.claim.statusHistory.edges.map((edge: { node: { to: string } }) => edge.node.to)).toEqual(['ASSERTED', 'DENIED']);

    const beforeRetract = await read(before(retracted));
    expect(beforeRetract.statement).toMatchObject({ retracted: false });
    expect(beforeRetract.claim).toMatchObject({ text: 'As-of claim, second wording.', status: 'DENIED' });
    const afterRetract = await read(at(retracted));
    expect(afterRetract.statement).toMatchObject({ retracted: true, retraction: { reason: 'withdrawn' }, history: { totalCount: 3 } });
    expect(afterRetract.claim).toMatchObject({ status: 'UNRESOLVED' });
    expect(afterRetract.statements.totalCount).toBe(now.statements.totalCount);
    expect(afterRetract.statement).toEqual(now.statement);
    expect(afterRetract.claim).toEqual(now.claim);
  });

  it('reads a quote as of an instant from the source’s text as it was then, not as it is now', async () => {
    const IMPORT = `mutation ($b: JSON!) { importBundle(bundle: $b) { __typename ... on Error { message } } }`;
    const bundle = (text: string, statements: unknown[]) => ({
      format: 'fact-bundle/v1',
      sources: [{ slug: 'hist-quoted', title: 'Quoted', url: null, publisher: null, publishedOn: null, text }],
      actors: [],
      claims: [],
      statements,
    });
    const statement = { slug: 'hist-quoting', speaker: 'hist-a', onBehalfOf: null, text: 'Says the first word.', kind: 'PARAPHRASE', saidOn: null, venue: null, source: 'hist-quoted', respondsTo: null, stances: [], quote: { start: 0, end: 5 } };
    expect((await ok(tokens.write, IMPORT, { b: bundle('Alpha 😀 beta.', [statement]) })).importBundle.__typename).toBe('MutationImportBundleSuccess');
    const quotedAt = (await ok(null, HISTORY, { slug: 'hist-quoting', first: 1 })).statement.history.edges[0].node.at as string;
    await new Promise((resolve) => setTimeout(resolve, 5));
    // The source's new text still holds the quote's offsets; the words between them are others.
    expect((await ok(tokens.write, IMPORT, { b: bundle('Omega 😀 beta.', []) })).importBundle.__typename).toBe('MutationImportBundleSuccess');
    const READ = `query ($asOf: DateTime) { statement(slug: "hist-quoting", asOf: $asOf) { quote { start end text } source { text } } }`;
    expect(await ok(null, READ, { asOf: null })).toEqual({ statement: { quote: { start: 0, end: 5, text: 'Omega' }, source: { text: 'Omega 😀 beta.' } } });
    expect(await ok(null, READ, { asOf: quotedAt })).toEqual({ statement: { quote: { start: 0, end: 5, text: 'Alpha' }, source: { text: 'Alpha 😀 beta.' } } });
  });

  it('pages lists nested under an as-of root by cursor, counts as-of lists alone, and pages history under it', async () => {
    const instant = new Date().toISOString();
    const later = await record('hist-b', 'hist-1', 'SUPPORTS');
    const PAGE = /* GraphQL */ `
      query ($asOf: DateTime, $after: String) {
        actor(slug: "hist-b", asOf: $asOf) { statements(first: 1, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { slug history(first: 1) { totalCount edges { cursor } } } } } }
        statements(asOf: $asOf) { totalCount }
      }
    `;
    const now = (await ok(null, PAGE, {})).actor.statements;
    const then = await ok(null, PAGE, { asOf: instant });
    expect(then.actor.statements.totalCount).toBe(now.totalCount - 1);
    const slugs: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 20; page++) {
      const data: any = await ok(null, PAGE, { asOf: instant, after });
      const connection = data.actor.statements;
      slugs.push(...connection.edges.map((edge: { node: { slug: string } }) => edge.node.slug));
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(slugs).toHaveLength(then.actor.statements.totalCount);
    expect(slugs).not.toContain(later.slug);
    const counted = await ok(null, `query ($asOf: DateTime) { statements(asOf: $asOf) { totalCount } claims(asOf: $asOf) { totalCount } }`, { asOf: instant });
    expect(counted.statements.totalCount).toBe(then.statements.totalCount);
    expect(counted.claims.totalCount).toBeGreaterThan(0);
  });

  it('refuses an asOf in the future, before the epoch or malformed, naming the argument; finds nothing before the first write', async () => {
    const READ = `query ($asOf: DateTime) { claim(slug: "hist-1", asOf: $asOf) { slug } }`;
    const future = await executeAs(app, null, READ, { asOf: new Date(Date.now() + 3_600_000).toISOString() });
    expect(future.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'asOf', field: 'Query.claim' });
    expect(future.errors?.[0]?.path).toEqual(['claim']);
    const epoch = await executeAs(app, null, `query ($asOf: DateTime) { claims(asOf: $asOf) { totalCount } }`, { asOf: '1969-12-31T23:59:59.999Z' });
    expect(epoch.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'asOf' });
    const malformed = await executeAs(app, null, READ, { asOf: 'yesterday' });
    expect(malformed.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const early = await ok(null, `{ claims(asOf: "1970-01-01T00:00:00.000Z") { totalCount } statement(slug: "lin-does-not-know-specifics", asOf: "2000-01-01T00:00:00Z") { slug } }`);
    expect(early).toEqual({ claims: { totalCount: 0 }, statement: null });
    const refused = await executeAs(app, null, `query ($asOf: DateTime) { claim(slug: "hist-1", asOf: $asOf) { reviews { id } } }`, { asOf: new Date().toISOString() });
    expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'asOf' });
  });

  it.runIf(usingPostgres())(
    'keeps a status history equal to a recomputation under concurrent writers on one claim',
    async () => {
      const claimSlug = 'hist-race';
      const speakers = ['hist-a', 'hist-b', 'hist-c'];
      const positions = ['ASSERTS', 'DENIES', 'QUESTIONS', 'SUPPORTS', 'DECLINES_TO_CONFIRM'];
      const recorded = await Promise.all(speakers.map((speaker, i) => record(speaker, claimSlug, positions[i] as string)));
      const writes: Promise<unknown>[] = [];
      for (let round = 0; round < 6; round++) {
        for (const [i, statement] of recorded.entries()) {
          const position = positions[(round + i) % positions.length];
          writes.push(executeAs(app, tokens.write, `mutation ($id: ID!) { setStance(statement: $id, claim: "${claimSlug}", position: ${position}) { __typename } }`, { id: statement.id }));
        }
        if (round === 3) writes.push(record('hist-a', claimSlug, 'DENIES'));
      }
      const results = await Promise.all(writes);
      for (const result of results) expect(JSON.stringify(result)).not.toContain('"errors"');
      const { status, changes } = await statusHistory(claimSlug);
      expectChain(status, changes);
      const stored = await test.db.prisma.claimStatusChange.findMany({ where: { claim: { slug: claimSlug } }, orderBy: { seq: 'asc' } });
      expect(stored.length).toBe(changes.length);
    },
    120_000,
  );
});
