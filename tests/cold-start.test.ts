// `npm start` as a user runs it: the real process (package.json's start script: dist/, rebuilt first if
// src/ changed), a new database, then a second start on the same one. It prints how long each start took
// (wall-clock and CPU) and asserts what a user would notice: the article is there, the admin token is
// printed once, the second start neither seeds nor makes a token again. No assertion on time: the
// figures depend on the machine (README "Performance" has them for an idle one).
import { randomBytes } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Started, startService } from '../bench/lib/startup.js';
import { copyTemplateInto, currentStamp, TEMPLATE_DIR, readTemplateStamp, writeTemplateStamp } from '../src/db/template.js';
import { adminQuery, databaseLabel, usingPostgres } from './support/database.js';
import { splitSchema } from '../src/db.js';

const SLOW = { timeout: 600_000 };
// Generous: on a machine shared with other test runs a start can wait for CPU, and on PostgreSQL for the
// migration lock other runs hold (it is per database, not per schema).
const START_TIMEOUT_MS = 240_000;
const running: Started[] = [];
const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  await Promise.all(running.map((service) => service.stop()));
  for (const cleanup of cleanups) await cleanup();
});

async function articleStatements(url: string): Promise<number> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ statements(first: 50) { totalCount edges { node { speaker { name } } } } }' }),
  });
  const body = (await response.json()) as { data?: { statements: { totalCount: number } }; errors?: unknown };
  expect(body.errors).toBeUndefined();
  return body.data?.statements.totalCount ?? -1;
}

const report = (label: string, service: Started) =>
  process.stdout.write(
    `[cold start, ${databaseLabel()}] ${label}: ready after ${Math.round(service.wallMs)} ms wall-clock, ` +
      `${service.cpuMs ?? '?'} ms CPU; the service's own start-up (database open to listening) ${service.serviceMs} ms\n`,
  );

describe(`npm start on a new database, then again (${databaseLabel()})`, () => {
  it('serves the article on the first start and on the next, printing the admin token once', SLOW, async () => {
    let env: Record<string, string>;
    if (usingPostgres()) {
      const schema = `t_cold_start_${randomBytes(4).toString('hex')}`;
      await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
      await adminQuery(`CREATE SCHEMA "${schema}"`);
      cleanups.push(() => adminQuery(`DROP SCHEMA "${schema}" CASCADE`));
      const url = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
      url.searchParams.set('schema', schema);
      env = { DATABASE_URL: url.toString() };
    } else {
      const dir = await mkdtemp(join(tmpdir(), 'fact-cold-start-'));
      cleanups.push(() => rm(dir, { recursive: true, force: true }));
      env = { DATA_DIR: join(dir, 'pglite'), DATABASE_URL: '' };
    }

    const first = await startService(env, START_TIMEOUT_MS);
    running.push(first);
    report('first start (new database)', first);
    expect(await articleStatements(first.url)).toBe(24);
    if (!usingPostgres()) await first.waitForLine(/An admin token was made/);
    const usedTemplate = first.output.some((line) => line.includes('copied the migrated and seeded template'));
    process.stdout.write(`[cold start, ${databaseLabel()}] the first start ${usedTemplate ? 'copied the install-time template' : 'migrated and seeded'}\n`);
    await first.stop();

    const second = await startService(env, START_TIMEOUT_MS);
    running.push(second);
    report('later start', second);
    expect(await articleStatements(second.url)).toBe(24);
    expect(second.output.some((line) => line.includes('"seeded"') || line.includes('copied the migrated'))).toBe(false);
    expect(second.output.some((line) => line.includes('An admin token was made'))).toBe(false);
    await second.stop();
  });
});

describe('the embedded database template', () => {
  const newDir = async () => {
    const dir = await mkdtemp(join(tmpdir(), 'fact-template-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    return dir;
  };

  it('is not used for a data directory that already holds something', async () => {
    const dir = await newDir();
    await writeFile(join(dir, 'PG_VERSION'), '17\n');
    expect(await copyTemplateInto(dir)).toEqual({ used: false, reason: 'the data directory exists' });
    expect(await readdir(dir)).toEqual(['PG_VERSION']);
  });

  it('is not used when it was made from other migrations, and then nothing is copied', async () => {
    const dir = await newDir();
    const template = join(dir, 'template');
    await mkdir(join(template, 'data'), { recursive: true });
    await writeFile(join(template, 'data', 'PG_VERSION'), '17\n');
    await writeTemplateStamp(template, { ...(await currentStamp()), migrations: 'an older set of migrations' });
    expect(await copyTemplateInto(join(dir, 'pglite'), template)).toMatchObject({ used: false, reason: expect.stringMatching(/other migrations/) });
    expect(await readdir(dir)).toEqual(['template']);
  });

  it('is not used when there is none', async () => {
    const dir = await newDir();
    expect(await copyTemplateInto(join(dir, 'pglite'), join(dir, 'missing'))).toMatchObject({ used: false, reason: expect.stringMatching(/no database template/) });
  });

  // The template is an embedded (PGlite) database: with DATABASE_URL set there is nothing of it to check here.
  it.runIf(!usingPostgres())('when current, is copied whole into a new data directory (and its parents made)', async (context) => {
    const stamp = await readTemplateStamp();
    if (!stamp) {
      // npm install makes it (scripts/build.mjs); a checkout without one has nothing to copy here.
      context.skip();
      return;
    }
    const dir = await newDir();
    const template = join(dir, 'template');
    await cp(TEMPLATE_DIR, template, { recursive: true });
    const target = join(dir, 'a', 'b', 'pglite');
    const outcome = await copyTemplateInto(target, template);
    if (JSON.stringify(stamp) !== JSON.stringify(await currentStamp())) {
      expect(outcome).toMatchObject({ used: false });
      return;
    }
    expect(outcome).toEqual({ used: true });
    expect((await readdir(target)).sort()).toEqual((await readdir(join(template, 'data'))).sort());
    expect((await readdir(join(dir, 'a', 'b'))).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });
});
