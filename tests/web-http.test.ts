import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { ConfigError, DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS, loadConfig } from '../src/config.js';
import type { IntegrationOptions } from '../src/http/integration.js';
import { loadPersistedOperations, mergeOperationStores, sha256 } from '../src/http/persisted-operations.js';
import { CONTENT_SECURITY_POLICY, loadWebAppOperations } from '../src/http/web-app.js';
import { createLogger } from '../src/logger.js';
import { type App, createApp } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { type Listening, listen } from './support/listen.js';

const WEB_OPERATIONS = fileURLToPath(new URL('../web/src/gql/persisted-documents.json', import.meta.url));
const EXAMPLE_OPERATIONS = fileURLToPath(new URL('../examples/client/generated/persisted-documents.json', import.meta.url));
const PREFLIGHT = { 'graphql-require-preflight': '1' };
const GRAPHQL_JSON = 'application/graphql-response+json';

let test: TestDatabase;
let tokens: Tokens;
let webOperations: Map<string, string>;
/** The explorer's ActorPage query, as the app sends it: its hash, and the text the server runs for it. */
let actorPage: { hash: string; text: string };

function appWith(options: { integration?: IntegrationOptions; publicReads?: boolean; webApp?: { dist: string } } = {}): App {
  return createApp({
    prisma: test.db.prisma,
    logger: createLogger('silent'),
    graphiql: false,
    checkDatabase: async () => {},
    integration: { bundledOperations: webOperations, ...options.integration },
    ...(options.publicReads === undefined ? {} : { publicReads: options.publicReads }),
    ...(options.webApp ? { webApp: options.webApp } : {}),
  });
}

/** A GET URL naming an operation by hash, the way the explorer (urql's persisted exchange) builds it. */
function persistedGet(hash: string, variables: Record<string, unknown>, base = 'http://yoga', operationName = 'ActorPage') {
  const params = new URLSearchParams({
    operationName,
    variables: JSON.stringify(variables),
    extensions: JSON.stringify({ persistedQuery: { version: 1, sha256Hash: hash } }),
  });
  return `${base}/graphql?${params}`;
}

const textGet = (query: string, variables: Record<string, unknown> = {}) =>
  `http://yoga/graphql?${new URLSearchParams({ query, variables: JSON.stringify(variables) })}`;

async function get(app: App, url: string, headers: Record<string, string> = {}) {
  const response = await app.fetch(url, { headers: { accept: GRAPHQL_JSON, ...PREFLIGHT, ...headers } });
  return { status: response.status, headers: response.headers, body: await response.text() };
}

beforeAll(async () => {
  test = await createTestDatabase('web_http');
  await seed(test.db.prisma);
  tokens = await createTokens(test);
  webOperations = await loadPersistedOperations(WEB_OPERATIONS);
  const found = [...webOperations].find(([, text]) => text.includes('query ActorPage('));
  if (!found) throw new Error(`${WEB_OPERATIONS} has no ActorPage query: run npm run codegen`);
  actorPage = { hash: found[0], text: found[1] };
});
afterAll(() => test?.close());

