import { GraphQLError, getOperationAST } from 'graphql';
import { createGraphQLError, createYoga, maskError, type Plugin } from 'graphql-yoga';
import { PothosValidationError } from '@pothos/core';
import { MAX_PAGE_SIZE } from './builder.js';
import { type Context, createContext, requireScope } from './context.js';
import { createEvents, type Events } from './events.js';
import type { PrismaClient } from './generated/prisma/client.js';
import { renderGraphiQLPage, useGraphiQLAssets } from './graphiql.js';
import { EXAMPLE_QUERY } from './graphql/example-query.js';
import { usePageSizeLimit } from './graphql/page-size.js';
import { DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS } from './config.js';
import { useHttpCaching } from './http/caching.js';
import { classifyDatabaseError, databaseError } from './http/database-errors.js';
import { type HardeningOptions, hardeningYogaOptions } from './http/hardening.js';
import { GRAPHIQL_HEADERS, type IntegrationOptions, integrationYogaOptions } from './http/integration.js';
import { useFeeds } from './http/feeds.js';
import { useReadRouting } from './http/read-routing.js';
import { useReconciliation } from './http/reconcile.js';
import { useCompiledExecution } from './sql/read/execute.js';
import type { ReadRouter } from './db/read-routing.js';
import { useWebApp } from './http/web-app.js';
import type { Logger } from './logger.js';
import { schema } from './schema/index.js';

export interface AppOptions {
  prisma: PrismaClient;
  logger: Logger;
  graphiql: boolean;
  /** Resolves when the database answers; rejects otherwise. Backs `/ready`. */
  checkDatabase: () => Promise<void>;
  /** When false, queries need a token with the `read` scope too. */
  publicReads?: boolean;
  /** Where writes announce themselves to subscribers; one per process unless shared (e.g. through Redis). */
  events?: Events;
  integration?: IntegrationOptions;
  hardening?: HardeningOptions;
  /** Routes queries to read replicas (DATABASE_READ_URLS). */
  readRouter?: ReadRouter;
  /** Serve the explorer (web/dist) at `/`; `dist` points at another build. */
  webApp?: boolean | { dist: string };
}

/** Reads are public unless configured otherwise; then queries need the `read` scope like writes need `write`. */
function usePrivateReads(): Plugin<Context> {
  return {
    async onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation || operation.operation === 'mutation') return;
      try {
        await requireScope(args.contextValue, 'read');
      } catch (error) {
        if (error instanceof GraphQLError) setResultAndStopExecution({ errors: [error] });
        else throw error;
      }
    },
    async onSubscribe({ args, setResultAndStopExecution }) {
      try {
        await requireScope(args.contextValue, 'read');
      } catch (error) {
        if (error instanceof GraphQLError) setResultAndStopExecution({ errors: [error] });
        else throw error;
      }
    },
  };
}

function useReadiness(check: () => Promise<void>): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname !== '/ready') return;
      const ready = await check().then(
        () => true,
        () => false,
      );
      endResponse(
        fetchAPI.Response.json({ status: ready ? 'ready' : 'unavailable' }, { status: ready ? 200 : 503, headers: { 'cache-control': 'no-store' } }),
      );
    },
  };
}

export function createApp(options: AppOptions) {
  const { logger } = options;
  const events = options.events ?? createEvents();
  const integration = integrationYogaOptions(options.integration);
  const hardening = hardeningYogaOptions({ logger, ...options.hardening });
  return createYoga<Record<string, unknown>, Context>({
    ...integration,
    ...hardening,
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => logger.error(args.map(String).join(' ')),
    },
    context: ({ request }) => createContext(options.prisma, events, request.headers.get('authorization')),
    graphiql: options.graphiql ? { title: 'Fact service', defaultQuery: EXAMPLE_QUERY, additionalHeaders: GRAPHIQL_HEADERS } : false,
    renderGraphiQL: renderGraphiQLPage,
    maskedErrors: {
      isDev: false,
      maskError(error, message, isDev) {
        const original = error instanceof GraphQLError ? error.originalError : undefined;
        if (original instanceof PothosValidationError && error instanceof GraphQLError) {
          return createGraphQLError(original.message, { nodes: error.nodes, path: error.path, extensions: { code: 'BAD_USER_INPUT' } });
        }
        const databaseFailure = classifyDatabaseError(original ?? error);
        if (databaseFailure) {
          const graphQLError = error instanceof GraphQLError ? error : undefined;
          logger.warn({ path: graphQLError?.path, failure: databaseFailure }, `database error: ${databaseFailure}`);
          return databaseError(databaseFailure, graphQLError);
        }
        if (original && !(original instanceof GraphQLError)) {
          logger.error({ err: original, path: error instanceof GraphQLError ? error.path : undefined }, 'unexpected error in a resolver');
        }
        return maskError(error, message, isDev);
      },
    },
    plugins: [
      useCompiledExecution(),
      ...(options.graphiql ? [useGraphiQLAssets()] : []),
      ...(options.webApp ? [useWebApp(typeof options.webApp === 'object' ? options.webApp : {})] : []),
      useReadiness(options.checkDatabase),
      useReconciliation({
        prisma: options.prisma,
        logger,
        publicReads: options.publicReads !== false,
        maxBodyBytes: options.integration?.maxBodyBytes,
        rateLimit: options.hardening?.rateLimit,
      }),
      useFeeds({ prisma: options.prisma, logger, publicReads: options.publicReads !== false, rateLimit: options.hardening?.rateLimit }),
      useHttpCaching({
        graphqlEndpoint: '/graphql',
        publicMaxAgeSeconds: options.integration?.publicCacheMaxAgeSeconds ?? DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS,
        publicReads: options.publicReads !== false,
      }),
      ...(options.publicReads === false ? [usePrivateReads()] : []),
      usePageSizeLimit(MAX_PAGE_SIZE),
      ...(options.readRouter && options.readRouter.size > 0 ? [useReadRouting(options.readRouter) as Plugin<Context>] : []),
      ...(integration.plugins ?? []),
      ...(hardening.plugins ?? []),
    ],
  });
}

export type App = ReturnType<typeof createApp>;
