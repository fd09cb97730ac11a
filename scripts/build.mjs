// Compiles src/ to JavaScript in dist/ (what `npm start` runs), then makes the embedded database's
// template (dist/pglite-template: migrated and seeded, copied into a new DATA_DIR on the first start).
// `npm install` runs it; `npm start` runs it again when src/ changed since dist/ was built.
//
//   node scripts/build.mjs                 build dist/ and the template if stale
//   node scripts/build.mjs --force         build anyway
//   node scripts/build.mjs --no-template   only dist/
//
// Types are not checked here (`tsc --noCheck`, ~1 s): `npm test` and `npm run typecheck` check them.
// dist/ is built in a temporary directory and renamed into place, so a service starting meanwhile runs
// the old build or the new one, never half of one.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));
export const SRC = join(ROOT, 'src');
export const DIST = join(ROOT, 'dist');
const STAMP = join(DIST, '.build.json');

async function files(directory) {
  const entries = await readdir(directory, { withFileTypes: true });
  const found = await Promise.all(entries.map((entry) => (entry.isDirectory() ? files(join(directory, entry.name)) : [join(directory, entry.name)])));
  return found.flat();
}

/** What dist/ was built from: every file under src/ and the build's own configuration. */
async function inputs() {
  return [...(await files(SRC)), join(ROOT, 'tsconfig.json'), join(ROOT, 'tsconfig.build.json')].sort();
}

/** Cheap: names, sizes and modification times. Equal fingerprints mean nothing changed. */
async function fingerprint(list) {
  const hash = createHash('sha256');
  for (const file of list) {
    const { size, mtimeMs } = await stat(file);
    hash.update(`${relative(ROOT, file)}\0${size}\0${mtimeMs}\0`);
  }
  return hash.digest('hex');
}

async function contentHash(list) {
  const hash = createHash('sha256');
  for (const file of list) hash.update(relative(ROOT, file)).update('\0').update(await readFile(file)).update('\0');
  return hash.digest('hex');
}

/**
 * Whether dist/ holds a build of the current src/. Costs a stat per source file (~10 ms); reads the
 * files only when their times or sizes changed (a checkout, a copy), to tell an edit from a touch.
 */
export async function distIsFresh() {
  const stamp = await readFile(STAMP, 'utf8').then(JSON.parse, () => null);
  if (!stamp || !existsSync(join(DIST, 'main.js'))) return false;
  const list = await inputs();
  if ((await fingerprint(list)) === stamp.fingerprint) return true;
  return (await contentHash(list)) === stamp.content;
}

export function typescriptCompiler() {
  const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  return existsSync(tsc) ? tsc : null;
}

/**
 * What `npm start` runs when it exists: the compiled service and the pure-JavaScript packages it imports as one
 * module (dist/start/main.js, esbuild, ~1 s of CPU less per start than Node.js resolving and loading ~800 files).
 * It sits two levels below the root, as every file of src/ does, so their `new URL('../../…', import.meta.url)`
 * paths stay right. Dynamic imports (the ingestion engine, tracing) become chunks beside it, loaded when used.
 * Kept out: packages that find their own files on disk (PGlite's WebAssembly, Prisma's runtime, pino's workers, ioredis),
 * and node-postgres, which Prisma's adapter (kept out) imports too: one copy of it, not two.
 */
export const BUNDLE = join('start', 'main.js');
const UNBUNDLED = ['@electric-sql/pglite', '@prisma/*', 'pg', 'pino', 'thread-stream', 'ioredis'];

/** Writes the bundle into `out` (a dist/ being built). Returns true, or why there is none (then start runs main.js). */
async function bundleService(out) {
  let esbuild;
  try {
    esbuild = await import('esbuild');
  } catch {
    return 'esbuild is not installed';
  }
  const outdir = join(out, 'start');
  await esbuild.build({
    entryPoints: [join(out, 'main.js')],
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    external: UNBUNDLED.flatMap((name) => (name.endsWith('/*') ? [name] : [name, `${name}/*`])),
    // CommonJS packages inside an ES module call require() for Node.js built-ins: give them one.
    banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
    logLevel: 'error',
  });
  // A bundled CommonJS module that locates files through __dirname/__filename would look in dist/start/: keep none.
  for (const name of await readdir(outdir)) {
    const text = await readFile(join(outdir, name), 'utf8');
    const found = text.replace(/globalThis\["__dirname"\] = /g, '').match(/\b__(?:dirname|filename)\b/);
    if (found) {
      await rm(outdir, { recursive: true, force: true });
      return `${name} uses ${found[0]} (add its package to UNBUNDLED in scripts/build.mjs)`;
    }
  }
  return true;
}

/** Compiles src/ into dist/. Returns false (and says why) when it cannot: no src/ or no TypeScript. */
export async function buildDist({ quiet = false } = {}) {
  const say = (message) => quiet || process.stdout.write(`${message}\n`);
  if (!existsSync(SRC)) {
    say('build: no src/ here (an install before the sources were copied); dist/ is built later');
    return false;
  }
  const tsc = typescriptCompiler();
  if (!tsc) {
    say('build: TypeScript is not installed (production install?); `npm start` runs src/ through tsx instead');
    return false;
  }
  const started = performance.now();
  const list = await inputs();
  const [print, content] = [await fingerprint(list), await contentHash(list)];
  const temporary = `${DIST}.tmp-${process.pid}`;
  await rm(temporary, { recursive: true, force: true });
  const result = spawnSync(process.execPath, [tsc, '-p', join(ROOT, 'tsconfig.build.json'), '--noCheck', '--outDir', temporary], {
    cwd: ROOT,
    stdio: quiet ? 'pipe' : 'inherit',
    encoding: 'utf8',
  });
  if (result.status !== 0) {
    await rm(temporary, { recursive: true, force: true });
    throw new Error(`build: tsc failed${quiet ? `:\n${result.stdout}${result.stderr}` : ''}`);
  }
  const bundled = await bundleService(temporary);
  await writeFile(join(temporary, '.build.json'), `${JSON.stringify({ fingerprint: print, content }, null, 2)}\n`);
  // Keep the database template across rebuilds of the code: it depends on the migrations and the seed, not on src/.
  const template = join(DIST, 'pglite-template');
  if (existsSync(template)) await rename(template, join(temporary, 'pglite-template'));
  const old = `${DIST}.old-${process.pid}`;
  if (existsSync(DIST)) await rename(DIST, old);
  await rename(temporary, DIST);
  await rm(old, { recursive: true, force: true });
  say(`built dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s${bundled === true ? '' : ` (not bundled: ${bundled}; \`npm start\` runs dist/main.js)`}`);
  return true;
}

const invoked = process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1];
if (invoked) {
  const force = process.argv.includes('--force');
  const built = force || !(await distIsFresh()) ? await buildDist() : (process.stdout.write('dist/ is up to date\n'), true);
  if (built && !process.argv.includes('--no-template') && !process.env.FACT_SERVICE_NO_TEMPLATE) {
    // In a child process: the template is made by the compiled service's own migration runner and seed.
    const result = spawnSync(process.execPath, [join(DIST, 'db', 'template-build.js'), ...(force ? ['--force'] : [])], { cwd: ROOT, stdio: 'inherit' });
    // A missing template only makes the first start slower (it migrates and seeds instead); never fail the install for it.
    if (result.status !== 0) process.stdout.write('build: no database template made; the first `npm start` migrates and seeds instead\n');
  }
}