describe(`HTTP caching of GraphQL reads (${databaseLabel()})`, () => {
  let app: App;
  beforeAll(() => {
    app = appWith();
  });

  it('gives a GET query an ETag and public caching for the default max-age, and varies on Accept and Authorization', async () => {
    const answer = await get(app, persistedGet(actorPage.hash, { slug: 'china' }));
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ data: { actor: { name: 'China', kind: 'STATE' } } });
    expect(answer.headers.get('cache-control')).toBe(`public, max-age=${DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS}`);
    expect(answer.headers.get('etag')).toMatch(/^"[0-9a-f]{16}"$/);
    expect(answer.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect(answer.headers.get('vary')).toMatch(/\bAccept\b/);
    expect(answer.headers.get('vary')).toMatch(/\bAuthorization\b/);
  });

  it('answers 304 with no body when the client already has that answer, and 200 with a new ETag once the data changes', async () => {
    const url = persistedGet(actorPage.hash, { slug: 'russia' });
    const first = await get(app, url);
    const etag = first.headers.get('etag') ?? '';
    const again = await get(app, url, { 'if-none-match': etag });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.get('etag')).toBe(etag);
    expect(again.headers.get('cache-control')).toBe(first.headers.get('cache-control'));
    expect((await get(app, url, { 'if-none-match': `"0000000000000000", W/${etag}` })).status).toBe(304);

    const { id } = (JSON.parse(first.body) as { data: { actor: { id: string } } }).data.actor;
    const changed = await executeAs(app, tokens.write, 'mutation($id: ID!) { updateActor(id: $id, input: { description: "Changed for the ETag test." }) { __typename } }', { id });
    expect(changed.data).toEqual({ updateActor: { __typename: 'MutationUpdateActorSuccess' } });
    const after = await get(app, url, { 'if-none-match': etag });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(after.body).toContain('Changed for the ETag test.');
  });

  it('gives the same data asked for as application/json another ETag (another representation)', async () => {
    const url = persistedGet(actorPage.hash, { slug: 'china' });
    const graphqlJson = await get(app, url);
    const plainJson = await get(app, url, { accept: 'application/json' });
    expect(plainJson.status).toBe(200);
    expect(plainJson.headers.get('content-type')).toMatch(/^application\/json/);
    expect(plainJson.body).toBe(graphqlJson.body);
    expect(plainJson.headers.get('etag')).not.toBe(graphqlJson.headers.get('etag'));
  });

  it('uses PUBLIC_CACHE_MAX_AGE_SECONDS: 600 gives max-age=600, 0 gives public, no-cache', async () => {
    const url = persistedGet(actorPage.hash, { slug: 'china' });
    const long = await get(appWith({ integration: { publicCacheMaxAgeSeconds: 600 } }), url);
    expect(long.headers.get('cache-control')).toBe('public, max-age=600');
    const none = await get(appWith({ integration: { publicCacheMaxAgeSeconds: 0 } }), url);
    expect(none.headers.get('cache-control')).toBe('public, no-cache');
    expect(none.headers.get('etag')).toMatch(/^"/);
  });

  it('is private, no-store when the request carries a token, a cost report request or a federated trace request', async () => {
    const url = persistedGet(actorPage.hash, { slug: 'china' });
    const personal: Record<string, string>[] = [{ authorization: `Bearer ${tokens.read}` }, { 'x-graphql-cost': '1' }, { 'apollo-federation-include-trace': 'ftv1' }];
    for (const headers of personal) {
      const answer = await get(app, url, headers);
      expect(answer.status, JSON.stringify(headers)).toBe(200);
      expect(answer.headers.get('cache-control'), JSON.stringify(headers)).toBe('private, no-store');
    }
  });

  it('is never public when PUBLIC_READS=false: private, no-store with a read token, no-store for the refusal without one', async () => {
    const privateApp = appWith({ publicReads: false });
    const url = persistedGet(actorPage.hash, { slug: 'china' });
    const withToken = await get(privateApp, url, { authorization: `Bearer ${tokens.read}` });
    expect(JSON.parse(withToken.body)).toMatchObject({ data: { actor: { name: 'China' } } });
    expect(withToken.headers.get('cache-control')).toBe('private, no-store');
    const withoutToken = await get(privateApp, url, { accept: 'application/json' });
    expect(JSON.parse(withoutToken.body)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(withoutToken.headers.get('cache-control')).toBe('no-store');
    expect(withoutToken.headers.get('etag')).toBeNull();
  });

  it('never caches an answer with errors, even one sent with status 200', async () => {
    const invalid = await get(app, textGet('{ actor(slug: "china") { nope } }'), { accept: 'application/json' });
    expect(invalid.status).toBe(200);
    expect(JSON.parse(invalid.body)).toMatchObject({ errors: [{ message: expect.stringContaining('nope') }] });
    expect(invalid.headers.get('cache-control')).toBe('no-store');
    expect(invalid.headers.get('etag')).toBeNull();
    const partial = await get(app, textGet('{ actor(slug: "china") { name } auditLog(first: 1) { edges { cursor } } }'), { accept: 'application/json' });
    expect(partial.status).toBe(200);
    expect(JSON.parse(partial.body)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
    expect(partial.headers.get('cache-control')).toBe('no-store');
  });

  it('never caches POST answers or mutations, and refuses a mutation by GET without caching the refusal', async () => {
    const post = await app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: GRAPHQL_JSON },
      body: JSON.stringify({ query: '{ actor(slug: "china") { name } }' }),
    });
    expect(post.status).toBe(200);
    expect(post.headers.get('cache-control')).toBe('no-store');
    expect(post.headers.get('etag')).toBeNull();
    const mutation = await app.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: GRAPHQL_JSON, authorization: `Bearer ${tokens.write}` },
      body: JSON.stringify({ query: 'mutation { createSource(input: { slug: "web-http-source", title: "Web HTTP" }) { __typename } }' }),
    });
    expect(await mutation.json()).toEqual({ data: { createSource: { __typename: 'MutationCreateSourceSuccess' } } });
    expect(mutation.headers.get('cache-control')).toBe('no-store');
    const byGet = await get(app, textGet('mutation { createSource(input: { slug: "web-http-get", title: "No" }) { __typename } }'));
    expect(byGet.status).toBe(405);
    expect(byGet.headers.get('cache-control')).toBe('no-store');
  });

  it('never caches a subscription stream', async () => {
    const abort = new AbortController();
    const response = await app.fetch(textGet('subscription { statementRecorded { slug } }'), {
      headers: { accept: 'text/event-stream', ...PREFLIGHT },
      signal: abort.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(response.headers.get('etag')).toBeNull();
    abort.abort();
    await response.body?.cancel().catch(() => undefined);
  });
});

