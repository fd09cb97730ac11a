import type { PGlite } from '@electric-sql/pglite';
import type { PrismaPg } from '@prisma/adapter-pg';
import type pg from 'pg';
import type { PrismaPGlite } from 'pglite-prisma-adapter';
import { pgSession, pgliteSession, type SqlSession } from './db/migrate.js';
import { PrismaClient } from './generated/prisma/client.js';
import { statementName } from './sql/statement-names.js';

export type { PrismaClient } from './generated/prisma/client.js';

export type DatabaseOptions =
  | { kind: 'pglite'; dataDir?: string | undefined; pglite?: PGlite }
  | {
      kind: 'postgres';
      url: string;
      poolMax?: number;
      /** PostgreSQL cancels a statement that runs longer (0: never). Migrations are exempt. */
      statementTimeoutMs?: number;
      /** How long to wait for a connection, new or from the pool, before failing. */
      connectTimeoutMs?: number;
    };

export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly prisma: PrismaClient;
  /** Runs `work` on one raw connection: for the migration runner only. */
  withSession<T>(work: (session: SqlSession) => Promise<T>): Promise<T>;
  /** How the connection pool is used (PostgreSQL only): for metrics. */
  poolStats?(): { total: number; idle: number; waiting: number; max: number };
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Called with the text of every SQL statement Prisma sends. */
  onQuery?: (sql: string) => void;
}

/** `?schema=` in the URL selects a PostgreSQL schema, as it does for Prisma's CLI. */
export function splitSchema(url: string): { connectionString: string; schema: string | undefined } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get('schema') ?? undefined;
  parsed.searchParams.delete('schema');
  return { connectionString: parsed.toString(), schema };
}

const searchPathOption = (schema: string) => `-c search_path="${schema.replaceAll('"', '""')}",public`;

function createClient(adapter: PrismaPg | PrismaPGlite, options: OpenOptions): PrismaClient {
  const { onQuery } = options;
  if (!onQuery) return new PrismaClient({ adapter });
  const client = new PrismaClient({ adapter, log: [{ emit: 'event', level: 'query' }] });
  client.$on('query', (event) => onQuery(event.query));
  return client;
}

export async function openDatabase(options: DatabaseOptions, openOptions: OpenOptions = {}): Promise<Database> {
  if (options.kind === 'pglite') {
    const ownsPglite = !options.pglite;
    // Each kind loads only its own driver (PGlite or node-postgres and their Prisma adapters): less to load at start.
    const [{ openEmbedded }, { PrismaPGlite }] = await Promise.all([import('./db/embedded.js'), import('pglite-prisma-adapter')]);
    const pglite = options.pglite ?? (await openEmbedded(options.dataDir));
    const prisma = createClient(new PrismaPGlite(pglite), openOptions);
    return {
      kind: 'pglite',
      prisma,
      withSession: (work) => work(pgliteSession(pglite)),
      async close() {
        await prisma.$disconnect();
        if (ownsPglite) await pglite.close();
      },
    };
  }

  const [{ PrismaPg }, { default: pg }] = await Promise.all([import('@prisma/adapter-pg'), import('pg')]);
  const { connectionString, schema } = splitSchema(options.url);
  const poolConfig: pg.PoolConfig = {
    connectionString,
    max: options.poolMax ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
    ...(options.statementTimeoutMs ? { statement_timeout: options.statementTimeoutMs } : {}),
    ...(schema ? { options: searchPathOption(schema) } : {}),
  };
  const pool = new pg.Pool(poolConfig);
  pool.on('error', () => {
    // An idle client lost its connection; the pool replaces it on the next checkout.
  });
  // The read compiler's statements and the write fast paths' are prepared once per connection (sql/statement-names.ts).
  const prisma = createClient(new PrismaPg(pool, { ...(schema ? { schema } : {}), statementNameGenerator: statementName }), openOptions);
  return {
    kind: 'postgres',
    prisma,
    async withSession(work) {
      const client = await pool.connect();
      const exempt = Boolean(options.statementTimeoutMs);
      try {
        // Migrations may rewrite whole tables: the statement timeout is for requests.
        if (exempt) await client.query('SET statement_timeout TO 0');
        return await work(pgSession(client));
      } finally {
        if (exempt) await client.query('RESET statement_timeout').catch(() => undefined);
        client.release();
      }
    },
    poolStats: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: poolConfig.max ?? 10 }),
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}
