import { resolve } from 'node:path';
import { z } from 'zod';

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
  };
}
