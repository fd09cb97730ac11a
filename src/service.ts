import { rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createToken } from './auth/tokens.js';
import { isEmpty, seed } from './bundle/seed.js';
import type { Config } from './config.js';
import { type Database, openDatabase } from './db.js';
import { ReadRouter } from './db/read-routing.js';
import { applyMigrations } from './db/migrate.js';
import { pingDatabase } from './sql/health/ping.js';
import { copyTemplateInto } from './db/template.js';
import { graphiqlBundle } from './graphiql.js';
import { type StartedHardening, startHardening } from './http/hardening.js';
import type { IntegrationOptions } from './http/integration.js';
import { loadPersistedOperations, mergeOperationStores } from './http/persisted-operations.js';
import { createRedisEvents, redactedRedisUrl } from './http/redis-events.js';
import { applyServerTimeouts, drainServer } from './http/shutdown.js';
import { loadWebAppOperations } from './http/web-app.js';
import { serveGraphQLOverWebSocket } from './http/websocket.js';
import type { Logger } from './logger.js';
import { createApp } from './server.js';
import { startWebhookWorker, type WebhookWorker } from './webhooks/worker.js';

export interface Service {
  url: string;
  /** The admin token made on first start, if one was: shown once, never stored in clear. */
  bootstrapToken: string | null;
  server: Server;
  db: Database;
  /** Drains and closes; called again while it waits out SHUTDOWN_DELAY_MS, it ends that wait at once. */
  close(): Promise<void>;
}

/**
 * The embedded database in `dataDir`. A new one starts as a copy of the template `npm install` made (already
 * migrated and seeded) when it would be migrated and seeded anyway; if that copy does not open, it is
 * removed and the database is made the ordinary way.
 */
async function openEmbeddedDatabase(dataDir: string | undefined, config: Config, logger: Logger): Promise<Database> {
  if (!dataDir || !config.migrateOnStart || config.seedOnStart === 'never') return openDatabase({ kind: 'pglite', dataDir });
  const template = await copyTemplateInto(dataDir);
  if (!template.used) {
    if (template.reason !== 'the data directory exists') logger.info(`new embedded database: ${template.reason}; migrating and seeding it`);
    return openDatabase({ kind: 'pglite', dataDir });
  }
  logger.info({ dataDir }, 'new embedded database: copied the migrated and seeded template');
  try {
    return await openDatabase({ kind: 'pglite', dataDir });
  } catch (error) {
    logger.warn({ err: error }, 'the database template did not open; making a new database instead');
    await rm(dataDir, { recursive: true, force: true });
    return openDatabase({ kind: 'pglite', dataDir });
  }
}

const redactedDatabaseUrl = (url: string) => {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
};

