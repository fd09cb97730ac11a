import { type Client, createClient } from 'graphql-ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { seed } from '../src/bundle/seed.js';
import { memoryStore } from '../src/http/rate-limit.js';
import { serveGraphQLOverWebSocket } from '../src/http/websocket.js';
import { createLogger } from '../src/logger.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createConfiguredApp } from './support/hardened.js';
import { type Listening, listen } from './support/listen.js';

const QUERY = '{ actors(first: 5) { edges { node { slug } } } }';

interface Answer {
  data?: unknown;
  errors?: { message: string; extensions?: { code?: string } }[];
}

describe(`rate limits over WebSocket (${databaseLabel()})`, () => {
  let test: TestDatabase;
  let http: Listening;
  let sockets: { close(): Promise<void> };
  const clients: Client[] = [];

  beforeAll(async () => {
    test = await createTestDatabase('ws-rate-limit');
    await seed(test.db.prisma);
    // The buckets' clock stands still: nothing refills during the test.
    const { app } = createConfiguredApp(test, {}, { rateLimit: { store: memoryStore({ costPerMinute: 60 }, () => 0), costPerMinute: 60, trustedProxies: 1 } });
    http = await listen(app);
    sockets = serveGraphQLOverWebSocket(http.server, app, { logger: createLogger('silent'), corsLocalhost: false });
  });
  afterAll(async () => {
    for (const client of clients) await client.dispose();
    await sockets?.close();
    await http?.close();
    await test?.close();
  });

  /** A graphql-ws client whose upgrade request comes through a proxy that names `address`. */
  const clientFrom = (address: string) => {
    const client = createClient({
      url: http.url.replace('http:', 'ws:'),
      webSocketImpl: class extends WebSocket {
        constructor(url: string, protocols?: string | string[]) {
          super(url, protocols, { headers: { 'x-forwarded-for': address } });
        }
      },
      retryAttempts: 0,
      lazy: true,
    });
    clients.push(client);
    return client;
  };

  const run = (client: Client) =>
    new Promise<Answer>((resolve, reject) => {
      let answer: Answer = {};
      client.subscribe({ query: QUERY }, { next: (value) => (answer = value as Answer), error: reject, complete: () => resolve(answer) });
    });
  const code = (answer: Answer) => answer.errors?.[0]?.extensions?.code ?? 'OK';

  it('gives each client its own bucket: one spending its budget leaves another untouched', async () => {
    const first = clientFrom('198.51.100.1');
    const second = clientFrom('198.51.100.2');
    const spent: string[] = [];
    for (let i = 0; i < 40 && spent.at(-1) !== 'RATE_LIMITED'; i++) spent.push(code(await run(first)));
    expect(spent.at(-1), `the first client was never limited: ${spent.join(', ')}`).toBe('RATE_LIMITED');
    expect(spent.filter((one) => one === 'OK').length).toBeGreaterThan(0);
    const other = await run(second);
    expect(code(other)).toBe('OK');
    expect(other.data).toMatchObject({ actors: { edges: expect.any(Array) } });
    expect(code(await run(first))).toBe('RATE_LIMITED');
  });
});
