#!/usr/bin/env node
// npm run test:flaky [-- --runs 20 --files tests/a.test.ts,tests/b.test.ts --db pglite,postgres --burners 2]
//
// Runs the timing-sensitive test files many times in a row while CPU burners keep every core busy, on the
// embedded database and (with DATABASE_URL) on PostgreSQL, then prints each file's pass count per database
// and the first lines of every failure. A file that passes N of N here does not depend on the machine's speed.
import { spawn, spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** The files whose tests wait on processes, ports, browsers, streams or the clock. */
export const TIMING_SENSITIVE = [
  'tests/shutdown.test.ts',
  'tests/http.test.ts',
  'tests/faults.test.ts',
  'tests/subscriptions.test.ts',
  'tests/browser.test.ts',
  'tests/graphiql-subscriptions.test.ts',
  'tests/web-browser.test.ts',
  'tests/bench-smoke.test.ts',
  'tests/cold-start.test.ts',
  'tests/web-review.test.ts',
  'tests/webhooks.test.ts',
  'tests/positions.test.ts',
  'tests/websocket-rate-limit.test.ts',
  'tests/scale-out.test.ts',
];

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '20' },
    files: { type: 'string' },
    db: { type: 'string' },
    burners: { type: 'string', default: '2' },
    help: { type: 'boolean', default: false },
  },
});
if (values.help) {
  console.log(`usage: npm run test:flaky -- [--runs N] [--files a.test.ts,b.test.ts] [--db pglite,postgres] [--burners N]
  --runs     how many times to run the files (default 20)
  --files    comma-separated test files (default: ${TIMING_SENSITIVE.join(', ')})
  --db       pglite, postgres, or both (default: pglite, and postgres too when DATABASE_URL is set)
  --burners  CPU burners running meanwhile (default 2; stress-ng if installed, else Node busy loops)`);
  process.exit(0);
}

const runs = Number(values.runs);
const burnerCount = Number(values.burners);
if (!Number.isInteger(runs) || runs < 1) fail(`--runs must be a positive whole number, not ${values.runs}`);
if (!Number.isInteger(burnerCount) || burnerCount < 0) fail(`--burners must be a whole number, not ${values.burners}`);
const files = values.files ? values.files.split(',').map((file) => file.trim()).filter(Boolean) : TIMING_SENSITIVE;
const databases = (values.db ?? (process.env.DATABASE_URL ? 'pglite,postgres' : 'pglite')).split(',').map((db) => db.trim());
for (const db of databases) if (db !== 'pglite' && db !== 'postgres') fail(`--db takes pglite and/or postgres, not ${db}`);
if (databases.includes('postgres') && !process.env.DATABASE_URL) fail('--db postgres needs DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test)');

function fail(message) {
  console.error(message);
  process.exit(2);
}

/** Keeps `count` cores busy until stopped: stress-ng when the machine has it, else Node busy loops. */
function startBurners(count) {
  if (count === 0) return { kind: 'none', stop() {} };
  const hasStressNg = spawnSync('stress-ng', ['--version'], { stdio: 'ignore' }).status === 0;
  const children = hasStressNg
    ? [spawn('stress-ng', ['--cpu', String(count), '--quiet'], { stdio: 'ignore', detached: true })]
    : Array.from({ length: count }, () => spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore', detached: true }));
  return {
    kind: hasStressNg ? `stress-ng --cpu ${count}` : `${count} Node busy loop${count === 1 ? '' : 's'}`,
    stop() {
      for (const child of children) if (child.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
    },
  };
}

/** One vitest run of `files` on `db`; resolves with each file's outcome from the JSON report. */
function runOnce(db, reportFile) {
  const env = { ...process.env };
  if (db === 'pglite') delete env.DATABASE_URL;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', ...files, '--reporter=json', `--outputFile=${reportFile}`], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      detached: true,
    });
    running = child;
    let stderr = '';
    child.stderr.on('data', (chunk) => {
      stderr = (stderr + chunk).slice(-4000);
    });
    child.on('exit', (code) => {
      running = null;
      let report;
      try {
        report = JSON.parse(readFileSync(reportFile, 'utf8'));
        rmSync(reportFile);
      } catch {
        report = null;
      }
      const outcomes = new Map();
      for (const file of files) {
        const result = report?.testResults?.find((entry) => relative(ROOT, entry.name) === file);
        if (!result) {
          outcomes.set(file, { passed: false, failures: [`no result (vitest exited with ${code}): ${stderr.trim().split('\n').slice(-3).join(' | ')}`], details: [stderr] });
          continue;
        }
        const failed = result.assertionResults.filter((test) => test.status === 'failed');
        const failures = failed.map((test) => `${test.fullName}: ${firstLines(test.failureMessages?.[0])}`);
        const details = failed.map((test) => `${test.fullName}\n${(test.failureMessages ?? []).join('\n')}`);
        if (result.status === 'failed' && failed.length === 0) {
          failures.push(`the file failed outside a test: ${firstLines(result.message)}`);
          details.push(`outside a test\n${result.message}`);
        }
        // A file whose every test was skipped (it needs PostgreSQL, nginx, Redis or Chromium) ran nothing: it is
        // reported as skipped, never counted as a pass.
        const ran = result.assertionResults.some((test) => test.status === 'passed' || test.status === 'failed');
        outcomes.set(file, { passed: result.status === 'passed' || (result.status !== 'failed' && failed.length === 0), skipped: !ran && failed.length === 0, failures, details });
      }
      resolve(outcomes);
    });
  });
}

