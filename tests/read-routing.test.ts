import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, splitSchema } from '../src/db.js';
import { parseLsn, ReadRouter } from '../src/db/read-routing.js';
import { LSN_HEADER, READ_FROM_HEADER } from '../src/http/read-routing.js';
import { createLogger } from '../src/logger.js';
import { type App, createApp } from '../src/server.js';
import { createTokens, type Tokens } from './support/auth.js';
import { createTestDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { freePort } from './support/listen.js';

// `.ci/run` starts a streaming replica with scripts/replica.sh and exports its URL as DATABASE_READ_URL.
const REPLICA_URL = process.env.DATABASE_READ_URL;
const reason = !usingPostgres() ? 'needs PostgreSQL (DATABASE_URL): replicas copy a PostgreSQL primary' : !REPLICA_URL ? 'needs a streaming replica: run `export "$(bash scripts/replica.sh start | tail -n 1)"` first (.ci/run does)' : null;
if (reason) console.log(`read routing test skipped: ${reason}`);

function capturingLogger() {
  const lines: { msg: string; replica?: string; problem?: string; level: number }[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) lines.push(JSON.parse(line) as (typeof lines)[number]);
      done();
    },
  });
  return { logger: createLogger('info', sink), lines };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe.skipIf(reason !== null)('reads routed to a streaming replica (PostgreSQL)', () => {
  let primary: TestDatabase;
  let replica: Database;
  let control: pg.Client;
  let router: ReadRouter;
  let app: App;
  let tokens: Tokens;
  const { logger, lines } = capturingLogger();

  const post = async (query: string, variables: Record<string, unknown>, headers: Record<string, string> = {}) => {
    const response = await app.fetch('http://yoga/graphql', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
    return { response, body: (await response.json()) as { data: any; errors?: unknown[] } };
  };
  const ACTOR = 'query ($slug: String!) { actor(slug: $slug) { slug name } }';

  beforeAll(async () => {
    primary = await createTestDatabase('routing');
    const schema = splitSchema(primary.url ?? '').schema ?? '';
    const url = new URL(REPLICA_URL ?? '');
    url.searchParams.set('schema', schema);
    replica = await openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 3 });
    control = new pg.Client({ connectionString: REPLICA_URL });
    await control.connect();
    await control.query('SELECT pg_wal_replay_resume()');
    router = new ReadRouter(primary.db.prisma, [{ name: 'replica', prisma: replica.prisma }], logger, { checkMs: 50 });
    await router.start();
    tokens = await createTokens(primary);
    app = createApp({ prisma: primary.db.prisma, logger, graphiql: false, checkDatabase: async () => {}, readRouter: router });
    // The schema this test made must have reached the replica before it can serve it.
    const made = parseLsn(await router.commitLsn());
    await waitFor('the replica to replay the test schema', async () => ((await router.forRead(made)).target === 'replica' ? true : undefined));
  }, 60_000);

  afterAll(async () => {
    await control?.query('SELECT pg_wal_replay_resume()').catch(() => undefined);
    await control?.end();
    await router?.close();
    await replica?.close();
    await primary?.close();
  });

  it('serves queries from the replica, writes and their payloads from the primary, and a later read with the write’s LSN sees it', async () => {
    const [{ recovering }] = (await replica.prisma.$queryRawUnsafe<{ recovering: boolean }[]>('SELECT pg_is_in_recovery() AS recovering')) as [{ recovering: boolean }];
    expect(recovering).toBe(true);

    // Stop the replica replaying, so that what it serves is visibly older than the primary.
    await control.query('SELECT pg_wal_replay_pause()');
    const written = await post(
      'mutation ($input: CreateActorInput!) { createActor(input: $input) { __typename ... on MutationCreateActorSuccess { data { slug name } } } }',
      { input: { slug: 'routed-actor', name: 'Routed Actor', kind: 'PERSON' } },
      { authorization: `Bearer ${tokens.write}` },
    );
    // The mutation's payload is read on the primary: it has the write although the replica does not.
    expect(written.body.data.createActor.data).toEqual({ slug: 'routed-actor', name: 'Routed Actor' });
    const lsn = written.response.headers.get(LSN_HEADER);
    expect(parseLsn(lsn)).not.toBeNull();
    expect(written.response.headers.get('set-cookie')).toContain(`fact_lsn=${lsn}`);

    // Without the LSN the query goes to the replica, which has not replayed the write: proof it answered.
    const stale = await post(ACTOR, { slug: 'routed-actor' });
    expect(stale.response.headers.get(READ_FROM_HEADER)).toBe('replica');
    expect(stale.body.data.actor).toBeNull();

    // With it (header or cookie), the primary answers until a replica has caught up.
    for (const headers of [{ [LSN_HEADER]: lsn ?? '' }, { cookie: `other=1; fact_lsn=${lsn}` }] as Record<string, string>[]) {
      const fresh = await post(ACTOR, { slug: 'routed-actor' }, headers);
      expect(fresh.response.headers.get(READ_FROM_HEADER)).toBe('primary');
      expect(fresh.body.data.actor).toEqual({ slug: 'routed-actor', name: 'Routed Actor' });
    }

    await control.query('SELECT pg_wal_replay_resume()');
    const caughtUp = await waitFor('the replica to replay the write', async () => {
      const result = await post(ACTOR, { slug: 'routed-actor' }, { [LSN_HEADER]: lsn ?? '' });
      return result.response.headers.get(READ_FROM_HEADER) === 'replica' ? result : undefined;
    });
    expect(caughtUp.body.data.actor).toEqual({ slug: 'routed-actor', name: 'Routed Actor' });
  }, 60_000);

  it('sends reads to the primary, and logs it, while a replica is unreachable', async () => {
    const port = await freePort();
    const gone = await openDatabase({ kind: 'postgres', url: `postgresql://postgres@127.0.0.1:${port}/test`, poolMax: 1, connectTimeoutMs: 500 });
    const broken = new ReadRouter(primary.db.prisma, [{ name: `postgresql://postgres@127.0.0.1:${port}/test`, prisma: gone.prisma }], logger, { checkMs: 50 });
    try {
      await broken.start();
      expect((await broken.forRead(null)).target).toBe('primary');
      expect(lines.some((line) => line.msg.startsWith('read replica unhealthy') && line.replica?.endsWith(`:${port}/test`))).toBe(true);
    } finally {
      await broken.close();
      await gone.close();
    }
  });
});
