/**
 * Issue 13's load test: two real service processes behind a real nginx (the Debian package), writers
 * recording statements through nginx, a live subscription on instance B, and instance A killed with
 * SIGKILL mid-run (a crash: no drain, no goodbye).
 *
 * What it can guarantee, and so asserts:
 * - every write that was acknowledged (a MutationRecordStatementSuccess came back) is in the database;
 * - every write that was not acknowledged failed visibly: a 502/503/504 from nginx, or a broken connection;
 *   never an answer that looks like success, and never a second attempt of a mutation already sent
 *   (nginx is configured not to retry a POST it has sent: a retry would show as a ConflictError on the slug);
 * - every acknowledged write made through B arrives as an event on B's subscription, and every event that
 *   arrives is for a statement that is in the database.
 * What it cannot: an event for a write A committed and acknowledged just before it died may never be
 * published (A publishes to Redis after commit, and a process killed between the two cannot publish).
 * Those are counted and printed, not asserted.
 */
import { type ChildProcessByStdio, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { type NginxBalancer, nginxAvailable, startNginx } from '../scripts/nginx-lb.js';
import { executeAs } from './support/auth.js';
import { createTestDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { subscribeOverSSE, type Subscription } from './support/sse.js';
import { LineLog, waitFor } from './support/wait.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Bound on a process starting (tsx compiling on a busy 2-core machine). */
const START_MS = 120_000;
/** Bound on every other wait; the message names what never came. */
const WAIT_MS = 30_000;
const WRITERS = 8;
const PER_WRITER = 20;
/** A is killed once this many writes it served have been acknowledged. */
const KILL_AFTER_A_ACKS = 10;

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

const haveRedis = usingPostgres() && nginxAvailable() ? await redisAvailable() : false;
const skipReason = !usingPostgres()
  ? 'needs PostgreSQL (DATABASE_URL): two processes cannot share the embedded database'
  : !nginxAvailable()
    ? 'needs nginx at /usr/sbin/nginx (apt-get install nginx)'
    : !haveRedis
      ? `needs Redis at ${REDIS_URL}`
      : '';
if (skipReason) console.log(`scale-out test skipped: ${skipReason}`);

type ServiceProcess = ChildProcessByStdio<null, Readable, Readable>;
interface Instance {
  name: 'A' | 'B';
  child: ServiceProcess;
  port: number;
  url: string;
  log: LineLog;
  exited: Promise<void>;
}

const RECORD = /* GraphQL */ `
  mutation ($input: RecordStatementInput!) {
    recordStatement(input: $input) { __typename ... on Error { message } ... on MutationRecordStatementSuccess { data { slug } } }
  }
`;
const SUBSCRIBE = /* GraphQL */ `subscription ($speaker: String) { statementRecorded(speaker: $speaker) { slug } }`;

/** How many times each string occurs. */
const tally = (items: string[]) => Object.fromEntries([...new Set(items)].map((item) => [item, items.filter((other) => other === item).length]));

type Outcome =
  | { slug: string; kind: 'acknowledged'; via: 'A' | 'B' | 'direct' }
  | { slug: string; kind: 'failed'; detail: string }
  | { slug: string; kind: 'unexpected'; detail: string };

describe.skipIf(Boolean(skipReason))('two instances behind nginx, one killed mid-run (PostgreSQL + Redis)', () => {
  let test: TestDatabase;
  let token: string;
  let nginx: NginxBalancer | undefined;
  const instances: Instance[] = [];
  const run = Math.random().toString(36).slice(2, 8);
  const speaker = `scale-speaker-${run}`;
  const source = `scale-source-${run}`;

  async function startInstance(name: 'A' | 'B'): Promise<Instance> {
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_.*|DATA_DIR|PORT|HOST|NODE_ENV|LOG_LEVEL|SHUTDOWN_.*|REDIS_.*|OTEL_.*|RATE_LIMIT_.*)$/.test(key)));
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: {
        ...inherited,
        NODE_ENV: 'test',
        HOST: '127.0.0.1',
        PORT: '0',
        LOG_LEVEL: 'info',
        DATABASE_URL: test.url ?? '',
        DATABASE_POOL_MAX: '4',
        DATABASE_CONNECT_TIMEOUT_MS: '20000',
        REDIS_URL,
        // Both instances are one deployment; a test run beside this one on the same Redis is another.
        REDIS_KEY_PREFIX: `fact-service-test-${run}:`,
        MIGRATE_ON_START: 'false',
        SEED_ON_START: 'never',
        BOOTSTRAP_ADMIN_TOKEN: 'never',
        RATE_LIMIT_COST_PER_MINUTE: '0',
        SHUTDOWN_DELAY_MS: '0',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const stderr = new LineLog(child.stderr);
    const log = new LineLog(child.stdout, () => `stderr:\n${stderr.tail(10)}`);
    const exited = new Promise<void>((resolve) => child.once('exit', () => (log.end('the process exited'), resolve())));
    const ready = await log.waitForLine(`instance ${name}'s "fact service ready" line`, 'fact service ready', START_MS);
    const port = Number(/"url":"http:\/\/[^"]*?:(\d+)/.exec(ready)?.[1]);
    if (!port) throw new Error(`no port in instance ${name}'s ready line: ${ready}`);
    return { name, child, port, url: `http://127.0.0.1:${port}/graphql`, log, exited };
  }

  beforeAll(async () => {
    test = await waitFor('a fresh test schema', createTestDatabase('scale_out'), START_MS);
    token = await createToken(test.db.prisma, 'scale-writer', ['write']);
    const app = createTestApp(test);
    const actor = await executeAs(app, token, 'mutation ($i: CreateActorInput!) { createActor(input: $i) { __typename } }', { i: { slug: speaker, name: 'Scale Speaker', kind: 'PERSON' } });
    expect(actor.data?.createActor.__typename).toBe('MutationCreateActorSuccess');
    const created = await executeAs(app, token, 'mutation ($i: CreateSourceInput!) { createSource(input: $i) { __typename } }', { i: { slug: source, title: 'Scale source' } });
    expect(created.data?.createSource.__typename).toBe('MutationCreateSourceSuccess');
    // Both at once: each compiles with tsx, the slow part on a busy machine.
    instances.push(...(await Promise.all([startInstance('A'), startInstance('B')])));
    nginx = await startNginx({ upstreams: instances.map((instance) => instance.port) });
  }, 2 * START_MS + 60_000);

  afterAll(async () => {
    for (const instance of instances) {
      if (instance.child.exitCode === null && instance.child.signalCode === null) instance.child.kill('SIGTERM');
      await waitFor(`instance ${instance.name} to exit`, instance.exited, WAIT_MS).catch(() => instance.child.kill('SIGKILL'));
    }
    await nginx?.stop();
    await test?.close();
  }, 2 * WAIT_MS + 30_000);

  it('loses no acknowledged write, and B delivers an event for every write it acknowledged', async () => {
    const [a, b] = instances as [Instance, Instance];
    const balancer = nginx as NginxBalancer;
    const headers = { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization: `Bearer ${token}` };
    const record = async (url: string, slug: string, via?: 'direct'): Promise<Outcome> => {
      let response: Response;
      try {
        response = await fetch(url, {
          method: 'POST',
          headers,
          body: JSON.stringify({ query: RECORD, variables: { input: { slug, speaker, source, text: `Statement ${slug}.`, kind: 'PARAPHRASE' } } }),
        });
      } catch (error) {
        const cause = (error as { cause?: { code?: string } }).cause?.code ?? (error as Error).message;
        return { slug, kind: 'failed', detail: `connection: ${cause}` };
      }
      const text = await response.text().catch((error: Error) => `(body cut off: ${error.message})`);
      if ([502, 503, 504].includes(response.status)) return { slug, kind: 'failed', detail: `HTTP ${response.status}` };
      let body: { data?: { recordStatement?: { __typename: string; message?: string } }; errors?: unknown[] };
      try {
        body = JSON.parse(text) as typeof body;
      } catch {
        return { slug, kind: 'unexpected', detail: `HTTP ${response.status}, not JSON: ${text.slice(0, 200)}` };
      }
      const typename = body.data?.recordStatement?.__typename;
      if (response.status === 200 && typename === 'MutationRecordStatementSuccess') {
        if (via) return { slug, kind: 'acknowledged', via };
        // nginx names the instance that answered (the last one tried, if it passed the request on).
        const upstream = response.headers.get('x-fact-upstream')?.split(',').pop()?.trim() ?? '';
        const port = Number(upstream.split(':').pop());
        const served = port === a.port ? 'A' : port === b.port ? 'B' : undefined;
        if (!served) return { slug, kind: 'unexpected', detail: `acknowledged, but X-Fact-Upstream is "${upstream}"` };
        return { slug, kind: 'acknowledged', via: served };
      }
      return { slug, kind: 'unexpected', detail: `HTTP ${response.status}: ${text.slice(0, 300)}` };
    };

    // The subscription, on B directly; a first write through B shows B listens on Redis before the load starts.
    const subscription: Subscription<{ statementRecorded: { slug: string } }> = await subscribeOverSSE(fetch, b.url, SUBSCRIBE, { speaker }, { authorization: `Bearer ${token}` });
    const events: string[] = [];
    const eventErrors: unknown[] = [];
    let onEvent = () => {};
    const reading = (async () => {
      for (;;) {
        const result = await subscription.next(10 * 60_000).catch(() => null);
        if (!result) return;
        if (result.errors) eventErrors.push(result.errors);
        const slug = result.data?.statementRecorded?.slug;
        if (slug) events.push(slug);
        onEvent();
      }
    })();
    const untilEvents = (what: string, done: () => boolean) =>
      waitFor(
        what,
        new Promise<void>((resolve) => {
          onEvent = () => done() && resolve();
          onEvent();
        }),
        WAIT_MS,
      );
    try {
      const warmUp = await record(b.url, `scale-${run}-warm-up`, 'direct');
      expect(warmUp.kind).toBe('acknowledged');
      await untilEvents("the warm-up write's event on B's subscription", () => events.includes(`scale-${run}-warm-up`));

      // The load: WRITERS clients, each PER_WRITER writes one after another, all through nginx.
      const outcomes: Outcome[] = [];
      let ackedByA = 0;
      let markKillPoint = () => {};
      const killPoint = new Promise<void>((resolve) => (markKillPoint = resolve));
      const writers = Array.from({ length: WRITERS }, async (_, writer) => {
        for (let index = 0; index < PER_WRITER; index++) {
          const outcome = await record(`${balancer.url}/graphql`, `scale-${run}-${writer}-${index}`);
          outcomes.push(outcome);
          if (outcome.kind === 'acknowledged' && outcome.via === 'A' && ++ackedByA >= KILL_AFTER_A_ACKS) markKillPoint();
        }
      });
      const allWritten = Promise.all(writers);
      await waitFor(`${KILL_AFTER_A_ACKS} writes acknowledged by instance A through nginx`, Promise.race([killPoint, allWritten.then(() => Promise.reject(new Error('the load ended before A had acknowledged enough writes')))]), WAIT_MS * 2);
      a.child.kill('SIGKILL');
      await waitFor('instance A to die from SIGKILL', a.exited, WAIT_MS);
      const ackedByABeforeKill = ackedByA;
      await waitFor('every writer to finish', allWritten, WAIT_MS * 2);

      const acknowledged = outcomes.filter((outcome) => outcome.kind === 'acknowledged');
      const failed = outcomes.filter((outcome) => outcome.kind === 'failed');
      const unexpected = outcomes.filter((outcome) => outcome.kind === 'unexpected');
      const viaB = acknowledged.filter((outcome) => outcome.via === 'B').map((outcome) => outcome.slug);
      const viaA = acknowledged.filter((outcome) => outcome.via === 'A').map((outcome) => outcome.slug);

      // Every write B acknowledged reaches B's subscriber (bounded: events may still be on their way through Redis).
      await untilEvents(`events on B for all ${viaB.length} writes B acknowledged`, () => viaB.every((slug) => events.includes(slug))).catch((error: Error) => {
        throw new Error(`${error.message}\nmissing: ${viaB.filter((slug) => !events.includes(slug)).join(', ')}`);
      });

      const stored = new Set(
        (await test.db.prisma.statement.findMany({ where: { slug: { startsWith: `scale-${run}-` } }, select: { slug: true } })).map((row) => row.slug),
      );
      const committedUnacknowledged = failed.filter((outcome) => stored.has(outcome.slug));
      const eventsOfA = viaA.filter((slug) => events.includes(slug));
      console.log(
        [
          `scale-out through nginx: ${outcomes.length} writes, ${acknowledged.length} acknowledged (A ${viaA.length}, B ${viaB.length}), ${failed.length} failed, ${unexpected.length} unexpected`,
          `  A killed after ${ackedByABeforeKill} acknowledged writes; failures: ${JSON.stringify(tally(failed.map((outcome) => (outcome.kind === 'failed' ? outcome.detail : ''))))}`,
          `  in the database: ${stored.size - 1} of the load's writes (${committedUnacknowledged.length} committed though their request failed)`,
          `  events on B: ${events.length - 1} for the load (every one of B's ${viaB.length}; ${eventsOfA.length} of A's ${viaA.length}), ${eventErrors.length} errors`,
        ].join('\n'),
      );

      expect(unexpected).toEqual([]);
      expect(acknowledged.filter((outcome) => !stored.has(outcome.slug))).toEqual([]);
      expect(viaA.length).toBeGreaterThanOrEqual(KILL_AFTER_A_ACKS);
      expect(viaB.length).toBeGreaterThan(0);
      expect(viaB.filter((slug) => !events.includes(slug))).toEqual([]);
      expect(eventErrors).toEqual([]);
      // No event for a write that is not in the database, and none twice.
      expect(events.filter((slug) => !stored.has(slug))).toEqual([]);
      expect(new Set(events).size).toBe(events.length);
      // B kept serving: a write through nginx after the crash is acknowledged by B.
      const after = await record(`${balancer.url}/graphql`, `scale-${run}-after`);
      expect(after).toEqual({ slug: `scale-${run}-after`, kind: 'acknowledged', via: 'B' });
    } finally {
      subscription.close();
      await reading;
    }
  }, 4 * WAIT_MS + 60_000);
});
