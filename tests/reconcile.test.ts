import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { seed } from '../src/bundle/seed.js';
import { actorSearchText } from '../src/domain/actors.js';
import type { App } from '../src/server.js';
import { examples, type SchemaName, schemaErrors } from './fixtures/reconcile/validate.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp } from './support/graphql.js';

const ORIGIN = 'http://facts.test';

interface Candidate {
  id: string;
  name: string;
  score: number;
  match: boolean;
  description?: string;
  type: { id: string; name: string }[];
  features: { id: string; value: number | boolean }[];
}
type Results = Record<string, { result: Candidate[] }>;

let test: TestDatabase;
let app: App;

const call = (app: App, path: string, init: RequestInit = {}) => app.fetch(`${ORIGIN}${path}`, init);

async function json<T = unknown>(response: Response, schema?: SchemaName): Promise<T> {
  const body = (await response.json()) as T;
  if (schema) expect(schemaErrors(schema, body), `${schema}: ${JSON.stringify(body).slice(0, 300)}`).toEqual([]);
  return body;
}

const postForm = (app: App, fields: Record<string, string>, headers: Record<string, string> = {}) =>
  call(app, '/reconcile', { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers }, body: new URLSearchParams(fields).toString() });

async function reconcile(queries: Record<string, unknown>): Promise<Results> {
  const response = await postForm(app, { queries: JSON.stringify(queries) });
  expect(response.status).toBe(200);
  expect(schemaErrors('reconciliation-query-batch', queries)).toEqual([]);
  return json<Results>(response, 'reconciliation-result-batch');
}

beforeAll(async () => {
  test = await createTestDatabase('reconcile');
  await seed(test.db.prisma);
  app = createTestApp(test);
});

afterAll(async () => {
  await test?.close();
});

