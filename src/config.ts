import { resolve } from 'node:path';
import { z } from 'zod';
import { DEFAULT_REDIS_KEY_PREFIX } from './http/rate-limit.js';

const flag = (name: string, fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], {
      error: `${name} must be one of true/false, 1/0, yes/no, on/off`,
    })
    .optional()
    .transform((value) => (value === undefined ? fallback : ['true', '1', 'yes', 'on'].includes(value)));

const integer = (name: string, fallback: number, min: number, max: number) =>
  z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const parsed = Number(value);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        ctx.addIssue({ code: 'custom', message: `${name} must be an integer from ${min} to ${max}, got "${value}"` });
        return z.NEVER;
      }
      return parsed;
    });

const databaseUrl = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    let url: URL;
    try {
      url = new URL(value);
    } catch {
      ctx.addIssue({ code: 'custom', message: 'DATABASE_URL must be a URL such as postgresql://user@host:5432/db' });
      return z.NEVER;
    }
    if (url.protocol !== 'postgresql:' && url.protocol !== 'postgres:') {
      ctx.addIssue({ code: 'custom', message: `DATABASE_URL must use postgresql://, got ${url.protocol}//` });
      return z.NEVER;
    }
    return value;
  });

const corsOrigins = z
  .string()
  .optional()
  .transform((value, ctx): string[] | '*' | undefined => {
    if (value === undefined || value.trim() === '') return undefined;
    if (value.trim() === '*') return '*';
    const origins = value.split(',').map((origin) => origin.trim().replace(/\/+$/, '')).filter(Boolean);
    const bad = origins.filter((origin) => {
      try {
        const url = new URL(origin);
        return url.origin !== origin || !['http:', 'https:'].includes(url.protocol);
      } catch {
        return true;
      }
    });
    if (bad.length) {
      ctx.addIssue({ code: 'custom', message: `CORS_ORIGINS must be * or a comma-separated list of origins such as https://app.example.org, got "${bad.join('", "').slice(0, 200)}"` });
      return z.NEVER;
    }
    return origins;
  });

const redisUrl = z
  .string()
  .optional()
  .transform((value, ctx) => {
    if (value === undefined || value === '') return undefined;
    let protocol = '';
    try {
      protocol = new URL(value).protocol;
    } catch {
      // reported below
    }
    if (protocol !== 'redis:' && protocol !== 'rediss:') {
      ctx.addIssue({ code: 'custom', message: 'REDIS_URL must be a URL such as redis://127.0.0.1:6379 (or rediss:// for TLS)' });
      return z.NEVER;
    }
    return value;
  });

/** How long browsers and CDNs may keep a public read (GET) before asking again, in seconds. */
export const DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS = 30;

