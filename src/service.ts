import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createToken } from './auth/tokens.js';
import { isEmpty, seed } from './bundle/seed.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db.js';
import { applyMigrations } from './db/migrate.js';
import { graphiqlBundle } from './graphiql.js';
import type { Logger } from './logger.js';
import { createApp } from './server.js';

export interface Service {
  url: string;
  /** The admin token made on first start, if one was: shown once, never stored in clear. */
  bootstrapToken: string | null;
  server: Server;
  db: Database;
  close(): Promise<void>;
}

/** Opens the database, migrates and seeds it as configured, and serves GraphQL over HTTP. */
export async function startService(config: Config, logger: Logger): Promise<Service> {
  const started = performance.now();
  const db = await openDatabase(
    config.database.kind === 'postgres'
      ? { kind: 'postgres', url: config.database.url, poolMax: config.database.poolMax }
      : { kind: 'pglite', dataDir: config.database.dataDir },
  );
  let bootstrapToken: string | null = null;
  try {
    if (config.migrateOnStart) {
      const result = await db.withSession((session) => applyMigrations(session, { log: (message) => logger.info(message) }));
      logger.info({ applied: result.applied }, result.applied.length ? 'applied migrations' : 'database schema is up to date');
    }
    if (config.seedOnStart === 'always' || (config.seedOnStart === 'auto' && (await isEmpty(db.prisma)))) {
      for (const { file, report } of await seed(db.prisma)) {
        logger.info({ file, statements: report.statements, claims: report.claims, actors: report.actors }, 'seeded');
      }
    }
    if (
      config.bootstrapAdminToken === 'always' ||
      (config.bootstrapAdminToken === 'auto' && db.kind === 'pglite' && (await db.prisma.apiToken.count()) === 0)
    ) {
      bootstrapToken = await createToken(db.prisma, `admin-${new Date().toISOString().slice(0, 19)}`, ['admin']);
    }
  } catch (error) {
    await db.close();
    throw error;
  }

  const app = createApp({
    prisma: db.prisma,
    logger,
    graphiql: config.graphiql,
    publicReads: config.publicReads,
    checkDatabase: async () => {
      await db.prisma.$queryRaw`SELECT 1`;
    },
  });
  const server = createServer(app);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;
  logger.info({ url, database: db.kind, startupMs: Math.round(performance.now() - started) }, 'fact service ready');
  if (config.graphiql) void graphiqlBundle();

  return {
    url,
    bootstrapToken,
    server,
    db,
    async close() {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
      });
      await db.close();
    },
  };
}
