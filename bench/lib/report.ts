import { Kind, parse } from 'graphql';
import type { Size } from '../data.js';
import { SHAPES } from '../shapes.js';
import { type ContenderId, LABELS } from './contenders.js';

export interface CountEntry {
  statements: number;
  rowsRead: number;
  seqScans: number;
  failures: number;
  answer?: unknown;
  normal: unknown;
}

export interface TimingEntry {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  errors: number;
  nodeCpuMsPerRequest: number;
  postgresCpuMsPerRequest: number;
  turns: { rps: number; p50: number; p99: number; requests: number }[];
}

export interface SizeResults {
  scaling: boolean;
  spec: { actors: number; statements: number; claims: number };
  counts: Record<string, Partial<Record<ContenderId, CountEntry>>>;
  verification: Record<string, { same: boolean; problems: string[] }>;
  timing: Record<string, Record<string, Partial<Record<ContenderId, TimingEntry>>>>;
  seconds: number;
}

export interface Results {
  date: string;
  machine: { cpus: number; node: string; postgres: string; loadAverage: number[] };
  options: Record<string, unknown>;
  sizes: Partial<Record<Size, SizeResults>>;
}

const ORDER: ContenderId[] = ['ours', 'limit', 'postgraphile'];
const num = (value: number | undefined, digits = 0) => (value === undefined || Number.isNaN(value) ? '–' : value.toLocaleString('en', { maximumFractionDigits: digits, minimumFractionDigits: digits }));
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined || b === 0 ? '–' : `${(a / b).toFixed(2)}x`);
const title = (shape: string) => SHAPES.find((candidate) => candidate.id === shape)?.title ?? shape;
const describe = (spec: SizeResults['spec']) => `${num(spec.actors)} actors / ${num(spec.statements)} statements / ${num(spec.claims)} claims`;

interface Target {
  size: Size;
  what: string;
  shape: string;
  value: string;
  /** null: not measured in this run (the value says why). */
  met: boolean | null;
}

const READS = ['Q1', 'Q2', 'Q3', 'Q4', 'Q5', 'Q7'];
const LIMIT_SHAPES = ['Q2', 'Q3', 'Q4', 'Q5'];

/** Root fields of a shape's operation: issue 9 allows one SQL statement per root field. */
export function rootFields(shape: string): number {
  const query = SHAPES.find((candidate) => candidate.id === shape)?.query ?? '';
  const operation = parse(query).definitions.find((definition) => definition.kind === Kind.OPERATION_DEFINITION);
  return operation && operation.kind === Kind.OPERATION_DEFINITION ? operation.selectionSet.selections.length : 0;
}

/**
 * Issue 9's targets, each with its figure at every concurrency measured (met when met at all of them):
 * ours vs PostGraphile (Q1–Q5, Q7 ≥ 1.0x; Q6 ≥ 0.5x), ours vs the physical limit (Q2–Q5 ≥ 0.5x), Node CPU
 * per request ≤ PostGraphile's (read shapes), p50 latency at L within 1.3x of S (Q2–Q5), and SQL statements
 * per request = root fields (Q1–Q5, Q7).
 */
