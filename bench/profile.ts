/**
 * CPU profile of one contender under one shape's load: starts it with --cpu-prof, drives it with
 * autocannon, stops it, and prints where the time went (self time by package and by function).
 *
 *   tsx bench/profile.ts --size S --shape Q3 [--contender ours] [--connections 10] [--duration 10]
 *
 * The .cpuprofile is kept under bench/results/profiles/ (open it in Chrome DevTools or speedscope for a flame graph).
 */
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { benchDatabaseName, copyDatabase, DEFAULT_SERVER_URL, dropCopy, type Size } from './data.js';
import { BENCH, type ContenderId, requestFor, requireTools, startContender } from './lib/contenders.js';
import { load } from './lib/measure.js';
import type { ShapeId } from './shapes.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time per function and per package (node_modules/<pkg>, our src/, node internals), in ms. */
export function summarise(profile: Profile, top = 25): string {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000));
  const byFunction = new Map<string, number>();
  const byPackage = new Map<string, number>();
  let total = 0;
  for (const [id, ms] of self) {
    const frame = byId.get(id)?.callFrame;
    if (!frame) continue;
    total += ms;
    const url = frame.url.replace(/^file:\/\//, '');
    const pkg = url.includes('node_modules/')
      ? (url.split('node_modules/').at(-1)?.split('/').slice(0, url.split('node_modules/').at(-1)?.startsWith('@') ? 2 : 1).join('/') ?? '?')
      : url.includes('/src/')
        ? `src/${url.split('/src/').at(-1)?.split('/')[0]}`
        : url
          ? url.startsWith('node:')
            ? 'node internals'
            : url
          : `(${frame.functionName || 'program'})`;
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
    const name = `${frame.functionName || '(anonymous)'} ${url.split('/').slice(-2).join('/')}:${frame.lineNumber + 1}`;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
  }
  const table = (entries: Map<string, number>) =>
    [...entries]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => `${((100 * ms) / total).toFixed(1).padStart(5)}%  ${ms.toFixed(0).padStart(7)} ms  ${name}`)
      .join('\n');
  return `total sampled ${total.toFixed(0)} ms\n\nby package:\n${table(byPackage)}\n\nby function (self time):\n${table(byFunction)}\n`;
}

async function main() {
  requireTools();
  const { values } = parseArgs({
    options: {
      size: { type: 'string', default: 'S' },
      shape: { type: 'string', default: 'Q3' },
      contender: { type: 'string', default: 'ours' },
      connections: { type: 'string', default: '10' },
      duration: { type: 'string', default: '10' },
      pool: { type: 'string', default: '10' },
    },
  });
  const { prepareInputs } = await import('./run.js');
  const size = values.size.toUpperCase() as Size;
  // On a copy, as bench/run.ts runs: Q6 writes, and the data stays as generated for the next run.
  const server = process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL;
  const copy = `${benchDatabaseName(size)}_profile`;
  const url = await copyDatabase(server, benchDatabaseName(size), copy);
  const inputs = await prepareInputs(url, size);
  const id = values.contender as ContenderId;
  const dir = `${BENCH}results/profiles/${id}-${values.shape}-${size}-${Date.now()}`;
  mkdirSync(dir, { recursive: true });
  const port = 4299;
  const contender = await startContender(id, { databaseUrl: url, port, poolMax: Number(values.pool), nodeFlags: ['--cpu-prof', `--cpu-prof-dir=${dir}`] }, requestFor(id, port, 'Q1', inputs));
  const request = requestFor(id, port, values.shape as ShapeId, inputs);
  await load(request, Number(values.connections), 2);
  const result = await load(request, Number(values.connections), Number(values.duration));
  await contender.stop();
  await dropCopy(server, copy);
  const file = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  process.stdout.write(`${id} ${values.shape} at ${size}, c=${values.connections}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms\n`);
  if (!file) throw new Error(`no profile written in ${dir}`);
  process.stdout.write(`profile: ${dir}/${file}\n\n${summarise(JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as Profile)}`);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await main();
}
