import { randomUUID } from 'node:crypto';
import { type Client, createClient } from 'graphql-ws';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seed } from '../src/bundle/seed.js';
import { loadConfig } from '../src/config.js';
import { createRedisEvents } from '../src/http/redis-events.js';
import { serveGraphQLOverWebSocket } from '../src/http/websocket.js';
import { createLogger } from '../src/logger.js';
import type { App } from '../src/server.js';
import { startService } from '../src/service.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { observedEvents } from './support/events.js';
import { createTestApp } from './support/graphql.js';
import { type Listening, listen } from './support/listen.js';
import { subscribeOverSSE } from './support/sse.js';
import { waitFor } from './support/wait.js';

/** Bound on every wait for a message or a listener: generous for a busy 2-core machine, and the error names what never came. */
const WAIT_MS = 30_000;
/** Bound on starting a whole service (migrations, seed) on a busy machine: longer than Vitest's default test timeout. */
const START_MS = 240_000;
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** This run's deployment on the shared Redis (REDIS_KEY_PREFIX): another test run at the same time has its own. */
const PREFIX = `fact-service-test-${randomUUID()}:`;
const SOURCE = 'article-china-north-korea-russia';

/** Redis SUBSCRIBE is asynchronous: waits until `channel` has at least `count` subscribers (PUBSUB NUMSUB). */
async function untilSubscribed(channel: string, count: number, what: string): Promise<void> {
  const probe = new Redis(REDIS_URL);
  try {
    await waitFor(`${what} to subscribe to the Redis channel ${channel} (PUBSUB NUMSUB >= ${count})`, async () => Number(((await probe.pubsub('NUMSUB', channel)) as [string, number])[1]) >= count, WAIT_MS);
  } finally {
    probe.disconnect();
  }
}
const STATEMENT_RECORDED = /* GraphQL */ `
  subscription ($speaker: String, $claim: String) {
    statementRecorded(speaker: $speaker, claim: $claim) { slug text speaker { slug } stances { position claim { slug } } }
  }
`;
const RECORD = /* GraphQL */ `
  mutation ($input: RecordStatementInput!) {
    recordStatement(input: $input) { __typename ... on Error { message } ... on MutationRecordStatementSuccess { data { id slug } } }
  }
`;

interface Recorded {
  statementRecorded: { slug: string; text: string; speaker: { slug: string }; stances: { position: string; claim: { slug: string } }[] };
}

let test: TestDatabase;
let tokens: Tokens;
let counter = 0;

beforeAll(async () => {
  test = await waitFor('a fresh test database', createTestDatabase('subscriptions'), START_MS);
  await waitFor('the seed to load', seed(test.db.prisma), START_MS);
  tokens = await createTokens(test);
}, 2 * START_MS + 60_000);
afterAll(() => test?.close());

/** Records a statement through the API and returns its slug (or the error the API gave). */
async function record(app: App, speaker: string, stances: { claim: string; position: string }[] = [], slug = `live-${speaker}-${++counter}`) {
  const result = await executeAs(app, tokens.write, RECORD, {
    input: { slug, speaker, text: `Live statement ${counter} by ${speaker}`, kind: 'PARAPHRASE', source: SOURCE, stances },
  });
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return { slug, result: result.data?.recordStatement as { __typename: string; message?: string; data?: { id: string } } };
}

const inProcess = (app: App) => (url: string, init: RequestInit) => Promise.resolve(app.fetch(url, init));