export function targets(results: Results): Target[] {
  const found: Target[] = [];
  const per = (byConcurrency: Record<string, Partial<Record<ContenderId, TimingEntry>>>, value: (entries: Partial<Record<ContenderId, TimingEntry>>) => number | undefined) =>
    Object.entries(byConcurrency)
      .map(([connections, entries]) => ({ connections, value: value(entries) }))
      .filter((entry): entry is { connections: string; value: number } => entry.value !== undefined && Number.isFinite(entry.value));
  const show = (values: { connections: string; value: number }[], format: (value: number) => string) => values.map(({ connections, value }) => `c=${connections} ${format(value)}`).join(', ');
  const x = (value: number) => `${value.toFixed(2)}x`;
  for (const [size, data] of Object.entries(results.sizes) as [Size, SizeResults][]) {
    if (data.scaling) continue;
    for (const [shape, byConcurrency] of Object.entries(data.timing)) {
      const vsPostgraphile = per(byConcurrency, (e) => (e.ours && e.postgraphile ? e.ours.rps / e.postgraphile.rps : undefined));
      const least = shape === 'Q6' ? 0.5 : 1.0;
      if (vsPostgraphile.length) {
        found.push({ size, shape, what: `ours vs PostGraphile ≥ ${least.toFixed(1)}x${shape === 'Q6' ? '' : ' (aim 1.2x)'}`, value: show(vsPostgraphile, x), met: vsPostgraphile.every((v) => v.value >= least) });
      }
      if (LIMIT_SHAPES.includes(shape)) {
        const vsLimit = per(byConcurrency, (e) => (e.ours && e.limit ? e.ours.rps / e.limit.rps : undefined));
        if (vsLimit.length) found.push({ size, shape, what: 'ours vs the physical limit ≥ 0.5x', value: show(vsLimit, x), met: vsLimit.every((v) => v.value >= 0.5) });
      }
      if (READS.includes(shape)) {
        const cpu = per(byConcurrency, (e) => (e.ours && e.postgraphile ? e.ours.nodeCpuMsPerRequest / e.postgraphile.nodeCpuMsPerRequest : undefined));
        const detail = Object.entries(byConcurrency)
          .map(([connections, e]) => (e.ours && e.postgraphile ? `c=${connections} ${e.ours.nodeCpuMsPerRequest.toFixed(2)} vs ${e.postgraphile.nodeCpuMsPerRequest.toFixed(2)} ms` : null))
          .filter(Boolean)
          .join(', ');
        if (cpu.length) found.push({ size, shape, what: 'Node CPU ms per request ≤ PostGraphile’s', value: detail, met: cpu.every((v) => v.value <= 1) });
      }
    }
    for (const shape of READS) {
      const statements = data.counts[shape]?.ours?.statements;
      if (statements === undefined) continue;
      const allowed = rootFields(shape);
      found.push({ size, shape, what: `SQL statements per request = root fields (${allowed})`, value: statements.toFixed(1), met: statements <= allowed });
    }
  }
  const small = results.sizes.S;
  const large = results.sizes.L;
  for (const shape of LIMIT_SHAPES) {
    if (!small?.timing[shape] && !large?.timing[shape]) continue;
    if (!small?.timing[shape] || !large?.timing[shape]) {
      found.push({ size: 'L', shape, what: 'p50 latency at L ≤ 1.3x at S', value: `not measured: needs S and L in one run (${small ? 'no L' : 'no S'})`, met: null });
      continue;
    }
    const values = Object.entries(large.timing[shape] ?? {})
      .map(([connections, e]) => ({ connections, after: e.ours?.p50, before: small.timing[shape]?.[connections]?.ours?.p50 }))
      .filter((v): v is { connections: string; after: number; before: number } => Boolean(v.after && v.before))
      .map(({ connections, after, before }) => ({ connections, value: after / before }));
    if (values.length) found.push({ size: 'L', shape, what: 'p50 latency at L ≤ 1.3x at S', value: show(values, x), met: values.every((v) => v.value <= 1.3) });
  }
  return found;
}