const environment = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test'], { error: 'NODE_ENV must be development, production or test' }).default('development'),
  HOST: z.string().min(1, 'HOST must not be empty').default('127.0.0.1'),
  PORT: integer('PORT', 4000, 0, 65535),
  DATABASE_URL: databaseUrl,
  DATABASE_POOL_MAX: integer('DATABASE_POOL_MAX', 10, 1, 500),
  DATA_DIR: z.string().min(1, 'DATA_DIR must not be empty').default('./data/pglite'),
  MIGRATE_ON_START: flag('MIGRATE_ON_START', true),
  SEED_ON_START: z
    .enum(['auto', 'always', 'never'], { error: 'SEED_ON_START must be auto (seed an empty database), always or never' })
    .default('auto'),
  PUBLIC_READS: flag('PUBLIC_READS', true),
  PUBLIC_CACHE_MAX_AGE_SECONDS: integer('PUBLIC_CACHE_MAX_AGE_SECONDS', DEFAULT_PUBLIC_CACHE_MAX_AGE_SECONDS, 0, 31_536_000),
  BOOTSTRAP_ADMIN_TOKEN: z
    .enum(['auto', 'always', 'never'], { error: 'BOOTSTRAP_ADMIN_TOKEN must be auto (embedded database only), always or never' })
    .default('auto'),
  GRAPHIQL: z
    .enum(['true', 'false', '1', '0', 'yes', 'no', 'on', 'off'], { error: 'GRAPHIQL must be one of true/false' })
    .optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be fatal, error, warn, info, debug, trace or silent',
    })
    .default('info'),
  CORS_ORIGINS: corsOrigins,
  MAX_BODY_BYTES: integer('MAX_BODY_BYTES', 1_048_576, 1024, 1_073_741_824),
  PERSISTED_OPERATIONS: z
    .enum(['off', 'apq', 'only'], { error: 'PERSISTED_OPERATIONS must be off, apq (automatic persisted queries) or only (known operations only)' })
    .default('apq'),
  PERSISTED_OPERATIONS_FILE: z.string().min(1).optional(),
  REDIS_URL: redisUrl,
  REDIS_KEY_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9._:-]{1,100}$/, { error: 'REDIS_KEY_PREFIX must be 1 to 100 letters, digits, ".", "_", ":" or "-", e.g. fact-service-staging:' })
    .default(DEFAULT_REDIS_KEY_PREFIX),
  SUBSCRIPTIONS: flag('SUBSCRIPTIONS', true),
  DATABASE_READ_URLS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      const urls = (value ?? '').split(',').map((url) => url.trim()).filter(Boolean);
      const bad = urls.filter((url) => {
        try {
          return !['postgresql:', 'postgres:'].includes(new URL(url).protocol);
        } catch {
          return true;
        }
      });
      if (bad.length) {
        ctx.addIssue({ code: 'custom', message: `DATABASE_READ_URLS must be comma-separated postgresql:// URLs; ${bad.length} is not` });
        return z.NEVER;
      }
      return urls;
    }),
  DATABASE_READ_CHECK_MS: integer('DATABASE_READ_CHECK_MS', 1_000, 50, 600_000),
  WEBHOOKS: flag('WEBHOOKS', true),
  WEBHOOK_POLL_MS: integer('WEBHOOK_POLL_MS', 1_000, 10, 600_000),
  WEBHOOK_IDLE_POLL_MS: integer('WEBHOOK_IDLE_POLL_MS', 30_000, 10, 3_600_000),
  WEBHOOK_TIMEOUT_MS: integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000),
  WEBHOOK_MAX_ATTEMPTS: integer('WEBHOOK_MAX_ATTEMPTS', 10, 1, 100),
  WEBHOOK_BACKOFF_BASE_MS: integer('WEBHOOK_BACKOFF_BASE_MS', 5_000, 1, 3_600_000),
  MAX_QUERY_DEPTH: integer('MAX_QUERY_DEPTH', 12, 1, 100),
  MAX_QUERY_ALIASES: integer('MAX_QUERY_ALIASES', 15, 0, 1000),
  MAX_QUERY_DIRECTIVES: integer('MAX_QUERY_DIRECTIVES', 20, 0, 1000),
  MAX_QUERY_TOKENS: integer('MAX_QUERY_TOKENS', 1000, 10, 100_000),
  MAX_QUERY_CHARACTERS: integer('MAX_QUERY_CHARACTERS', 10_000, 100, 1_000_000),
  MAX_QUERY_COST: integer('MAX_QUERY_COST', 25_000, 1, 100_000_000),
  INTROSPECTION: flag('INTROSPECTION', true).optional(),
  FIELD_SUGGESTIONS: flag('FIELD_SUGGESTIONS', true).optional(),
  RATE_LIMIT_COST_PER_MINUTE: integer('RATE_LIMIT_COST_PER_MINUTE', 100_000, 0, 1_000_000_000),
  TRUST_PROXY_HOPS: integer('TRUST_PROXY_HOPS', 0, 0, 10),
  REQUEST_TIMEOUT_MS: integer('REQUEST_TIMEOUT_MS', 15_000, 0, 600_000),
  KEEP_ALIVE_TIMEOUT_MS: integer('KEEP_ALIVE_TIMEOUT_MS', 5_000, 1_000, 600_000),
  DATABASE_STATEMENT_TIMEOUT_MS: integer('DATABASE_STATEMENT_TIMEOUT_MS', 10_000, 0, 600_000),
  DATABASE_CONNECT_TIMEOUT_MS: integer('DATABASE_CONNECT_TIMEOUT_MS', 1_500, 100, 60_000),
  SHUTDOWN_DELAY_MS: integer('SHUTDOWN_DELAY_MS', 0, 0, 120_000),
  SHUTDOWN_TIMEOUT_MS: integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
  METRICS: flag('METRICS', true),
  OTEL_EXPORTER_OTLP_ENDPOINT: z
    .url({ protocol: /^https?$/, error: 'OTEL_EXPORTER_OTLP_ENDPOINT must be an http(s) URL such as http://collector:4318' })
    .optional(),
  OTEL_SERVICE_NAME: z.string().min(1).max(100).default('fact-service'),
});

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig(env: Record<string, string | undefined> = process.env) {
  // An empty value (`GRAPHIQL=` in a .env file) means "use the default", as for an unset variable.
  const parsed = environment.safeParse(Object.fromEntries(Object.entries(env).filter(([, value]) => value !== '')));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const values = parsed.data;
  if (values.RATE_LIMIT_COST_PER_MINUTE > 0 && values.RATE_LIMIT_COST_PER_MINUTE < values.MAX_QUERY_COST) {
    throw new ConfigError([
      `RATE_LIMIT_COST_PER_MINUTE (${values.RATE_LIMIT_COST_PER_MINUTE}) must be at least MAX_QUERY_COST (${values.MAX_QUERY_COST}), or 0 to turn rate limiting off: otherwise the costliest allowed query could never run`,
    ]);
  }
  if (values.PERSISTED_OPERATIONS === 'only' && !values.PERSISTED_OPERATIONS_FILE) {
    throw new ConfigError(['PERSISTED_OPERATIONS=only needs PERSISTED_OPERATIONS_FILE: a JSON file of {"<sha256 hash>": "<operation text>"}, as written by `npm run codegen`']);
  }
  if (values.DATABASE_READ_URLS.length > 0 && !values.DATABASE_URL) {
    throw new ConfigError(['DATABASE_READ_URLS needs DATABASE_URL: replicas copy a PostgreSQL primary, not the embedded database']);
  }
  const production = values.NODE_ENV === 'production';
  const inMemory = values.DATA_DIR === 'memory://' || values.DATA_DIR === ':memory:';
  return {
    env: values.NODE_ENV,
    production,
    host: values.HOST,
    port: values.PORT,
    database: values.DATABASE_URL
      ? ({ kind: 'postgres', url: values.DATABASE_URL, poolMax: values.DATABASE_POOL_MAX } as const)
      : ({ kind: 'pglite', dataDir: inMemory ? undefined : resolve(values.DATA_DIR) } as const),
    migrateOnStart: values.MIGRATE_ON_START,
    seedOnStart: values.SEED_ON_START,
    publicReads: values.PUBLIC_READS,
    bootstrapAdminToken: values.BOOTSTRAP_ADMIN_TOKEN,
    graphiql: values.GRAPHIQL === undefined ? !production : ['true', '1', 'yes', 'on'].includes(values.GRAPHIQL),
    logLevel: values.LOG_LEVEL,
    integration: {
      corsOrigins: values.CORS_ORIGINS ?? [],
      corsLocalhost: values.CORS_ORIGINS === undefined && !production,
      maxBodyBytes: values.MAX_BODY_BYTES,
      persistedOperations: values.PERSISTED_OPERATIONS,
      persistedOperationsFile: values.PERSISTED_OPERATIONS_FILE ? resolve(values.PERSISTED_OPERATIONS_FILE) : undefined,
      subscriptions: values.SUBSCRIPTIONS,
      publicCacheMaxAgeSeconds: values.PUBLIC_CACHE_MAX_AGE_SECONDS,
    },
    readReplicas: { urls: values.DATABASE_READ_URLS, checkMs: values.DATABASE_READ_CHECK_MS },
    redisUrl: values.REDIS_URL,
    redisKeyPrefix: values.REDIS_KEY_PREFIX,
    webhooks: values.WEBHOOKS
      ? { pollMs: values.WEBHOOK_POLL_MS, idlePollMs: values.WEBHOOK_IDLE_POLL_MS, timeoutMs: values.WEBHOOK_TIMEOUT_MS, maxAttempts: values.WEBHOOK_MAX_ATTEMPTS, backoffBaseMs: values.WEBHOOK_BACKOFF_BASE_MS }
      : null,
    hardening: {
      limits: {
        maxDepth: values.MAX_QUERY_DEPTH,
        maxAliases: values.MAX_QUERY_ALIASES,
        maxDirectives: values.MAX_QUERY_DIRECTIVES,
        maxTokens: values.MAX_QUERY_TOKENS,
        maxCharacters: values.MAX_QUERY_CHARACTERS,
        maxCost: values.MAX_QUERY_COST,
        introspection: values.INTROSPECTION ?? !production,
        fieldSuggestions: values.FIELD_SUGGESTIONS ?? !production,
      },
      rateLimit: { costPerMinute: values.RATE_LIMIT_COST_PER_MINUTE, trustedProxies: values.TRUST_PROXY_HOPS },
      requestTimeoutMs: values.REQUEST_TIMEOUT_MS,
      keepAliveTimeoutMs: values.KEEP_ALIVE_TIMEOUT_MS,
      metrics: values.METRICS,
      tracing: values.OTEL_EXPORTER_OTLP_ENDPOINT ? { endpoint: values.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: values.OTEL_SERVICE_NAME } : undefined,
    },
    databaseTimeouts: { statementMs: values.DATABASE_STATEMENT_TIMEOUT_MS, connectMs: values.DATABASE_CONNECT_TIMEOUT_MS },
    shutdown: { delayMs: values.SHUTDOWN_DELAY_MS, timeoutMs: values.SHUTDOWN_TIMEOUT_MS },
  };
}
