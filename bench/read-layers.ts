/**
 * Where a read request's Node CPU goes, layer by layer, for the read shapes of bench/shapes.ts: each shape is
 * sent the same way through four ever-thinner paths, in alternating rounds, in this one process:
 *
 *   http:     Yoga's `fetch` as the service builds it (createApp: every plugin, limits, cost, access log…)
 *   execute:  the service's execution on the same schema and a fresh context, the document parsed once: the
 *             read compiler (plan cache included) and the compiled execution over its JSON (src/sql/read/execute.ts),
 *             which leaves to graphql-js what it cannot answer
 *   (graphql-js: graphql-js `execute` alone, every field through its resolver, printed beside for comparison)
 *   prisma:   the SQL statement that request sends, with its parameters, through `$queryRawUnsafe`
 *   pg:       the same statement and parameters through a node-postgres client (the driver alone)
 *
 * The differences between neighbours are what each layer costs. CPU is `process.cpuUsage()` of this process
 * (PostgreSQL's own work is not in it), so the figures hold on a machine shared with other work better than
 * wall-clock time would, though contention still inflates them somewhat.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/read-layers.ts [--rounds 8] [--requests 40] [--warmup 1500] [--shapes Q1,Q3]
 */
import { parseArgs } from 'node:util';
// The service's own graphql (bench/ has another copy in its node_modules, for PostGraphile).
import { execute, parse } from '../node_modules/graphql/index.js';
import pg from 'pg';
import { createContext } from '../src/context.js';
import { splitSchema } from '../src/db.js';
import { createEvents } from '../src/events.js';
import { schema } from '../src/schema/index.js';
import { executeCompiled } from '../src/sql/read/execute.js';
import { readFixture } from './lib/read-fixture.js';
import { SHAPES, type ShapeId } from './shapes.js';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '8' },
    requests: { type: 'string', default: '40' },
    actors: { type: 'string', default: '200' },
    shapes: { type: 'string', default: 'Q1,Q2,Q3,Q4,Q5,Q7' },
    // The http path settles only after ~3,000 requests (JIT): with 30, it read 2-3x its steady cost.
    warmup: { type: 'string', default: '1500' },
  },
});
const ROUNDS = Number(values.rounds);
const REQUESTS = Number(values.requests);
const WARMUP = Number(values.warmup);
const base = process.env.DATABASE_URL;
if (!base) throw new Error('DATABASE_URL is needed (PostgreSQL: PGlite would run the database in this process and count its CPU too)');

const LAYERS = ['http', 'execute', 'graphqljs', 'prisma', 'pg'] as const;
type Layer = (typeof LAYERS)[number];

const { db, app, schema: schemaName, variables, close } = await readFixture(base, { actors: Number(values.actors) });
const driver = new pg.Client({ connectionString: splitSchema(base).connectionString, options: `-c search_path="${schemaName}",public` });
try {
  await driver.connect();
  const events = createEvents();

  // The SQL a request sends, caught on its way into Prisma's raw API (the read compiler's one statement).
  const raw = db.prisma.$queryRawUnsafe.bind(db.prisma);
  let caught: { sql: string; params: unknown[] }[] = [];
  (db.prisma as { $queryRawUnsafe: unknown }).$queryRawUnsafe = (sql: string, ...params: unknown[]) => {
    caught.push({ sql, params });
    return raw(sql, ...params);
  };

  const paths = new Map<ShapeId, Record<Layer, () => Promise<void>>>();
  for (const id of values.shapes.split(',') as ShapeId[]) {
    const shape = SHAPES.find((candidate) => candidate.id === id);
    if (!shape) throw new Error(`no shape ${id}`);
    const vars = variables[id];
    const body = JSON.stringify({ query: shape.query, variables: vars });
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const document = parse(shape.query);
    caught = [];
    const probe = await execute({ schema, document, variableValues: vars, contextValue: createContext(db.prisma, events) });
    if (probe.errors) throw new Error(JSON.stringify(probe.errors).slice(0, 500));
    const statements = caught;
    if (statements.length !== 1) throw new Error(`${id} sent ${statements.length} raw statements; this tool expects the read compiler's one`);
    const [{ sql, params }] = statements as [{ sql: string; params: unknown[] }];
    paths.set(id, {
      http: async () => {
        const response = await app.fetch('http://bench/graphql', { method: 'POST', headers, body });
        const result = (await response.json()) as { errors?: unknown[] };
        if (result.errors) throw new Error(JSON.stringify(result.errors).slice(0, 500));
      },
      execute: async () => {
        const args = { schema, document, variableValues: vars, contextValue: createContext(db.prisma, events) };
        const result = (await executeCompiled(args)) ?? (await execute(args));
        if (result.errors) throw new Error(JSON.stringify(result.errors).slice(0, 500));
      },
      graphqljs: async () => {
        const result = await execute({ schema, document, variableValues: vars, contextValue: createContext(db.prisma, events) });
        if (result.errors) throw new Error(JSON.stringify(result.errors).slice(0, 500));
      },
      prisma: async () => {
        await raw(sql, ...params);
      },
      pg: async () => {
        await driver.query({ text: sql, values: params as unknown[] });
      },
    });
  }

  const cpuPerRequest = async (run: () => Promise<void>, n: number) => {
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await run();
    const used = process.cpuUsage(before);
    return (used.user + used.system) / 1000 / n;
  };
  const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)] as number;

  console.log(`${ROUNDS} rounds x ${REQUESTS} requests per shape and layer (after ${WARMUP} warm-up requests each), alternating order; ${process.version}`);
  console.log('| shape | http ms | execute ms | prisma ms | pg ms | HTTP+Yoga+plugins | GraphQL+compiler | Prisma raw | driver | graphql-js execute ms |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const [id, path] of paths) {
    for (const layer of LAYERS) await cpuPerRequest(path[layer], WARMUP);
    const measured: Record<Layer, number[]> = { http: [], execute: [], graphqljs: [], prisma: [], pg: [] };
    for (let round = 0; round < ROUNDS; round++) {
      for (const layer of round % 2 ? [...LAYERS].reverse() : LAYERS) measured[layer].push(await cpuPerRequest(path[layer], REQUESTS));
    }
    const m = Object.fromEntries(LAYERS.map((layer) => [layer, median(measured[layer])])) as Record<Layer, number>;
    const share = (ms: number) => `${ms.toFixed(2)} (${Math.round((100 * ms) / m.http)}%)`;
    console.log(
      `| ${id} | ${m.http.toFixed(2)} | ${m.execute.toFixed(2)} | ${m.prisma.toFixed(2)} | ${m.pg.toFixed(2)} | ${share(m.http - m.execute)} | ${share(m.execute - m.prisma)} | ${share(m.prisma - m.pg)} | ${share(m.pg)} | ${m.graphqljs.toFixed(2)} |`,
    );
  }
} finally {
  await driver.end().catch(() => undefined);
  await close();
}
