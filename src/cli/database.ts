import { type Config, ConfigError, loadConfig } from '../config.js';
import { type Database, openDatabase, splitSchema } from '../db.js';
import { applyMigrations, MigrationError } from '../db/migrate.js';

/** An error whose message is the whole story: the CLIs print it without a stack trace. */
export class CliError extends Error {
  override readonly name = 'CliError';
}

export function describeDatabase(database: Config['database']): string {
  if (database.kind === 'pglite') return database.dataDir ? `PGlite at ${database.dataDir}` : 'PGlite in memory';
  const { connectionString, schema } = splitSchema(database.url);
  const url = new URL(connectionString);
  return `PostgreSQL ${url.hostname}${url.port ? `:${url.port}` : ''}${url.pathname}${schema ? ` (schema ${schema})` : ''}`;
}

/**
 * Opens the database the service is configured for (DATABASE_URL, else PGlite in DATA_DIR, ./data/pglite by
 * default) and applies pending migrations, logging to stderr so that stdout stays for the command's output.
 */
export async function openConfiguredDatabase(): Promise<{ db: Database; description: string }> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(error.message);
    throw error;
  }
  const description = describeDatabase(config.database);
  let db: Database;
  try {
    db = await openDatabase(config.database);
  } catch (error) {
    throw new CliError(`Could not open ${description}: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    await db.withSession((session) => applyMigrations(session, { log: (message) => process.stderr.write(`${message}\n`) }));
  } catch (error) {
    await db.close().catch(() => undefined);
    if (error instanceof MigrationError) throw new CliError(error.message);
    throw new CliError(`Could not migrate ${description}: ${error instanceof Error ? error.message : String(error)}`);
  }
  return { db, description };
}

/** The message of an unexpected error, without its stack: Prisma's known errors carry their code. */
export function errorMessage(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const code = Reflect.get(error, 'code');
  return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
}
