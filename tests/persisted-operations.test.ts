import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seed } from '../src/bundle/seed.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { loadPersistedOperations, sha256 } from '../src/http/persisted-operations.js';
import { createLogger } from '../src/logger.js';
import type { App } from '../src/server.js';
import { startService } from '../src/service.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, type Result } from './support/graphql.js';

const STORE_FILE = fileURLToPath(new URL('../examples/client/generated/persisted-documents.json', import.meta.url));
const QUERY = '{ actor(slug: "russia") { name } }';
const HASH = sha256(QUERY);

let test: TestDatabase;
beforeAll(async () => {
  test = await createTestDatabase('persisted_operations');
  await seed(test.db.prisma);
});
afterAll(() => test?.close());

async function send(app: App, body: Record<string, unknown>): Promise<{ status: number; result: Result }> {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, result: (await response.json()) as Result };
}

const apq = (hash: string) => ({ persistedQuery: { version: 1, sha256Hash: hash } });

describe(`automatic persisted queries, on by default (${databaseLabel()})`, () => {
  let app: App;
  beforeAll(() => {
    app = createTestApp(test);
  });

  it('asks for the text of an unknown hash, remembers it, and then runs the hash alone', async () => {
    const miss = await send(app, { extensions: apq(HASH) });
    expect(miss.result.errors?.[0]).toMatchObject({ message: 'PersistedQueryNotFound', extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
    const register = await send(app, { query: QUERY, extensions: apq(HASH) });
    expect(register.result).toEqual({ data: { actor: { name: 'Russia' } } });
    const hit = await send(app, { extensions: apq(HASH) });
    expect(hit.result).toEqual({ data: { actor: { name: 'Russia' } } });
  });

  it('runs a remembered hash by GET, so a CDN can cache it', async () => {
    await send(app, { query: QUERY, extensions: apq(HASH) });
    const response = await app.fetch(`http://yoga/graphql?extensions=${encodeURIComponent(JSON.stringify(apq(HASH)))}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(await response.json()).toEqual({ data: { actor: { name: 'Russia' } } });
  });

  it('refuses a hash that is not the SHA-256 of the text sent with it, with 400', async () => {
    const wrong = await send(app, { query: QUERY, extensions: apq(sha256('something else')) });
    expect(wrong.status).toBe(400);
    expect(wrong.result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_HASH_MISMATCH');
    const malformed = await send(app, { query: QUERY, extensions: { persistedQuery: { version: 2 } } });
    expect(malformed.status).toBe(400);
    expect(malformed.result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_INVALID');
  });

  it('ignores persisted-query extensions when turned off (PERSISTED_OPERATIONS=off)', async () => {
    expect(loadConfig({ PERSISTED_OPERATIONS: 'off' }).integration.persistedOperations).toBe('off');
    const off = createTestApp(test, { integration: { persistedOperations: 'off' } });
    await send(off, { query: QUERY, extensions: apq(HASH) });
    const hashOnly = await send(off, { extensions: apq(HASH) });
    expect(hashOnly.status).toBe(400);
    expect(hashOnly.result.errors?.[0]?.message).toMatch(/Must provide query string/);
  });
});

describe(`known operations only (PERSISTED_OPERATIONS=only) (${databaseLabel()})`, () => {
  let app: App;
  let store: Map<string, string>;
  let actorStatements: [string, string];

  beforeAll(async () => {
    store = await loadPersistedOperations(STORE_FILE);
    const found = [...store].find(([, text]) => text.startsWith('query ActorStatements'));
    if (!found) throw new Error(`${STORE_FILE} has no ActorStatements operation: run npm run codegen`);
    actorStatements = found;
    app = createTestApp(test, { integration: { persistedOperations: 'only', persistedOperationsStore: store } });
  });

  it('runs an operation from the file written by `npm run codegen`, named by documentId or by Apollo hash', async () => {
    const [hash] = actorStatements;
    const variables = { slug: 'lin-jian', first: 1 };
    const byDocumentId = await send(app, { documentId: `sha256:${hash}`, variables });
    expect(byDocumentId.result.errors).toBeUndefined();
    expect(byDocumentId.result.data).toMatchObject({ actor: { name: 'Lin Jian', statements: { edges: [{ node: { slug: expect.any(String) } }] } } });
    const byApolloHash = await send(app, { extensions: apq(hash), variables });
    expect(byApolloHash.result.data).toEqual(byDocumentId.result.data);
  });

  it('refuses any operation sent as text, even one in the file, with 400 and a message saying what to send', async () => {
    for (const query of [QUERY, actorStatements[1]]) {
      const refused = await send(app, { query, variables: { slug: 'lin-jian', first: 1 } });
      expect(refused.status).toBe(400);
      expect(refused.result.errors?.[0]).toMatchObject({ message: expect.stringMatching(/only known operations.*documentId/), extensions: { code: 'PERSISTED_QUERY_ONLY' } });
    }
  });

  it('refuses an unknown ID, and a request that names no operation at all', async () => {
    const unknown = await send(app, { documentId: `sha256:${sha256('nope')}` });
    expect(unknown.status).toBe(400);
    expect(unknown.result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_NOT_IN_LIST');
    const nothing = await send(app, { variables: {} });
    expect(nothing.result.errors?.[0]?.extensions?.code).toBe('PERSISTED_QUERY_ID_REQUIRED');
  });

  it('needs PERSISTED_OPERATIONS_FILE, and reports a missing or malformed one clearly', async () => {
    expect(() => loadConfig({ PERSISTED_OPERATIONS: 'only' })).toThrow(ConfigError);
    expect(() => loadConfig({ PERSISTED_OPERATIONS: 'always' })).toThrow(/PERSISTED_OPERATIONS must be off, apq .* or only/);
    expect(loadConfig({ PERSISTED_OPERATIONS: 'only', PERSISTED_OPERATIONS_FILE: 'ops.json' }).integration.persistedOperationsFile).toMatch(/\/ops\.json$/);
    const dir = await mkdtemp(join(tmpdir(), 'persisted-'));
    try {
      await expect(loadPersistedOperations(join(dir, 'missing.json'))).rejects.toThrow(/missing\.json: it cannot be read/);
      await writeFile(join(dir, 'broken.json'), '{ "a": ');
      await expect(loadPersistedOperations(join(dir, 'broken.json'))).rejects.toThrow(/broken\.json: it is not valid JSON/);
      await writeFile(join(dir, 'list.json'), '["query { __typename }"]');
      await expect(loadPersistedOperations(join(dir, 'list.json'))).rejects.toThrow(/expected a JSON object/);
      await writeFile(join(dir, 'empty.json'), '{}');
      await expect(loadPersistedOperations(join(dir, 'empty.json'))).rejects.toThrow(/lists no operations/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('applies to WebSocket operations too, in a service started with the setting', async () => {
    const service = await startService(
      loadConfig({
        NODE_ENV: 'test',
        PORT: '0',
        DATA_DIR: 'memory://',
        DATABASE_URL: '',
        LOG_LEVEL: 'silent',
        SEED_ON_START: 'always',
        PERSISTED_OPERATIONS: 'only',
        PERSISTED_OPERATIONS_FILE: STORE_FILE,
      }),
      createLogger('silent'),
    );
    const client = createClient({ url: service.url.replace('http:', 'ws:'), webSocketImpl: WebSocket, retryAttempts: 0 });
    try {
      const refused = await client.iterate({ query: QUERY }).next().then(
        () => null,
        (errors: unknown) => errors,
      );
      expect(refused).toMatchObject([{ extensions: { code: 'PERSISTED_QUERY_ONLY' } }]);
      const known = await client.iterate({ query: '', variables: { slug: 'russia', first: 1 }, extensions: apq(actorStatements[0]) }).next();
      expect(known.value).toMatchObject({ data: { actor: { name: 'Russia' } } });
      const http = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: QUERY }) });
      expect(http.status).toBe(400);
    } finally {
      await client.dispose();
      await service.close();
    }
  });
});
