/**
 * Prints the SQL our service sends for each read shape, with the time each statement took and its
 * parameters (Prisma's query log), after two warm-up runs.
 *
 *   tsx bench/sql.ts --size S [--shape Q3]
 */
import { parseArgs } from 'node:util';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { createLogger } from '../src/logger.js';
import { createApp } from '../src/server.js';
import { benchDatabaseName, databaseUrl, DEFAULT_SERVER_URL, type Size } from './data.js';
import { SHAPES } from './shapes.js';
import { loadTargets, ourVariables } from './variables.js';

const { values } = parseArgs({ options: { size: { type: 'string', default: 'S' }, shape: { type: 'string' } } });
const url = databaseUrl(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL, benchDatabaseName(values.size.toUpperCase() as Size));
const variables = ourVariables(await loadTargets(url));
const log: string[] = [];
const prisma = new PrismaClient({ adapter: new PrismaPg({ connectionString: url, max: 2 }), log: [{ emit: 'event', level: 'query' }] });
prisma.$on('query', (event) => log.push(`-- ${event.duration} ms  params ${event.params.slice(0, 200)}\n${event.query}`));
const app = createApp({ prisma, logger: createLogger('silent'), graphiql: false, checkDatabase: async () => {} });
for (const shape of SHAPES.filter((s) => !s.mutation && (!values.shape || s.id === values.shape))) {
  let body = '';
  for (let run = 0; run < 3; run++) {
    log.length = 0;
    const response = await app.fetch('http://bench/graphql', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: shape.query, variables: variables[shape.id] }) });
    body = await response.text();
  }
  process.stdout.write(`\n=== ${shape.id} ${shape.title}: ${log.length} statements; response ${body.length} bytes${body.includes('"errors"') ? ` ERRORS ${body.slice(0, 300)}` : ''}\n${log.join('\n')}\n`);
}
await prisma.$disconnect();
