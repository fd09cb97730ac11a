import { type Config, loadConfig } from '../../src/config.js';
import type { HardeningOptions } from '../../src/http/hardening.js';
import { createLogger } from '../../src/logger.js';
import { type App, createApp } from '../../src/server.js';
import type { TestDatabase } from './database.js';
import type { GraphQLErrorShape } from './graphql.js';

/** The app as the service builds it from `env` (production unless said otherwise), on a test database. */
export function createConfiguredApp(
  test: TestDatabase,
  env: Record<string, string> = {},
  extra: Partial<HardeningOptions> = {},
): { app: App; config: Config } {
  const config = loadConfig({ NODE_ENV: 'production', ...env });
  const app = createApp({
    prisma: test.db.prisma,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    graphiql: config.graphiql,
    publicReads: config.publicReads,
    checkDatabase: async () => {
      await test.db.prisma.$queryRaw`SELECT 1`;
    },
    integration: config.integration,
    hardening: { limits: config.hardening.limits, requestTimeoutMs: config.hardening.requestTimeoutMs, metrics: false, ...extra },
  });
  return { app, config };
}

export interface SendOptions {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  /** Sent as is; otherwise `{ query, variables, operationName }` as JSON. */
  body?: string | Uint8Array;
  query?: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  token?: string;
}

export interface Sent {
  status: number;
  headers: Headers;
  text: string;
  /** The parsed body, when it is JSON. */
  json: { data?: Record<string, any> | null; errors?: GraphQLErrorShape[]; extensions?: Record<string, any> } | undefined;
}

/** One HTTP exchange with the app, in-process, without the niceties of tests/support/graphql.ts: status and headers included. */
export async function send(app: App, options: SendOptions): Promise<Sent> {
  const method = options.method ?? 'POST';
  const body =
    options.body ??
    (method === 'GET' || method === 'HEAD' ? undefined : JSON.stringify({ query: options.query, variables: options.variables, operationName: options.operationName }));
  const response = await app.fetch(`http://yoga${options.path ?? '/graphql'}`, {
    method,
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  let json: Sent['json'];
  try {
    json = JSON.parse(text) as Sent['json'];
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}
