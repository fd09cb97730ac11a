import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { freePort, type Listening, listen } from './support/listen.js';

/**
 * The real OpenRefine 3.6 (Debian's `openrefine` package, a Java application) reconciling a CSV against
 * this service through its own HTTP API, then adding columns from the matches. It needs ~600 MB and half
 * a minute to start, so it runs only when asked: OPENREFINE_TEST=1 (starts /usr/bin/openrefine), or
 * OPENREFINE_URL=http://127.0.0.1:3333 (uses one already running).
 */
const OPENREFINE = '/usr/bin/openrefine';
const givenUrl = process.env.OPENREFINE_URL;
const reason = givenUrl
  ? null
  : process.env.OPENREFINE_TEST !== '1'
    ? 'set OPENREFINE_TEST=1 (apt-get install openrefine) or OPENREFINE_URL to run it'
    : existsSync(OPENREFINE)
      ? null
      : `${OPENREFINE} is not installed (apt-get install openrefine)`;
if (reason) console.log(`real OpenRefine test skipped: ${reason}`);

const CSV = ['name,kind', 'China,STATE', 'Russian Federation,STATE', 'Lin Jian,PERSON', 'Secretary Blinken,', 'DPRK,', 'Somebody Nobody Knows,', 'India,PERSON'].join('\n');

