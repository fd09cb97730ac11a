import type { PrismaClient } from '../generated/prisma/client.js';
import { asConflict } from '../write/transaction.js';
import { type ImportOptions, importRecords } from '../write/import.js';
import { validBundle } from './format.js';

export { BundleError } from './format.js';
export type { ImportCounts, ImportReport } from '../write/apply.js';
export type { ImportOptions } from '../write/import.js';

/**
 * Imports a fact bundle: all or nothing, matched by slug, idempotent. The bundle is checked here (shape,
 * slugs used twice; a BundleError lists every problem) and its records handed to the write path, which
 * checks references and writes them in one transaction. Lists inside a record (an actor's affiliations,
 * a statement's stances) are the full set: entries missing from the bundle are removed.
 */
export async function importBundle(prisma: PrismaClient, input: unknown, options: ImportOptions = {}) {
  const bundle = validBundle(input);
  try {
    return await importRecords(prisma, bundle, options);
  } catch (error) {
    throw asConflict(error);
  }
}
