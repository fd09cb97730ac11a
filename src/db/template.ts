import { createHash } from 'node:crypto';
import { cpSync, existsSync } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, rmdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SEED_DIR } from '../bundle/seed.js';
import { DEFAULT_MIGRATIONS_DIR } from './migrate.js';

/**
 * A new embedded database costs most of the first start in PostgreSQL's initdb (several seconds of CPU
 * in WebAssembly), then the migrations and the seed. `npm install` makes one ready database here
 * (scripts/build.mjs → template-build.ts); the first `npm start` copies it into DATA_DIR instead.
 * The same path from src/db and dist/db.
 */
export const TEMPLATE_DIR = fileURLToPath(new URL('../../dist/pglite-template/', import.meta.url));
const DATA = 'data';
const STAMP = 'stamp.json';

export interface TemplateStamp {
  /** The PGlite release that made it: its data directory format and extensions. */
  pglite: string;
  /** The migrations and seed bundles it holds; a template made from others is not used. */
  migrations: string;
  seed: string;
}

async function hashDirectory(directory: string, keep: (name: string) => boolean): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string, prefix: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path, `${prefix}${entry.name}/`);
      else if (keep(entry.name)) hash.update(`${prefix}${entry.name}\0`).update(await readFile(path)).update('\0');
    }
  };
  await walk(directory, '');
  return hash.digest('hex');
}

async function pgliteVersion(): Promise<string> {
  let dir = dirname(fileURLToPath(import.meta.resolve('@electric-sql/pglite')));
  for (;;) {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').then((text) => JSON.parse(text) as { name?: string; version?: string }, () => null);
    if (manifest?.name === '@electric-sql/pglite' && manifest.version) return manifest.version;
    const parent = dirname(dir);
    if (parent === dir) return 'unknown';
    dir = parent;
  }
}

export async function currentStamp(): Promise<TemplateStamp> {
  return {
    pglite: await pgliteVersion(),
    migrations: await hashDirectory(DEFAULT_MIGRATIONS_DIR, (name) => name.endsWith('.sql') || name.endsWith('.toml')),
    seed: await hashDirectory(SEED_DIR, (name) => name.endsWith('.bundle.json')),
  };
}

const sameStamp = (a: TemplateStamp, b: TemplateStamp) => a.pglite === b.pglite && a.migrations === b.migrations && a.seed === b.seed;

export async function readTemplateStamp(template = TEMPLATE_DIR): Promise<TemplateStamp | null> {
  if (!existsSync(join(template, DATA, 'PG_VERSION'))) return null;
  return readFile(join(template, STAMP), 'utf8').then((text) => JSON.parse(text) as TemplateStamp, () => null);
}

export async function writeTemplateStamp(template: string, stamp: TemplateStamp): Promise<void> {
  await writeFile(join(template, STAMP), `${JSON.stringify(stamp, null, 2)}\n`);
}

export const templateDataDir = (template: string) => join(template, DATA);

async function isEmptyDirectory(dir: string): Promise<boolean> {
  const entries = await readdir(dir).catch((error: NodeJS.ErrnoException) => (error.code === 'ENOENT' ? [] : Promise.reject(error)));
  return entries.length === 0;
}

export type TemplateOutcome = { used: true } | { used: false; reason: string };

/**
 * Copies the template into `dataDir` when `dataDir` is new (missing or empty) and the template was made
 * from the current migrations, seed and PGlite. The copy goes to a temporary directory renamed into
 * place, so an interrupted copy leaves no half database behind. Never throws for a missing or stale
 * template: the caller migrates and seeds as usual.
 */
export async function copyTemplateInto(dataDir: string, template = TEMPLATE_DIR): Promise<TemplateOutcome> {
  if (!(await isEmptyDirectory(dataDir))) return { used: false, reason: 'the data directory exists' };
  const stamp = await readTemplateStamp(template);
  if (!stamp) return { used: false, reason: 'no database template (npm install makes it)' };
  if (!sameStamp(stamp, await currentStamp())) return { used: false, reason: 'the database template is from other migrations, seed or PGlite' };
  const temporary = `${dataDir.replace(/[\\/]+$/, '')}.tmp-${process.pid}`;
  try {
    await mkdir(dirname(temporary), { recursive: true });
    await rm(temporary, { recursive: true, force: true });
    // Synchronous: ~1,000 files, and nothing else runs yet; the promise-based cp costs about half as much CPU again.
    cpSync(templateDataDir(template), temporary, { recursive: true });
    if (existsSync(dataDir)) await rmdir(dataDir);
    await rename(temporary, dataDir);
    return { used: true };
  } catch (error) {
    await rm(temporary, { recursive: true, force: true });
    return { used: false, reason: `copying the database template failed: ${error instanceof Error ? error.message : String(error)}` };
  }
}