describe('the PUBLIC_CACHE_MAX_AGE_SECONDS setting', () => {
  it('defaults to 30 seconds and takes 0 to one year', () => {
    expect(loadConfig({}).integration.publicCacheMaxAgeSeconds).toBe(30);
    expect(loadConfig({ PUBLIC_CACHE_MAX_AGE_SECONDS: '0' }).integration.publicCacheMaxAgeSeconds).toBe(0);
    expect(loadConfig({ PUBLIC_CACHE_MAX_AGE_SECONDS: '31536000' }).integration.publicCacheMaxAgeSeconds).toBe(31_536_000);
  });

  it('refuses anything else, naming the variable', () => {
    for (const value of ['-1', '31536001', '1.5', 'a minute']) {
      expect(() => loadConfig({ PUBLIC_CACHE_MAX_AGE_SECONDS: value }), value).toThrow(ConfigError);
      expect(() => loadConfig({ PUBLIC_CACHE_MAX_AGE_SECONDS: value }), value).toThrow(`PUBLIC_CACHE_MAX_AGE_SECONDS must be an integer from 0 to 31536000, got "${value}"`);
    }
  });
});

describe(`the explorer's operations run by hash in every PERSISTED_OPERATIONS mode (${databaseLabel()})`, () => {
  const exampleQuery = '{ actor(slug: "china") { name } }';

  it('apq: known from the start, without the client ever sending the text', async () => {
    const answer = await get(appWith({ integration: { persistedOperations: 'apq' } }), persistedGet(actorPage.hash, { slug: 'lin-jian' }));
    expect(JSON.parse(answer.body)).toMatchObject({ data: { actor: { name: 'Lin Jian' } } });
  });

  it('off: the explorer still works, other hashes are not looked up, and text queries run as before', async () => {
    const off = appWith({ integration: { persistedOperations: 'off' } });
    expect(JSON.parse((await get(off, persistedGet(actorPage.hash, { slug: 'lin-jian' }))).body)).toMatchObject({ data: { actor: { name: 'Lin Jian' } } });
    const unknown = await get(off, persistedGet(sha256('{ __typename }'), {}));
    expect(unknown.status).toBe(400);
    expect(JSON.parse(unknown.body)).toMatchObject({ errors: [{ message: expect.stringMatching(/Must provide query string/) }] });
    expect(JSON.parse((await get(off, textGet(exampleQuery))).body)).toEqual({ data: { actor: { name: 'China' } } });
  });

  it('only: the explorer and PERSISTED_OPERATIONS_FILE run; text, even the explorer’s own, and unknown hashes are refused', async () => {
    const fileStore = await loadPersistedOperations(EXAMPLE_OPERATIONS);
    const only = appWith({ integration: { persistedOperations: 'only', persistedOperationsStore: fileStore } });
    expect(JSON.parse((await get(only, persistedGet(actorPage.hash, { slug: 'lin-jian' }))).body)).toMatchObject({ data: { actor: { name: 'Lin Jian' } } });
    const [exampleHash] = [...fileStore].find(([, text]) => text.startsWith('query ActorStatements')) ?? [];
    const example = await get(only, persistedGet(exampleHash ?? '', { slug: 'lin-jian', first: 1 }, 'http://yoga', 'ActorStatements'));
    expect(JSON.parse(example.body)).toMatchObject({ data: { actor: { name: 'Lin Jian' } } });
    for (const text of [exampleQuery, actorPage.text]) {
      const refused = await get(only, textGet(text, { slug: 'china' }));
      expect(refused.status).toBe(400);
      expect(JSON.parse(refused.body)).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_ONLY' } }] });
      expect(refused.headers.get('cache-control')).toBe('no-store');
    }
    const unknown = await get(only, persistedGet(sha256(exampleQuery), {}));
    expect(JSON.parse(unknown.body)).toMatchObject({ errors: [{ extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST' } }] });
  });

  it('merges stores without duplicates, whichever form of the hash each uses', () => {
    const merged = mergeOperationStores(new Map([[`sha256:${actorPage.hash}`, actorPage.text]]), new Map([[actorPage.hash.toUpperCase(), actorPage.text]]), null);
    expect([...merged]).toEqual([[actorPage.hash, actorPage.text]]);
  });
});

interface Raw {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/** A request over a real socket, so that what crosses the wire (no body on 304, compressed bytes) is what is checked. */
function rawGet(url: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Raw> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks) }));
      response.on('error', reject);
    });
    request.on('error', reject);
    request.end();
  });
}

