// Builds the explorer (web/) into web/dist with Vite, unless web/dist was built from the same sources and
// lockfile already: `npm install` runs it, and so do the browser tests, so it must be cheap when nothing changed.
//
//   node scripts/build-web.mjs           build if stale
//   node scripts/build-web.mjs --force   build anyway
//
// The build goes to a temporary directory first and replaces web/dist at the end, so a service starting
// meanwhile sees the old build or the new one, never half of one.
import { createHash } from 'node:crypto';
import { readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const WEB = join(ROOT, 'web');
const DIST = join(WEB, 'dist');
const STAMP = join(DIST, '.vite', 'sources.sha256');
const SKIPPED = new Set(['dist', 'node_modules']);

async function files(directory) {
  const entries = await readdir(directory, { withFileTypes: true });
  const found = await Promise.all(
    entries
      .filter((entry) => !SKIPPED.has(entry.name) && !entry.name.startsWith('dist.'))
      .map((entry) => (entry.isDirectory() ? files(join(directory, entry.name)) : [join(directory, entry.name)])),
  );
  return found.flat();
}

async function sourcesHash() {
  const hash = createHash('sha256');
  for (const file of [...(await files(WEB)), join(ROOT, 'package-lock.json')].sort()) {
    hash.update(relative(ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  }
  return hash.digest('hex');
}

const force = process.argv.includes('--force');
const hash = await sourcesHash();
const built = await readFile(STAMP, 'utf8').catch(() => null);
if (!force && built === hash) {
  process.stdout.write('web/dist is up to date\n');
  process.exit(0);
}

const { build } = await import('vite');
const started = performance.now();
const temporary = `${DIST}.${process.pid}`;
try {
  await build({ configFile: join(WEB, 'vite.config.ts'), logLevel: 'warn', build: { outDir: temporary } });
  await writeFile(join(temporary, '.vite', 'sources.sha256'), hash);
  const previous = `${DIST}.old.${process.pid}`;
  await rename(DIST, previous).catch(() => undefined);
  await rename(temporary, DIST);
  await rm(previous, { recursive: true, force: true });
} finally {
  await rm(temporary, { recursive: true, force: true });
}
process.stdout.write(`built web/dist in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
