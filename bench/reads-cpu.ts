/**
 * Node CPU per request and SQL statements per request of the read shapes (Q1–Q5, Q7 of bench/shapes.ts),
 * in-process: one Yoga app on a fresh PostgreSQL schema filled with a synthetic bundle, requests sent one
 * at a time. CPU is this process's (`process.cpuUsage`): GraphQL execution, the read path, the driver;
 * PostgreSQL's own work is not in it. On a machine shared with other work, CPU time still measures this
 * process alone, where wall-clock time would not.
 *
 *   DATABASE_URL=postgresql://postgres@127.0.0.1:5432/test npx tsx bench/reads-cpu.ts [--requests 300] [--actors 200]
 *
 * Paired, in alternating rounds (each round runs every contender once per shape, in an order reversed
 * every round; medians of the rounds' per-request figures, with their spread):
 *
 *   npx tsx bench/reads-cpu.ts --plan-cache --rounds 8 --requests 40        # in this process: plan cache off, then on
 *   npx tsx bench/reads-cpu.ts --rounds 8 --requests 40 \
 *     --variant 'default' --variant 'semi-32|--max-semi-space-size=32'       # one child process each: label|node flags|ENV=value …
 *
 * Each round also counts garbage collections per request (perf_hooks `gc` entries: scavenges of the young
 * generation, major collections) and their pauses (wall-clock, so inflated by load as all wall-clock time
 * is). To compare with another checkout, copy this file there and run it the same way (bench/README.md).
 */
import { fork } from 'node:child_process';
import { constants, PerformanceObserver } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { configurePlanCache, planCacheStats } from '../src/sql/read/plan-cache.js';
import { readFixture } from './lib/read-fixture.js';
import { SHAPES, type ShapeId } from './shapes.js';

const { values } = parseArgs({
  options: {
    requests: { type: 'string', default: '300' },
    actors: { type: 'string', default: '200' },
    rounds: { type: 'string', default: '0' },
    'plan-cache': { type: 'boolean', default: false },
    variant: { type: 'string', multiple: true, default: [] },
    shapes: { type: 'string', default: 'Q1,Q2,Q3,Q4,Q5,Q7' },
    worker: { type: 'boolean', default: false },
  },
});
const REQUESTS = Number(values.requests);
const ROUNDS = Number(values.rounds);
const SHAPE_IDS = values.shapes.split(',') as ShapeId[];
const base = process.env.DATABASE_URL;
if (!base) throw new Error('DATABASE_URL is needed (PostgreSQL: PGlite would run the database in this process and count its CPU too)');

interface Measured {
  cpuMs: number;
  /** Wall-clock time of GC pauses (inflated by load, as all wall-clock time is) and collections, per request. */
  gcMs: number;
  scavenges: number;
  majorGcs: number;
  statements: number;
}

/** A fresh schema with the synthetic data and an app on it; `measure` sends `n` requests of a shape. */
async function setUp() {
  let statements = 0;
  const { app, variables, close } = await readFixture(base as string, { actors: Number(values.actors), onQuery: () => statements++ });
  const send = async (query: string, vars: Record<string, unknown> | undefined) => {
    const body = JSON.stringify({ query, variables: vars });
    // As an HTTP client sends it: with Content-Length (the service counts a body without one as it reads it).
    const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const response = await app.fetch('http://bench/graphql', { method: 'POST', headers, body });
    const result = (await response.json()) as { errors?: unknown[] };
    if (result.errors) throw new Error(JSON.stringify(result.errors).slice(0, 500));
  };
  let gcMs = 0;
  let scavenges = 0;
  let majorGcs = 0;
  const observer = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      gcMs += entry.duration;
      const kind = (entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind;
      if (kind === constants.NODE_PERFORMANCE_GC_MINOR) scavenges++;
      else if (kind === constants.NODE_PERFORMANCE_GC_MAJOR) majorGcs++;
    }
  });
  observer.observe({ entryTypes: ['gc'] });
  const measure = async (id: ShapeId, n: number): Promise<Measured> => {
    const shape = SHAPES.find((candidate) => candidate.id === id);
    if (!shape) throw new Error(`no shape ${id}`);
    const vars = variables[id];
    statements = 0;
    gcMs = 0;
    scavenges = 0;
    majorGcs = 0;
    const before = process.cpuUsage();
    for (let i = 0; i < n; i++) await send(shape.query, vars);
    const used = process.cpuUsage(before);
    // GC entries are delivered asynchronously: let them arrive before reading the sum.
    await new Promise((resolve) => setImmediate(resolve));
    return { cpuMs: (used.user + used.system) / 1000 / n, gcMs: gcMs / n, scavenges: scavenges / n, majorGcs: majorGcs / n, statements: statements / n };
  };
  return { measure, close: async () => (observer.disconnect(), close()) };
}

