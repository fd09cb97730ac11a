import { createServer as createTcpServer } from 'node:net';
import { parse } from 'graphql';
import { createSchema, createYoga } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db.js';
import { DEFAULT_COST_MODEL, queryCost } from '../src/http/cost.js';
import { classifyDatabaseError } from '../src/http/database-errors.js';
import { memoryStore, type RateLimitStore, redisStore } from '../src/http/rate-limit.js';
import { useExecutionTimeout } from '../src/http/timeout.js';
import { EXAMPLE_QUERY } from '../src/graphql/example-query.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { schema } from '../src/schema/index.js';
import { createTokens, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { createConfiguredApp, send } from './support/hardened.js';

const THREE_PAGES_OF_100 = `{
  statements(first: 100) { edges { node { text
    responses(first: 100) { edges { node { text
      responses(first: 100) { edges { node { text speaker { name } } } }
    } } }
  } } }
}`;

const nested = (levels: number) => `{ statements(first: 1) { edges { node { ${'respondsTo { '.repeat(levels)}slug${' }'.repeat(levels)} } } } }`;

let test: TestDatabase;
let tokens: Tokens;

beforeAll(async () => {
  test = await createTestDatabase('limits');
  await seed(test.db.prisma);
  tokens = await createTokens(test);
});
afterAll(() => test?.close());

describe(`query limits with the production defaults (${databaseLabel()})`, () => {
  it('refuses `first: 100` under `first: 100` under `first: 100` by cost, before a single SQL statement', async () => {
    const { app } = createConfiguredApp(test);
    test.resetQueries();
    const result = await send(app, { query: THREE_PAGES_OF_100 });
    expect(test.queries).toEqual([]);
    expect(result.status).toBe(400);
    expect(result.json?.data).toBeUndefined();
    const [error] = result.json?.errors ?? [];
    expect(error?.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', max: 25_000 });
    expect(Number(error?.extensions?.found)).toBeGreaterThan(1_000_000);
    expect(error?.message).toMatch(/would cost \d+; the limit is 25000/);
  });

  it("prices a variable's default value, not only the values a request sends", async () => {
    const { app } = createConfiguredApp(test);
    const defaulted = THREE_PAGES_OF_100.replace('{\n  statements(first: 100)', 'query Deep($n: Int = 100) {\n  statements(first: $n)').replaceAll('responses(first: 100)', 'responses(first: $n)');
    expect(defaulted).toContain('$n: Int = 100');
    test.resetQueries();
    const result = await send(app, { query: defaulted });
    expect(test.queries).toEqual([]);
    expect(result.status).toBe(400);
    expect(result.json?.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost' });
    // A value the request does send still wins over the default.
    const small = await send(app, { query: defaulted, variables: { n: 2 } });
    expect(small.json?.errors).toBeUndefined();
    expect(small.json?.data?.statements?.edges).toHaveLength(2);
  });

  it("checks a variable's default value against the page-size limit, before any SQL", async () => {
    const { app } = createConfiguredApp(test);
    test.resetQueries();
    const result = await send(app, { query: 'query Big($n: Int = 500) { actors(first: $n) { edges { node { slug } } } }' });
    expect(test.queries).toEqual([]);
    const [error] = result.json?.errors ?? [];
    expect(error?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first', field: 'Query.actors', max: 100 });
    expect(result.json?.data ?? null).toBeNull();
  });

  it('checks the same query text again with each request\'s variables: what one request passed does not let the next through', async () => {
    const { app } = createConfiguredApp(test);
    const query = 'query Page($n: Int, $m: Int, $after: String) { statements(first: $n, after: $after) { edges { node { responses(first: $m) { edges { node { responses(first: $m) { edges { node { slug } } } } } } } } } }';
    const small = await send(app, { query, variables: { n: 2, m: 2 } });
    expect(small.json?.errors).toBeUndefined();
    test.resetQueries();
    const tooMany = await send(app, { query, variables: { n: 101, m: 2 } });
    expect(tooMany.json?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'first', field: 'Query.statements' });
    const tooCostly = await send(app, { query, variables: { n: 100, m: 100 } });
    expect(tooCostly.json?.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit: 'cost', found: queryCost(schema, parse(query), 'Page', { n: 100, m: 100 }) });
    const forged = await send(app, { query, variables: { n: 2, m: 2, after: 'not-a-cursor' } });
    expect(forged.json?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(forged.json?.errors?.[0]?.message).toMatch(/not a cursor from this service/);
    expect(test.queries).toEqual([]);
    const again = await send(app, { query, variables: { n: 2, m: 2 } });
    expect(again.json?.data?.statements?.edges).toHaveLength(2);
  });

  it('runs the GraphiQL example query, and reports its cost in extensions when asked with X-GraphQL-Cost: 1', async () => {
    const { app } = createConfiguredApp(test);
    const plain = await send(app, { query: EXAMPLE_QUERY });
    expect(plain.json?.errors).toBeUndefined();
    expect(plain.json?.data?.actor?.name).toBe('China');
    expect(plain.json?.extensions).toBeUndefined();

    const reported = await send(app, { query: EXAMPLE_QUERY, headers: { 'x-graphql-cost': '1' } });
    const cost = queryCost(schema, parse(EXAMPLE_QUERY), undefined, {});
    expect(reported.json?.extensions?.cost).toEqual({ requestedQueryCost: cost, maximumQueryCost: 25_000 });
    console.log(`cost of the GraphiQL example query: ${cost} (limit 25000)`);
  });

  it('prices a connection by its page size, from literals and variables alike', async () => {
    const { app } = createConfiguredApp(test);
    const source = 'query ($n: Int) { statements(first: $n) { edges { node { slug speaker { name } } } } }';
    // The connection itself 1, then per edge: the node 1 and its speaker 1.
    for (const [n, expected] of [
      [2, 5],
      [50, 101],
    ] as const) {
      const result = await send(app, { query: source, variables: { n }, headers: { 'x-graphql-cost': '1' } });
      expect(result.json?.errors).toBeUndefined();
      expect(result.json?.extensions?.cost?.requestedQueryCost).toBe(expected);
    }
    const defaulted = queryCost(schema, parse('{ statements { edges { node { slug } } } }'), undefined, {});
    expect(defaulted).toBe(1 + DEFAULT_COST_MODEL.defaultPageSize);
  });

  it('prices nodes(ids:) by the number of IDs asked for', () => {
    const ids = Array.from({ length: 500 }, (_, index) => `id${index}`);
    expect(queryCost(schema, parse('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }'), undefined, { ids })).toBe(500);
  });

  it('prices an exponential fragment fan-out without expanding it', () => {
    const levels = 60;
    const fragments = Array.from({ length: levels }, (_, index) =>
      index === levels - 1 ? `fragment F${index} on Statement { speaker { name } }` : `fragment F${index} on Statement { ...F${index + 1} ...F${index + 1} }`,
    );
    const document = parse(`{ statement(slug: "x") { ...F0 } } ${fragments.join('\n')}`);
    expect(queryCost(schema, document, undefined, {})).toBeGreaterThan(1e17);
  });

  const structural: { limit: string; query: string; max: number }[] = [
    { limit: 'depth', query: nested(11), max: 12 },
    { limit: 'aliases', query: `{ ${Array.from({ length: 16 }, (_, i) => `a${i}: actor(slug: "china") { name }`).join(' ')} }`, max: 15 },
    { limit: 'directives', query: `{ actor(slug: "china") { ${Array.from({ length: 21 }, () => 'name @include(if: true)').join(' ')} } }`, max: 20 },
    { limit: 'tokens', query: `{ actor(slug: "china") { ${'name '.repeat(1000)} } }`, max: 1000 },
    { limit: 'characters', query: `{ actor(slug: "${'x'.repeat(10_000)}") { name } }`, max: 10_000 },
  ];

  for (const { limit, query, max } of structural) {
    it(`refuses a query over the ${limit} limit (${max}) with a typed 400, before any SQL`, async () => {
      const { app } = createConfiguredApp(test);
      test.resetQueries();
      const result = await send(app, { query });
      expect(test.queries).toEqual([]);
      expect(result.status).toBe(400);
      expect(result.json?.errors).toHaveLength(1);
      expect(result.json?.errors?.[0]?.extensions).toMatchObject({ code: 'QUERY_LIMIT_EXCEEDED', limit, max });
      expect(result.json?.errors?.[0]?.message).not.toMatch(/Syntax Error/);
    });
  }

  it('accepts a query at each limit', async () => {
    const { app } = createConfiguredApp(test);
    const atLimits = [
      nested(6),
      `{ ${Array.from({ length: 15 }, (_, i) => `a${i}: actor(slug: "china") { name }`).join(' ')} }`,
      `{ actor(slug: "china") { ${Array.from({ length: 20 }, () => 'name @include(if: true)').join(' ')} } }`,
    ];
    for (const query of atLimits) {
      const result = await send(app, { query });
      expect(result.json?.errors, query.slice(0, 80)).toBeUndefined();
    }
  });

  it('takes every limit from the environment', async () => {
    const { app } = createConfiguredApp(test, { MAX_QUERY_DEPTH: '4', MAX_QUERY_COST: '10', RATE_LIMIT_COST_PER_MINUTE: '0' });
    const deep = await send(app, { query: nested(1) });
    expect(deep.json?.errors?.[0]?.extensions).toMatchObject({ limit: 'depth', max: 4, found: 5 });
    const costly = await send(app, { query: '{ statements(first: 10) { edges { node { slug } } } }' });
    expect(costly.json?.errors?.[0]?.extensions).toMatchObject({ limit: 'cost', max: 10, found: 11 });
  });

  it('hides "Did you mean" in production and keeps it in development', async () => {
    const production = await send(createConfiguredApp(test).app, { query: '{ actr(slug: "china") { name } }' });
    expect(production.json?.errors?.[0]?.message).toBe('Cannot query field "actr" on type "Query".');
    const enumValue = await send(createConfiguredApp(test).app, { query: '{ actors(kind: STAT) { totalCount } }' });
    expect(enumValue.json?.errors?.[0]?.message).not.toMatch(/Did you mean|STATE/);
    const variable = await send(createConfiguredApp(test).app, { query: 'query ($k: ActorKind) { actors(kind: $k) { totalCount } }', variables: { k: 'STAT' } });
    expect(variable.json?.errors?.[0]?.message).not.toMatch(/Did you mean|STATE/);
    const development = await send(createConfiguredApp(test, { NODE_ENV: 'development' }).app, { query: '{ actr(slug: "china") { name } }' });
    expect(development.json?.errors?.[0]?.message).toMatch(/Did you mean "actor"/);
  });
});

describe('rate limiting by cost', () => {
  const QUERY = '{ statements(first: 50) { edges { node { slug speaker { name } } } } }'; // costs 101

  // The buckets' clock stands still in these tests: nothing refills between two requests.
  const appWith = (store: RateLimitStore, costPerMinute: number) =>
    createConfiguredApp(test, {}, { rateLimit: { store, costPerMinute, trustedProxies: 1 } }).app;

  it('answers 429 with Retry-After once a client has spent its budget, and keeps other clients going', async () => {
    const app = appWith(memoryStore({ costPerMinute: 250 }, () => 0), 250);
    const from = (address: string) => ({ 'x-forwarded-for': `10.9.9.9, ${address}` });
    expect((await send(app, { query: QUERY, headers: from('192.0.2.1') })).status).toBe(200);
    expect((await send(app, { query: QUERY, headers: from('192.0.2.1') })).status).toBe(200);
    test.resetQueries();
    const refused = await send(app, { query: QUERY, headers: { ...from('192.0.2.1'), 'x-graphql-cost': '1' } });
    expect(test.queries).toEqual([]);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(refused.json?.errors?.[0]?.extensions).toMatchObject({ code: 'RATE_LIMITED', cost: 101, retryAfter: Number(refused.headers.get('retry-after')) });
    expect(refused.json?.errors?.[0]?.message).toMatch(/costs 101 and 48 of your 250 points per minute are left/);
    expect(refused.json?.extensions?.cost?.throttleStatus).toMatchObject({ maximumAvailable: 250, currentlyAvailable: 48 });

    expect((await send(app, { query: QUERY, headers: from('192.0.2.2') })).status).toBe(200);
    // The first hop is the client's own claim, not the load balancer's: it cannot buy a fresh budget.
    expect((await send(app, { query: QUERY, headers: { 'x-forwarded-for': '203.0.113.7, 192.0.2.1' } })).status).toBe(429);
  });

  it('gives a token its own budget wherever it calls from, and does not let a made-up token dodge the limit', async () => {
    const app = appWith(memoryStore({ costPerMinute: 150 }, () => 0), 150);
    const address = { 'x-forwarded-for': '192.0.2.50' };
    expect((await send(app, { query: QUERY, headers: address })).status).toBe(200);
    expect((await send(app, { query: QUERY, headers: address })).status).toBe(429);
    expect((await send(app, { query: QUERY, headers: address, token: tokens.read })).status).toBe(200);
    expect((await send(app, { query: QUERY, headers: address, token: 'fs_made-up' })).status).toBe(429);
  });

  it('charges feeds and the reconciliation endpoints to the same budget, by the rows they may return, with 429 and Retry-After', async () => {
    const app = appWith(memoryStore({ costPerMinute: 250 }, () => 0), 250);
    const from = (address: string) => ({ 'x-forwarded-for': `10.9.9.9, ${address}` });
    const get = (path: string, address: string) => app.fetch(`http://service${path}`, { headers: from(address) });
    const reconcileBatch = (address: string, queries: number) =>
      app.fetch('http://service/reconcile', {
        method: 'POST',
        headers: { ...from(address), 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ queries: JSON.stringify(Object.fromEntries(Array.from({ length: queries }, (_, i) => [`q${i}`, { query: 'China' }]))) }).toString(),
      });
    // 101 for the GraphQL page, 100 for a feed page of 100 entries: 49 left.
    expect((await send(app, { query: QUERY, headers: from('192.0.2.61') })).status).toBe(200);
    const feed = await get('/feeds/statements.atom?limit=100', '192.0.2.61');
    expect(feed.status).toBe(200);
    expect(await feed.text()).toContain('<feed');
    test.resetQueries();
    const refusedFeed = await get('/feeds/statements.atom?limit=100', '192.0.2.61');
    expect(refusedFeed.status).toBe(429);
    expect(Number(refusedFeed.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await refusedFeed.json()).toEqual({ error: { code: 'RATE_LIMITED', message: expect.stringMatching(/costs 100 and 49 of your 250 points per minute are left/) } });
    expect(test.queries, 'a refused request reads nothing').toEqual([]);
    // Five queries of up to 10 candidates each cost 50: one more than is left.
    const refusedBatch = await reconcileBatch('192.0.2.61', 5);
    expect(refusedBatch.status).toBe(429);
    expect(refusedBatch.headers.get('access-control-allow-origin'), 'still readable cross-origin, as the spec requires').toBe('*');
    expect(((await refusedBatch.json()) as { error: { code: string } }).error.code).toBe('RATE_LIMITED');
    expect((await reconcileBatch('192.0.2.61', 4)).status).toBe(200);
    // Another client is untouched.
    const other = await reconcileBatch('192.0.2.62', 5);
    expect(other.status).toBe(200);
    expect(Object.keys((await other.json()) as object)).toHaveLength(5);
  });

  it('refills the bucket with time', async () => {
    let now = 0;
    const store = memoryStore({ costPerMinute: 600 }, () => now);
    expect((await store.take('c', 600)).allowed).toBe(true);
    expect(await store.take('c', 100)).toEqual({ allowed: false, remaining: 0, retryAfterMs: 10_000 });
    now = 10_000;
    expect((await store.take('c', 100)).allowed).toBe(true);
  });
});

async function redisAvailable(): Promise<boolean> {
  const probe = new Redis({ host: '127.0.0.1', port: 6379, lazyConnect: true, connectTimeout: 1000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  probe.on('error', () => undefined);
  try {
    await probe.connect();
    await probe.ping();
    return true;
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

describe('rate limits shared through Redis', async () => {
  const available = await redisAvailable();
  if (!available) console.log('Redis is not running on 127.0.0.1:6379: the shared rate-limit tests are skipped');
  const logger = createLogger('silent');
  const clients: Redis[] = [];
  const connect = (port = 6379) => {
    const redis = new Redis({ host: '127.0.0.1', port, enableOfflineQueue: false, maxRetriesPerRequest: 0, commandTimeout: 500, lazyConnect: true });
    redis.on('error', () => undefined);
    clients.push(redis);
    return redis;
  };
  afterAll(() => {
    for (const client of clients) client.disconnect();
  });

  it.skipIf(!available)('makes two instances draw from one budget', async () => {
    const a = connect();
    const b = connect();
    await Promise.all([a.connect(), b.connect()]);
    const client = `test-${Math.random().toString(36).slice(2)}`;
    const first = redisStore({ costPerMinute: 300 }, a, logger);
    const second = redisStore({ costPerMinute: 300 }, b, logger);
    expect(await first.take(client, 200)).toMatchObject({ allowed: true, remaining: 100 });
    const refused = await second.take(client, 200);
    expect(refused.allowed).toBe(false);
    expect(refused.retryAfterMs).toBeGreaterThan(0);
    expect((await second.take(client, 100)).allowed).toBe(true);
  });

  it.skipIf(!available)('keeps separate budgets for two deployments whose REDIS_KEY_PREFIX differs', async () => {
    const a = connect();
    const b = connect();
    await Promise.all([a.connect(), b.connect()]);
    const client = `test-${Math.random().toString(36).slice(2)}`;
    const staging = redisStore({ costPerMinute: 300 }, a, logger, `fact-service-test-${Math.random().toString(36).slice(2)}:`);
    const production = redisStore({ costPerMinute: 300 }, b, logger, `fact-service-test-${Math.random().toString(36).slice(2)}:`);
    expect(await staging.take(client, 200)).toMatchObject({ allowed: true, remaining: 100 });
    expect(await production.take(client, 200)).toMatchObject({ allowed: true, remaining: 100 });
    expect((await staging.take(client, 200)).allowed).toBe(false);
  });

  it.skipIf(!available)('makes two services behind one load balancer, both with REDIS_URL, count one budget per client', async () => {
    const env = {
      NODE_ENV: 'production',
      PORT: '0',
      DATA_DIR: 'memory://',
      SEED_ON_START: 'never',
      REDIS_URL: 'redis://127.0.0.1:6379',
      REDIS_KEY_PREFIX: `fact-service-test-${Math.random().toString(36).slice(2)}:`,
      MAX_QUERY_COST: '100',
      RATE_LIMIT_COST_PER_MINUTE: '150',
      TRUST_PROXY_HOPS: '1',
    };
    const services: Service[] = [];
    try {
      for (let i = 0; i < 2; i++) services.push(await startService(loadConfig(env), createLogger('silent')));
      // A client address of its own, so no other test's traffic shares the bucket.
      const client = `198.51.100.${Math.floor(Math.random() * 250) + 1}, 10.0.0.${Math.floor(Math.random() * 250) + 1}`;
      const ask = (service: Service) =>
        fetch(service.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'x-forwarded-for': client },
          body: JSON.stringify({ query: '{ actors(first: 59) { edges { node { slug } } } }' }), // costs 60
        });
      const [a, b] = services as [Service, Service];
      expect((await ask(a)).status).toBe(200);
      expect((await ask(b)).status).toBe(200);
      const third = await ask(a);
      expect(third.status).toBe(429);
      expect(third.headers.get('retry-after')).toMatch(/^\d+$/);
    } finally {
      for (const service of services) await service.close();
    }
  });

  it('lets requests through when Redis does not answer, rather than taking the API down', async () => {
    const closed = createTcpServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as { port: number };
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    const store = redisStore({ costPerMinute: 10 }, connect(port), logger);
    expect((await store.take('anyone', 1000)).allowed).toBe(true);
  });
});

describe('timeouts', () => {
  it('stops an operation that runs past the request timeout with a typed TIMEOUT', async () => {
    let release: () => void = () => undefined;
    const stuck = new Promise<string>((resolve) => {
      release = () => resolve('late');
    });
    const yoga = createYoga({
      schema: createSchema({ typeDefs: 'type Query { slow: String }', resolvers: { Query: { slow: () => stuck } } }),
      plugins: [useExecutionTimeout(50)],
      logging: false,
    });
    const response = await yoga.fetch('http://yoga/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
      body: JSON.stringify({ query: '{ slow }' }),
    });
    release();
    expect(response.status).toBe(503);
    const body = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(body.errors[0]?.extensions.code).toBe('TIMEOUT');
    expect(body.errors[0]?.message).toMatch(/longer than 50 ms/);
  });

  it.skipIf(!usingPostgres())('has PostgreSQL cancel a statement past DATABASE_STATEMENT_TIMEOUT_MS, reported as a timeout', async () => {
    const db = await openDatabase({ kind: 'postgres', url: process.env.DATABASE_URL ?? '', statementTimeoutMs: 200, poolMax: 1 });
    try {
      const error = await db.prisma.$queryRaw`SELECT pg_sleep(5)`.then(
        () => undefined,
        (caught: unknown) => caught,
      );
      expect(classifyDatabaseError(error)).toBe('timeout');
      // Migrations are exempt: they run on a session without the timeout.
      await db.withSession((session) => session.query('SELECT pg_sleep(0.3)'));
    } finally {
      await db.close();
    }
  });
});

describe('configuration of the limits', () => {
  it('rejects nonsense with a message that names the variable', () => {
    const problems = (env: Record<string, string>) => {
      try {
        loadConfig(env);
        return [];
      } catch (error) {
        return error instanceof ConfigError ? error.problems : [String(error)];
      }
    };
    expect(problems({ MAX_QUERY_DEPTH: '0' })).toEqual(['MAX_QUERY_DEPTH must be an integer from 1 to 100, got "0"']);
    expect(problems({ MAX_QUERY_COST: 'lots' })[0]).toMatch(/^MAX_QUERY_COST must be an integer/);
    expect(problems({ RATE_LIMIT_COST_PER_MINUTE: '100' })[0]).toMatch(/RATE_LIMIT_COST_PER_MINUTE \(100\) must be at least MAX_QUERY_COST \(25000\)/);
    expect(problems({ OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' })[0]).toMatch(/OTEL_EXPORTER_OTLP_ENDPOINT must be an http\(s\) URL/);
    expect(problems({ INTROSPECTION: 'maybe' })[0]).toMatch(/INTROSPECTION must be one of/);
  });

  it('turns introspection and field suggestions off in production unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).hardening.limits).toMatchObject({ introspection: false, fieldSuggestions: false });
    expect(loadConfig({ NODE_ENV: 'development' }).hardening.limits).toMatchObject({ introspection: true, fieldSuggestions: true });
    expect(loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'true' }).hardening.limits.introspection).toBe(true);
  });
});
