import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { type Database, openDatabase, splitSchema } from '../src/db.js';
import { applyMigrations } from '../src/db/migrate.js';
import { draftBundleSchema, formatHasQuotes } from '../src/ingest/index.js';
import { adminQuery, databaseLabel, usingPostgres } from './support/database.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SEED_ARTICLE = join(ROOT, 'prisma/seed/china-north-korea-russia.txt');
const tsx = join(ROOT, 'node_modules/.bin/tsx');

/**
 * A database the commands run against, as the service would be configured for it. PGlite is one process's at a time,
 * so the test opens it only between commands.
 */
interface Target {
  env: NodeJS.ProcessEnv;
  open(): Promise<Database>;
  dispose(): Promise<void>;
}

async function target(label: string, migrated: boolean): Promise<Target> {
  if (usingPostgres()) {
    const schema = `t_ingest_${label}_${randomBytes(4).toString('hex')}`;
    await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
    await adminQuery(`CREATE SCHEMA "${schema}"`);
    const url = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
    url.searchParams.set('schema', schema);
    const open = () => openDatabase({ kind: 'postgres', url: url.toString(), poolMax: 2 });
    if (migrated) {
      const db = await open();
      await db.withSession((session) => applyMigrations(session));
      await db.close();
    }
    return { env: { DATABASE_URL: url.toString() }, open, dispose: () => adminQuery(`DROP SCHEMA "${schema}" CASCADE`) };
  }
  const dir = await mkdtemp(join(tmpdir(), `ingest-${label}-`));
  const dataDir = join(dir, 'pglite');
  const open = () => openDatabase({ kind: 'pglite', dataDir });
  if (migrated) {
    const db = await open();
    await db.withSession((session) => applyMigrations(session));
    await db.close();
  }
  return { env: { DATA_DIR: dataDir }, open, dispose: () => rm(dir, { recursive: true, force: true }) };
}

function run(script: string, args: string[], env: NodeJS.ProcessEnv) {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, LOG_LEVEL: 'silent', ...env };
  if (!env.DATABASE_URL) delete childEnv.DATABASE_URL;
  return spawnSync(tsx, [join(ROOT, 'src/cli', script), ...args], { cwd: ROOT, env: childEnv, encoding: 'utf8', timeout: 120_000 });
}

async function counts(db: Database) {
  const { prisma } = db;
  const [actors, sources, statements, claims, stances, audit] = await Promise.all([
    prisma.actor.count(),
    prisma.source.count(),
    prisma.statement.count(),
    prisma.claim.count(),
    prisma.stance.count(),
    prisma.auditEntry.count(),
  ]);
  return { actors, sources, statements, claims, stances, audit };
}

