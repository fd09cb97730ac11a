import { createHmac, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { createClaim } from '../src/write/records.js';
import { startWebhookWorker, type WebhookSettings, type WebhookWorker } from '../src/webhooks/worker.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { type Listening, listen } from './support/listen.js';

type Behaviour = 'ok' | 'fail' | 'hang';

interface Received {
  delivery: string;
  event: string;
  signatureValid: boolean;
  body: { webhook: string; delivery: string; attempt: number; change: { cursor: string; type: string; action: string; slug: string; claims: string[] } };
  answered: Behaviour;
}

/** The receiver side of the README's recipe: recompute the HMAC over the raw body and compare in constant time. */
function verify(secret: string, header: string, raw: string): boolean {
  const match = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(header);
  if (!match?.[1] || !match[2]) return false;
  if (Math.abs(Date.now() / 1000 - Number(match[1])) > 300) return false;
  const expected = createHmac('sha256', secret).update(`${match[1]}.${raw}`).digest();
  return timingSafeEqual(expected, Buffer.from(match[2], 'hex'));
}

/** A local receiver that answers from a script of behaviours (then `fallback`), and records what it got. */
async function receiver(secret: () => string) {
  const received: Received[] = [];
  const script: Behaviour[] = [];
  let fallback: Behaviour = 'ok';
  const waiters: (() => void)[] = [];
  const hanging: ServerResponse[] = [];
  const server: Listening = await listen((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const answered = script.shift() ?? fallback;
      received.push({
        delivery: String(request.headers['x-fact-delivery']),
        event: String(request.headers['x-fact-event']),
        signatureValid: verify(secret(), String(request.headers['x-fact-signature']), raw),
        body: JSON.parse(raw) as Received['body'],
        answered,
      });
      for (const wake of waiters.splice(0)) wake();
      if (answered === 'hang') hanging.push(response);
      else response.writeHead(answered === 'ok' ? 204 : 503).end();
    });
  });
  return {
    url: `${server.origin}/hook`,
    received,
    script,
    setFallback: (behaviour: Behaviour) => {
      fallback = behaviour;
    },
    /** Waits until `done` holds for what was received, at most `ms`, naming what it waited for. */
    async until(what: string, done: (received: Received[]) => boolean, ms = 60_000) {
      const deadline = Date.now() + ms;
      while (!done(received)) {
        if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; received ${JSON.stringify(received.map((r) => [r.body.change.slug, r.answered]))}`);
        await new Promise<void>((resolve) => {
          waiters.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    /** Answers every request left hanging so far with `status`. */
    answerHanging: (status: number) => {
      for (const response of hanging.splice(0)) response.writeHead(status).end();
    },
    close: async () => {
      for (const response of hanging) response.destroy();
      await server.close();
    },
  };
}

/** The receiver answers before the instance records the answer: wait for the record, at most `ms`. */
async function untilStored(what: string, done: () => Promise<boolean>, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!(await done())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const FAST: Partial<WebhookSettings> = { pollMs: 40, timeoutMs: 1_500, backoffBaseMs: 40, backoffCapMs: 400, maxAttempts: 5 };
const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');

const CREATE = /* GraphQL */ `
  mutation ($input: CreateWebhookInput!) {
    createWebhook(input: $input) {
      __typename
      ... on MutationCreateWebhookSuccess { data { secret webhook { name } } }
      ... on ValidationError { issues { path message } }
      ... on ConflictError { field }
    }
  }
`;
const STATUS = /* GraphQL */ `
  {
    webhooks {
      name lastStatus lastError consecutiveFailures pending lastSuccessAt
      deliveries { id status attempts lastStatus lastError event }
    }
  }
`;

// Waits are bounded at 60 s each and sit inside the tests' own 180 s, so a slow machine fails on a named wait.
describe(`webhooks (${databaseLabel()})`, { timeout: 180_000 }, () => {
  let test: TestDatabase;
  let tokens: Tokens;
  let workers: WebhookWorker[] = [];
  const closers: (() => Promise<void>)[] = [];

  beforeAll(async () => {
    test = await createTestDatabase('webhooks');
    tokens = await createTokens(test);
  });
  afterEach(async () => {
    for (const worker of workers) await worker.close();
    workers = [];
    for (const close of closers.splice(0)) await close();
    await test.db.prisma.webhook.deleteMany();
  });
  afterAll(async () => {
    await test?.close();
  });

  const worker = (settings: Partial<WebhookSettings> = FAST) => {
    const started = startWebhookWorker({ prisma: test.db.prisma, logger, settings });
    workers.push(started);
    return started;
  };

  async function register(input: Record<string, unknown>): Promise<string> {
    const result = await executeAs(createTestApp(test), tokens.admin, CREATE, { input });
    expect(result.data?.createWebhook.__typename).toBe('MutationCreateWebhookSuccess');
    return result.data.createWebhook.data.secret as string;
  }

  const claim = (slug: string) => createClaim(test.db.prisma, 'desk', { slug, text: `Claim ${slug}.`, topics: [], source: null });

  it('only an admin registers one; bad input is refused by field and changes nothing', async () => {
    const app = createTestApp(test);
    const input = { name: 'desk', url: 'http://127.0.0.1:9/hook' };
    expect((await executeAs(app, tokens.write, CREATE, { input })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await executeAs(app, null, STATUS)).errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const bad = await executeAs(app, tokens.admin, CREATE, { input: { name: 'Desk!', url: 'ftp://x', secret: 'short', types: ['Claim', 'Cabbage'] } });
    expect(bad.data.createWebhook.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(['input.name', 'input.url', 'input.secret', 'input.types.1']);
    expect(await test.db.prisma.webhook.count()).toBe(0);
    await register(input);
    expect((await executeAs(app, tokens.admin, CREATE, { input })).data.createWebhook).toEqual({ __typename: 'ConflictError', field: 'name' });
    const listed = await executeAs(app, tokens.admin, '{ webhooks { name url active } }');
    expect(listed.data.webhooks).toEqual([{ name: 'desk', url: input.url, active: true }]);
    const audited = await test.db.prisma.auditEntry.findFirstOrThrow({ where: { action: 'createWebhook' } });
    expect(JSON.stringify(audited.after)).not.toMatch(/secret/);
  });

  it('pauses, resumes without skipping, and deletes (admin only)', async () => {
    const hook = await receiver(() => '');
    closers.push(hook.close);
    await register({ name: 'paused', url: hook.url });
    const app = createTestApp(test);
    const PAUSE = 'mutation ($active: Boolean!) { setWebhookActive(name: "paused", active: $active) { __typename ... on MutationSetWebhookActiveSuccess { data { active } } } }';
    expect((await executeAs(app, tokens.write, PAUSE, { active: false })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await executeAs(app, tokens.admin, PAUSE, { active: false })).data.setWebhookActive.data).toEqual({ active: false });
    worker();
    await claim('made-while-paused');
    await worker().tick();
    expect(hook.received).toHaveLength(0);
    expect((await executeAs(app, tokens.admin, PAUSE, { active: true })).data.setWebhookActive.data).toEqual({ active: true });
    await hook.until('the change made while paused', (got) => got.some((r) => r.body.change.slug === 'made-while-paused'));
    const DELETE = 'mutation ($name: String!) { deleteWebhook(name: $name) { __typename ... on NotFoundError { key } } }';
    expect((await executeAs(app, tokens.write, DELETE, { name: 'paused' })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect((await executeAs(app, tokens.admin, DELETE, { name: 'paused' })).data.deleteWebhook.__typename).toBe('MutationDeleteWebhookSuccess');
    expect((await executeAs(app, tokens.admin, DELETE, { name: 'paused' })).data.deleteWebhook).toEqual({ __typename: 'NotFoundError', key: 'paused' });
    expect(await test.db.prisma.webhookDelivery.count()).toBe(0);
  });

  it('leaves the database alone while no webhook is active, and starts at once when one is registered', async () => {
    // Counts the worker's look for active webhooks; everything else goes to the real client.
    let looks = 0;
    let onLook = () => {};
    const webhook = new Proxy(test.db.prisma.webhook, {
      get(target, key, receiverObject) {
        if (key !== 'findMany') return Reflect.get(target, key, receiverObject);
        return (...args: Parameters<typeof target.findMany>) => {
          looks++;
          onLook();
          return target.findMany(...args);
        };
      },
    });
    const prisma = new Proxy(test.db.prisma, { get: (target, key, receiverObject) => (key === 'webhook' ? webhook : Reflect.get(target, key, receiverObject)) });
    const nextLook = (what: string) =>
      new Promise<void>((resolve, reject) => {
        const timeout = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), 60_000);
        onLook = () => {
          clearTimeout(timeout);
          onLook = () => {};
          resolve();
        };
      });
    const first = nextLook("the worker's first round");
    const started = startWebhookWorker({ prisma, logger, settings: { ...FAST, pollMs: 10, idlePollMs: 600_000 } });
    workers.push(started);
    await first;
    // At pollMs 10 a busy worker would look dozens of times in this while; an idle one waits idlePollMs.
    await new Promise((resolve) => setTimeout(resolve, 400));
    expect(looks).toBe(1);
    const woken = nextLook('the round a new webhook starts');
    await register({ name: 'wakes', url: 'http://127.0.0.1:9/hook' });
    await woken;
    expect(looks).toBe(2);
  });

  it('delivers each matching change after commit, signed, through a receiver that fails, times out and recovers', async () => {
    let secret = '';
    const hook = await receiver(() => secret);
    closers.push(hook.close);
    secret = await register({ name: 'claims', url: hook.url, types: ['Claim'], claims: ['kursk-a', 'kursk-b'] });
    hook.script.push('fail', 'hang');
    worker();
    await claim('kursk-a');
    await claim('unrelated');
    await hook.until('kursk-a acknowledged', (got) => got.some((r) => r.body.change.slug === 'kursk-a' && r.answered === 'ok'));
    await createClaim(test.db.prisma, 'desk', { slug: 'kursk-b', text: 'B.', topics: [], source: null });
    await hook.until('kursk-a and kursk-b acknowledged', (got) => ['kursk-a', 'kursk-b'].every((slug) => got.some((r) => r.body.change.slug === slug && r.answered === 'ok')));
    await untilStored('both deliveries marked DELIVERED', async () => (await test.db.prisma.webhookDelivery.count({ where: { status: 'DELIVERED' } })) === 2);
    const forA = hook.received.filter((r) => r.body.change.slug === 'kursk-a');
    // Normally fail, hang, ok; on a starved machine an answer can come after the timeout and count as a failure.
    expect(forA.map((r) => r.answered).slice(0, 2)).toEqual(['fail', 'hang']);
    expect(forA.at(-1)?.answered).toBe('ok');
    expect(new Set(forA.map((r) => r.delivery)).size).toBe(1); // the same delivery id on every attempt
    expect(forA.map((r) => r.body.attempt)).toEqual(forA.map((_, index) => index + 1));
    expect(hook.received.every((r) => r.signatureValid)).toBe(true);
    expect(hook.received.some((r) => r.body.change.slug === 'unrelated')).toBe(false);
    expect(forA.at(-1)?.event).toBe('Claim.CREATED');
    expect(forA.at(-1)?.body.change).toMatchObject({ type: 'Claim', action: 'CREATED', slug: 'kursk-a', claims: ['kursk-a'] });
    // A wrong secret does not verify.
    expect(verify('another secret entirely', `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}`, '{}')).toBe(false);

    const status = (await executeAs(createTestApp(test), tokens.admin, STATUS)).data.webhooks[0];
    expect(status).toMatchObject({ name: 'claims', lastStatus: 204, lastError: null, consecutiveFailures: 0, pending: 0 });
    const deliveries = status.deliveries as { status: string; attempts: number; event: { slug: string } }[];
    // kursk-b is answered at once, but on a starved machine that answer too can come after the timeout.
    const forB = hook.received.filter((r) => r.body.change.slug === 'kursk-b');
    expect(forB.at(-1)?.answered).toBe('ok');
    expect(deliveries.map((d) => [d.event.slug, d.status, d.attempts])).toEqual([
      ['kursk-b', 'DELIVERED', forB.length],
      ['kursk-a', 'DELIVERED', forA.length],
    ]);
  });

  it('backs off, gives a delivery up after the last attempt, and shows the failures', async () => {
    const hook = await receiver(() => '');
    closers.push(hook.close);
    hook.setFallback('fail');
    await register({ name: 'broken', url: hook.url, actions: ['CREATED'] });
    // The receiver answers 503 at once; a long timeout keeps a starved machine's late answer a 503, not a timeout.
    worker({ ...FAST, maxAttempts: 3, timeoutMs: 60_000 });
    await claim('never-taken');
    await hook.until('three attempts', (got) => got.length >= 3);
    await untilStored('the delivery given up', async () => (await test.db.prisma.webhookDelivery.count({ where: { status: 'FAILED' } })) === 1);
    const status = (await executeAs(createTestApp(test), tokens.admin, STATUS)).data.webhooks[0];
    expect(status).toMatchObject({ lastStatus: 503, lastError: 'answered HTTP 503', consecutiveFailures: 3, pending: 0, lastSuccessAt: null });
    expect(status.deliveries[0]).toMatchObject({ status: 'FAILED', attempts: 3, lastStatus: 503 });
    expect(hook.received).toHaveLength(3);
  });

  it('leaves a delivery to the instance that claimed it after another one’s lease ran out: a late answer counts nothing', async () => {
    const hook = await receiver(() => '');
    closers.push(hook.close);
    // The first instance's attempt hangs; the second instance's attempt fails.
    hook.script.push('hang', 'fail');
    await register({ name: 'leased', url: hook.url, actions: ['CREATED'] });
    const first = worker({ ...FAST, timeoutMs: 60_000 });
    await claim('lease-ran-out');
    await hook.until('the first instance’s attempt', (got) => got.length >= 1);
    // Its lease (twice the timeout and 5 s) runs out while it still waits for an answer.
    await test.db.prisma.webhookDelivery.updateMany({ data: { leasedUntil: new Date(Date.now() - 1_000) } });
    // A second instance claims the delivery, tries it and fails; its back-off keeps it from trying again here.
    worker({ ...FAST, timeoutMs: 60_000, backoffBaseMs: 60_000, backoffCapMs: 60_000 });
    await hook.until('the second instance’s attempt', (got) => got.length >= 2);
    await untilStored('the second attempt’s failure', async () => (await test.db.prisma.webhookDelivery.findFirst())?.lastStatus === 503);
    const before = await test.db.prisma.webhookDelivery.findFirstOrThrow();
    // Now the first instance's answer comes, a failure too; its round ends with it.
    hook.answerHanging(503);
    await first.close();
    const delivery = await test.db.prisma.webhookDelivery.findFirstOrThrow();
    expect(delivery).toMatchObject({ status: 'PENDING', attempts: 2, lastStatus: 503, lastError: 'answered HTTP 503' });
    expect(delivery.nextAttemptAt).toEqual(before.nextAttemptAt);
    const webhook = await test.db.prisma.webhook.findFirstOrThrow({ where: { name: 'leased' } });
    // One failure counted, the second instance's: the first instance's late answer changed nothing.
    expect(webhook.consecutiveFailures).toBe(1);
    expect(hook.received.map((r) => [r.body.attempt, r.answered])).toEqual([
      [1, 'hang'],
      [2, 'fail'],
    ]);
  });

  it('loses nothing across a restart: changes made while no instance runs, and deliveries left pending', async () => {
    const hook = await receiver(() => '');
    closers.push(hook.close);
    await register({ name: 'restart', url: hook.url });
    await claim('while-down-1');
    hook.setFallback('fail');
    const first = worker();
    await hook.until('a failed attempt', (got) => got.length >= 1);
    await first.close();
    await claim('while-down-2');
    hook.setFallback('ok');
    worker();
    await hook.until('both delivered', (got) => ['while-down-1', 'while-down-2'].every((slug) => got.some((r) => r.body.change.slug === slug && r.answered === 'ok')));
    await untilStored('both deliveries marked DELIVERED', async () => (await test.db.prisma.webhookDelivery.count({ where: { status: 'DELIVERED' } })) === 2);
    expect(await test.db.prisma.webhookDelivery.count()).toBe(2);
  });
});

// Two instances need two connection pools on one database: PGlite is one in-process connection.
describe.skipIf(!usingPostgres())('webhooks with two service instances (PostgreSQL)', () => {
  let test: TestDatabase;
  const services: Service[] = [];

  beforeAll(async () => {
    test = await createTestDatabase('webhooks_two');
  });
  afterAll(async () => {
    for (const service of services) await service.close();
    await test?.close();
  });

  it('delivers each event once, whichever instance made the write', async () => {
    const env = {
      NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: test.url ?? '', DATABASE_POOL_MAX: '6', DATABASE_CONNECT_TIMEOUT_MS: '20000',
      MIGRATE_ON_START: 'false', SEED_ON_START: 'never', BOOTSTRAP_ADMIN_TOKEN: 'never', RATE_LIMIT_COST_PER_MINUTE: '0',
      WEBHOOK_POLL_MS: '50', WEBHOOK_IDLE_POLL_MS: '50', KEEP_ALIVE_TIMEOUT_MS: '120000', REQUEST_TIMEOUT_MS: '120000', WEBHOOK_TIMEOUT_MS: '30000', WEBHOOK_BACKOFF_BASE_MS: '20',
    };
    services.push(await startService(loadConfig(env), logger), await startService(loadConfig(env), logger));
    const admin = await createToken(test.db.prisma, 'two-admin', ['admin']);
    const call = async (service: Service, query: string, variables: Record<string, unknown>) => {
      const response = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` }, body: JSON.stringify({ query, variables }) });
      return (await response.json()) as { data: any; errors?: unknown[] };
    };
    let secret = '';
    const hook = await receiver(() => secret);
    try {
      const created = await call(services[0] as Service, CREATE, { input: { name: 'both', url: hook.url } });
      expect(created.errors).toBeUndefined();
      secret = created.data.createWebhook.data.secret;
      const count = 24;
      // Eight clients at once, alternating between the instances.
      let next = 0;
      await Promise.all(
        Array.from({ length: 8 }, async () => {
          for (let index = next++; index < count; index = next++) {
            const result = await call(services[index % 2] as Service, 'mutation ($input: CreateClaimInput!) { createClaim(input: $input) { __typename } }', {
              input: { slug: `both-${index}`, text: `Claim ${index}.`, topics: [] },
            });
            expect(result.errors ?? result.data.createClaim.__typename).toBe('MutationCreateClaimSuccess');
          }
        }),
      );
      await hook.until(`${count} deliveries`, (got) => new Set(got.map((r) => r.body.change.slug)).size >= count);
      // Let both instances run a few more rounds: a second delivery of anything would show up now.
      await new Promise((resolve) => setTimeout(resolve, 300));
      const slugs = hook.received.map((r) => r.body.change.slug);
      // No attempt was sent by both instances; then, with a timeout no answer here misses, nothing was sent twice.
      expect(new Set(hook.received.map((r) => `${r.delivery}/${r.body.attempt}`)).size).toBe(hook.received.length);
      expect(slugs.length).toBe(count);
      expect(new Set(slugs).size).toBe(count);
      expect(new Set(hook.received.map((r) => r.delivery)).size).toBe(count);
      expect(hook.received.every((r) => r.signatureValid && r.answered === 'ok')).toBe(true);
    } finally {
      await hook.close();
    }
  }, 240_000);
});