describe(`reconciliation API on ${databaseLabel()}`, () => {
  it('judges with schemas that accept the spec’s valid examples and refuse its invalid ones', () => {
    const names: [string, SchemaName][] = [
      ['manifest', 'manifest'],
      ['reconciliation-result-batch', 'reconciliation-result-batch'],
      ['data-extension-response', 'data-extension-response'],
      ['suggest-entities-response', 'suggest-entities-response'],
    ];
    for (const [dir, schema] of names) {
      const { valid, invalid } = examples(dir);
      expect(valid.length, dir).toBeGreaterThan(0);
      for (const example of valid) expect(schemaErrors(schema, example), dir).toEqual([]);
      for (const example of invalid) expect(schemaErrors(schema, example).length, `${dir} invalid`).toBeGreaterThan(0);
    }
  });

  it('serves a manifest with both types, every service, and URLs on the origin it was reached at', async () => {
    const manifest = await json<Record<string, any>>(await call(app, '/reconcile'), 'manifest');
    expect(manifest.versions).toEqual(['0.1', '0.2']);
    expect(manifest.defaultTypes).toEqual([
      { id: 'Actor', name: 'Actor' },
      { id: 'Claim', name: 'Claim' },
    ]);
    expect(manifest.identifierSpace).toBe(`${ORIGIN}/reconcile/entity/`);
    expect(manifest.view.url).toBe(`${ORIGIN}/reconcile/entity/{{id}}`);
    expect(manifest.preview).toMatchObject({ url: `${ORIGIN}/reconcile/preview?id={{id}}`, width: expect.any(Number), height: expect.any(Number) });
    expect(Object.keys(manifest.suggest).sort()).toEqual(['entity', 'property', 'type']);
    expect(manifest.extend.propose_properties).toEqual({ service_url: ORIGIN, service_path: '/reconcile/properties' });
    expect(manifest.batchSize).toBe(50);
    expect(manifest.authentication).toBeUndefined();
    const trailing = await json(await call(app, '/reconcile/'), 'manifest');
    expect(trailing).toEqual(manifest);
  });

  it('matches an exact name, an alias, a Wikidata ID and an entity id, and scores the rest by similarity', async () => {
    const results = await reconcile({
      name: { query: 'china' },
      alias: { query: 'DPRK', type: 'Actor' },
      wikidata: { query: 'Q159' },
      id: { query: 'actor:lin-jian' },
      typo: { query: 'Volodimir Zelensky', type: 'Actor' },
      nothing: { query: 'zzzzqqqq' },
    });
    expect(results.name?.result[0]).toMatchObject({ id: 'actor:china', name: 'China', match: true, score: 100, type: [{ id: 'Actor', name: 'Actor' }] });
    expect(results.alias?.result[0]).toMatchObject({ id: 'actor:north-korea', match: true });
    expect(results.wikidata?.result[0]).toMatchObject({ id: 'actor:russia', match: true });
    expect(results.wikidata?.result[0]?.features).toContainEqual({ id: 'identifier', value: true });
    expect(results.id?.result[0]).toMatchObject({ id: 'actor:lin-jian', name: 'Lin Jian', match: true });
    const typo = results.typo?.result ?? [];
    expect(typo[0]).toMatchObject({ id: 'actor:volodymyr-zelenskyy', match: false });
    expect(typo[0]?.score).toBeGreaterThan(30);
    expect(typo[0]?.score).toBeLessThan(100);
    expect(results.nothing?.result).toEqual([]);
    for (const { result } of Object.values(results)) {
      const scores = result.map((candidate) => candidate.score);
      expect(scores).toEqual([...scores].sort((a, b) => b - a));
      expect(result.filter((candidate) => candidate.match).length).toBeLessThanOrEqual(1);
    }
  });

  it('filters by type and reconciles claims by their text', async () => {
    const text = 'north korean troops have been deployed to Russia';
    const results = await reconcile({
      claim: { query: text, type: 'Claim' },
      actorOnly: { query: text, type: 'Actor' },
      both: { query: 'Russia', type: ['Actor', 'Claim'], type_strict: 'any' },
      partial: { query: 'North Korean troops stationed in Kursk', type: 'Claim', limit: 3 },
    });
    expect(results.claim?.result[0]).toMatchObject({ id: 'claim:nk-troops-deployed-to-russia', match: true, type: [{ id: 'Claim', name: 'Claim' }] });
    expect(results.actorOnly?.result.every((candidate) => candidate.id.startsWith('actor:'))).toBe(true);
    expect(results.both?.result[0]).toMatchObject({ id: 'actor:russia', match: true });
    expect(results.both?.result.some((candidate) => candidate.id.startsWith('claim:'))).toBe(true);
    expect(results.partial?.result.length).toBeLessThanOrEqual(3);
    expect(results.partial?.result[0]).toMatchObject({ id: 'claim:nk-troops-kursk-8000', match: false });
  });

  it('uses kind, wikidataId and alias properties, and a contradicting property prevents a match', async () => {
    const results = await reconcile({
      kindAgrees: { query: 'China', type: 'Actor', properties: [{ pid: 'kind', v: 'state' }] },
      kindDisagrees: { query: 'China', type: 'Actor', properties: [{ pid: 'kind', v: 'PERSON' }] },
      wikidataOnly: { type: 'Actor', properties: [{ pid: 'wikidataId', v: 'http://www.wikidata.org/entity/Q30' }] },
      wikidataDisagrees: { query: 'Russia', type: 'Actor', properties: [{ pid: 'wikidataId', v: ['Q148'] }] },
      aliasValue: { query: 'Foreign Ministry spokesman', type: 'Actor', properties: [{ pid: 'alias', v: 'Chinese Foreign Ministry' }] },
      reconciledValue: { query: 'Blinken', properties: [{ pid: 'kind', v: { id: 'PERSON', name: 'person' } }] },
      topic: { query: 'North Korean troops', type: 'Claim', properties: [{ pid: 'topic', v: 'kursk' }] },
    });
    expect(results.kindAgrees?.result[0]).toMatchObject({ id: 'actor:china', match: true, score: 100 });
    expect(results.kindAgrees?.result[0]?.features).toContainEqual({ id: 'kind_match', value: true });
    const disagreeing = results.kindDisagrees?.result.find((candidate) => candidate.id === 'actor:china');
    expect(disagreeing).toMatchObject({ match: false, score: 60 });
    expect(disagreeing?.features).toContainEqual({ id: 'kind_match', value: false });
    expect(results.wikidataOnly?.result[0]).toMatchObject({ id: 'actor:united-states', match: true });
    expect(results.wikidataDisagrees?.result.find((candidate) => candidate.id === 'actor:russia')).toMatchObject({ match: false });
    expect(results.wikidataDisagrees?.result.find((candidate) => candidate.id === 'actor:china')).toMatchObject({ match: true });
    expect(results.aliasValue?.result[0]).toMatchObject({ id: 'actor:china-mfa', match: true });
    expect(results.reconciledValue?.result[0]).toMatchObject({ id: 'actor:antony-blinken', match: true });
    expect(results.topic?.result[0]?.id).toBe('claim:nk-troops-kursk-8000');
    expect(results.topic?.result[0]?.features).toContainEqual({ id: 'topic_match', value: true });
  });

  it('does not match a name two actors share, and limits candidates', async () => {
    for (const slug of ['jane-doe-one', 'jane-doe-two']) {
      await test.db.prisma.actor.create({ data: { slug, name: 'Jane Doe', kind: 'PERSON', aliases: [], searchText: actorSearchText('Jane Doe', []) } });
    }
    const results = await reconcile({ shared: { query: 'Jane Doe' }, one: { query: 'Jane Doe', limit: 1 }, many: { query: 'Korea', limit: 1000 } });
    expect(results.shared?.result.map((candidate) => [candidate.id, candidate.match, candidate.score])).toEqual([
      ['actor:jane-doe-one', false, 100],
      ['actor:jane-doe-two', false, 100],
    ]);
    expect(results.one?.result).toHaveLength(1);
    expect(results.one?.result[0]?.match).toBe(false);
    expect(results.many?.result.length).toBeLessThanOrEqual(25);
  });

  it('answers GET ?queries= exactly as it answers a form POST', async () => {
    const queries = { q0: { query: 'Putin' }, q1: { query: 'NATO', type: 'Actor' } };
    const viaGet = await json(await call(app, `/reconcile?queries=${encodeURIComponent(JSON.stringify(queries))}`), 'reconciliation-result-batch');
    expect(viaGet).toEqual(await reconcile(queries));
  });

  it('refuses bad batches with a status, a code, a message and a path, and leaks nothing', async () => {
    const cases: [Record<string, string>, number, string, string | undefined][] = [
      [{ queries: '{"q0": {"query": "China"' }, 400, 'is not valid JSON', '/queries'],
      [{ queries: '[]' }, 400, 'JSON object of queries', '/queries'],
      [{ queries: JSON.stringify({ q0: { query: 'x', type: 'Planet' } }) }, 400, 'unknown type "Planet"', '/q0/type'],
      [{ queries: JSON.stringify({ q0: { query: 'x', limit: 0 } }) }, 400, 'positive integer', '/q0/limit'],
      [{ queries: JSON.stringify({ q0: { query: 'x', colour: 'red' } }) }, 400, 'unknown field "colour"', '/q0/colour'],
      [{ queries: JSON.stringify({ q0: {} }) }, 400, 'non-empty "query"', '/q0'],
      [{ queries: JSON.stringify({ q0: { query: 'x', properties: [{ pid: 'height', v: 1 }] } }) }, 400, 'unknown property "height"', '/q0/properties/0/pid'],
      [{ queries: JSON.stringify({ q0: { query: 'x'.repeat(1001) } }) }, 400, 'longer than 1000', '/q0/query'],
      [{ queries: JSON.stringify({ q0: { query: 'a\u0000b' } }) }, 400, 'U+0000', '/q0/query'],
      [{ queries: JSON.stringify(Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`q${i}`, { query: 'x' }]))) }, 413, 'at most 50 queries', '/queries'],
      [{ queries: '{}', extend: '{}' }, 400, 'either', undefined],
      [{ extend: JSON.stringify({ ids: ['actor:china'], properties: [{ id: 'salary' }] }) }, 400, 'unknown property "salary"', '/extend/properties/0/id'],
    ];
    for (const [fields, status, message, path] of cases) {
      const response = await postForm(app, fields);
      expect(response.status, message).toBe(status);
      const body = await json<{ error: { code: string; message: string; path?: string } }>(response);
      expect(body.error.message).toContain(message);
      expect(body.error.path).toBe(path);
      expect(JSON.stringify(body)).not.toMatch(/SELECT|prisma|at .*\.ts:\d+/i);
    }
    const json415 = await call(app, '/reconcile', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"queries":{}}' });
    expect(json415.status).toBe(415);
    const huge = await postForm(app, { queries: 'x'.repeat(1_100_000) });
    expect(huge.status).toBe(413);
    const put = await call(app, '/reconcile', { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, POST, OPTIONS');
  });

  it('suggests entities by prefix (with pages and type filter), properties and types', async () => {
    const lin = await json<{ result: { id: string; name: string; notable: unknown[] }[] }>(await call(app, '/reconcile/suggest/entity?prefix=Lin'), 'suggest-entities-response');
    expect(lin.result[0]).toMatchObject({ id: 'actor:lin-jian', name: 'Lin Jian', notable: [{ id: 'Actor', name: 'Actor' }] });
    const byAlias = await json<{ result: { id: string }[] }>(await call(app, '/reconcile/suggest/entity?prefix=zelen'), 'suggest-entities-response');
    expect(byAlias.result[0]?.id).toBe('actor:volodymyr-zelenskyy');
    const byId = await json<{ result: { id: string }[] }>(await call(app, '/reconcile/suggest/entity?prefix=Q423'), 'suggest-entities-response');
    expect(byId.result[0]?.id).toBe('actor:north-korea');
    const claims = await json<{ result: { id: string }[] }>(await call(app, '/reconcile/suggest/entity?prefix=North&type=Claim'), 'suggest-entities-response');
    expect(claims.result.length).toBeGreaterThan(0);
    expect(claims.result.every((item) => item.id.startsWith('claim:'))).toBe(true);

    const first = await json<{ result: { id: string }[]; cursor?: number }>(await call(app, '/reconcile/suggest/entity?prefix=o'), 'suggest-entities-response');
    expect(first.result).toHaveLength(10);
    expect(first.cursor).toBe(10);
    const second = await json<{ result: { id: string }[] }>(await call(app, '/reconcile/suggest/entity?prefix=o&cursor=10'), 'suggest-entities-response');
    expect(second.result.length).toBeGreaterThan(0);
    expect(second.result.some((item) => first.result.some((seen) => seen.id === item.id))).toBe(false);

    const properties = await json<{ result: { id: string }[] }>(await call(app, '/reconcile/suggest/property?prefix=wiki&type=Actor'), 'suggest-properties-response');
    expect(properties.result.map((property) => property.id)).toEqual(['wikidataId']);
    const types = await json<{ result: { id: string }[] }>(await call(app, '/reconcile/suggest/type?prefix=cla'), 'suggest-types-response');
    expect(types.result.map((type) => type.id)).toEqual(['Claim']);
    expect((await call(app, '/reconcile/suggest/entity?prefix=x&cursor=-1')).status).toBe(400);
  });

  it('previews an entity as an HTML card that escapes what it shows', async () => {
    const nasty = '<script>alert(1)</script>"\'&';
    await test.db.prisma.actor.create({
      data: { slug: 'nasty-actor', name: nasty, kind: 'GROUP', aliases: ['<img src=x onerror=alert(2)>'], description: '</p><iframe src="javascript:alert(3)">', searchText: actorSearchText(nasty, []) },
    });
    const response = await call(app, '/reconcile/preview?id=actor:nasty-actor');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await response.text();
    expect(html).not.toMatch(/<script|<img|<iframe/i);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;&quot;&#39;&amp;');
    expect(html).toContain('&lt;img src=x onerror=alert(2)&gt;');

    const claim = await (await call(app, '/reconcile/preview?id=claim%3Ank-troops-kursk-8000')).text();
    expect(claim).toContain('Kursk border region');
    expect(claim).toMatch(/Claim · (asserted|contested|denied|unresolved)/);
    expect((await call(app, '/reconcile/preview?id=actor:no-such-actor')).status).toBe(404);
    expect((await call(app, '/reconcile/preview?id=<script>')).status).toBe(400);
  });

  it('sends the view template to the entity’s page in the web app', async () => {
    const response = await call(app, '/reconcile/entity/actor:china', { redirect: 'manual' });
    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe(`${ORIGIN}/actors/china`);
    const encoded = await call(app, '/reconcile/entity/claim%3Ank-troops-kursk-8000', { redirect: 'manual' });
    expect(encoded.headers.get('location')).toBe(`${ORIGIN}/claims/nk-troops-kursk-8000`);
    expect((await call(app, '/reconcile/entity/actor:nobody', { redirect: 'manual' })).status).toBe(404);
  });

  it('proposes properties and extends entities with affiliations, Wikidata ID, kind and aliases', async () => {
    const actorProperties = await json<{ type: string; properties: { id: string }[] }>(await call(app, '/reconcile/properties?type=Actor'), 'data-extension-property-proposal');
    expect(actorProperties.type).toBe('Actor');
    expect(actorProperties.properties.map((property) => property.id)).toEqual(expect.arrayContaining(['affiliations', 'wikidataId', 'kind', 'aliases']));
    const limited = await json<{ limit: number; properties: unknown[] }>(await call(app, '/reconcile/properties?type=Claim&limit=1'), 'data-extension-property-proposal');
    expect(limited).toMatchObject({ limit: 1, properties: [{ id: 'topics' }] });

    const query = { ids: ['actor:lin-jian', 'actor:russia', 'actor:antony-blinken', 'actor:nobody', 'claim:nk-troops-kursk-8000', 'nonsense'], properties: [{ id: 'affiliations' }, { id: 'wikidataId' }, { id: 'kind' }, { id: 'aliases' }, { id: 'topics' }] };
    expect(schemaErrors('data-extension-query', query)).toEqual([]);
    const response = await postForm(app, { extend: JSON.stringify(query) });
    const body = await json<{ meta: { id: string; type?: unknown }[]; rows: Record<string, Record<string, unknown[]>> }>(response, 'data-extension-response');
    expect(body.meta.map((column) => column.id)).toEqual(['affiliations', 'wikidataId', 'kind', 'aliases', 'topics']);
    expect(body.meta[0]).toMatchObject({ name: 'Affiliations', type: { id: 'Actor', name: 'Actor' } });
    expect(body.rows['actor:lin-jian']).toEqual({
      affiliations: [{ id: 'actor:china-mfa', name: 'Ministry of Foreign Affairs of China' }],
      wikidataId: [],
      kind: [{ str: 'PERSON' }],
      aliases: [{ str: 'Lin' }],
      topics: [],
    });
    expect(body.rows['actor:russia']).toMatchObject({ wikidataId: [{ str: 'Q159' }], kind: [{ str: 'STATE' }], aliases: [{ str: 'Moscow' }, { str: 'Russian Federation' }] });
    expect(body.rows['actor:antony-blinken']?.affiliations).toEqual([
      { id: 'actor:united-states', name: 'United States' },
      { id: 'actor:us-department-of-state', name: 'U.S. Department of State' },
    ]);
    expect(body.rows['actor:nobody']).toEqual({ affiliations: [], wikidataId: [], kind: [], aliases: [], topics: [] });
    expect(body.rows.nonsense).toEqual({ affiliations: [], wikidataId: [], kind: [], aliases: [], topics: [] });
    expect(body.rows['claim:nk-troops-kursk-8000']?.topics).toEqual([{ str: 'north-korea' }, { str: 'russia' }, { str: 'kursk' }, { str: 'troops' }]);
    const tooMany = await postForm(app, { extend: JSON.stringify({ ids: Array.from({ length: 101 }, (_, i) => `actor:a${i}`), properties: [{ id: 'kind' }] }) });
    expect(tooMany.status).toBe(413);
  });

  it('lets any origin call it (CORS), and answers JSONP to a safe callback name', async () => {
    const preflight = await call(app, '/reconcile', {
      method: 'OPTIONS',
      headers: { origin: 'https://refine.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-origin')).toBe('*');
    expect(preflight.headers.get('access-control-allow-headers')).toMatch(/Authorization/);
    expect(preflight.headers.get('access-control-allow-credentials')).toBeNull();
    const cross = await call(app, '/reconcile/suggest/type?prefix=a', { headers: { origin: 'https://refine.example' } });
    expect(cross.headers.get('access-control-allow-origin')).toBe('*');
    const local = await call(app, '/reconcile', { headers: { origin: 'http://127.0.0.1:3333' } });
    expect(local.headers.get('access-control-allow-origin')).toBe('*');

    const jsonp = await call(app, '/reconcile?callback=jQuery123_456');
    expect(jsonp.headers.get('content-type')).toMatch(/^application\/javascript/);
    expect(jsonp.headers.get('x-content-type-options')).toBe('nosniff');
    const text = await jsonp.text();
    expect(text.startsWith('/**/jQuery123_456(')).toBe(true);
    expect(schemaErrors('manifest', JSON.parse(text.slice('/**/jQuery123_456('.length, -2)))).toEqual([]);
    const evil = await call(app, `/reconcile?callback=${encodeURIComponent('alert(document.cookie)//')}`);
    expect(evil.status).toBe(400);
    expect(await evil.text()).not.toContain('alert(');
  });

  it('answers many clients at once with the results each would get alone', async () => {
    const queries = ['China', 'Russia', 'Lin', 'Blinken', 'Kim Jong Un', 'troops', 'NATO', 'European', 'Putin', 'Zelensky'];
    const alone = await Promise.all(queries.map(async (query) => reconcile({ q: { query } })));
    const together = await Promise.all(Array.from({ length: 40 }, (_, i) => reconcile({ q: { query: queries[i % queries.length] } })));
    together.forEach((result, i) => expect(result).toEqual(alone[i % queries.length]));
  });
});

