import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { type Database, openDatabase, splitSchema } from '../../src/db.js';
import { applyMigrations } from '../../src/db/migrate.js';

export interface TestDatabase {
  db: Database;
  /** PostgreSQL only: the URL of this test's schema, for a second client of the same data. */
  url?: string;
  /** Every SQL statement Prisma sent since the last `resetQueries()`. */
  queries: string[];
  resetQueries(): void;
  close(): Promise<void>;
}

export const usingPostgres = () => Boolean(process.env.DATABASE_URL);
export const databaseLabel = () => (usingPostgres() ? 'PostgreSQL' : 'PGlite');

async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const { connectionString } = splitSchema(process.env.DATABASE_URL ?? '');
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Runs one statement as the DATABASE_URL's user, outside any test schema (creating or dropping them, say). */
export const adminQuery = (sql: string) => withAdminClient((client) => client.query(sql).then(() => undefined));

/** A fresh, migrated, empty database: in-memory PGlite, or a new schema on DATABASE_URL's PostgreSQL. */
export async function createTestDatabase(label: string, options: { poolMax?: number } = {}): Promise<TestDatabase> {
  const queries: string[] = [];
  const onQuery = (sql: string) => queries.push(sql);
  let db: Database;
  let drop = async () => {};
  let schemaUrl: string | undefined;
  if (usingPostgres()) {
    const schema = `t_${label.replace(/\W/g, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
    await withAdminClient(async (client) => {
      await client.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
      await client.query(`CREATE SCHEMA "${schema}"`);
    });
    const url = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
    url.searchParams.set('schema', schema);
    schemaUrl = url.toString();
    db = await openDatabase({ kind: 'postgres', url: schemaUrl, poolMax: options.poolMax ?? 5 }, { onQuery });
    drop = () => withAdminClient((client) => client.query(`DROP SCHEMA "${schema}" CASCADE`).then(() => undefined));
  } else {
    db = await openDatabase({ kind: 'pglite', dataDir: undefined }, { onQuery });
  }
  await db.withSession((session) => applyMigrations(session));
  queries.length = 0;
  return {
    db,
    ...(schemaUrl ? { url: schemaUrl } : {}),
    queries,
    resetQueries: () => {
      queries.length = 0;
    },
    async close() {
      await db.close();
      await drop();
    },
  };
}
