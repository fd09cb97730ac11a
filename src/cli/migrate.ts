import { mkdir } from 'node:fs/promises';
import { resolve } from 'node:path';
import process from 'node:process';
import {
  applyMigrations,
  MigrationError,
  migrationStatus,
  pgliteSession,
  pgSession,
  type SqlSession,
} from '../db/migrate.js';

const USAGE = 'Usage: npm run migrate [-- status]';

interface Target {
  session: SqlSession;
  description: string;
  close(): Promise<void>;
}

class ExpectedError extends Error {}

function describeUrl(url: URL): string {
  const database = decodeURIComponent(url.pathname.replace(/^\//, '')) || '(default database)';
  const schema = url.searchParams.get('schema');
  return `PostgreSQL ${url.hostname || 'localhost'}${url.port ? `:${url.port}` : ''}/${database}${schema ? ` (schema ${schema})` : ''}`;
}

async function openPostgres(databaseUrl: string): Promise<Target> {
  let url: URL;
  try {
    url = new URL(databaseUrl);
  } catch {
    throw new ExpectedError('DATABASE_URL is not a valid connection URL.');
  }
  const { default: pg } = await import('pg');
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => undefined);
    throw new ExpectedError(`Could not connect to ${describeUrl(url)}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const session = pgSession(client);
  // Like Prisma, `?schema=` selects the schema for the tables and _prisma_migrations; public stays on the path
  // because that is where the pg_trgm operator classes live.
  const schema = url.searchParams.get('schema');
  if (schema) {
    const quoted = `"${schema.replaceAll('"', '""')}"`;
    await session.exec(`CREATE SCHEMA IF NOT EXISTS ${quoted}; SET search_path TO ${quoted}, public`);
  }
  return { session, description: describeUrl(url), close: () => client.end() };
}

async function openPglite(): Promise<Target> {
  const dir = resolve(process.env.DATA_DIR || './data/pglite');
  await mkdir(dir, { recursive: true });
  const [{ PGlite }, { pg_trgm }] = await Promise.all([
    import('@electric-sql/pglite'),
    import('@electric-sql/pglite/contrib/pg_trgm'),
  ]);
  let db: InstanceType<typeof PGlite>;
  try {
    db = new PGlite(dir, { extensions: { pg_trgm } });
    await db.waitReady;
  } catch (error) {
    throw new ExpectedError(`Could not open PGlite at ${dir}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { session: pgliteSession(db), description: `PGlite at ${dir}`, close: () => db.close() };
}

function list(names: string[]): string {
  return names.length > 0 ? `: ${names.join(', ')}` : '';
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

async function run(command: string, target: Target): Promise<number> {
  if (command === 'status') {
    const status = await migrationStatus(target.session);
    const problems = status.pending.length + status.failed.length + status.modified.length;
    const parts = [
      `${status.applied.length} applied`,
      `${status.pending.length} pending${list(status.pending)}`,
      `${status.failed.length} failed${list(status.failed)}`,
      `${status.modified.length} modified${list(status.modified)}`,
    ];
    console.log(`${problems === 0 ? 'Up to date' : 'Not up to date'} (${target.description}): ${parts.join('; ')}.`);
    return problems === 0 ? 0 : 1;
  }

  const result = await applyMigrations(target.session, { log: (message) => console.error(message) });
  console.log(
    result.applied.length === 0
      ? `No pending migrations (${target.description}); ${plural(result.alreadyApplied.length, 'migration')} already applied.`
      : `Applied ${plural(result.applied.length, 'migration')} to ${target.description}${list(result.applied)} ` +
          `(${result.alreadyApplied.length} already applied).`,
  );
  return 0;
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  const command = args[0] ?? 'deploy';
  if (args.length > 1 || !['deploy', 'status'].includes(command)) {
    console.error(USAGE);
    return 1;
  }

  const databaseUrl = process.env.DATABASE_URL;
  let target: Target | undefined;
  try {
    target = databaseUrl ? await openPostgres(databaseUrl) : await openPglite();
    return await run(command, target);
  } catch (error) {
    const label = command === 'status' ? 'Migration status failed' : 'Error';
    if (error instanceof MigrationError || error instanceof ExpectedError) {
      console.error(`${label}: ${error.message}`);
    } else if (error instanceof Error && typeof Reflect.get(error, 'code') === 'string') {
      console.error(`${label}: ${error.message} (${String(Reflect.get(error, 'code'))})`);
    } else {
      console.error(label, error);
    }
    return 1;
  } finally {
    await target?.close().catch(() => undefined);
  }
}

process.exitCode = await main();
