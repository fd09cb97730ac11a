import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { schemaErrors } from './fixtures/reconcile/validate.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { type Listening, listen } from './support/listen.js';

/** OpenRefine 3.6 sends its standard-service requests from Java, ten queries a batch, as form posts. */
const OPENREFINE_BATCH = 10;
const BROWSER_ORIGIN = 'http://127.0.0.1:3333';

// A journalist's spreadsheet: names as a newsroom writes them, with a kind column for some rows.
const ROWS: { name: string; kind?: string }[] = [
  { name: 'China', kind: 'STATE' },
  { name: 'Russian Federation', kind: 'STATE' },
  { name: 'Lin Jian', kind: 'PERSON' },
  { name: 'Secretary Blinken' },
  { name: 'Putin', kind: 'PERSON' },
  { name: 'DPRK' },
  { name: 'Zelensky', kind: 'PERSON' },
  { name: 'EU' },
  { name: 'kim jong un' },
  { name: 'Chinese Foreign Ministry', kind: 'GOVERNMENT_BODY' },
  { name: 'Somebody Nobody Knows' },
  { name: 'NATO', kind: 'ORGANIZATION' },
  { name: 'State Department' },
  { name: 'India', kind: 'PERSON' },
];

let test: TestDatabase;
let server: Listening;
let service: string;

async function form(field: 'queries' | 'extend', value: unknown) {
  const response = await fetch(service, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: `${field}=${encodeURIComponent(JSON.stringify(value))}`,
  });
  expect(response.status).toBe(200);
  return (await response.json()) as any;
}

beforeAll(async () => {
  test = await createTestDatabase('reconcile_workflow');
  await seed(test.db.prisma);
  server = await listen(createTestApp(test));
  service = `${server.origin}/reconcile`;
});

afterAll(async () => {
  await server?.close();
  await test?.close();
});

describe(`OpenRefine's reconciliation workflow over HTTP on ${databaseLabel()}`, () => {
  it('adds the service, guesses the type, reconciles in batches, then extends the matched column', async () => {
    // 1. "Add standard service": the browser fetches the manifest cross-origin.
    const manifestResponse = await fetch(service, { headers: { origin: BROWSER_ORIGIN } });
    expect(manifestResponse.headers.get('access-control-allow-origin')).toBe('*');
    const manifest = (await manifestResponse.json()) as any;
    expect(schemaErrors('manifest', manifest)).toEqual([]);

    // 2. "Reconcile cells": OpenRefine guesses the column's type from the first rows' candidates.
    const guess = await form('queries', Object.fromEntries(ROWS.slice(0, 10).map((row, i) => [`q${i}`, { query: row.name, limit: 3 }])));
    expect(schemaErrors('reconciliation-result-batch', guess)).toEqual([]);
    const typeCounts = new Map<string, number>();
    for (const { result } of Object.values(guess) as { result: { type: { id: string }[] }[] }[]) {
      for (const candidate of result) for (const type of candidate.type) typeCounts.set(type.id, (typeCounts.get(type.id) ?? 0) + 1);
    }
    const guessed = [...typeCounts].sort((a, b) => b[1] - a[1])[0]?.[0];
    expect(guessed).toBe('Actor');
    const typeSuggest = (await (await fetch(`${manifest.suggest.type.service_url}${manifest.suggest.type.service_path}?prefix=Act`)).json()) as any;
    expect(typeSuggest.result[0]).toMatchObject({ id: 'Actor' });

    // 3. The reconcile job: batches of ten, type Actor (type_strict "should"), the kind column as a property.
    const matched = new Map<string, { id: string; name: string }>();
    for (let start = 0; start < ROWS.length; start += OPENREFINE_BATCH) {
      const batch = ROWS.slice(start, start + OPENREFINE_BATCH);
      const queries = Object.fromEntries(
        batch.map((row, i) => [`q${i}`, { query: row.name, type: guessed, type_strict: 'should', ...(row.kind ? { properties: [{ pid: 'kind', v: row.kind }] } : {}) }]),
      );
      expect(schemaErrors('reconciliation-query-batch', queries)).toEqual([]);
      const results = await form('queries', queries);
      expect(schemaErrors('reconciliation-result-batch', results)).toEqual([]);
      batch.forEach((row, i) => {
        // OpenRefine sorts candidates by score and auto-matches the first one only if it says match: true.
        const candidates = [...(results[`q${i}`]?.result ?? [])].sort((a: any, b: any) => b.score - a.score);
        if (candidates[0]?.match) matched.set(row.name, { id: candidates[0].id, name: candidates[0].name });
      });
    }
    expect(Object.fromEntries([...matched].map(([name, candidate]) => [name, candidate.id]))).toEqual({
      China: 'actor:china',
      'Russian Federation': 'actor:russia',
      'Lin Jian': 'actor:lin-jian',
      'Secretary Blinken': 'actor:antony-blinken',
      Putin: 'actor:vladimir-putin',
      DPRK: 'actor:north-korea',
      Zelensky: 'actor:volodymyr-zelenskyy',
      EU: 'actor:european-union',
      'kim jong un': 'actor:kim-jong-un',
      'Chinese Foreign Ministry': 'actor:china-mfa',
      NATO: 'actor:nato',
      'State Department': 'actor:us-department-of-state',
    });
    // "India" was said to be a PERSON: the kind contradicts the name, so it is left for a human to judge.

    // 4. Hovering a match shows the preview, built the way OpenRefine builds it (encodeURI of the template).
    const preview = await fetch(encodeURI(manifest.preview.url.replace('{{id}}', 'actor:lin-jian')));
    expect(await preview.text()).toContain('Spokesperson, Ministry of Foreign Affairs of China');

    // 5. "Add columns from reconciled values": proposed properties, then extend in batches.
    const proposal = (await (await fetch(`${manifest.extend.propose_properties.service_url}${manifest.extend.propose_properties.service_path}?type=${guessed}`)).json()) as any;
    expect(schemaErrors('data-extension-property-proposal', proposal)).toEqual([]);
    const chosen = proposal.properties.filter((property: { id: string }) => ['affiliations', 'wikidataId'].includes(property.id));
    expect(chosen).toHaveLength(2);
    const ids = [...matched.values()].map((candidate) => candidate.id);
    const extendQuery = { ids, properties: chosen.map((property: { id: string; name: string }) => ({ id: property.id, name: property.name })) };
    expect(schemaErrors('data-extension-query', extendQuery)).toEqual([]);
    const extension = await form('extend', extendQuery);
    expect(schemaErrors('data-extension-response', extension)).toEqual([]);
    expect(Object.keys(extension.rows).sort()).toEqual([...ids].sort());
    expect(extension.rows['actor:lin-jian'].affiliations).toEqual([{ id: 'actor:china-mfa', name: 'Ministry of Foreign Affairs of China' }]);
    expect(extension.rows['actor:russia'].wikidataId).toEqual([{ str: 'Q159' }]);
    expect(extension.rows['actor:vladimir-putin'].affiliations).toEqual([{ id: 'actor:russia', name: 'Russia' }]);
    // The affiliations are entities of this service, so OpenRefine can reconcile the new column with it too.
    expect(extension.meta.find((column: { id: string }) => column.id === 'affiliations').type).toEqual({ id: 'Actor', name: 'Actor' });
  });
});
