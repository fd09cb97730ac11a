import type { ExecutionResult } from 'graphql';
import type { Events } from '../../src/events.js';
import type { HardeningOptions } from '../../src/http/hardening.js';
import type { IntegrationOptions } from '../../src/http/integration.js';
import { createLogger } from '../../src/logger.js';
import { type App, createApp } from '../../src/server.js';
import type { TestDatabase } from './database.js';

export function createTestApp(
  test: TestDatabase,
  options: { graphiql?: boolean; integration?: IntegrationOptions; events?: Events; publicReads?: boolean; hardening?: HardeningOptions } = {},
): App {
  return createApp({
    prisma: test.db.prisma,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    graphiql: options.graphiql ?? false,
    checkDatabase: async () => {
      await test.db.prisma.$queryRaw`SELECT 1`;
    },
    ...(options.integration ? { integration: options.integration } : {}),
    ...(options.events ? { events: options.events } : {}),
    ...(options.publicReads === undefined ? {} : { publicReads: options.publicReads }),
    ...(options.hardening ? { hardening: options.hardening } : {}),
  });
}

export interface GraphQLErrorShape {
  message: string;
  path?: (string | number)[];
  locations?: { line: number; column: number }[];
  extensions?: { code?: string; [key: string]: unknown };
}

export type Result<T = Record<string, unknown>> = Omit<ExecutionResult<T>, 'errors'> & { errors?: GraphQLErrorShape[] };

/** Runs an operation in-process through Yoga's fetch handler: no port, no network. */
export async function execute<T = any>(app: App, query: string, variables?: Record<string, unknown>): Promise<Result<T>> {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result<T>;
}

/** Runs an operation that must succeed, and returns its data. */
export async function query<T = any>(app: App, source: string, variables?: Record<string, unknown>): Promise<T> {
  const result = await execute<T>(app, source, variables);
  if (result.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(result.errors, null, 2)}`);
  if (!result.data) throw new Error('no data');
  return result.data;
}
