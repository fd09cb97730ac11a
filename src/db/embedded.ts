import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';

/** An embedded PostgreSQL: persisted in `dataDir`, or in memory when it is undefined. */
export async function openEmbedded(dataDir: string | undefined): Promise<PGlite> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  return PGlite.create(dataDir ?? 'memory://', { extensions: { pg_trgm } });
}