const firstLines = (text = '', count = 2) =>
  String(text)
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean)
    .slice(0, count)
    .join(' / ');

const seconds = (ms) => `${Math.round(ms / 1000)} s`;

let running = null;
const burners = startBurners(burnerCount);
process.on('exit', () => {
  burners.stop();
  if (running?.pid && running.exitCode === null) process.kill(-running.pid, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => process.exit(130));

const reportDir = mkdtempSync(join(tmpdir(), 'test-flaky-'));
// Every failure's whole message (the console shows its first lines): test-results/flaky/<db>-run<N>.log.
const failureDir = join(ROOT, 'test-results', 'flaky');
mkdirSync(failureDir, { recursive: true });
console.log(`${runs} run${runs === 1 ? '' : 's'} of ${files.length} file${files.length === 1 ? '' : 's'} on ${databases.join(' and ')}, ${availableParallelism()} cores, burners: ${burners.kind}`);
const started = performance.now();
const tallies = new Map();
for (const db of databases) {
  const tally = new Map(files.map((file) => [file, { passed: 0, skipped: 0, failures: [] }]));
  tallies.set(db, tally);
  for (let run = 1; run <= runs; run++) {
    const runStarted = performance.now();
    const outcomes = await runOnce(db, join(reportDir, `${db}-${run}.json`));
    const failedFiles = [];
    const failures = [];
    for (const [file, outcome] of outcomes) {
      const entry = tally.get(file);
      if (outcome.skipped) entry.skipped++;
      else if (outcome.passed) entry.passed++;
      else {
        failedFiles.push(file);
        appendFileSync(join(failureDir, `${db}-run${run}.log`), `## ${file}\n${outcome.details.join('\n\n')}\n\n`);
        for (const failure of outcome.failures) {
          entry.failures.push(`run ${run}: ${failure}`);
          failures.push(`  ${file}: ${failure}`);
        }
      }
    }
    console.log(`${db} run ${run}/${runs}: ${failedFiles.length ? `FAILED ${failedFiles.join(', ')}` : 'all passed'} (${seconds(performance.now() - runStarted)})`);
    for (const failure of failures) console.log(failure);
  }
}
rmSync(reportDir, { recursive: true, force: true });

console.log(`\nPass counts (${runs} runs each, ${seconds(performance.now() - started)} in all, burners: ${burners.kind}):`);
const width = Math.max(...files.map((file) => file.length));
console.log(`${'file'.padEnd(width)}  ${databases.map((db) => db.padStart(10)).join('  ')}`);
const count = ({ passed, skipped }) => (skipped === runs ? 'skipped' : `${passed}/${runs - skipped}${skipped ? ` (${skipped} skipped)` : ''}`);
for (const file of files) console.log(`${file.padEnd(width)}  ${databases.map((db) => count(tallies.get(db).get(file)).padStart(10)).join('  ')}`);
let failures = 0;
for (const [db, tally] of tallies) {
  for (const [file, { failures: list }] of tally) {
    if (!list.length) continue;
    failures += list.length;
    console.log(`\n${file} on ${db}:`);
    for (const failure of list) console.log(`  ${failure}`);
  }
}
process.exit(failures ? 1 : 0);