describe(`npm run ingest (${databaseLabel()})`, { timeout: 300_000 }, () => {
  let seeded: Target;
  let dir: string;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'ingest-cli-'));
    seeded = await target('seeded', true);
    const db = await seeded.open();
    await seed(db.prisma);
    await db.close();
  });
  afterAll(async () => {
    await seeded?.dispose();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('says clearly that a database has not been migrated, and creates nothing', async () => {
    const empty = await target('empty', false);
    try {
      const result = run('ingest.ts', [SEED_ARTICLE], empty.env);
      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/has not been migrated .*: run `npm run migrate`/);
      expect(result.stderr).not.toMatch(/\n\s+at /);
      if (empty.env.DATA_DIR) expect(existsSync(empty.env.DATA_DIR)).toBe(false);
    } finally {
      await empty.dispose();
    }
  });

  it('prints the seed article’s drafts as a bundle, matched against the actors in the database, and writes nothing', async () => {
    const db = await seeded.open();
    const before = await counts(db);
    await db.close();

    const result = run('ingest.ts', [SEED_ARTICLE, '--source-title', 'China calls ties “not its concern”', '--published', '2024-11-01', '--publisher', 'Example Wire'], seeded.env);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(0);
    expect(result.stderr).toMatch(/drafts from 25 known actors .*Nothing was written\./);
    expect(result.stderr).toContain('(already stored: lin-does-not-know-specifics)');
    expect(result.stderr).toContain('(already stored: china-not-its-concern)');
    const parsed = draftBundleSchema.safeParse(JSON.parse(result.stdout));
    expect(parsed.success).toBe(true);
    if (!parsed.success) return;
    const bundle = parsed.data;
    const text = await readFile(SEED_ARTICLE, 'utf8');
    expect(bundle.sources).toEqual([expect.objectContaining({ slug: 'article-china-calls-ties-not-its-concern', publisher: 'Example Wire', publishedOn: '2024-11-01', text })]);
    expect(bundle.actors).toEqual([]);
    const quotes = bundle.statements.filter((statement) => statement.kind === 'DIRECT_QUOTE');
    expect(quotes.length).toBeGreaterThanOrEqual(8);
    for (const statement of bundle.statements) {
      if (statement.quote) expect(text.slice(statement.quote.start, statement.quote.end)).toBe(statement.text);
    }
    expect(quotes.find((statement) => statement.text.startsWith('North Korea and Russia are two independent'))).toMatchObject({ speaker: 'lin-jian', onBehalfOf: 'china', venue: 'press briefing' });
    expect(bundle.statements.find((statement) => statement.text === 'not its concern')).toMatchObject({ speaker: 'china', saidOn: '2024-11-01' });

    const after = await seeded.open();
    try {
      expect(await counts(after)).toEqual(before);
    } finally {
      await after.close();
    }
  });

  it('refuses an empty article and bad options with a clear message', async () => {
    const empty = join(dir, 'empty.txt');
    await writeFile(empty, '  \n');
    const refused = run('ingest.ts', [empty], seeded.env);
    expect(refused.status).toBe(1);
    expect(refused.stderr).toContain('the text was refused: text must not be empty');
    expect(run('ingest.ts', [SEED_ARTICLE, '--published', '2024-02-30'], seeded.env).status).toBe(2);
    expect(run('ingest.ts', [], seeded.env).status).toBe(2);
    const missing = run('ingest.ts', [join(dir, 'nope.txt')], seeded.env);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/Could not read .*nope\.txt/);
  });

  it('ingests an article with no known speakers and imports the result (without text and quote until the format has them)', async () => {
    const article = join(ROOT, 'tests/fixtures/ingest/aldmoor-flood-barrier.txt');
    const ingested = run('ingest.ts', [article, '--source-title', 'Aldmoor flood barrier delayed', '--published', '2025-03-14'], seeded.env);
    expect(ingested.status).toBe(0);
    const bundle = draftBundleSchema.parse(JSON.parse(ingested.stdout));
    expect(bundle.actors.map((actor) => actor.slug)).toEqual(expect.arrayContaining(['chen-jianguo', 'aldmoor-harbour-authority', 'soren-odegaard']));
    const importable = formatHasQuotes
      ? bundle
      : { ...bundle, sources: bundle.sources.map(({ text: _text, ...source }) => source), statements: bundle.statements.map(({ quote: _quote, ...statement }) => statement) };
    const draft = join(dir, 'aldmoor.json');
    await writeFile(draft, JSON.stringify(importable));
    const imported = run('import.ts', [draft, '--json'], seeded.env);
    expect(imported.stderr).not.toMatch(/\n\s+at /);
    expect(imported.status).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, actors: { created: bundle.actors.length }, statements: { created: bundle.statements.length } });
    const db = await seeded.open();
    try {
      const chen = await db.prisma.statement.findMany({ where: { speaker: { slug: 'chen-jianguo' } }, select: { kind: true, onBehalfOf: { select: { slug: true } } } });
      expect(chen.length).toBeGreaterThanOrEqual(3);
      expect(chen.every((statement) => statement.onBehalfOf?.slug === 'aldmoor-harbour-authority')).toBe(true);
    } finally {
      await db.close();
    }
  });

  describe.runIf(formatHasQuotes)('ingest, then import', () => {
    it('imports the printed bundle: the source keeps its text and each quote its offsets', async () => {
      const draft = join(dir, 'draft.json');
      const ingested = run('ingest.ts', [SEED_ARTICLE, '--source-title', 'Seed article, ingested', '--published', '2024-11-01'], seeded.env);
      expect(ingested.status).toBe(0);
      await writeFile(draft, ingested.stdout);
      const bundle = draftBundleSchema.parse(JSON.parse(ingested.stdout));
      const imported = run('import.ts', [draft, '--json'], seeded.env);
      expect(imported.stderr).not.toMatch(/\n\s+at /);
      expect(imported.status).toBe(0);
      expect(JSON.parse(imported.stdout)).toMatchObject({ ok: true, statements: { created: bundle.statements.length }, sources: { created: 1 } });
      const again = run('import.ts', [draft, '--json'], seeded.env);
      expect(JSON.parse(again.stdout)).toMatchObject({ ok: true, statements: { created: 0, unchanged: bundle.statements.length } });
    });
  });
  if (!formatHasQuotes) {
    it('ingest, then import: waits for the shared format to carry Source.text and Statement.quote', () => {
      process.stdout.write('ingest → import end to end is not run: src/bundle/format.ts has no sources[].text / statements[].quote yet\n');
      expect(formatHasQuotes).toBe(false);
    });
  }

  it('--queue puts the drafts into the review queue, once, and refuses a database that has not been migrated', async () => {
    const article = join(ROOT, 'tests/fixtures/ingest/kestrel-ferries.txt');
    const first = run('ingest.ts', [article, '--queue', '--source-title', 'Kestrel Ferries goes electric', '--published', '2026-03-04'], seeded.env);
    expect(first.status, first.stderr).toBe(0);
    const queued = JSON.parse(first.stdout) as { ingestion: string; created: boolean; drafts: number };
    expect(queued.created).toBe(true);
    expect(queued.drafts).toBeGreaterThan(0);
    expect(first.stderr).toMatch(new RegExp(`Queued ${queued.drafts} drafts .*\\n.*/review/${queued.ingestion}`));
    const again = run('ingest.ts', [article, '--queue', '--source-title', 'Kestrel Ferries goes electric'], seeded.env);
    expect(again.status, again.stderr).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ ingestion: queued.ingestion, created: false });
    expect(again.stderr).toMatch(/Already in the queue, nothing written/);
    const db = await seeded.open();
    try {
      expect(await db.prisma.ingestion.count()).toBe(1);
      expect(await db.prisma.ingestionDraft.count()).toBe(queued.drafts);
      expect(await db.prisma.source.count({ where: { title: 'Kestrel Ferries goes electric' } })).toBe(0);
    } finally {
      await db.close();
    }
    const empty = await target('queue-empty', false);
    try {
      const refused = run('ingest.ts', [article, '--queue', '--source-title', 'K'], empty.env);
      expect(refused.status).toBe(1);
      expect(refused.stderr).toMatch(/has not been migrated .*: run `npm run migrate`/);
    } finally {
      await empty.dispose();
    }
  });
});
