import { createHash } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it, onTestFinished } from 'vitest';
import { StatementCounter } from '../bench/lib/sql-proxy.js';
import { exportBundle } from '../src/bundle/export.js';
import { seed } from '../src/bundle/seed.js';
import { openDatabase, type PrismaClient, splitSchema } from '../src/db.js';
import type { App } from '../src/server.js';
import { DeadlinePassed, withDeadline } from '../src/domain/deadline.js';
import { WriteContention } from '../src/domain/errors.js';
import { classifyDatabaseError, databaseError } from '../src/http/database-errors.js';
import { recordStatement, setStance } from '../src/write/statements.js';
import { retryCounts, transact } from '../src/write/transaction.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { waitFor } from './support/wait.js';

let test: TestDatabase;
let app: App;
let tokens: Tokens;

beforeAll(async () => {
  test = await createTestDatabase('mutations');
  await seed(test.db.prisma);
  tokens = await createTokens(test);
  app = createTestApp(test);
});
afterAll(() => test?.close());

const ERRORS = `__typename ... on Error { message } ... on ValidationError { issues { path message } } ... on NotFoundError { type key } ... on ConflictError { field }`;

async function idOf(type: 'actor' | 'statement' | 'claim' | 'source', slug: string): Promise<string> {
  const result = await executeAs(app, null, `query($slug: String!) { ${type}(slug: $slug) { id } }`, { slug });
  return result.data[type].id;
}