async function redisAvailable(): Promise<boolean> {
  const client = new Redis(REDIS_URL, { lazyConnect: true, connectTimeout: 2_000, maxRetriesPerRequest: 0, retryStrategy: () => null });
  client.on('error', () => {});
  try {
    await client.connect();
    await client.ping();
    return true;
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}
const haveRedis = await redisAvailable();
if (!haveRedis) console.warn(`Skipping the Redis live-update tests: no Redis answers at ${REDIS_URL} (set TEST_REDIS_URL, or start redis-server).`);

describe(`statementRecorded over Server-Sent Events (${databaseLabel()})`, () => {
  let app: App;
  let observed: ReturnType<typeof observedEvents>;
  beforeAll(() => {
    observed = observedEvents();
    app = createTestApp(test, { events: observed.events });
  });
  const subscribe = async (variables: Record<string, unknown>) => {
    const listening = observed.listening();
    const sub = await subscribeOverSSE<Recorded>(inProcess(app), 'http://yoga/graphql', STATEMENT_RECORDED, variables);
    await waitFor('the subscription to start listening for events', listening, WAIT_MS);
    return sub;
  };

  it('delivers each statement recorded by the speaker, and only those', async () => {
    const sub = await subscribe({ speaker: 'lin-jian' });
    expect(sub.response.status).toBe(200);
    expect(sub.response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    try {
      await record(app, 'antony-blinken');
      const mine = await record(app, 'lin-jian', [{ claim: 'nk-troops-kursk-8000', position: 'DECLINES_TO_CONFIRM' }]);
      const event = await sub.next();
      expect(event.errors).toBeUndefined();
      expect(event.data?.statementRecorded).toEqual({
        slug: mine.slug,
        text: expect.stringContaining('lin-jian'),
        speaker: { slug: 'lin-jian' },
        stances: [{ position: 'DECLINES_TO_CONFIRM', claim: { slug: 'nk-troops-kursk-8000' } }],
      });
    } finally {
      sub.close();
    }
  });

  it('filters by claim, and announces a statement again when it gains a stance on that claim', async () => {
    const sub = await subscribe({ claim: 'china-neutral-on-ukraine-war' });
    try {
      const plain = await record(app, 'critics');
      const stanced = await record(app, 'critics', [{ claim: 'china-neutral-on-ukraine-war', position: 'DENIES' }]);
      expect((await sub.next()).data?.statementRecorded.slug).toBe(stanced.slug);
      const setStance = await executeAs(
        app,
        tokens.write,
        `mutation ($id: ID!) { setStance(statement: $id, claim: "china-neutral-on-ukraine-war", position: QUESTIONS) { __typename } }`,
        { id: plain.result.data?.id },
      );
      expect(setStance.data?.setStance.__typename).toBe('MutationSetStanceSuccess');
      const again = await sub.next();
      expect(again.data?.statementRecorded).toMatchObject({ slug: plain.slug, stances: [{ position: 'QUESTIONS', claim: { slug: 'china-neutral-on-ukraine-war' } }] });
    } finally {
      sub.close();
    }
  });

  it('announces a write only after it commits: a write that fails announces nothing, and what arrives is already readable', async () => {
    const sub = await subscribe({ speaker: 'vladimir-putin' });
    try {
      const committed = await record(app, 'vladimir-putin', [], `putin-${++counter}`);
      const duplicate = await record(app, 'vladimir-putin', [], committed.slug);
      expect(duplicate.result.__typename).toBe('ConflictError');
      const event = await sub.next();
      expect(event.data?.statementRecorded.slug).toBe(committed.slug);
      const readBack = await executeAs(app, null, `query ($slug: String!) { statement(slug: $slug) { slug } }`, { slug: event.data?.statementRecorded.slug });
      expect(readBack.data?.statement).toEqual({ slug: committed.slug });
    } finally {
      sub.close();
    }
  });

  it('refuses an unknown speaker or claim slug with a typed error instead of an endless empty stream', async () => {
    const sub = await subscribeOverSSE(inProcess(app), 'http://yoga/graphql', STATEMENT_RECORDED, { speaker: 'nobody-at-all' });
    const result = await sub.next();
    expect(result.errors?.[0]).toMatchObject({ message: 'There is no actor with the slug "nobody-at-all"', extensions: { code: 'NOT_FOUND', argument: 'speaker' } });
    const claim = await subscribeOverSSE(inProcess(app), 'http://yoga/graphql', STATEMENT_RECORDED, { claim: 'no-such-claim' });
    expect((await claim.next()).errors?.[0]?.extensions).toMatchObject({ code: 'NOT_FOUND', argument: 'claim' });
  });

  it('needs the read scope when reads are private, like queries do', async () => {
    const privateApp = createTestApp(test, { publicReads: false, events: observed.events });
    const anonymous = await subscribeOverSSE(inProcess(privateApp), 'http://yoga/graphql', STATEMENT_RECORDED, {});
    expect((await anonymous.next()).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const listening = observed.listening();
    const reader = await subscribeOverSSE<Recorded>(inProcess(privateApp), 'http://yoga/graphql', STATEMENT_RECORDED, { speaker: 'kim-jong-un' }, { authorization: `Bearer ${tokens.read}` });
    await waitFor('the subscription to start listening for events', listening, WAIT_MS);
    try {
      const written = await record(privateApp, 'kim-jong-un');
      expect((await reader.next()).data?.statementRecorded.slug).toBe(written.slug);
    } finally {
      reader.close();
    }
  });

  it('refuses subscriptions with a clear error when they are turned off', async () => {
    expect(loadConfig({ SUBSCRIPTIONS: 'off' }).integration.subscriptions).toBe(false);
    expect(() => loadConfig({ SUBSCRIPTIONS: 'sometimes' })).toThrow(/SUBSCRIPTIONS must be one of/);
    const off = createTestApp(test, { integration: { subscriptions: false } });
    const sub = await subscribeOverSSE(inProcess(off), 'http://yoga/graphql', STATEMENT_RECORDED, {});
    expect((await sub.next()).errors?.[0]).toMatchObject({ message: 'Subscriptions are turned off on this server', extensions: { code: 'SUBSCRIPTIONS_DISABLED' } });
    const queried = await executeAs(off, null, '{ actor(slug: "russia") { name } }');
    expect(queried.data).toEqual({ actor: { name: 'Russia' } });
  });
});

describe(`statementRecorded over graphql-ws (${databaseLabel()})`, () => {
  let app: App;
  let http: Listening;
  let sockets: { close(): Promise<void> };
  const clients: Client[] = [];

  const connect = (params: Record<string, unknown> = {}, headers: Record<string, string> = {}) => {
    const client = createClient({
      url: http.url.replace('http:', 'ws:'),
      webSocketImpl: class extends WebSocket {
        constructor(address: string, protocols?: string | string[]) {
          super(address, protocols, { headers });
        }
      },
      connectionParams: params,
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };

  let observed: ReturnType<typeof observedEvents>;

  beforeAll(async () => {
    observed = observedEvents();
    app = createTestApp(test, { publicReads: false, events: observed.events });
    http = await listen(app);
    sockets = serveGraphQLOverWebSocket(http.server, app, { logger: createLogger('silent'), corsLocalhost: false });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await sockets?.close();
    await http?.close();
  });

  it('delivers events to a WebSocket subscriber authenticated through connectionParams, and runs mutations on the same socket', async () => {
    const client = connect({ authorization: `Bearer ${tokens.write}` });
    const listening = observed.listening();
    const events = client.iterate<Recorded>({ query: STATEMENT_RECORDED, variables: { speaker: 'volodymyr-zelenskyy' } });
    const first = events.next();
    await waitFor('the subscription to start listening for events', listening, WAIT_MS);
    const slug = `ws-zelenskyy-${++counter}`;
    const written = await new Promise<{ data?: { recordStatement: { __typename: string } } }>((resolve, reject) => {
      client.subscribe(
        { query: RECORD, variables: { input: { slug, speaker: 'volodymyr-zelenskyy', text: 'Over a WebSocket', kind: 'PARAPHRASE', source: SOURCE } } },
        { next: (value) => resolve(value as { data?: { recordStatement: { __typename: string } } }), error: reject, complete: () => {} },
      );
    });
    expect(written.data?.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
    const event = await waitFor('the WebSocket subscriber to receive the statement it wrote', first, WAIT_MS);
    expect(event.value).toMatchObject({ data: { statementRecorded: { slug, speaker: { slug: 'volodymyr-zelenskyy' } } } });
    await events.return?.();
  });

  it('applies the same auth as HTTP: without a token a private-read subscription fails with UNAUTHENTICATED', async () => {
    const client = connect();
    const events = client.iterate({ query: STATEMENT_RECORDED });
    const result = await waitFor('the answer to a subscription without a token', events.next(), WAIT_MS);
    expect(result.value).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('reports a syntax error as a GraphQL error and keeps the socket usable', async () => {
    const client = connect({ authorization: `Bearer ${tokens.read}` });
    const broken = await waitFor('the answer to a broken subscription', client.iterate({ query: 'subscription { statementRecorded(' }).next(), WAIT_MS).catch((errors: unknown) => errors);
    expect(JSON.stringify(broken)).toMatch(/Syntax Error/);
    const fine = await waitFor('a query on the same socket', client.iterate({ query: '{ actor(slug: "russia") { name } }' }).next(), WAIT_MS);
    expect(fine.value).toEqual({ data: { actor: { name: 'Russia' } } });
  });

  it('refuses a WebSocket from a web page on another origin, and accepts its own origin', async () => {
    const refused = connect({ authorization: `Bearer ${tokens.read}` }, { origin: 'https://evil.example' });
    const error = await waitFor('the refusal of a WebSocket from another origin', refused.iterate({ query: '{ __typename }' }).next(), WAIT_MS).catch((caught: unknown) => caught);
    expect(String((error as { message?: string })?.message ?? error)).toMatch(/403|closed|Unexpected server response/i);
    const same = connect({ authorization: `Bearer ${tokens.read}` }, { origin: http.origin });
    expect((await waitFor('a query on a WebSocket from our own origin', same.iterate({ query: '{ __typename }' }).next(), WAIT_MS)).value).toEqual({ data: { __typename: 'Query' } });
  });
});

describe.skipIf(!haveRedis)(`statementRecorded across instances through Redis (${databaseLabel()})`, () => {
  const instances: { http: Listening; app: App; close(): Promise<void> }[] = [];

  beforeAll(async () => {
    for (let i = 0; i < 2; i++) {
      const redis = await createRedisEvents(REDIS_URL, createLogger('silent'), PREFIX);
      const app = createTestApp(test, { events: redis.events });
      const http = await listen(app);
      instances.push({ http, app, close: async () => (await http.close(), await redis.close()) });
    }
  });
  afterAll(async () => {
    for (const instance of instances) await instance.close();
  });

  it('delivers a write made on one instance to subscribers of every instance', async () => {
    const [a, b] = instances as [(typeof instances)[number], (typeof instances)[number]];
    const onA = await subscribeOverSSE<Recorded>(fetch, a.http.url, STATEMENT_RECORDED, { speaker: 'us-officials' });
    const onB = await subscribeOverSSE<Recorded>(fetch, b.http.url, STATEMENT_RECORDED, { speaker: 'us-officials' });
    try {
      await untilSubscribed(`${PREFIX}statementRecorded`, 2, 'both instances');
      const written = await record(a.app, 'us-officials');
      expect((await onA.next()).data?.statementRecorded.slug).toBe(written.slug);
      expect((await onB.next()).data?.statementRecorded.slug).toBe(written.slug);
      const fromB = await record(b.app, 'us-officials');
      expect((await onA.next()).data?.statementRecorded.slug).toBe(fromB.slug);
      expect((await onB.next()).data?.statementRecorded.slug).toBe(fromB.slug);
    } finally {
      onA.close();
      onB.close();
    }
  });

  it('keeps two deployments on one Redis apart when their REDIS_KEY_PREFIX differs', async () => {
    const [a] = instances as [(typeof instances)[number]];
    const otherPrefix = `fact-service-test-${randomUUID()}:`;
    const other = await createRedisEvents(REDIS_URL, createLogger('silent'), otherPrefix);
    const elsewhere = createTestApp(test, { events: other.events });
    const http = await listen(elsewhere);
    const subscribed = await subscribeOverSSE<Recorded>(fetch, http.url, STATEMENT_RECORDED, { speaker: 'us-officials' });
    try {
      await untilSubscribed(`${otherPrefix}statementRecorded`, 1, 'the other deployment');
      // Written through this run's deployment: the other one must not hear it; its own write comes first.
      await record(a.app, 'us-officials');
      const own = await record(elsewhere, 'us-officials');
      expect((await subscribed.next()).data?.statementRecorded.slug).toBe(own.slug);
    } finally {
      subscribed.close();
      await http.close();
      await other.close();
    }
  });

  it('starts with REDIS_URL set, and refuses to start with a clear message when Redis does not answer', async () => {
    expect(() => loadConfig({ REDIS_KEY_PREFIX: 'two words' })).toThrow(/REDIS_KEY_PREFIX must be 1 to 100 letters, digits/);
    expect(() => loadConfig({ REDIS_URL: 'http://127.0.0.1:6379' })).toThrow(/REDIS_URL must be a URL such as redis:\/\//);
    const base = { NODE_ENV: 'test', PORT: '0', DATA_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'silent', SEED_ON_START: 'never', BOOTSTRAP_ADMIN_TOKEN: 'never' };
    await expect(startService(loadConfig({ ...base, REDIS_URL: 'redis://:secret@127.0.0.1:1' }), createLogger('silent'))).rejects.toThrow(
      /^Redis at redis:\/\/:\*\*\*@127\.0\.0\.1:1 did not answer/,
    );
    const service = await waitFor('the service to start with REDIS_URL set', startService(loadConfig({ ...base, REDIS_URL }), createLogger('silent')), START_MS);
    await waitFor('the service to close', service.close(), WAIT_MS);
  }, START_MS + WAIT_MS * 2);
});

describe('shutdown with open subscriptions', () => {
  it('ends open SSE and WebSocket subscriptions so the service stops without waiting for them', async () => {
    const service = await waitFor(
      'the service to start (migrations and seed on a fresh PGlite)',
      startService(
        loadConfig({ NODE_ENV: 'test', PORT: '0', DATA_DIR: 'memory://', DATABASE_URL: '', LOG_LEVEL: 'silent', SEED_ON_START: 'always', SHUTDOWN_TIMEOUT_MS: '600000' }),
        createLogger('silent'),
      ),
      START_MS,
    );
    const sse = await subscribeOverSSE(fetch, service.url, STATEMENT_RECORDED, {});
    expect(sse.response.status).toBe(200);
    const ws = createClient({ url: service.url.replace('http:', 'ws:'), webSocketImpl: WebSocket, retryAttempts: 0 });
    const wsEnded = new Promise<void>((resolve) => {
      ws.subscribe({ query: STATEMENT_RECORDED }, { next: () => {}, error: () => resolve(), complete: () => resolve() });
    });
    await waitFor('a query over the WebSocket (the socket is open)', ws.iterate({ query: '{ __typename }' }).next(), WAIT_MS);
    await waitFor('the service to close with two subscriptions open', service.close(), WAIT_MS);
    await waitFor('the server to end the SSE subscription', sse.ended, WAIT_MS);
    await waitFor('the server to end the WebSocket subscription', wsEnded, WAIT_MS);
    await ws.dispose();
  }, START_MS + WAIT_MS * 5);
});
