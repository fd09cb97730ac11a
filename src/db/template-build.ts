// Makes the embedded database template (see template.ts): run by scripts/build.mjs at `npm install`,
// from dist/. A new PGlite database, migrated and seeded exactly as the first `npm start` would, with no
// API token (the first start makes and prints one).
import { rename, rm } from 'node:fs/promises';
import { seed } from '../bundle/seed.js';
import { openDatabase } from '../db.js';
import { applyMigrations } from './migrate.js';
import { currentStamp, readTemplateStamp, TEMPLATE_DIR, templateDataDir, writeTemplateStamp } from './template.js';

const started = performance.now();
const stamp = await currentStamp();
const existing = await readTemplateStamp();
if (!process.argv.includes('--force') && existing && JSON.stringify(existing) === JSON.stringify(stamp)) {
  process.stdout.write('the database template is up to date\n');
  process.exit(0);
}
const temporary = `${TEMPLATE_DIR.replace(/[\\/]+$/, '')}.tmp-${process.pid}`;
await rm(temporary, { recursive: true, force: true });
try {
  const db = await openDatabase({ kind: 'pglite', dataDir: templateDataDir(temporary) });
  try {
    await db.withSession((session) => applyMigrations(session));
    await seed(db.prisma);
  } finally {
    await db.close();
  }
  await writeTemplateStamp(temporary, stamp);
} catch (error) {
  await rm(temporary, { recursive: true, force: true });
  throw error;
}
await rm(TEMPLATE_DIR, { recursive: true, force: true });
await rename(temporary, TEMPLATE_DIR);
process.stdout.write(`made the database template (dist/pglite-template) in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