const median = (list: number[]) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** Alternating rounds over contenders; prints per shape the median CPU ms / request of each, its spread, and the ratio to the first. */
async function paired(contenders: { label: string; measure: (id: ShapeId, n: number) => Promise<Measured> }[]) {
  console.log(`${ROUNDS} rounds x ${REQUESTS} requests per shape and contender (after 30 warm-up requests each), alternating order; ${process.version}`);
  const results = new Map<string, Measured[]>();
  for (const id of SHAPE_IDS) {
    for (const contender of contenders) await contender.measure(id, 30);
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        const key = `${id} ${contender.label}`;
        const list = results.get(key) ?? [];
        list.push(await contender.measure(id, REQUESTS));
        results.set(key, list);
      }
    }
    const first = contenders[0]?.label;
    const cells = contenders.map((contender) => {
      const list = results.get(`${id} ${contender.label}`) ?? [];
      const cpu = list.map((entry) => entry.cpuMs);
      const of = (pick: (entry: Measured) => number) => median(list.map(pick));
      return {
        label: contender.label,
        cpu: median(cpu),
        min: Math.min(...cpu),
        max: Math.max(...cpu),
        gcMs: of((entry) => entry.gcMs),
        scavenges: of((entry) => entry.scavenges),
        majorGcs: of((entry) => entry.majorGcs),
        statements: of((entry) => entry.statements),
        cpuList: cpu,
      };
    });
    const baseline = cells.find((cell) => cell.label === first);
    for (const cell of cells) {
      const perRound = baseline && cell !== baseline ? ` | per-round ratios ${cell.cpuList.map((value, i) => (value / (baseline.cpuList[i] as number)).toFixed(2)).join(' ')}` : '';
      console.log(
        `| ${id} | ${cell.label} | ${cell.cpu.toFixed(3)} ms (${cell.min.toFixed(3)}–${cell.max.toFixed(3)}) | ${baseline ? (cell.cpu / baseline.cpu).toFixed(3) : ''}x | ` +
          `GC ${cell.scavenges.toFixed(3)} scavenges + ${cell.majorGcs.toFixed(3)} major, ${cell.gcMs.toFixed(3)} ms paused | ${cell.statements.toFixed(1)} SQL${perRound}`,
      );
    }
  }
}

if (values.worker) {
  // A contender in its own process (--variant): set up, then measure whatever the parent asks.
  const bench = await setUp();
  process.on('message', async (message: { id: ShapeId; n: number } | 'close') => {
    if (message === 'close') {
      await bench.close();
      process.exit(0);
    }
    process.send?.(await bench.measure(message.id, message.n));
  });
  process.send?.('ready');
} else if (values.variant.length > 0) {
  const file = fileURLToPath(import.meta.url);
  const contenders = await Promise.all(
    values.variant.map(async (spec) => {
      const [label = spec, flags = '', env = ''] = spec.split('|');
      const child = fork(file, ['--worker', '--actors', values.actors], {
        execArgv: ['--import', 'tsx', ...flags.split(' ').filter(Boolean)],
        env: { ...process.env, ...Object.fromEntries(env.split(' ').filter(Boolean).map((pair) => pair.split('=') as [string, string])) },
      });
      await new Promise<void>((resolve, reject) => {
        child.once('message', () => resolve());
        child.once('exit', (code) => reject(new Error(`${label} exited with ${code}`)));
      });
      const measure = (id: ShapeId, n: number) =>
        new Promise<Measured>((resolve) => {
          child.once('message', (answer) => resolve(answer as Measured));
          child.send({ id, n });
        });
      return { label, measure, child };
    }),
  );
  try {
    await paired(contenders);
  } finally {
    for (const { child } of contenders) child.send('close');
  }
} else {
  const bench = await setUp();
  try {
    if (values['plan-cache']) {
      let reused = 0;
      let made = 0;
      const planning = new Map<string, number[]>();
      const toggled = (maxPlans: number) => async (id: ShapeId, n: number) => {
        configurePlanCache({ maxPlans, timed: true });
        await bench.measure(id, 1);
        const before = planCacheStats();
        const measured = await bench.measure(id, n);
        const after = planCacheStats();
        if (maxPlans > 0) {
          reused += after.hits - before.hits;
          made += after.misses - before.misses;
        }
        const key = `${id} ${maxPlans > 0 ? 'on' : 'off'}`;
        planning.set(key, [...(planning.get(key) ?? []), (after.cpuMicros - before.cpuMicros) / 1000 / n]);
        return measured;
      };
      await paired([
        { label: 'plan cache off', measure: toggled(0) },
        { label: 'plan cache on', measure: toggled(1_000) },
      ]);
      console.log(`plan cache on, in the measured requests: ${reused} plans reused, ${made} made (cache off: every request plans)`);
      console.log('CPU ms per request spent finding or making the plan (process.cpuUsage around it), medians of the rounds:');
      for (const id of SHAPE_IDS) {
        const off = median(planning.get(`${id} off`) ?? [0]);
        const on = median(planning.get(`${id} on`) ?? [0]);
        console.log(`| ${id} | off ${off.toFixed(3)} ms | on ${on.toFixed(3)} ms | saved ${(off - on).toFixed(3)} ms |`);
      }
    } else {
      console.log(`${REQUESTS} requests per shape, one at a time; ${process.version}`);
      console.log('| shape | Node CPU ms / request | GC pauses / request (wall-clock) | SQL statements / request |\n| --- | ---: | ---: | ---: |');
      for (const id of SHAPE_IDS) {
        await bench.measure(id, 30);
        const { cpuMs, gcMs, statements } = await bench.measure(id, REQUESTS);
        console.log(`| ${id} | ${cpuMs.toFixed(2)} | ${gcMs.toFixed(2)} ms | ${statements.toFixed(1)} |`);
      }
    }
  } finally {
    await bench.close();
  }
}