export function renderMarkdown(results: Results, charts: string[]): string {
  const lines: string[] = [];
  const { machine } = results;
  lines.push(`# Benchmark ${results.date.slice(0, 16).replace('T', ' ')} UTC`, '');
  lines.push(
    `Node ${machine.node} for every contender, PostgreSQL ${machine.postgres}, ${machine.cpus} cores shared by PostgreSQL, the contenders and the load generator (load average at start: ${machine.loadAverage.map((value) => value.toFixed(1)).join(', ')}). ` +
      `Options: ${JSON.stringify({ duration: results.options.durationS, warmup: results.options.warmupS, turns: results.options.turns, pool: results.options.poolMax })}.`,
    '',
  );
  for (const chart of charts) lines.push(`![${chart}](${chart})`, '');
  for (const [size, data] of Object.entries(results.sizes) as [Size, SizeResults][]) {
    lines.push(`## ${size}: ${describe(data.spec)}${data.scaling ? ' (scaling run: Q2–Q5)' : ''}`, '');
    const contenders = ORDER.filter(
      (id) => Object.values(data.counts).some((byContender) => byContender[id]) || Object.values(data.timing).some((byConcurrency) => Object.values(byConcurrency).some((byContender) => byContender[id])),
    );
    lines.push('### Same answers', '');
    for (const [shape, check] of Object.entries(data.verification)) lines.push(`- ${shape}: ${check.same ? 'identical' : `**differs**: ${check.problems.join('; ')}`}`);
    lines.push('', '### Throughput and latency', '');
    lines.push(`| shape | c | ${contenders.map((id) => `${LABELS[id]} req/s`).join(' | ')} | ours/limit | ours/PostGraphile | ${contenders.map((id) => `${LABELS[id]} p50 / p99 ms`).join(' | ')} |`);
    lines.push(`| --- | ---: | ${contenders.map(() => '---:').join(' | ')} | ---: | ---: | ${contenders.map(() => '---:').join(' | ')} |`);
    for (const [shape, byConcurrency] of Object.entries(data.timing)) {
      for (const [connections, byContender] of Object.entries(byConcurrency)) {
        const cells = contenders.map((id) => num(byContender[id]?.rps));
        const latencies = contenders.map((id) => (byContender[id] ? `${num(byContender[id]?.p50, 1)} / ${num(byContender[id]?.p99, 1)}` : '–'));
        lines.push(`| ${shape} | ${connections} | ${cells.join(' | ')} | ${ratio(byContender.ours?.rps, byContender.limit?.rps)} | ${ratio(byContender.ours?.rps, byContender.postgraphile?.rps)} | ${latencies.join(' | ')} |`);
      }
    }
    lines.push('', '### Cost per request', '');
    lines.push('SQL statements (BEGIN/COMMIT included) and rows read (sequential-scan rows + index entries, fact tables) from the counting pass; CPU ms per request at the highest concurrency, Node process vs PostgreSQL backends.', '');
    lines.push(`| shape | SQL statements ${contenders.map((id) => LABELS[id]).join(' / ')} | rows read | seq scans | Node CPU ms | PostgreSQL CPU ms |`);
    lines.push('| --- | ---: | ---: | ---: | ---: | ---: |');
    for (const [shape, byContender] of Object.entries(data.counts)) {
      const byConcurrency = data.timing[shape] ?? {};
      const top = Object.keys(byConcurrency).sort((a, b) => Number(b) - Number(a))[0];
      const timing = top ? byConcurrency[top] : undefined;
      const join = (pick: (id: ContenderId) => string) => contenders.map(pick).join(' / ');
      lines.push(
        `| ${shape} ${title(shape)} | ${join((id) => num(byContender[id]?.statements, 1))} | ${join((id) => num(byContender[id]?.rowsRead))} | ${join((id) => num(byContender[id]?.seqScans, 1))} | ${join((id) => num(timing?.[id]?.nodeCpuMsPerRequest, 2))} | ${join((id) => num(timing?.[id]?.postgresCpuMsPerRequest, 2))} |`,
      );
    }
    lines.push('', `Run time for this size: ${(data.seconds / 60).toFixed(1)} min.`, '');
  }
  const sizes = Object.keys(results.sizes) as Size[];
  if (sizes.length > 1) {
    lines.push('## Scaling: p50 latency at concurrency 1 (ms)', '');
    lines.push(`| shape | contender | ${sizes.join(' | ')} | ${sizes.at(-1)}/${sizes[0]} | SQL statements (ours) ${sizes.join(' / ')} |`);
    lines.push(`| --- | --- | ${sizes.map(() => '---:').join(' | ')} | ---: | ---: |`);
    for (const shape of ['Q2', 'Q3', 'Q4', 'Q5']) {
      for (const id of ORDER) {
        const values = sizes.map((size) => results.sizes[size]?.timing[shape]?.['1']?.[id]?.p50);
        if (values.every((value) => value === undefined)) continue;
        const statements = id === 'ours' ? sizes.map((size) => num(results.sizes[size]?.counts[shape]?.ours?.statements, 1)).join(' / ') : '';
        lines.push(`| ${shape} | ${LABELS[id]} | ${values.map((value) => num(value, 1)).join(' | ')} | ${ratio(values.at(-1), values[0])} | ${statements} |`);
      }
    }
    lines.push('');
  }
  const checks = targets(results);
  if (checks.length) {
    lines.push('## Issue 9 targets', '', '| size | shape | target | value | met |', '| --- | --- | --- | --- | --- |');
    for (const check of checks) lines.push(`| ${check.size} | ${check.shape} | ${check.what} | ${check.value} | ${check.met === null ? 'not measured' : check.met ? 'met' : '**missed**'} |`);
    lines.push('');
  }
  return lines.join('\n');
}