describe.skipIf(reason !== null)(`the real OpenRefine against /reconcile on ${databaseLabel()}`, () => {
  let test: TestDatabase;
  let server: Listening;
  let refine: ChildProcess | undefined;
  let refineUrl: string;
  let dataDir: string | undefined;
  let csrf: string;

  const command = async (name: string, params: Record<string, string>, form?: Record<string, string>) => {
    const url = `${refineUrl}/command/core/${name}?${new URLSearchParams(params)}`;
    const response = await fetch(url, form ? { method: 'POST', body: new URLSearchParams(form), redirect: 'manual' } : { redirect: 'manual' });
    return response;
  };

  async function waitForProcesses(project: string) {
    const started = performance.now();
    for (;;) {
      const { processes } = (await (await command('get-processes', { project })).json()) as { processes: unknown[] };
      if (processes.length === 0) return;
      if (performance.now() - started > 120_000) throw new Error('OpenRefine did not finish its operation in 2 minutes');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  beforeAll(async () => {
    test = await createTestDatabase('reconcile_openrefine');
    await seed(test.db.prisma);
    server = await listen(createTestApp(test));
    if (givenUrl) {
      refineUrl = givenUrl.replace(/\/$/, '');
    } else {
      const port = await freePort();
      dataDir = await mkdtemp(join(tmpdir(), 'openrefine-'));
      refine = spawn(OPENREFINE, ['-i', '127.0.0.1', '-p', String(port), '-d', dataDir, '-m', '600M'], { stdio: 'ignore', detached: true });
      refineUrl = `http://127.0.0.1:${port}`;
      const started = performance.now();
      for (;;) {
        const up = await fetch(`${refineUrl}/command/core/get-version`).then(
          (response) => response.ok,
          () => false,
        );
        if (up) break;
        if (performance.now() - started > 180_000) throw new Error('OpenRefine did not start in 3 minutes');
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
      console.log(`OpenRefine started in ${Math.round(performance.now() - started)} ms`);
    }
    csrf = ((await (await command('get-csrf-token', {})).json()) as { token: string }).token;
  }, 240_000);

  afterAll(async () => {
    const child = refine;
    if (child?.pid && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      process.kill(-child.pid, 'SIGTERM');
      const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 20_000);
      await exited;
      clearTimeout(timer);
    }
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
    await server?.close();
    await test?.close();
  });

  it('reconciles a CSV column (auto-matching only unambiguous names) and adds columns from the matches', async () => {
    const service = `${server.origin}/reconcile`;
    const manifest = (await (await fetch(service)).json()) as { identifierSpace: string; schemaSpace: string };

    const upload = new FormData();
    upload.set('project-file', new Blob([CSV], { type: 'text/csv' }), 'actors.csv');
    upload.set('project-name', 'reconcile-test');
    upload.set('format', 'text/line-based/*sv');
    upload.set('options', JSON.stringify({ separator: ',', headerLines: 1, ignoreLines: -1, skipDataLines: 0, limit: -1, guessCellValueTypes: false, processQuotes: true, storeBlankCellsAsNulls: true }));
    const created = await fetch(`${refineUrl}/command/core/create-project-from-upload?csrf_token=${csrf}`, { method: 'POST', body: upload, redirect: 'manual' });
    const project = /project=(\d+)/.exec(created.headers.get('location') ?? '')?.[1];
    expect(project, `create-project answered ${created.status}`).toBeDefined();
    const projectId = project ?? '';

    const engine = JSON.stringify({ facets: [], mode: 'row-based' });
    const reconcile = await command('reconcile', { project: projectId, csrf_token: csrf }, {
      columnName: 'name',
      engine,
      config: JSON.stringify({
        mode: 'standard-service',
        service,
        identifierSpace: manifest.identifierSpace,
        schemaSpace: manifest.schemaSpace,
        type: { id: 'Actor', name: 'Actor' },
        autoMatch: true,
        columnDetails: [{ column: 'kind', propertyName: 'Kind', propertyID: 'kind' }],
        limit: 0,
      }),
    });
    expect(reconcile.status).toBe(200);
    await waitForProcesses(projectId);

    const extendResponse = await command('extend-data', { project: projectId, csrf_token: csrf }, {
      baseColumnName: 'name',
      columnInsertIndex: '1',
      endpoint: service,
      identifierSpace: manifest.identifierSpace,
      schemaSpace: manifest.schemaSpace,
      engine,
      extension: JSON.stringify({ properties: [{ id: 'wikidataId', name: 'Wikidata ID' }, { id: 'affiliations', name: 'Affiliations' }] }),
    });
    expect(extendResponse.status).toBe(200);
    await waitForProcesses(projectId);

    const models = (await (await command('get-models', { project: projectId })).json()) as { columnModel: { columns: { name: string; cellIndex: number }[] } };
    const columns = new Map(models.columnModel.columns.map((column) => [column.name, column.cellIndex]));
    expect([...columns.keys()]).toEqual(expect.arrayContaining(['name', 'Wikidata ID', 'Affiliations', 'kind']));
    const rows = (await (await command('get-rows', { project: projectId, start: '0', limit: '50' }, { engine })).json()) as {
      rows: { cells: ({ v?: string; r?: string } | null)[] }[];
      pool: { recons: Record<string, { j: string; m?: { id: string } }> };
    };
    const at = (row: (typeof rows.rows)[number], column: string) => row.cells[columns.get(column) ?? -1] ?? null;
    const byName = new Map<string, { match: string | null; judgment: string | undefined; wikidata: string | undefined; affiliation: string | undefined }>();
    for (const row of rows.rows) {
      const name = at(row, 'name');
      if (!name?.v) continue;
      const recon = name.r ? rows.pool.recons[name.r] : undefined;
      byName.set(name.v, { match: recon?.m?.id ?? null, judgment: recon?.j, wikidata: at(row, 'Wikidata ID')?.v, affiliation: at(row, 'Affiliations')?.v });
    }
    console.log('OpenRefine after reconcile and extend:', JSON.stringify(Object.fromEntries(byName)));
    expect(byName.get('China')).toMatchObject({ match: 'actor:china', judgment: 'matched', wikidata: 'Q148' });
    expect(byName.get('Russian Federation')).toMatchObject({ match: 'actor:russia', judgment: 'matched', wikidata: 'Q159' });
    expect(byName.get('Lin Jian')).toMatchObject({ match: 'actor:lin-jian', judgment: 'matched', affiliation: 'Ministry of Foreign Affairs of China' });
    expect(byName.get('Secretary Blinken')).toMatchObject({ match: 'actor:antony-blinken', judgment: 'matched' });
    expect(byName.get('DPRK')).toMatchObject({ match: 'actor:north-korea', judgment: 'matched', wikidata: 'Q423' });
    expect(byName.get('Somebody Nobody Knows')).toMatchObject({ match: null, judgment: 'none' });
    // India is named exactly but said to be a PERSON: a candidate, not an automatic match.
    expect(byName.get('India')).toMatchObject({ match: null, judgment: 'none' });
  });
});
