import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createToken, hashToken, revokeToken } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server.js';
import { type Service, startService } from '../src/service.js';
import { executeAs } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';

const CREATE_CLAIM = (slug: string) => `mutation { createClaim(input: { slug: "${slug}", text: "A claim." }) { __typename } }`;

function capturedLogger() {
  const lines: string[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  return { logger: createLogger('trace', destination), lines };
}

describe('the admin token made on the first start of the embedded database', () => {
  let dataDir: string;
  const started: Service[] = [];
  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fact-tokens-'));
  });
  afterAll(async () => {
    await Promise.all(started.map((service) => service.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  const start = async (logger = createLogger('silent')) => {
    const service = await startService(loadConfig({ PORT: '0', DATA_DIR: dataDir, GRAPHIQL: 'false' }), logger);
    started.push(service);
    return service;
  };

  it('is made once, stored only as its hash, never logged, and works', async () => {
    const { logger, lines } = capturedLogger();
    const first = await start(logger);
    const token = first.bootstrapToken;
    expect(token).toMatch(/^fs_[A-Za-z0-9_-]{40,}$/);
    if (!token) return;
    const stored = await first.db.prisma.apiToken.findMany();
    expect(stored).toHaveLength(1);
    expect(stored[0]?.tokenHash).toBe(hashToken(token));
    expect(stored[0]?.scopes).toEqual(['admin']);
    expect(JSON.stringify(stored)).not.toContain(token);

    const response = await fetch(first.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: CREATE_CLAIM('bootstrap-claim') }),
    });
    expect(((await response.json()) as { data: { createClaim: { __typename: string } } }).data.createClaim.__typename).toBe('MutationCreateClaimSuccess');
    expect(lines.join('')).not.toContain(token);
    await first.close();
    started.pop();

    const second = await start();
    expect(second.bootstrapToken).toBeNull();
    expect(await second.db.prisma.apiToken.count()).toBe(1);
  });
});

describe(`token lifecycle and private reads (${databaseLabel()})`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase('tokens');
  });
  afterAll(() => test?.close());

  const app = (publicReads: boolean) =>
    createApp({ prisma: test.db.prisma, logger: createLogger('silent'), graphiql: false, publicReads, checkDatabase: async () => undefined });

  it('refuses a revoked or expired token', async () => {
    const writer = await createToken(test.db.prisma, 'soon-revoked', ['write']);
    const expired = await createToken(test.db.prisma, 'expired', ['write'], new Date(Date.now() - 1_000));
    const open = app(true);
    expect((await executeAs(open, writer, CREATE_CLAIM('before-revocation'))).errors).toBeUndefined();
    expect(await revokeToken(test.db.prisma, 'soon-revoked')).toBe(true);
    const revoked = await executeAs(open, writer, CREATE_CLAIM('after-revocation'));
    expect(revoked.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const stale = await executeAs(open, expired, CREATE_CLAIM('expired-claim'));
    expect(stale.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await test.db.prisma.claim.count({ where: { slug: { in: ['after-revocation', 'expired-claim'] } } })).toBe(0);
  });

  it('with PUBLIC_READS=false, needs a read token for queries', async () => {
    const reader = await createToken(test.db.prisma, 'reader', ['read']);
    const closed = app(false);
    const anonymous = await executeAs(closed, null, `{ actors { totalCount } }`);
    expect(anonymous.data).toBeUndefined();
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const allowed = await executeAs(closed, reader, `{ actors { totalCount } }`);
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data.actors.totalCount).toBeGreaterThanOrEqual(0);
    const forged = await executeAs(closed, 'fs_forged', `{ actors { totalCount } }`);
    expect(forged.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('records the token name as the writer in the audit log', async () => {
    const named = await createToken(test.db.prisma, 'newsroom-bot', ['write']);
    await executeAs(app(true), named, CREATE_CLAIM('audited-claim'));
    const entry = await test.db.prisma.auditEntry.findFirst({ where: { targetSlug: 'audited-claim' } });
    expect(entry).toMatchObject({ writer: 'newsroom-bot', action: 'createClaim', targetType: 'Claim' });
  });

  it('keeps audit entries admin-only through node(id) and nodes(ids), as through auditLog', async () => {
    const writer = await createToken(test.db.prisma, 'node-writer', ['write']);
    const admin = await createToken(test.db.prisma, 'node-admin', ['admin']);
    const open = app(true);
    await executeAs(open, writer, CREATE_CLAIM('node-audited-claim'));
    const entry = await test.db.prisma.auditEntry.findFirstOrThrow({ where: { targetSlug: 'node-audited-claim' } });
    const auditId = Buffer.from(`AuditEntry:${entry.id}`).toString('base64');
    const claim = await test.db.prisma.claim.findUniqueOrThrow({ where: { slug: 'node-audited-claim' } });
    const claimId = Buffer.from(`Claim:${claim.id}`).toString('base64');
    const query = `query ($id: ID!, $ids: [ID!]!) {
      node(id: $id) { id ... on AuditEntry { writer after } }
      nodes(ids: $ids) { id ... on AuditEntry { writer } ... on Claim { slug } }
    }`;
    const variables = { id: auditId, ids: [claimId, auditId, claimId] };
    for (const token of [null, writer]) {
      const result = await executeAs(open, token, query, variables);
      expect(result.errors).toBeUndefined();
      expect(result.data.node).toBeNull();
      expect(result.data.nodes).toEqual([{ id: claimId, slug: 'node-audited-claim' }, null, { id: claimId, slug: 'node-audited-claim' }]);
    }
    const asAdmin = await executeAs(open, admin, query, variables);
    expect(asAdmin.errors).toBeUndefined();
    expect(asAdmin.data.node).toMatchObject({ id: auditId, writer: 'node-writer' });
    expect(asAdmin.data.nodes[1]).toEqual({ id: auditId, writer: 'node-writer' });
  });
});