describe(`reconciliation with PUBLIC_READS=false on ${databaseLabel()}`, () => {
  let privateApp: App;
  let readToken: string;

  beforeAll(async () => {
    privateApp = createTestApp(test, { publicReads: false });
    readToken = await createToken(test.db.prisma, 'reconcile-reader', ['read']);
  });

  it('serves the manifest to anyone, announcing the token it needs', async () => {
    const manifest = await json<Record<string, any>>(await call(privateApp, '/reconcile'), 'manifest');
    expect(manifest.authentication).toMatchObject({ type: 'apiKey', name: 'Authorization', in: 'header' });
  });

  it('needs a read token for everything else: 401 without one or with a bad one', async () => {
    const queries = JSON.stringify({ q0: { query: 'China' } });
    const anonymous = await postForm(privateApp, { queries });
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer');
    expect((await json<{ error: { code: string } }>(anonymous)).error.code).toBe('UNAUTHENTICATED');
    expect((await postForm(privateApp, { queries }, { authorization: 'Bearer fs_made_up' })).status).toBe(401);
    for (const path of ['/reconcile/suggest/entity?prefix=Chi', '/reconcile/preview?id=actor:china', '/reconcile/properties?type=Actor', '/reconcile/entity/actor:china']) {
      expect((await call(privateApp, path, { redirect: 'manual' })).status, path).toBe(401);
    }
    const allowed = await postForm(privateApp, { queries }, { authorization: `Bearer ${readToken}` });
    expect(allowed.status).toBe(200);
    expect((await json<Results>(allowed, 'reconciliation-result-batch')).q0?.result[0]?.id).toBe('actor:china');
  });
});