const COLORS: Record<ContenderId, string> = { ours: '#2563eb', limit: '#16a34a', postgraphile: '#f59e0b' };
const escape = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** Horizontal grouped bars on a log scale: one group per label, one bar per series. */
function barChart(heading: string, unit: string, groups: { label: string; bars: { series: string; color: string; value: number }[] }[]): string {
  const values = groups.flatMap((group) => group.bars.map((bar) => bar.value)).filter((value) => value > 0);
  if (values.length === 0) return '';
  const min = 10 ** Math.floor(Math.log10(Math.min(...values)));
  const max = 10 ** Math.ceil(Math.log10(Math.max(...values)));
  const left = 150;
  const width = 560;
  const barHeight = 11;
  const top = 40;
  const x = (value: number) => left + (width * Math.log10(Math.max(value, min) / min)) / Math.log10(max / min);
  let y = top;
  const parts: string[] = [];
  for (const group of groups) {
    parts.push(`<text x="${left - 8}" y="${y + (group.bars.length * barHeight) / 2 + 4}" text-anchor="end" font-size="11">${escape(group.label)}</text>`);
    for (const bar of group.bars) {
      parts.push(`<rect x="${left}" y="${y}" width="${Math.max(1, x(bar.value) - left).toFixed(1)}" height="${barHeight - 2}" fill="${bar.color}"/>`);
      parts.push(`<text x="${(x(bar.value) + 4).toFixed(1)}" y="${y + barHeight - 3}" font-size="9">${bar.value >= 100 ? Math.round(bar.value) : bar.value.toFixed(1)}</text>`);
      y += barHeight;
    }
    y += 8;
  }
  const ticks: string[] = [];
  for (let tick = min; tick <= max; tick *= 10) {
    ticks.push(`<line x1="${x(tick)}" y1="${top - 4}" x2="${x(tick)}" y2="${y}" stroke="#ddd"/><text x="${x(tick)}" y="${y + 14}" font-size="10" text-anchor="middle">${tick.toLocaleString('en')}</text>`);
  }
  const series = [...new Map(groups.flatMap((group) => group.bars.map((bar) => [bar.series, bar.color] as const))).entries()];
  const legend = series.map(([name, color], i) => `<rect x="${left + i * 170}" y="14" width="10" height="10" fill="${color}"/><text x="${left + i * 170 + 14}" y="23" font-size="11">${escape(name)}</text>`);
  const height = y + 34;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${left + width + 60}" height="${height}" font-family="sans-serif">
<rect width="100%" height="100%" fill="white"/>
<text x="8" y="${height - 6}" font-size="10" fill="#555">${escape(heading)} (${escape(unit)}, log scale)</text>
${ticks.join('\n')}
${legend.join('\n')}
${parts.join('\n')}
</svg>
`;
}

export function renderCharts(results: Results): Record<string, string> {
  const charts: Record<string, string> = {};
  for (const [size, data] of Object.entries(results.sizes) as [Size, SizeResults][]) {
    if (data.scaling) continue;
    const groups = Object.entries(data.timing).flatMap(([shape, byConcurrency]) => {
      const top = Object.keys(byConcurrency).sort((a, b) => Number(b) - Number(a))[0];
      const byContender = top ? byConcurrency[top] : undefined;
      if (!byContender) return [];
      return [{ label: `${shape} (c=${top})`, bars: ORDER.flatMap((id) => (byContender[id] ? [{ series: LABELS[id], color: COLORS[id], value: byContender[id]?.rps ?? 0 }] : [])) }];
    });
    const svg = barChart(`Requests per second at ${size} (${describe(data.spec)})`, 'req/s, higher is better', groups);
    if (svg) charts[`throughput-${size}`] = svg;
  }
  const sizes = Object.keys(results.sizes) as Size[];
  if (sizes.length > 1) {
    const shades: Record<string, string> = { S: '#93c5fd', M: '#3b82f6', L: '#1e3a8a', XS: '#dbeafe' };
    const groups = ['Q2', 'Q3', 'Q4', 'Q5'].flatMap((shape) =>
      ORDER.map((id) => ({
        label: `${shape} ${LABELS[id]}`,
        bars: sizes.flatMap((size) => {
          const value = results.sizes[size]?.timing[shape]?.['1']?.[id]?.p50;
          return value ? [{ series: `size ${size}`, color: shades[size] ?? '#888', value }] : [];
        }),
      })).filter((group) => group.bars.length > 0),
    );
    const svg = barChart(`p50 latency at concurrency 1 by data size (${sizes.join(', ')})`, 'ms, lower is better; flat is the target', groups);
    if (svg) charts.scaling = svg;
  }
  return charts;
}
