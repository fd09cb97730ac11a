import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '../generated/prisma/client.js';
import { type ImportReport, importBundle } from './import.js';

export const SEED_DIR = fileURLToPath(new URL('../../prisma/seed/', import.meta.url));

export async function seedBundles(dir = SEED_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.bundle.json')).sort().map((name) => join(dir, name));
}

/** The writer the seed's audit entries name: the history of every record it loads starts with it. */
export const SEED_WRITER = 'seed';

/**
 * Imports every bundle under prisma/seed, audited as written by {@link SEED_WRITER}, so the article's records
 * have a history from the start. Idempotent: a second run reports everything unchanged (and its audit entry says so).
 */
export async function seed(prisma: PrismaClient, dir = SEED_DIR): Promise<{ file: string; report: ImportReport }[]> {
  const results = [];
  for (const file of await seedBundles(dir)) {
    const report = await importBundle(prisma, JSON.parse(await readFile(file, 'utf8')), { writer: SEED_WRITER });
    results.push({ file, report });
  }
  return results;
}

export async function isEmpty(prisma: PrismaClient): Promise<boolean> {
  const [sources, statements] = await Promise.all([prisma.source.count(), prisma.statement.count()]);
  return sources === 0 && statements === 0;
}