/** Opens the database, migrates and seeds it as configured, and serves GraphQL over HTTP. */
export async function startService(config: Config, logger: Logger): Promise<Service> {
  const started = performance.now();
  const db = config.database.kind === 'postgres'
    ? await openDatabase({
        kind: 'postgres',
        url: config.database.url,
        poolMax: config.database.poolMax,
        statementTimeoutMs: config.databaseTimeouts.statementMs,
        connectTimeoutMs: config.databaseTimeouts.connectMs,
      })
    : await openEmbeddedDatabase(config.database.dataDir, config, logger);
  const replicas: Database[] = [];
  let readRouter: ReadRouter | null = null;
  let bootstrapToken: string | null = null;
  const stopping = new AbortController();
  let integration: IntegrationOptions = { ...config.integration, stopping: stopping.signal };
  let redis: Awaited<ReturnType<typeof createRedisEvents>> | null = null;
  let hardening: StartedHardening | null = null;
  // From SIGTERM on: /ready answers 503 so the load balancer stops sending, and responses close their connection.
  let draining = false;
  try {
    hardening = await startHardening(config.hardening, { logger, redisUrl: config.redisUrl, redisKeyPrefix: config.redisKeyPrefix, poolStats: db.poolStats, draining: () => draining });
    if (config.integration.persistedOperationsFile) {
      integration = { ...integration, persistedOperationsStore: await loadPersistedOperations(config.integration.persistedOperationsFile) };
    }
    // The explorer sends its operations by hash alone: they must run in every PERSISTED_OPERATIONS mode.
    const webOperations = await loadWebAppOperations();
    if (webOperations) {
      integration = { ...integration, bundledOperations: webOperations };
      if (integration.persistedOperationsStore) integration.persistedOperationsStore = mergeOperationStores(integration.persistedOperationsStore, webOperations);
    } else {
      logger.warn('the explorer is not built (npm run build:web): / answers 503 until it is');
    }
    if (config.redisUrl) {
      redis = await createRedisEvents(config.redisUrl, logger, config.redisKeyPrefix);
      logger.info({ redis: redactedRedisUrl(config.redisUrl), prefix: config.redisKeyPrefix }, 'live updates go through Redis');
    }
    if (config.readReplicas.urls.length > 0) {
      for (const url of config.readReplicas.urls) {
        replicas.push(
          await openDatabase({
            kind: 'postgres',
            url,
            poolMax: config.database.kind === 'postgres' ? config.database.poolMax : 10,
            statementTimeoutMs: config.databaseTimeouts.statementMs,
            connectTimeoutMs: config.databaseTimeouts.connectMs,
          }),
        );
      }
      readRouter = new ReadRouter(
        db.prisma,
        replicas.map((replica, index) => ({ name: redactedDatabaseUrl(config.readReplicas.urls[index] ?? ''), prisma: replica.prisma })),
        logger,
        { checkMs: config.readReplicas.checkMs },
      );
      await readRouter.start();
    }
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
    await hardening?.close();
    await redis?.close();
    await readRouter?.close();
    for (const replica of replicas) await replica.close();
    await db.close();
    throw error;
  }

  const app = createApp({
    prisma: db.prisma,
    logger,
    graphiql: config.graphiql,
    publicReads: config.publicReads,
    webApp: true,
    checkDatabase: async () => {
      if (draining) throw new Error('shutting down');
      await pingDatabase(db.prisma);
    },
    integration,
    hardening: hardening.options,
    ...(redis ? { events: redis.events } : {}),
    ...(readRouter ? { readRouter } : {}),
  });
  const webhooks: WebhookWorker | null = config.webhooks ? startWebhookWorker({ prisma: db.prisma, logger, settings: config.webhooks }) : null;
  const server = createServer(app);
  applyServerTimeouts(server, config.hardening);
  const webSockets = config.integration.subscriptions ? serveGraphQLOverWebSocket(server, app, { ...integration, logger }) : null;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host === '0.0.0.0' || config.host === '::' ? 'localhost' : config.host;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}/graphql`;
  logger.info({ url, database: db.kind, startupMs: Math.round(performance.now() - started) }, 'fact service ready');
  if (config.graphiql) void graphiqlBundle();

  let closing: Promise<void> | null = null;
  let endDelay = () => {};
  return {
    url,
    bootstrapToken,
    server,
    db,
    close() {
      if (closing) {
        endDelay();
        return closing;
      }
      closing = (async () => {
        draining = true;
        if (config.shutdown.delayMs > 0) {
          logger.info({ delayMs: config.shutdown.delayMs }, 'not ready any more; still serving while the load balancer notices');
          const cut = await new Promise<boolean>((resolve) => {
            const timer = setTimeout(() => resolve(false), config.shutdown.delayMs);
            endDelay = () => {
              clearTimeout(timer);
              resolve(true);
            };
          });
          endDelay = () => {};
          if (cut) logger.info('the shutdown delay was cut short');
        }
        stopping.abort();
        await webSockets?.close();
        await drainServer(server, config.shutdown.timeoutMs, logger);
        logger.info('stopped accepting connections; requests in flight have finished');
        await webhooks?.close();
        await hardening?.close();
        await redis?.close();
        await readRouter?.close();
        for (const replica of replicas) await replica.close();
        await db.close();
        logger.info('database closed');
      })();
      return closing;
    },
  };
}