async function data(token: string | null, query: string, variables?: Record<string, unknown>) {
  const result = await executeAs(app, token, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const snapshot = () => exportBundle(test.db.prisma);
const auditCount = () => test.db.prisma.auditEntry.count();

describe(`authentication and scopes on every mutation (${databaseLabel()})`, () => {
  let ids: Record<string, string>;
  beforeAll(async () => {
    ids = {
      actor: await idOf('actor', 'critics'),
      other: await idOf('actor', 'iran'),
      statement: await idOf('statement', 'china-peaceful-solutions'),
      claim: await idOf('claim', 'japan-us-missile-defense-talks'),
      source: await idOf('source', 'article-china-north-korea-russia'),
    };
  });

  const cases: { name: string; scope: 'write' | 'admin'; query: () => [string, Record<string, unknown>] }[] = [
    { name: 'createActor', scope: 'write', query: () => [`mutation($i: CreateActorInput!) { createActor(input: $i) { __typename } }`, { i: { slug: 'x-auth', name: 'X', kind: 'PERSON' } }] },
    { name: 'updateActor', scope: 'write', query: () => [`mutation($id: ID!) { updateActor(id: $id, input: { description: "changed" }) { __typename } }`, { id: ids.actor }] },
    { name: 'deleteActor', scope: 'admin', query: () => [`mutation($id: ID!) { deleteActor(id: $id) { __typename } }`, { id: ids.other }] },
    { name: 'mergeActors', scope: 'admin', query: () => [`mutation($a: ID!, $b: ID!) { mergeActors(into: $a, from: $b) { __typename } }`, { a: ids.actor, b: ids.other }] },
    { name: 'createAffiliation', scope: 'write', query: () => [`mutation { createAffiliation(input: { actor: "critics", organization: "iran", role: "Observer" }) { __typename } }`, {}] },
    { name: 'createSource', scope: 'write', query: () => [`mutation { createSource(input: { slug: "auth-src", title: "T" }) { __typename } }`, {}] },
    { name: 'updateSource', scope: 'write', query: () => [`mutation($id: ID!) { updateSource(id: $id, input: { publisher: "P" }) { __typename } }`, { id: ids.source }] },
    { name: 'deleteSource', scope: 'admin', query: () => [`mutation($id: ID!) { deleteSource(id: $id) { __typename } }`, { id: ids.source }] },
    { name: 'createClaim', scope: 'write', query: () => [`mutation { createClaim(input: { slug: "auth-claim", text: "T" }) { __typename } }`, {}] },
    { name: 'updateClaim', scope: 'write', query: () => [`mutation($id: ID!) { updateClaim(id: $id, input: { text: "T2" }) { __typename } }`, { id: ids.claim }] },
    { name: 'deleteClaim', scope: 'admin', query: () => [`mutation($id: ID!) { deleteClaim(id: $id) { __typename } }`, { id: ids.claim }] },
    {
      name: 'recordStatement',
      scope: 'write',
      query: () => [
        `mutation { recordStatement(input: { slug: "auth-s", speaker: "critics", text: "t", kind: REPORTED, source: "article-china-north-korea-russia" }) { __typename } }`,
        {},
      ],
    },
    { name: 'updateStatement', scope: 'write', query: () => [`mutation($id: ID!) { updateStatement(id: $id, input: { venue: "v" }) { __typename } }`, { id: ids.statement }] },
    { name: 'retractStatement', scope: 'write', query: () => [`mutation($id: ID!) { retractStatement(id: $id, reason: "r") { __typename } }`, { id: ids.statement }] },
    { name: 'deleteStatement', scope: 'admin', query: () => [`mutation($id: ID!) { deleteStatement(id: $id) { __typename } }`, { id: ids.statement }] },
    { name: 'setStance', scope: 'write', query: () => [`mutation($id: ID!) { setStance(statement: $id, claim: "nk-troops-kursk-8000", position: QUESTIONS) { __typename } }`, { id: ids.statement }] },
    { name: 'removeStance', scope: 'write', query: () => [`mutation($id: ID!) { removeStance(statement: $id, claim: "china-advocates-political-solution-ukraine") { __typename } }`, { id: ids.statement }] },
    { name: 'importBundle', scope: 'write', query: () => [`mutation($b: JSON!) { importBundle(bundle: $b) { __typename } }`, { b: { format: 'fact-bundle/v1', sources: [], actors: [], claims: [], statements: [] } }] },
  ];

  for (const { name, scope, query } of cases) {
    it(`${name}: no token is UNAUTHENTICATED, a token without "${scope}" is FORBIDDEN, and neither changes anything`, async () => {
      const before = await snapshot();
      const audits = await auditCount();
      const [source, variables] = query();
      const anonymous = await executeAs(app, null, source, variables);
      expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(anonymous.errors?.[0]?.path).toEqual([name]);
      const weaker = await executeAs(app, scope === 'admin' ? tokens.write : tokens.read, source, variables);
      expect(weaker.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
      const forged = await executeAs(app, 'fs_not-a-real-token', source, variables);
      expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
      expect(await snapshot()).toEqual(before);
      expect(await auditCount()).toBe(audits);
    });
  }

  it('rejects a malformed Authorization header', async () => {
    const response = await app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      body: JSON.stringify({ query: 'mutation { createClaim(input: { slug: "basic", text: "t" }) { __typename } }' }),
    });
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect(body.errors[0]?.message).toMatch(/Bearer/);
  });

  it('leaves reads public', async () => {
    const result = await executeAs(app, null, `{ actors { totalCount } }`);
    expect(result.errors).toBeUndefined();
  });
});

describe(`actors, affiliations, sources and claims (${databaseLabel()})`, () => {
  it('creates an actor with affiliations, finds it by alias, and audits the write', async () => {
    const result = await data(
      tokens.write,
      `mutation($i: CreateActorInput!) { createActor(input: $i) { ${ERRORS} ... on MutationCreateActorSuccess { data { id slug name aliases affiliations { role organization { slug } } } } } }`,
      { i: { slug: 'maria-zakharova', name: 'Maria Zakharova', kind: 'PERSON', aliases: ['Zakharova'], affiliations: [{ organization: 'russia', role: 'Spokesperson', from: '2015-08-10' }] } },
    );
    expect(result.createActor.__typename).toBe('MutationCreateActorSuccess');
    expect(result.createActor.data).toMatchObject({ slug: 'maria-zakharova', aliases: ['Zakharova'], affiliations: [{ role: 'Spokesperson', organization: { slug: 'russia' } }] });
    const found = await data(null, `{ actors(search: "zakharova") { edges { node { slug } } } }`);
    expect(found.actors.edges).toEqual([{ node: { slug: 'maria-zakharova' } }]);
    const audit = await data(tokens.admin, `{ auditLog(first: 1) { edges { node { writer action targetType targetSlug after } } } }`);
    expect(audit.auditLog.edges[0].node).toMatchObject({ writer: 'test-write', action: 'createActor', targetType: 'Actor', targetSlug: 'maria-zakharova' });
    expect(audit.auditLog.edges[0].node.after).toMatchObject({ name: 'Maria Zakharova' });
  });

  it('refuses a duplicate slug with a ConflictError and a bad field with a ValidationError naming the field', async () => {
    const before = await snapshot();
    const duplicate = await data(tokens.write, `mutation { createActor(input: { slug: "china", name: "China again", kind: STATE }) { ${ERRORS} } }`);
    expect(duplicate.createActor).toMatchObject({ __typename: 'ConflictError', field: 'slug' });
    const invalid = await data(tokens.write, `mutation { createActor(input: { slug: "Bad Slug", name: "", kind: STATE, wikidataId: "159" }) { ${ERRORS} } }`);
    expect(invalid.createActor.__typename).toBe('ValidationError');
    const paths = invalid.createActor.issues.map((issue: { path: string[] }) => issue.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['input.slug', 'input.name', 'input.wikidataId']));
    const dangling = await data(tokens.write, `mutation { createActor(input: { slug: "lonely", name: "L", kind: PERSON, affiliations: [{ organization: "nowhere", role: "R" }] }) { ${ERRORS} } }`);
    expect(dangling.createActor.issues).toEqual([{ path: ['input', 'affiliations', '0', 'actor'], message: expect.stringContaining('nowhere') }]);
    const wikidataTaken = await data(tokens.write, `mutation { createActor(input: { slug: "rf", name: "RF", kind: STATE, wikidataId: "Q159" }) { ${ERRORS} } }`);
    expect(wikidataTaken.createActor).toMatchObject({ __typename: 'ConflictError', field: 'wikidataId' });
    expect(await snapshot()).toEqual(before);
  });

  it('updates an actor in place, clearing with null and keeping what is left out', async () => {
    const id = await idOf('actor', 'critics');
    const result = await data(
      tokens.write,
      `mutation($id: ID!) { updateActor(id: $id, input: { description: null, aliases: ["detractors"] }) { ${ERRORS} ... on MutationUpdateActorSuccess { data { slug name description aliases } } } }`,
      { id },
    );
    expect(result.updateActor.data).toEqual({ slug: 'critics', name: 'Critics', description: null, aliases: ['detractors'] });
    const missing = await data(tokens.write, `mutation($id: ID!) { updateActor(id: $id, input: { name: "x" }) { ${ERRORS} } }`, {
      id: Buffer.from('Actor:01900000-0000-7000-8000-000000000000').toString('base64'),
    });
    expect(missing.updateActor).toMatchObject({ __typename: 'NotFoundError', type: 'Actor' });
    const foreign = await executeAs(app, tokens.write, `mutation($id: ID!) { updateActor(id: $id, input: { name: "x" }) { __typename } }`, { id: await idOf('claim', 'nk-troops-kursk-8000') });
    expect(foreign.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('manages affiliations, refusing nonsense', async () => {
    const created = await data(
      tokens.write,
      `mutation { createAffiliation(input: { actor: "antony-blinken", organization: "nato", role: "Envoy", from: "2021-01-26" }) { ${ERRORS} ... on MutationCreateAffiliationSuccess { data { id role from actor { slug } organization { slug } } } } }`,
    );
    expect(created.createAffiliation.data).toMatchObject({ role: 'Envoy', from: '2021-01-26', actor: { slug: 'antony-blinken' }, organization: { slug: 'nato' } });
    const id = created.createAffiliation.data.id;
    const reversed = await data(tokens.write, `mutation($id: ID!) { updateAffiliation(id: $id, input: { until: "2020-01-01" }) { ${ERRORS} } }`, { id });
    expect(reversed.updateAffiliation.issues[0].path).toEqual(['input', 'until']);
    const updated = await data(tokens.write, `mutation($id: ID!) { updateAffiliation(id: $id, input: { until: "2025-01-20" }) { ... on MutationUpdateAffiliationSuccess { data { until } } } }`, { id });
    expect(updated.updateAffiliation.data.until).toBe('2025-01-20');
    const self = await data(tokens.write, `mutation { createAffiliation(input: { actor: "nato", organization: "nato", role: "Self" }) { ${ERRORS} } }`);
    expect(self.createAffiliation.__typename).toBe('ValidationError');
    const duplicate = await data(tokens.write, `mutation { createAffiliation(input: { actor: "antony-blinken", organization: "nato", role: "Envoy" }) { ${ERRORS} } }`);
    expect(duplicate.createAffiliation.__typename).toBe('ConflictError');
    const deleted = await data(tokens.write, `mutation($id: ID!) { deleteAffiliation(id: $id) { ${ERRORS} ... on MutationDeleteAffiliationSuccess { data } } }`, { id });
    expect(deleted.deleteAffiliation.data).toBe(id);
    const again = await data(tokens.write, `mutation($id: ID!) { deleteAffiliation(id: $id) { ${ERRORS} } }`, { id });
    expect(again.deleteAffiliation.__typename).toBe('NotFoundError');
  });

  it('creates, updates and deletes sources and claims; deletion of a used source is refused', async () => {
    const source = await data(
      tokens.write,
      `mutation { createSource(input: { slug: "briefing-transcript", title: "MFA briefing", url: "https://example.org/briefing", publishedOn: "2024-11-01" }) { ${ERRORS} ... on MutationCreateSourceSuccess { data { id url publishedOn } } } }`,
    );
    expect(source.createSource.data).toMatchObject({ url: 'https://example.org/briefing', publishedOn: '2024-11-01' });
    const badUrl = await data(tokens.write, `mutation { createSource(input: { slug: "s2", title: "T", url: "javascript:alert(1)" }) { ${ERRORS} } }`);
    expect(badUrl.createSource.issues[0].path).toEqual(['input', 'url']);
    const updated = await data(tokens.write, `mutation($id: ID!) { updateSource(id: $id, input: { url: null }) { ... on MutationUpdateSourceSuccess { data { url title } } } }`, { id: source.createSource.data.id });
    expect(updated.updateSource.data).toEqual({ url: null, title: 'MFA briefing' });
    const used = await data(tokens.admin, `mutation($id: ID!) { deleteSource(id: $id) { ${ERRORS} } }`, { id: await idOf('source', 'article-china-north-korea-russia') });
    expect(used.deleteSource.__typename).toBe('ConflictError');
    const removed = await data(tokens.admin, `mutation($id: ID!) { deleteSource(id: $id) { ${ERRORS} } }`, { id: source.createSource.data.id });
    expect(removed.deleteSource.__typename).toBe('MutationDeleteSourceSuccess');

    const claim = await data(tokens.write, `mutation { createClaim(input: { slug: "kim-visits-moscow", text: "Kim Jong Un visited Moscow.", topics: ["north-korea"] }) { ${ERRORS} ... on MutationCreateClaimSuccess { data { id status topics } } } }`);
    expect(claim.createClaim.data).toMatchObject({ status: 'UNRESOLVED', topics: ['north-korea'] });
    const changed = await data(tokens.write, `mutation($id: ID!) { updateClaim(id: $id, input: { text: "Kim Jong Un visited Moscow in 2023." }) { ... on MutationUpdateClaimSuccess { data { text topics } } } }`, { id: claim.createClaim.data.id });
    expect(changed.updateClaim.data).toEqual({ text: 'Kim Jong Un visited Moscow in 2023.', topics: ['north-korea'] });
    const gone = await data(tokens.admin, `mutation($id: ID!) { deleteClaim(id: $id) { ${ERRORS} } }`, { id: claim.createClaim.data.id });
    expect(gone.deleteClaim.__typename).toBe('MutationDeleteClaimSuccess');
    expect((await data(null, `{ claim(slug: "kim-visits-moscow") { id } }`)).claim).toBeNull();
  });
});

describe(`statements and stances (${databaseLabel()})`, () => {
  const RECORD = `mutation($i: RecordStatementInput!) { recordStatement(input: $i) { ${ERRORS} ... on MutationRecordStatementSuccess { data { id slug kind respondsTo { slug } responseKind thread { slug } stances { position claim { slug status } } } } } }`;

  it('records a statement with its stances and response link in one call, and claim status follows', async () => {
    const before = await data(null, `{ claim(slug: "nk-troops-kursk-8000") { status } }`);
    expect(before.claim.status).toBe('ASSERTED');
    const result = await data(tokens.write, RECORD, {
      i: {
        slug: 'russia-denies-kursk-troops',
        speaker: 'russia',
        text: 'Russia denies that North Korean troops are in Kursk.',
        kind: 'PARAPHRASE',
        saidOn: '2024-11-02',
        source: 'article-china-north-korea-russia',
        respondsTo: { statement: 'blinken-kursk-8000-of-10000', kind: 'REBUTS' },
        stances: [{ claim: 'nk-troops-kursk-8000', position: 'DENIES' }],
      },
    });
    expect(result.recordStatement.data).toMatchObject({
      slug: 'russia-denies-kursk-troops',
      respondsTo: { slug: 'blinken-kursk-8000-of-10000' },
      responseKind: 'REBUTS',
      thread: [{ slug: 'blinken-kursk-8000-of-10000' }],
      stances: [{ position: 'DENIES', claim: { slug: 'nk-troops-kursk-8000', status: 'CONTESTED' } }],
    });
    const latest = await data(null, `{ statements(first: 1) { edges { node { slug } } } }`);
    expect(latest.statements.edges[0].node.slug).toBe('russia-denies-kursk-troops');
  });

  it('reports every bad field of a statement at its input path, and writes nothing', async () => {
    const before = await snapshot();
    const result = await data(tokens.write, RECORD, {
      i: {
        slug: 'broken',
        speaker: 'nobody',
        text: 'x',
        kind: 'REPORTED',
        source: 'no-source',
        respondsTo: { statement: 'missing', kind: 'ANSWERS' },
        stances: [{ claim: 'nk-troops-kursk-8000', position: 'ASSERTS' }, { claim: 'no-claim', position: 'DENIES' }],
      },
    });
    expect(result.recordStatement.__typename).toBe('ValidationError');
    expect(result.recordStatement.issues.map((issue: { path: string[] }) => issue.path.join('.')).sort()).toEqual(
      ['input.respondsTo.statement', 'input.source', 'input.speaker', 'input.stances.1.claim'].sort(),
    );
    const self = await data(tokens.write, RECORD, { i: { slug: 'me', speaker: 'china', text: 'x', kind: 'REPORTED', source: 'article-china-north-korea-russia', respondsTo: { statement: 'me', kind: 'ANSWERS' } } });
    expect(self.recordStatement.issues[0].path).toEqual(['input', 'respondsTo', 'statement']);
    const duplicate = await data(tokens.write, RECORD, { i: { slug: 'china-not-its-concern', speaker: 'china', text: 'x', kind: 'REPORTED', source: 'article-china-north-korea-russia' } });
    expect(duplicate.recordStatement).toMatchObject({ __typename: 'ConflictError', field: 'slug' });
    const badDate = await executeAs(app, tokens.write, RECORD, { i: { slug: 'dated', speaker: 'china', text: 'x', kind: 'REPORTED', source: 'article-china-north-korea-russia', saidOn: '2024-02-30' } });
    expect(badDate.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(await snapshot()).toEqual(before);
  });

  it('refuses an update that would close a response cycle', async () => {
    const root = await idOf('statement', 'china-not-its-concern');
    const before = await snapshot();
    const result = await data(tokens.write, `mutation($id: ID!) { updateStatement(id: $id, input: { respondsTo: { statement: "lin-does-not-know-specifics", kind: "ANSWERS" } }) { ${ERRORS} } }`.replace('"ANSWERS"', 'ANSWERS'), { id: root });
    expect(result.updateStatement.__typename).toBe('ValidationError');
    expect(result.updateStatement.issues[0].path).toEqual(['input', 'respondsTo', 'statement']);
    expect(result.updateStatement.issues[0].message).toMatch(/cycle/);
    expect(await snapshot()).toEqual(before);
  });

  it('updates a statement in place and moves the thread of everything below it', async () => {
    const id = await idOf('statement', 'zelenskyy-silence-tacit-support');
    const result = await data(
      tokens.write,
      `mutation($id: ID!) { updateStatement(id: $id, input: { respondsTo: null, venue: "address to parliament" }) { ${ERRORS} ... on MutationUpdateStatementSuccess { data { venue respondsTo { slug } thread { slug } } } } }`,
      { id },
    );
    expect(result.updateStatement.data).toEqual({ venue: 'address to parliament', respondsTo: null, thread: [] });
    const below = await data(null, `{ statement(slug: "experts-china-position-unlikely-to-shift") { thread { slug } } }`);
    expect(below.statement.thread.map((s: { slug: string }) => s.slug)).toEqual(['zelenskyy-silence-tacit-support', 'lin-reaffirms-neutrality', 'eu-urges-china-reconsider-neutrality']);
  });

  it('sets, changes and removes a stance, with claim status following', async () => {
    const id = await idOf('statement', 'critics-china-self-serving');
    const STATUS = `{ claim(slug: "china-knows-nk-russia-cooperation-specifics") { status } }`;
    expect((await data(null, STATUS)).claim.status).toBe('DENIED');
    const set = await data(tokens.write, `mutation($id: ID!) { setStance(statement: $id, claim: "china-knows-nk-russia-cooperation-specifics", position: ASSERTS) { ${ERRORS} ... on MutationSetStanceSuccess { data { stances { position claim { slug } } } } } }`, { id });
    expect(set.setStance.data.stances).toContainEqual({ position: 'ASSERTS', claim: { slug: 'china-knows-nk-russia-cooperation-specifics' } });
    expect((await data(null, STATUS)).claim.status).toBe('CONTESTED');
    await data(tokens.write, `mutation($id: ID!) { setStance(statement: $id, claim: "china-knows-nk-russia-cooperation-specifics", position: QUESTIONS) { __typename } }`, { id });
    expect((await data(null, STATUS)).claim.status).toBe('DENIED');
    const removed = await data(tokens.write, `mutation($id: ID!) { removeStance(statement: $id, claim: "china-knows-nk-russia-cooperation-specifics") { ${ERRORS} } }`, { id });
    expect(removed.removeStance.__typename).toBe('MutationRemoveStanceSuccess');
    const again = await data(tokens.write, `mutation($id: ID!) { removeStance(statement: $id, claim: "china-knows-nk-russia-cooperation-specifics") { ${ERRORS} } }`, { id });
    expect(again.removeStance.__typename).toBe('NotFoundError');
    const noClaim = await data(tokens.write, `mutation($id: ID!) { setStance(statement: $id, claim: "no-such-claim", position: ASSERTS) { ${ERRORS} } }`, { id });
    expect(noClaim.setStance).toMatchObject({ __typename: 'NotFoundError', type: 'Claim', key: 'no-such-claim' });
  });

  it('retracts instead of deleting: the record stays, hidden unless asked for, and stops counting', async () => {
    const id = await idOf('statement', 'zelenskyy-silence-tacit-support');
    const STATUS = `{ claim(slug: "china-silence-tacit-support-for-russia") { status } }`;
    expect((await data(null, STATUS)).claim.status).toBe('CONTESTED');
    const empty = await data(tokens.write, `mutation($id: ID!) { retractStatement(id: $id, reason: "  ") { ${ERRORS} } }`, { id });
    expect(empty.retractStatement.issues[0].path).toEqual(['reason']);
    const result = await data(tokens.write, `mutation($id: ID!) { retractStatement(id: $id, reason: "Misattributed") { ${ERRORS} ... on MutationRetractStatementSuccess { data { retracted retraction { by reason at } } } } }`, { id });
    expect(result.retractStatement.data).toMatchObject({ retracted: true, retraction: { by: 'test-write', reason: 'Misattributed' } });
    expect((await data(null, STATUS)).claim.status).toBe('DENIED');
    const hidden = await data(null, `{ statements(speaker: "volodymyr-zelenskyy", first: 50) { edges { node { slug } } } all: statements(speaker: "volodymyr-zelenskyy", includeRetracted: true, first: 50) { edges { node { slug retracted } } } }`);
    expect(hidden.statements.edges.map((edge: { node: { slug: string } }) => edge.node.slug)).not.toContain('zelenskyy-silence-tacit-support');
    expect(hidden.all.edges).toContainEqual({ node: { slug: 'zelenskyy-silence-tacit-support', retracted: true } });
    const direct = await data(null, `{ statement(slug: "zelenskyy-silence-tacit-support") { retracted } }`);
    expect(direct.statement.retracted).toBe(true);
    const twice = await data(tokens.write, `mutation($id: ID!) { retractStatement(id: $id, reason: "again") { ${ERRORS} } }`, { id });
    expect(twice.retractStatement.__typename).toBe('ValidationError');
  });

  it('deletes a statement for good (admin), unlinking its responses', async () => {
    const id = await idOf('statement', 'eu-urges-china-reconsider-neutrality');
    const result = await data(tokens.admin, `mutation($id: ID!) { deleteStatement(id: $id) { ${ERRORS} } }`, { id });
    expect(result.deleteStatement.__typename).toBe('MutationDeleteStatementSuccess');
    const orphan = await data(null, `{ statement(slug: "experts-china-position-unlikely-to-shift") { respondsTo { slug } thread { slug } } }`);
    expect(orphan.statement).toEqual({ respondsTo: null, thread: [] });
  });
});

describe(`merging duplicate actors (${databaseLabel()})`, () => {
  let run = 0;
  beforeEach(async () => {
    run += 1;
    await data(tokens.write, `mutation { createActor(input: { slug: "prc", name: "People's Republic", kind: STATE, aliases: ["PRC"] }) { __typename } }`);
    await data(tokens.write, `mutation { createAffiliation(input: { actor: "prc", organization: "united-states", role: "Rival" }) { __typename } }`);
    const recorded = await data(
      tokens.write,
      `mutation { recordStatement(input: { slug: "prc-says-${run}", speaker: "prc", text: "PRC says.", kind: REPORTED, source: "article-china-north-korea-russia", stances: [{ claim: "china-neutral-on-ukraine-war", position: ASSERTS }] }) { __typename } }`,
    );
    expect(recorded.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
  });

  it('moves statements and affiliations, keeps the duplicate’s slug as an alias, and deletes it', async () => {
    const into = await idOf('actor', 'china');
    const from = await idOf('actor', 'prc');
    const result = await data(tokens.admin, `mutation($a: ID!, $b: ID!) { mergeActors(into: $a, from: $b) { ${ERRORS} ... on MutationMergeActorsSuccess { data { slug aliases affiliations { role } } } } }`, { a: into, b: from });
    expect(result.mergeActors.data.slug).toBe('china');
    expect(result.mergeActors.data.aliases).toEqual(expect.arrayContaining(['prc', 'PRC', "People's Republic"]));
    expect(result.mergeActors.data.affiliations).toContainEqual({ role: 'Rival' });
    expect((await data(null, `{ actor(slug: "prc") { id } }`)).actor).toBeNull();
    expect((await data(null, `{ statement(slug: "prc-says-1") { speaker { slug } } }`)).statement.speaker.slug).toBe('china');
    expect((await data(null, `{ actors(search: "prc") { edges { node { slug } } } }`)).actors.edges).toEqual([{ node: { slug: 'china' } }]);
    const self = await data(tokens.admin, `mutation($a: ID!) { mergeActors(into: $a, from: $a) { ${ERRORS} } }`, { a: into });
    expect(self.mergeActors.__typename).toBe('ValidationError');
  });

  it('refuses to delete an actor that statements name, and deletes one they do not', async () => {
    const named = await data(tokens.admin, `mutation($id: ID!) { deleteActor(id: $id) { ${ERRORS} } }`, { id: await idOf('actor', 'prc') });
    expect(named.deleteActor.__typename).toBe('ConflictError');
    const unused = await data(tokens.admin, `mutation($id: ID!) { deleteActor(id: $id) { ${ERRORS} } }`, { id: await idOf('actor', 'iran') });
    expect(unused.deleteActor.__typename).toBe('MutationDeleteActorSuccess');
  });
});

describe(`bundles over GraphQL (${databaseLabel()})`, () => {
  it('imports idempotently, dry-runs without writing, and names the JSON path of a bad record', async () => {
    const bundle = {
      format: 'fact-bundle/v1',
      sources: [],
      actors: [{ slug: 'api-actor', name: 'API actor', kind: 'GROUP', aliases: [], description: null, wikidataId: null, affiliations: [] }],
      claims: [],
      statements: [],
    };
    const IMPORT = `mutation($b: JSON!, $d: Boolean) { importBundle(bundle: $b, dryRun: $d) { ${ERRORS} ... on MutationImportBundleSuccess { data { dryRun actors { created updated unchanged } } } } }`;
    const dry = await data(tokens.write, IMPORT, { b: bundle, d: true });
    expect(dry.importBundle.data).toEqual({ dryRun: true, actors: { created: 1, updated: 0, unchanged: 0 } });
    expect((await data(null, `{ actor(slug: "api-actor") { id } }`)).actor).toBeNull();
    const first = await data(tokens.write, IMPORT, { b: bundle });
    expect(first.importBundle.data.actors.created).toBe(1);
    const second = await data(tokens.write, IMPORT, { b: bundle });
    expect(second.importBundle.data.actors).toEqual({ created: 0, updated: 0, unchanged: 1 });
    const broken = await data(tokens.write, IMPORT, {
      b: { ...bundle, statements: [{ slug: 's', speaker: 'api-actor', onBehalfOf: null, text: 't', kind: 'REPORTED', saidOn: null, venue: null, source: 'article-china-north-korea-russia', respondsTo: null, stances: [{ claim: 'nope', position: 'ASSERTS' }] }] },
    });
    expect(broken.importBundle.issues).toEqual([{ path: ['bundle', 'statements', '0', 'stances', '0', 'claim'], message: expect.stringMatching(/^\/statements\/0\/stances\/0\/claim: /) }]);
  });

  it('exports the subgraph around an actor and claims as JSON-LD', async () => {
    const result = await data(null, `{ exportBundle(actors: ["lin-jian"]) { ... on QueryExportBundleSuccess { data } } claimsJsonLd(claims: ["nk-troops-kursk-8000"]) { ... on QueryClaimsJsonLdSuccess { data } } missing: exportBundle(actors: ["nobody"]) { __typename ... on NotFoundError { key } } }`);
    const bundle = result.exportBundle.data;
    expect(bundle.format).toBe('fact-bundle/v1');
    expect(bundle.statements.map((s: { slug: string }) => s.slug)).toContain('lin-sovereign-states-own-matter');
    expect(result.claimsJsonLd.data['@context']).toBeDefined();
    expect(result.missing).toMatchObject({ __typename: 'NotFoundError', key: 'nobody' });
  });
});

describe(`the audit log (${databaseLabel()})`, () => {
  it('is for admins only, and records before and after', async () => {
    const denied = await executeAs(app, tokens.write, `{ auditLog { totalCount: edges { cursor } } }`);
    expect(denied.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const log = await data(tokens.admin, `{ auditLog(action: "updateActor", first: 5) { edges { node { writer targetSlug before after at } } } }`);
    const entry = log.auditLog.edges.find((edge: { node: { targetSlug: string } }) => edge.node.targetSlug === 'critics')?.node;
    expect(entry.before.aliases).toEqual([]);
    expect(entry.after.aliases).toEqual(['detractors']);
    expect(entry.writer).toBe('test-write');
    expect(new Date(entry.at).getTime()).toBeGreaterThan(Date.now() - 10 * 60_000);
  });
});

describe(`the fast paths of recordStatement and setStance (${databaseLabel()})`, () => {
  /**
   * Counts every statement the write sends between BEGIN and COMMIT, both included. On PostgreSQL, at the
   * wire: a proxy counts Query and Execute messages of a second client of the same schema. On PGlite, Prisma's
   * query log, which leaves BEGIN out (the wire count on PostgreSQL shows the log is one short).
   */
  async function counted<T>(work: (prisma: PrismaClient) => Promise<T>): Promise<{ statements: number; logged: string[] }> {
    if (!usingPostgres()) {
      test.resetQueries();
      await work(test.db.prisma);
      return { statements: test.queries.length + 1, logged: [...test.queries] };
    }
    const target = new URL(splitSchema(test.url ?? '').connectionString);
    const counter = new StatementCounter({ host: target.hostname, port: Number(target.port || 5432) });
    const port = await counter.listen(0);
    const proxied = new URL(test.url ?? '');
    proxied.hostname = '127.0.0.1';
    proxied.port = String(port);
    const logged: string[] = [];
    const other = await openDatabase({ kind: 'postgres', url: proxied.toString(), poolMax: 1 }, { onQuery: (sql) => logged.push(sql) });
    onTestFinished(async () => {
      await other.close();
      await counter.close();
    });
    await other.prisma.$queryRaw`SELECT 1`;
    counter.reset();
    logged.length = 0;
    await work(other.prisma);
    return { statements: counter.statements, logged };
  }

  it('each send 4 SQL statements: BEGIN, lock-and-write, status-and-audit, COMMIT', async () => {
    let id = '';
    const record = await counted(async (prisma) => {
      id = (
        await recordStatement(prisma, 'counter', {
          slug: 'counted-statement',
          speaker: 'russia',
          onBehalfOf: null,
          text: 'Russia says the troops are not in Kursk.',
          kind: 'PARAPHRASE',
          saidOn: '2024-11-03',
          venue: null,
          source: 'article-china-north-korea-russia',
          respondsTo: { statement: 'blinken-kursk-8000-of-10000', kind: 'REBUTS' },
          stances: [
            { claim: 'nk-troops-kursk-8000', position: 'DENIES' },
            { claim: 'nk-troops-in-russia-10000', position: 'DENIES' },
          ],
        })
      ).id;
    });
    const stance = await counted((prisma) => setStance(prisma, 'counter', id, 'china-neutral-on-ukraine-war', 'QUESTIONS'));
    console.log(`recordStatement: ${record.statements} SQL statements; setStance: ${stance.statements} (${usingPostgres() ? 'counted at the wire' : "Prisma's log + BEGIN"})`);
    expect(record.statements).toBe(4);
    expect(stance.statements).toBe(4);
    expect(record.logged).toHaveLength(3);
    const claims = await test.db.prisma.claim.findMany({ where: { slug: { in: ['nk-troops-kursk-8000', 'china-neutral-on-ukraine-war'] } }, orderBy: { slug: 'asc' } });
    expect(claims.map((claim) => claim.status)).toEqual(['CONTESTED', 'CONTESTED']);
    const audit = await test.db.prisma.auditEntry.findMany({ where: { writer: 'counter' }, orderBy: { seq: 'asc' } });
    expect(audit.map((entry) => [entry.action, entry.targetSlug])).toEqual([
      ['recordStatement', 'counted-statement'],
      ['setStance', 'counted-statement/china-neutral-on-ukraine-war'],
    ]);
  });
});

describe(`source text and quotes (${databaseLabel()})`, () => {
  const TEXT = 'Lin said: “We will not 😀 comment on that.” Then he left the podium.';
  const QUOTED = 'We will not 😀 comment on that.';
  const at = TEXT.indexOf(QUOTED);
  const RECORD = `mutation($i: RecordStatementInput!) { recordStatement(input: $i) { ${ERRORS} ... on MutationRecordStatementSuccess { data { id slug } } } }`;
  const quoted = (slug: string, quote: { start: number; end: number } | null, extra: Record<string, unknown> = {}) => ({
    i: { slug, speaker: 'lin-jian', text: QUOTED, kind: 'DIRECT_QUOTE', source: 'podium-transcript', quote, ...extra },
  });

  beforeAll(async () => {
    const created = await data(tokens.write, `mutation($t: String) { createSource(input: { slug: "podium-transcript", title: "Transcript", text: $t }) { ${ERRORS} } }`, { t: TEXT });
    expect(created.createSource.__typename).toBe('MutationCreateSourceSuccess');
    await data(tokens.write, `mutation { createSource(input: { slug: "no-text-source", title: "Notes" }) { __typename } }`);
  });

  it('keeps the text with its SHA-256', async () => {
    const source = await test.db.prisma.source.findUniqueOrThrow({ where: { slug: 'podium-transcript' } });
    expect(source.text).toBe(TEXT);
    expect(source.textSha256).toBe(createHash('sha256').update(TEXT, 'utf8').digest('hex'));
  });

  it('records a direct quote at its place in the text, counting UTF-16 code units as JavaScript does', async () => {
    const result = await data(tokens.write, RECORD, quoted('lin-will-not-comment', { start: at, end: at + QUOTED.length }));
    expect(result.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
    const stored = await test.db.prisma.statement.findUniqueOrThrow({ where: { slug: 'lin-will-not-comment' } });
    expect(TEXT.slice(stored.quoteStart ?? 0, stored.quoteEnd ?? 0)).toBe(QUOTED);
    const exported = await exportBundle(test.db.prisma, { sources: ['podium-transcript'] });
    expect(exported.statements.find((statement) => statement.slug === 'lin-will-not-comment')?.quote).toEqual({ start: at, end: at + QUOTED.length });
    expect(exported.sources[0]?.text).toBe(TEXT);
  });

  it('refuses a quote that does not hold, naming the field, and writes nothing', async () => {
    const before = await snapshot();
    const audits = await auditCount();
    const cases: [Record<string, unknown>, string[], RegExp][] = [
      [quoted('q1', { start: at, end: at + QUOTED.length + 1 }), ['input', 'quote'], /exactly the quoted span/],
      [quoted('q2', { start: at, end: TEXT.length + 5 }), ['input', 'quote', 'end'], /at most/],
      [quoted('q3', { start: at + 5, end: at + 5 }), ['input', 'quote', 'end'], /greater than start/],
      [quoted('q4', { start: TEXT.indexOf('😀') + 1, end: at + QUOTED.length }), ['input', 'quote', 'start'], /surrogate pair/],
      [quoted('q5', { start: 0, end: 5 }, { source: 'no-text-source' }), ['input', 'quote'], /no text/],
      [quoted('q6', { start: -1, end: 5 }), ['input', 'quote', 'start'], /./],
    ];
    for (const [variables, path, message] of cases) {
      const result = await data(tokens.write, RECORD, variables);
      expect(result.recordStatement.__typename, JSON.stringify(variables)).toBe('ValidationError');
      expect(result.recordStatement.issues).toContainEqual({ path, message: expect.stringMatching(message) });
    }
    expect(await snapshot()).toEqual(before);
    expect(await auditCount()).toBe(audits);
  });

  it('lets a paraphrase point at a passage in other words', async () => {
    const result = await data(tokens.write, RECORD, { i: { slug: 'lin-declines', speaker: 'lin-jian', text: 'Lin declined to comment.', kind: 'PARAPHRASE', source: 'podium-transcript', quote: { start: 0, end: TEXT.indexOf('Then') } } });
    expect(result.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
  });

  it('refuses a new source text or statement text that a stored quote no longer matches', async () => {
    const source = await idOf('source', 'podium-transcript');
    const statement = await idOf('statement', 'lin-will-not-comment');
    const UPDATE_SOURCE = `mutation($id: ID!, $t: String) { updateSource(id: $id, input: { text: $t }) { ${ERRORS} } }`;
    const shorter = await data(tokens.write, UPDATE_SOURCE, { id: source, t: TEXT.slice(0, 30) });
    expect(shorter.updateSource.issues).toContainEqual({ path: ['input', 'text'], message: expect.stringMatching(/"lin-will-not-comment" quotes this source/) });
    expect(shorter.updateSource.issues.every((issue: { path: string[] }) => issue.path.join('.') === 'input.text')).toBe(true);
    const longer = await data(tokens.write, UPDATE_SOURCE, { id: source, t: `${TEXT} Questions followed.` });
    expect(longer.updateSource.__typename).toBe('MutationUpdateSourceSuccess');
    expect((await test.db.prisma.source.findUniqueOrThrow({ where: { slug: 'podium-transcript' } })).textSha256).toBe(createHash('sha256').update(`${TEXT} Questions followed.`, 'utf8').digest('hex'));
    const UPDATE = `mutation($id: ID!, $i: UpdateStatementInput!) { updateStatement(id: $id, input: $i) { ${ERRORS} ... on MutationUpdateStatementSuccess { data { text } } } }`;
    const reworded = await data(tokens.write, UPDATE, { id: statement, i: { text: 'We will not comment.' } });
    expect(reworded.updateStatement.issues).toEqual([{ path: ['input', 'quote'], message: expect.stringMatching(/exactly the quoted span/) }]);
    const unquoted = await data(tokens.write, UPDATE, { id: statement, i: { text: 'We will not comment.', quote: null } });
    expect(unquoted.updateStatement.data).toEqual({ text: 'We will not comment.' });
  });
});

describe(`deadlocks and serialization failures (${databaseLabel()})`, () => {
  const deadlock = () =>
    Object.assign(new Error('Raw query failed. Code: `40P01`. Message: `deadlock detected`'), {
      code: 'P2010',
      meta: { driverAdapterError: { cause: { originalCode: '40P01', kind: 'TransactionWriteConflict' } } },
    });

  it('runs the whole transaction again, and gives up after the last attempt with a WriteContention', async () => {
    let attempts = 0;
    const before = { ...retryCounts };
    const answer = await transact(test.db.prisma, async (tx) => {
      attempts += 1;
      await tx.actor.count();
      if (attempts < 3) throw deadlock();
      return 'written';
    });
    expect(answer).toBe('written');
    expect(attempts).toBe(3);
    expect(retryCounts.retries - before.retries).toBe(2);

    attempts = 0;
    const spent = await transact(
      test.db.prisma,
      async () => {
        attempts += 1;
        throw Object.assign(new Error('could not serialize access'), { code: 'P2034' });
      },
      { attempts: 4 },
    ).catch((error: unknown) => error);
    expect(spent).toBeInstanceOf(WriteContention);
    expect(attempts).toBe(4);
    expect(retryCounts.exhausted - before.exhausted).toBe(1);

    attempts = 0;
    const plain = await transact(test.db.prisma, async () => {
      attempts += 1;
      throw new Error('a bug, not a race');
    }).catch((error: unknown) => error);
    expect((plain as Error).message).toBe('a bug, not a race');
    expect(attempts).toBe(1);
  });

  it('reaches the client as a retryable SERVICE_UNAVAILABLE with Retry-After, never an internal error', () => {
    const failure = classifyDatabaseError(new WriteContention(6, { cause: deadlock() }));
    expect(failure).toBe('contention');
    const error = databaseError(failure ?? 'unavailable');
    expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, http: { status: 503, headers: { 'Retry-After': '1' } } });
    expect(error.message).toMatch(/nothing was written; retry/);
  });
});

describe(`a write still running when its request's time limit passes (${databaseLabel()})`, () => {
  it('is rolled back instead of committed, and a transaction not yet begun never begins', async () => {
    const limit = new AbortController();
    let ran = 0;
    const stopped = await withDeadline(limit.signal, () =>
      transact(test.db.prisma, async (tx) => {
        ran += 1;
        await tx.actor.create({ data: { slug: 'written-past-the-limit', name: 'Past the limit', kind: 'PERSON' } });
        // The limit passes while the transaction is open, after its writes, before its COMMIT.
        limit.abort();
        return 'written';
      }),
    ).catch((error: unknown) => error);
    expect(stopped).toBeInstanceOf(DeadlinePassed);
    expect(ran).toBe(1);
    expect(await test.db.prisma.actor.count({ where: { slug: 'written-past-the-limit' } })).toBe(0);
    expect(databaseError(classifyDatabaseError(stopped) ?? 'unavailable').extensions).toMatchObject({ code: 'TIMEOUT' });

    // Past the limit already: the work does not run at all.
    const late = await withDeadline(limit.signal, () => transact(test.db.prisma, async () => (ran += 1))).catch((error: unknown) => error);
    expect(late).toBeInstanceOf(DeadlinePassed);
    expect(ran).toBe(1);
    // Outside a request (the CLI, the webhook worker) there is no limit.
    expect(await transact(test.db.prisma, async (tx) => tx.actor.count({ where: { slug: 'written-past-the-limit' } }))).toBe(0);
  });

  // PostgreSQL only: the test sees the mutation wait for the row lock in pg_stat_activity, which PGlite (one
  // connection, transactions queued in the adapter) has no equivalent of. The rollback itself is tested above on both.
  it.runIf(usingPostgres())('answers TIMEOUT, "nothing was written", and the statement never appears, however long after', async () => {
    const LIMIT_MS = 300;
    const limited = createTestApp(test, { hardening: { requestTimeoutMs: LIMIT_MS } });
    const claim = 'nk-troops-kursk-8000';
    let release: () => void = () => undefined;
    const released = new Promise<void>((resolve) => {
      release = resolve;
    });
    let holderPid = 0;
    let lockTaken: () => void = () => undefined;
    const locked = new Promise<void>((resolve) => {
      lockTaken = resolve;
    });
    // Another writer holds the claim's row, so the recordStatement below waits for it past its time limit.
    const holder = test.db.prisma.$transaction(
      async (tx) => {
        holderPid = (await tx.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`)[0]?.pid ?? 0;
        await tx.$queryRaw`SELECT id FROM "Claim" WHERE slug = ${claim} FOR UPDATE`;
        lockTaken();
        await released;
      },
      { timeout: 60_000 },
    );
    await locked;
    const answer = executeAs(limited, tokens.write, `mutation($i: RecordStatementInput!) { recordStatement(input: $i) { __typename } }`, {
      i: { slug: 'recorded-past-the-limit', speaker: 'china', text: 'Recorded while the claim was held.', kind: 'PARAPHRASE', source: 'article-china-north-korea-russia', stances: [{ claim, position: 'DENIES' }] },
    });
    const waiting = async () =>
      Number((await test.db.prisma.$queryRaw<{ n: bigint }[]>`SELECT count(*) AS n FROM pg_stat_activity WHERE ${holderPid}::int = ANY(pg_blocking_pids(pid))`)[0]?.n ?? 0);
    await waitFor('the mutation to wait for the held claim', async () => (await waiting()) > 0, 10_000);
    // The request's timer was set before its transaction began, so it fires before this one: the limit has passed.
    await new Promise((resolve) => setTimeout(resolve, LIMIT_MS));
    release();
    await holder;
    const result = await answer;
    expect(result.errors?.[0]?.extensions?.code).toBe('TIMEOUT');
    expect(result.errors?.[0]?.message).toMatch(/nothing was written/);
    expect(await test.db.prisma.statement.count({ where: { slug: 'recorded-past-the-limit' } })).toBe(0);
    // And it is not written later either: the transaction was rolled back, not left to commit.
    const audit = await test.db.prisma.auditEntry.count({ where: { targetSlug: 'recorded-past-the-limit' } });
    expect(audit).toBe(0);
  });
});
