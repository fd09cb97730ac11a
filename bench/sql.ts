/**
 * Prints the SQL our service sends for each read shape, with the time each statement took and its
 * parameters (Prisma's query log), after two warm-up runs. With --explain, also each statement's plan
 * (EXPLAIN (ANALYZE, BUFFERS), run again with the same parameters) and the rows it read, measured as the
 * counting pass of bench/run.ts measures them (pg_stat_user_tables.seq_tup_read +
 * pg_stat_user_indexes.idx_tup_read over the fact tables), on one connection that flushes its counters
 * before they are read. Reads only.
 *
 *   tsx bench/sql.ts --size S [--shape Q3] [--explain]
 *   BENCH_SQL_URL=postgresql://…/other_copy tsx bench/sql.ts --size M --shape Q3 --explain   (another database, e.g. a copy with an index being tried)
 */
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server.js';
import { benchDatabaseName, databaseUrl, DEFAULT_SERVER_URL, type Size } from './data.js';
import { rowsReadBy } from './lib/measure.js';
import { SHAPES } from './shapes.js';
import { loadTargets, ourVariables } from './variables.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: 'S' }, shape: { type: 'string' }, explain: { type: 'boolean', default: false } } });
const url = process.env.BENCH_SQL_URL ?? databaseUrl(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL, benchDatabaseName(values.size.toUpperCase() as Size));
const variables = ourVariables(await loadTargets(url));
const log: { duration: number; query: string; params: string }[] = [];
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: 'event', level: 'query' }] });
prisma.$on('query', (event) => log.push({ duration: event.duration, query: event.query, params: event.params }));
const app = createApp({ prisma, logger: createLogger('silent'), graphiql: false, checkDatabase: async () => {} });
const explainer = values.explain ? new pg.Client({ connectionString: url }) : undefined;
await explainer?.connect();
for (const shape of SHAPES.filter((s) => !s.mutation && (!values.shape || s.id === values.shape))) {
  let body = '';
  for (let run = 0; run < 3; run++) {
    log.length = 0;
    const response = await app.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: shape.query, variables: variables[shape.id] }) });
    body = await response.text();
  }
  process.stdout.write(`\n=== ${shape.id} ${shape.title}: ${log.length} statements; response ${body.length} bytes${body.includes('"errors"') ? ` ERRORS ${body.slice(0, 300)}` : ''}\n`);
  for (const { duration, query, params } of log) {
    process.stdout.write(`-- ${duration} ms  params ${params.slice(0, 200)}\n${query}\n`);
    if (!explainer) continue;
    const values = JSON.parse(params) as unknown[];
    const rows = await rowsReadBy(explainer, () => explainer.query(query, values));
    const plan = await explainer.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${query}`, values);
    process.stdout.write(`-- rows read: ${rows}\n${plan.rows.map((row) => row['QUERY PLAN']).join('\n')}\n`);
  }
}
await explainer?.end();
await prisma.$disconnect();
