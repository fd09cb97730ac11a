/**
 * Start-up time of `npm start`: a first start on a new embedded database, then a later start on it,
 * `--runs` times, this tree and (with --baseline DIR) another checkout side by side, alternating which
 * goes first. Prints wall-clock time to the "fact service ready" line and the CPU time the process used
 * by then (on a busy machine CPU time says more; on an idle one a start takes about its CPU time).
 *
 *   npx tsx bench/start.ts [--runs 3] [--baseline /work/main]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { ROOT, startService } from './lib/startup.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '3' }, baseline: { type: 'string' } } });
const runs = Number(values.runs);
const trees = [{ label: 'this tree', root: ROOT }, ...(values.baseline ? [{ label: `baseline ${values.baseline}`, root: values.baseline }] : [])];
type Figures = { wall: number[]; cpu: number[] };
const results = new Map(trees.map((tree) => [tree.label, { first: { wall: [], cpu: [] } as Figures, later: { wall: [], cpu: [] } as Figures }]));

for (let run = 0; run < runs; run++) {
  for (const tree of run % 2 === 0 ? trees : [...trees].reverse()) {
    const dir = await mkdtemp(join(tmpdir(), 'fact-start-'));
    try {
      const env = { DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '', GRAPHIQL: 'true' };
      for (const phase of ['first', 'later'] as const) {
        const service = await startService(env, 300_000, tree.root);
        await service.stop();
        const figures = results.get(tree.label)?.[phase];
        figures?.wall.push(service.wallMs);
        figures?.cpu.push(service.cpuMs ?? Number.NaN);
        process.stdout.write(`${tree.label}, run ${run + 1}, ${phase} start: ${Math.round(service.wallMs)} ms wall-clock, ${service.cpuMs} ms CPU\n`);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
process.stdout.write(`\nload average ${loadavg().map((v) => v.toFixed(1)).join(', ')}; medians of ${runs} runs\n\n| tree | first start wall / CPU ms | later start wall / CPU ms |\n| --- | ---: | ---: |\n`);
for (const [label, { first, later }] of results) {
  process.stdout.write(`| ${label} | ${Math.round(median(first.wall))} / ${Math.round(median(first.cpu))} | ${Math.round(median(later.wall))} / ${Math.round(median(later.cpu))} |\n`);
}
