/**
 * Node CPU per request and SQL statements per request of the read shapes (Q1–Q5, Q7 of bench/shapes.ts),
 * in-process: one Yoga app on a fresh PostgreSQL schema filled with a synthetic bundle, requests sent one
 * at a time. CPU is this process's (`process.cpuUsage`): GraphQL execution, the read path, the driver;
 * PostgreSQL's own work is not in it. On a machine shared with other work, CPU time still measures this
 * process alone, where wall-clock time would not.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/reads-cpu.ts [--requests 300] [--actors 200]
 *
 * To compare with another checkout, copy this file there and run it the same way (bench/README.md).
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { importBundle } from '../src/bundle/import.js';
import { encodeGlobalId } from '../src/builder.js';
import { openDatabase, splitSchema } from '../src/db.js';
import { applyMigrations } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server.js';
import { syntheticBundle } from '../tests/support/synthetic.js';
import { SHAPES, type ShapeId } from './shapes.js';

const { values } = parseArgs({ options: { requests: { type: 'string', default: '300' }, actors: { type: 'string', default: '200' } } });
const REQUESTS = Number(values.requests);
const base = process.env.DATABASE_URL;
if (!base) throw new Error('DATABASE_URL is needed (PostgreSQL: PGlite would run the database in this process and count its CPU too)');

const schema = `reads_cpu_${randomBytes(4).toString('hex')}`;
const admin = new pg.Client({ connectionString: splitSchema(base).connectionString });
await admin.connect();
await admin.query('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
await admin.query(`CREATE SCHEMA "${schema}"`);
const url = new URL(splitSchema(base).connectionString);
url.searchParams.set('schema', schema);
let statements = 0;
const db = await openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 5 }, { onQuery: () => statements++ });
try {
  await db.withSession((session) => applyMigrations(session));
  await importBundle(db.prisma, syntheticBundle({ actors: Number(values.actors), statementsPerActor: 10, responsesPerStatement: 2, stancesPerStatement: 2 }));
  const app = createApp({
    prisma: db.prisma,
    logger: createLogger('silent'),
    graphiql: false,
    checkDatabase: async () => undefined,
    hardening: { metrics: false, limits: { maxCost: Number.POSITIVE_INFINITY } },
  });
  const statement = await db.prisma.statement.findFirstOrThrow({ where: { NOT: { threadIds: { isEmpty: true } } }, orderBy: { seq: 'desc' } });
  const claim = await db.prisma.claim.findFirstOrThrow({ where: { stances: { some: { position: 'DENIES' } } } });
  const actors = await db.prisma.actor.findMany({ take: 100 });
  const variables: Partial<Record<ShapeId, Record<string, unknown>>> = {
    Q1: { id: encodeGlobalId('Statement', statement.id) },
    Q2: { search: 'BY ACTOR 1' },
    Q3: {},
    Q4: { slug: statement.slug },
    Q5: { slug: claim.slug },
    Q7: { representations: actors.map((actor) => ({ __typename: 'Actor', slug: actor.slug })) },
  };
  const send = async (query: string, vars: Record<string, unknown> | undefined) => {
    const body = JSON.stringify({ query, variables: vars });
    // As an HTTP client sends it: with Content-Length (the service counts a body without one as it reads it).
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const response = await app.fetch('http://bench/graphql', { method: 'POST', headers, body });
    const result = (await response.json()) as { errors?: unknown[] };
    if (result.errors) throw new Error(JSON.stringify(result.errors).slice(0, 500));
  };
  console.log(`${REQUESTS} requests per shape, one at a time; ${process.version}`);
  console.log('| shape | Node CPU ms / request | SQL statements / request |\n| --- | ---: | ---: |');
  for (const shape of SHAPES.filter((candidate) => !candidate.mutation)) {
    const vars = variables[shape.id];
    for (let i = 0; i < 30; i++) await send(shape.query, vars);
    statements = 0;
    const before = process.cpuUsage();
    for (let i = 0; i < REQUESTS; i++) await send(shape.query, vars);
    const used = process.cpuUsage(before);
    console.log(`| ${shape.id} | ${((used.user + used.system) / 1000 / REQUESTS).toFixed(2)} | ${(statements / REQUESTS).toFixed(1)} |`);
  }
} finally {
  await db.close();
  await admin.query(`DROP SCHEMA "${schema}" CASCADE`);
  await admin.end();
}
