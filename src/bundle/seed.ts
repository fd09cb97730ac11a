import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { PrismaClient } from '../generated/prisma/client.js';
import { type ImportReport, importBundle } from './import.js';

export const SEED_DIR = fileURLToPath(new URL('../../prisma/seed/', import.meta.url));

export async function seedBundles(dir = SEED_DIR): Promise<string[]> {
  return (await readdir(dir)).filter((name) => name.endsWith('.bundle.json')).sort().map((name) => join(dir, name));
}

/** Imports every bundle under prisma/seed. Idempotent: a second run reports everything unchanged. */
export async function seed(prisma: PrismaClient, dir = SEED_DIR): Promise<{ file: string; report: ImportReport }[]> {
  const results = [];
  for (const file of await seedBundles(dir)) {
    const report = await importBundle(prisma, JSON.parse(await readFile(file, 'utf8')));
    results.push({ file, report });
  }
  return results;
}

export async function isEmpty(prisma: PrismaClient): Promise<boolean> {
  const [sources, statements] = await Promise.all([prisma.source.count(), prisma.statement.count()]);
  return sources === 0 && statements === 0;
}
