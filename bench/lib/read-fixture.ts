import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { encodeGlobalId } from '../../src/builder.js';
import { importBundle } from '../../src/bundle/import.js';
import { type Database, openDatabase, splitSchema } from '../../src/db.js';
import { applyMigrations } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { type App, createApp } from '../../src/server.js';
import { syntheticBundle } from '../../tests/support/synthetic.js';
import type { ShapeId } from '../shapes.js';

/** A fresh PostgreSQL schema with a synthetic bundle, an in-process app on it, and variables for the read shapes. */
export interface ReadFixture {
  db: Database;
  app: App;
  /** The schema's name, for a client of its own (`search_path`). */
  schema: string;
  /** Variables that make each read shape read real, busy records. */
  variables: Partial<Record<ShapeId, Record<string, unknown>>>;
  close(): Promise<void>;
}

/** For bench/reads-cpu.ts and bench/read-layers.ts: `base` is a PostgreSQL URL; the schema is dropped on close. */
export async function readFixture(base: string, options: { actors: number; onQuery?: (sql: string) => void }): Promise<ReadFixture> {
  const schema = `reads_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: splitSchema(base).connectionString });
  await admin.connect();
  await admin.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
  await admin.query(`CREATE SCHEMA "${schema}"`);
  const url = new URL(splitSchema(base).connectionString);
  url.searchParams.set('schema', schema);
  const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 5 }, options.onQuery ? { onQuery: options.onQuery } : {});
  const close = async () => {
    await db.close();
    await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
    await admin.end();
  };
  try {
    await db.withSession((session) => applyMigrations(session));
    await importBundle(db.prisma, syntheticBundle({ actors: options.actors, statementsPerActor: 10, responsesPerStatement: 2, stancesPerStatement: 2 }));
    const app = createApp({
      prisma: db.prisma,
      logger: createLogger('silent'),
      graphiql: false,
      checkDatabase: async () => undefined,
      hardening: { metrics: false, limits: { maxCost: Number.POSITIVE_INFINITY } },
    });
    const statement = await db.prisma.statement.findFirstOrThrow({ where: { NOT: { threadIds: { isEmpty: true } } }, orderBy: { seq: 'desc' } });
    const claim = await db.prisma.claim.findFirstOrThrow({ where: { stances: { some: { position: 'DENIES' } } } });
    const actors = await db.prisma.actor.findMany({ take: 100, orderBy: { slug: 'asc' } });
    const variables: ReadFixture['variables'] = {
      Q1: { id: encodeGlobalId('Statement', statement.id) },
      Q2: { search: 'BY ACTOR 1' },
      Q3: {},
      Q4: { slug: statement.slug },
      Q5: { slug: claim.slug },
      Q7: { representations: actors.map((actor) => ({ __typename: 'Actor', slug: actor.slug })) },
    };
    return { db, app, schema, variables, close };
  } catch (error) {
    await close();
    throw error;
  }
}
