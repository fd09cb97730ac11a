import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { splitSchema } from '../src/db.js';
import { createLogger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { adminQuery, usingPostgres } from './support/database.js';
import { startTcpProxy, type TcpProxy } from './support/tcp-proxy.js';
import { waitFor } from './support/wait.js';
/** Bound on starting the service (migrations, seed) on a busy machine; the hook gets a minute more. */
const START_MS = 240_000;

interface Answer {
  status: number;
  retryAfter: string | null;
  ms: number;
  body: { data?: Record<string, any> | null; errors?: { message: string; extensions?: { code?: string } }[] };
}

async function post(url: string, query: string, token?: string): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as Answer['body'];
  return { status: response.status, retryAfter: response.headers.get('retry-after'), ms: performance.now() - started, body };
}

const createActor = (slug: string) => `mutation { createActor(input: { slug: "${slug}", name: "${slug}", kind: PERSON }) { __typename ... on MutationCreateActorSuccess { data { slug } } } }`;

if (!usingPostgres()) console.log('tests/faults.test.ts cuts a TCP proxy in front of PostgreSQL: set DATABASE_URL to run it (skipped on PGlite)');

describe.skipIf(!usingPostgres())('the database goes away and comes back (PostgreSQL behind a TCP proxy)', () => {
  const schema = `t_faults_${randomBytes(4).toString('hex')}`;
  const logLines: string[] = [];
  let proxy: TcpProxy;
  let service: Service;
  let origin: string;
  let writer: string;
  const writerName = `faults-writer-${randomBytes(4).toString('hex')}`;

  beforeAll(async () => {
    const target = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
    await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
    await adminQuery(`CREATE SCHEMA "${schema}"`);
    proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
    const proxied = new URL(target);
    proxied.hostname = '127.0.0.1';
    proxied.port = String(proxy.port);
    proxied.searchParams.set('schema', schema);
    const config = loadConfig({ NODE_ENV: 'production', PORT: '0', DATABASE_URL: proxied.toString(), RATE_LIMIT_COST_PER_MINUTE: '0', LOG_LEVEL: 'info' });
    service = await waitFor('the service to start behind the TCP proxy', startService(config, createLogger('info', { write: (line: string) => logLines.push(line) })), START_MS);
    origin = new URL(service.url).origin;
    writer = await createToken(service.db.prisma, writerName, ['write']);
  }, START_MS + 60_000);

  afterAll(async () => {
    proxy?.restore();
    await service?.close();
    await proxy?.close();
    await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('fails fast while it is away, keeps what it acknowledged, half-writes nothing, and recovers by itself', async () => {
    const kept = await post(service.url, createActor('acknowledged-before'), writer);
    expect(kept.body.data?.createActor).toEqual({ __typename: 'MutationCreateActorSuccess', data: { slug: 'acknowledged-before' } });

    // The next write loses its connection just before its audit entry (its last statement before COMMIT) reaches the database.
    const cut = proxy.cutWhenClientSends(writerName);
    const interrupted = await post(service.url, createActor('cut-off-midway'), writer);
    await waitFor('the proxy to cut the write just before its audit entry', cut, 30_000);
    expect(interrupted.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
    expect(interrupted.body.errors?.[0]?.message).toBe('The service cannot reach its database right now; retry shortly');
    expect(interrupted.status).toBe(503);

    expect((await fetch(`${origin}/health`)).status).toBe(200);
    const ready = await fetch(`${origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toEqual({ status: 'unavailable' });

    const during = await post(service.url, '{ actors(first: 5) { totalCount edges { node { slug } } } }');
    expect(during.status).toBe(503);
    expect(during.retryAfter).toMatch(/^\d+$/);
    expect(during.body.errors?.map((error) => error.extensions?.code)).toEqual(['SERVICE_UNAVAILABLE']);
    expect(JSON.stringify(during.body)).not.toMatch(/127\.0\.0\.1|5432|ECONN|prisma|Connection terminated/i);
    const read = await post(service.url, `{ actor(slug: "acknowledged-before") { name } }`);
    const timings: number[] = [during.ms];
    for (let attempt = 0; attempt < 5; attempt++) {
      const again = await post(service.url, '{ actors(first: 1) { totalCount } }');
      expect(again.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');
      timings.push(again.ms);
    }
    expect(read.body.errors?.[0]?.extensions?.code).toBe('SERVICE_UNAVAILABLE');

    proxy.restore();
    const restoredAt = performance.now();
    let attempts = 0;
    // Nothing announces that the pool has a working connection again: ask, as a client would, until it answers.
    const recovered = await waitFor(
      'a query to succeed again after the database came back (without a restart)',
      async () => {
        attempts++;
        const attempt = await post(service.url, '{ actor(slug: "acknowledged-before") { slug } }');
        return attempt.status === 200 && !attempt.body.errors ? attempt : undefined;
      },
      60_000,
    );
    const recoveryMs = performance.now() - restoredAt;
    expect(recovered.body.data).toEqual({ actor: { slug: 'acknowledged-before' } });
    expect((await fetch(`${origin}/ready`)).status).toBe(200);

    const after = await post(service.url, '{ actors(first: 100) { edges { node { slug } } } }');
    const slugs = (after.body.data?.actors.edges as { node: { slug: string } }[]).map((edge) => edge.node.slug);
    expect(slugs).toContain('acknowledged-before');
    expect(slugs).not.toContain('cut-off-midway');
    const audit = await service.db.prisma.auditEntry.findMany({ where: { writer: writerName }, select: { targetSlug: true } });
    expect(audit).toEqual([{ targetSlug: 'acknowledged-before' }]);

    const warnings = logLines.map((line) => JSON.parse(line) as { msg: string; reqId?: string }).filter((line) => line.msg === 'database error: unavailable');
    expect(warnings.length).toBeGreaterThan(0);
    expect(warnings.every((line) => typeof line.reqId === 'string')).toBe(true);

    console.log(
      `database outage: the cut-off write answered in ${Math.round(interrupted.ms)} ms, queries during the outage in ${Math.round(Math.min(...timings))}–${Math.round(Math.max(...timings))} ms; ` +
        `recovered ${Math.round(recoveryMs)} ms after the database came back (${attempts} attempt${attempts === 1 ? '' : 's'}), no restart`,
    );
  });
});
