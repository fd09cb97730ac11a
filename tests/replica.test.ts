import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Database, openDatabase, splitSchema } from '../src/db.js';
import { createTestDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { freePort } from './support/listen.js';

const run = promisify(execFile);
const SCRIPT = fileURLToPath(new URL('../scripts/replica.sh', import.meta.url));
const PG_BASEBACKUP = '/usr/lib/postgresql/15/bin/pg_basebackup';

function whyNot(): string | null {
  if (!usingPostgres()) return 'needs PostgreSQL (DATABASE_URL) to copy';
  if (!existsSync(PG_BASEBACKUP)) return `needs ${PG_BASEBACKUP}`;
  const { hostname } = new URL(process.env.DATABASE_URL ?? '');
  if (!['127.0.0.1', 'localhost'].includes(hostname)) return 'needs the PostgreSQL of this machine (DATABASE_URL on 127.0.0.1)';
  if (process.getuid?.() !== 0 && process.env.USER !== 'postgres') return 'needs to run as root or postgres to start a cluster';
  return null;
}

const reason = whyNot();
if (reason) console.log(`replica test skipped: ${reason}`);

describe.skipIf(reason !== null)('a streaming replica of the local PostgreSQL', () => {
  let primary: TestDatabase;
  let replica: Database | undefined;
  let env: NodeJS.ProcessEnv;
  let replicaUrl: string;

  const script = (command: string) => run('bash', [SCRIPT, command], { env, timeout: 120_000 });

  beforeAll(async () => {
    primary = await createTestDatabase('replica');
    const url = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
    env = {
      ...process.env,
      PRIMARY_HOST: url.hostname,
      PRIMARY_PORT: url.port || '5432',
      PRIMARY_USER: decodeURIComponent(url.username) || 'postgres',
      PRIMARY_DB: url.pathname.slice(1),
      REPLICA_PORT: String(await freePort()),
      REPLICA_DIR: join(tmpdir(), `fact-service-replica-test-${randomBytes(4).toString('hex')}`),
    };
    const started = performance.now();
    const { stdout } = await script('start');
    console.log(`replica made and streaming in ${Math.round(performance.now() - started)} ms`);
    const line = stdout.trim().split('\n').at(-1) ?? '';
    expect(line).toMatch(/^DATABASE_READ_URL=postgresql:\/\//);
    replicaUrl = line.slice('DATABASE_READ_URL='.length);
  });

  afterAll(async () => {
    await replica?.close();
    await primary?.close();
    if (env) {
      await script('remove').catch((error: unknown) => console.log(`replica removal failed: ${String(error)}`));
    }
  });

  it('reads back from the replica a row written on the primary, and refuses writes there', async () => {
    const testSchema = (await primary.db.prisma.$queryRaw<{ schema: string }[]>`SELECT current_schema() AS schema`)[0]?.schema ?? '';
    const url = new URL(replicaUrl);
    url.searchParams.set('schema', testSchema);
    replica = await openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 2 });

    const written = await primary.db.prisma.actor.create({ data: { slug: 'replicated-actor', name: 'Replicated Actor', kind: 'GROUP', searchText: 'replicated actor' } });
    const started = performance.now();
    let seen = null;
    while (!seen && performance.now() - started < 30_000) {
      seen = await replica.prisma.actor.findUnique({ where: { slug: 'replicated-actor' } });
      if (!seen) await new Promise((resolve) => setTimeout(resolve, 20));
    }
    console.log(`the row was readable on the replica ${Math.round(performance.now() - started)} ms after the primary acknowledged it`);
    expect(seen).toMatchObject({ id: written.id, name: 'Replicated Actor' });
    expect(await replica.prisma.$queryRaw<{ recovering: boolean }[]>`SELECT pg_is_in_recovery() AS recovering`).toEqual([{ recovering: true }]);
    await expect(replica.prisma.actor.create({ data: { slug: 'written-on-replica', name: 'Nope', kind: 'GROUP' } })).rejects.toThrow(/read-only/);
  });

  it('reuses the running replica when started again, and reports it', async () => {
    const { stdout, stderr } = await script('start');
    expect(stderr).toContain('already running');
    expect(stdout.trim()).toBe(`DATABASE_READ_URL=${replicaUrl}`);
    expect((await script('status')).stderr).toContain('wal receiver streaming');
  });
});
