import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('defaults to an embedded database persisted in ./data/pglite, port 4000', () => {
    const config = loadConfig({});
    expect(config.port).toBe(4000);
    expect(config.database).toMatchObject({ kind: 'pglite' });
    expect(config.database.kind === 'pglite' && config.database.dataDir).toMatch(/data\/pglite$/);
    expect(config).toMatchObject({ migrateOnStart: true, seedOnStart: 'auto', graphiql: true });
  });

  it('keeps the embedded database in memory on request, and uses PostgreSQL when DATABASE_URL is set', () => {
    expect(loadConfig({ DATA_DIR: 'memory://' }).database).toEqual({ kind: 'pglite', dataDir: undefined });
    expect(loadConfig({ DATABASE_URL: 'postgresql://u@db:5432/facts', MIGRATE_ON_START: 'false' })).toMatchObject({
      database: { kind: 'postgres', url: 'postgresql://u@db:5432/facts', poolMax: 10 },
      migrateOnStart: false,
    });
  });

  it('turns GraphiQL off in production unless asked for', () => {
    expect(loadConfig({ NODE_ENV: 'production' }).graphiql).toBe(false);
    expect(loadConfig({ NODE_ENV: 'production', GRAPHIQL: 'true' }).graphiql).toBe(true);
  });

  it('names every bad value, all at once', () => {
    let error: unknown;
    try {
      loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', SEED_ON_START: 'sometimes', MIGRATE_ON_START: 'perhaps', DATABASE_POOL_MAX: '0' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigError);
    const { problems } = error as ConfigError;
    expect(problems).toHaveLength(5);
    expect(problems.join('\n')).toMatch(/PORT must be an integer from 0 to 65535, got "eighty"/);
    expect(problems.join('\n')).toMatch(/DATABASE_URL must use postgresql/);
    expect(problems.join('\n')).toMatch(/SEED_ON_START must be auto/);
    expect(problems.join('\n')).toMatch(/MIGRATE_ON_START must be one of/);
    expect(problems.join('\n')).toMatch(/DATABASE_POOL_MAX must be an integer from 1 to 500/);
  });
});