/** The status and headers of a response that may never end (an event stream), then the connection is dropped. */
function rawHeaders(url: string, headers: Record<string, string>, method = 'GET', body?: string): Promise<Omit<Raw, 'body'>> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method, headers }, (response) => {
      resolve({ status: response.statusCode ?? 0, headers: response.headers });
      response.destroy();
    });
    request.on('error', reject);
    request.end(body);
  });
}

describe(`serving the explorer over real HTTP (${databaseLabel()})`, () => {
  const script = `// fixture\n${'console.info("the explorer");\n'.repeat(64)}`;
  const scriptName = 'index-Fixture1.js';
  let dist: string;
  let empty: string;
  let http: Listening;
  let unbuilt: Listening;

  beforeAll(async () => {
    dist = await mkdtemp(join(tmpdir(), 'web-dist-'));
    empty = await mkdtemp(join(tmpdir(), 'web-empty-'));
    await mkdir(join(dist, 'assets'));
    await mkdir(join(dist, '.vite'));
    await writeFile(join(dist, 'index.html'), `<!doctype html><html lang="en"><head><title>Fixture</title><script type="module" src="/assets/${scriptName}"></script></head><body><div id="root"></div></body></html>\n`);
    await writeFile(join(dist, 'assets', scriptName), script);
    await writeFile(join(dist, '.vite', 'persisted-operations.json'), await readFile(WEB_OPERATIONS));
    http = await listen(appWith({ webApp: { dist } }));
    unbuilt = await listen(appWith({ webApp: { dist: empty } }));
  });
  afterAll(async () => {
    await http?.close();
    await unbuilt?.close();
    await rm(dist, { recursive: true, force: true });
    await rm(empty, { recursive: true, force: true });
  });

  it('answers every page of the app with its index.html: revalidated by ETag, under a strict Content-Security-Policy', async () => {
    for (const path of ['/', '/actors/china', '/statements/lin-does-not-know-specifics', '/claims/x', '/sources/y', '/graph/source/y', '/settings']) {
      const page = await rawGet(http.origin + path, { accept: 'text/html' });
      expect(page.status, path).toBe(200);
      expect(page.headers['content-type'], path).toMatch(/^text\/html/);
      expect(page.body.toString(), path).toContain(`/assets/${scriptName}`);
      expect(page.headers['cache-control'], path).toBe('no-cache');
      expect(page.headers['content-security-policy'], path).toBe(CONTENT_SECURITY_POLICY);
      const cached = await rawGet(http.origin + path, { 'if-none-match': String(page.headers.etag) });
      expect(cached.status, path).toBe(304);
      expect(cached.body.length, path).toBe(0);
    }
    expect(CONTENT_SECURITY_POLICY).toMatch(/script-src 'self'(;|$)/);
  });

  it('serves content-hashed assets immutable, compressed on request, 304 when the browser has them', async () => {
    const url = `${http.origin}/assets/${scriptName}`;
    const plain = await rawGet(url);
    expect(plain.status).toBe(200);
    expect(plain.body.toString()).toBe(script);
    expect(plain.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(plain.headers['content-type']).toMatch(/^text\/javascript/);
    const brotli = await rawGet(url, { 'accept-encoding': 'gzip, br' });
    expect(brotli.headers['content-encoding']).toBe('br');
    expect(brotliDecompressSync(brotli.body).toString()).toBe(script);
    const gzip = await rawGet(url, { 'accept-encoding': 'gzip, br;q=0' });
    expect(gzip.headers['content-encoding']).toBe('gzip');
    expect(gunzipSync(gzip.body).toString()).toBe(script);
    const cached = await rawGet(url, { 'if-none-match': String(plain.headers.etag) });
    expect(cached.status).toBe(304);
    expect(cached.body.length).toBe(0);
    console.log(`fixture asset: ${plain.body.length} B raw, ${gzip.body.length} B gzip, ${brotli.body.length} B brotli`);
  });

  it('answers 404 for assets it does not have and paths that are no page, and leaves the API and health checks alone', async () => {
    for (const path of ['/assets/index-Other.js', '/assets/', '/nope', '/actors/', '/graph/']) {
      expect((await rawGet(http.origin + path)).status, path).toBe(404);
    }
    expect((await rawGet(`${http.origin}/health`)).status).toBe(200);
    const graphql = await rawGet(persistedGet(actorPage.hash, { slug: 'china' }, http.origin), { accept: GRAPHQL_JSON, ...PREFLIGHT });
    expect(JSON.parse(graphql.body.toString())).toMatchObject({ data: { actor: { name: 'China' } } });
  });

  it('sends 304 over the wire for a GET query the client has, with no body', async () => {
    const url = persistedGet(actorPage.hash, { slug: 'china' }, http.origin);
    const first = await rawGet(url, { accept: GRAPHQL_JSON, ...PREFLIGHT });
    expect(first.status).toBe(200);
    const again = await rawGet(url, { accept: GRAPHQL_JSON, ...PREFLIGHT, 'if-none-match': String(first.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body.length).toBe(0);
    expect(again.headers.etag).toBe(first.headers.etag);
    expect(again.headers['cache-control']).toBe(`public, max-age=${DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS}`);
    console.log(`ActorPage for china: ${first.body.length} B as 200, ${again.body.length} B as 304`);
  });

  it('sends one Cache-Control header, no-store, with a subscription stream', async () => {
    const subscription = [...webOperations].find(([, text]) => text.startsWith('subscription LiveStatement'));
    expect(subscription).toBeDefined();
    const stream = await rawHeaders(
      `${http.origin}/graphql`,
      { 'content-type': 'application/json', accept: 'text/event-stream' },
      'POST',
      JSON.stringify({ operationName: 'LiveStatement', variables: {}, extensions: { persistedQuery: { version: 1, sha256Hash: subscription?.[0] } } }),
    );
    expect(stream.status).toBe(200);
    expect(stream.headers['content-type']).toMatch(/^text\/event-stream/);
    expect(stream.headers['cache-control']).toBe('no-store');
  });

  it('says how to build the app when it is not built, instead of a blank page', async () => {
    const page = await rawGet(`${unbuilt.origin}/`);
    expect(page.status).toBe(503);
    expect(page.body.toString()).toContain('npm run build:web');
    expect(page.headers['cache-control']).toBe('no-store');
    expect((await rawGet(`${unbuilt.origin}/assets/${scriptName}`)).status).toBe(404);
  });

  it('reads the operations of a build from the build, and none when there is no build', async () => {
    const operations = await loadWebAppOperations(dist);
    expect(operations?.get(actorPage.hash)).toBe(actorPage.text);
    expect(await loadWebAppOperations(empty)).toBeNull();
  });
});
