import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import type { App } from '../src/server.js';
import { compiledStatementName, MAX_NAMED } from '../src/sql/read/statement-names.js';
import { createTestDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { createTestApp, query } from './support/graphql.js';

/**
 * On PostgreSQL the read compiler's statements are prepared once per connection (src/sql/read/statement-names.ts):
 * PostgreSQL then parses and plans each once, not on every request. Only the compiler's statements get a
 * name, and only so many texts ever do, as a prepared statement lives as long as its connection.
 */

describe.runIf(usingPostgres())('prepared compiled reads (PostgreSQL)', () => {
  let test: TestDatabase;
  let app: App;
  beforeAll(async () => {
    // One connection: the session whose prepared statements are looked at is the one that ran the reads.
    test = await createTestDatabase('prepared_statements', { poolMax: 1 });
    await seed(test.db.prisma);
    app = createTestApp(test);
  });
  afterAll(() => test?.close());

  const prepared = async () =>
    (await test.db.prisma.$queryRaw<{ name: string }[]>`SELECT name FROM pg_prepared_statements WHERE name LIKE 'fact_read_%' ORDER BY name`).map((row) => row.name);

  it('prepares a compiled read once on its connection and answers each set of values as unprepared', async () => {
    const read = 'query ($slug: String!) { actor(slug: $slug) { slug name statements(first: 2) { totalCount edges { node { slug } } } } }';
    const slugs = ['china', 'russia', 'north-korea', 'no-such-actor', 'china', 'russia', 'north-korea'];
    const answers = [];
    // More than five runs: PostgreSQL may switch a prepared statement to a generic plan after the fifth.
    for (const slug of slugs) answers.push(await query(app, read, { slug }));
    const names = await prepared();
    expect(names.length).toBeGreaterThanOrEqual(1);
    for (let i = 0; i < 3; i++) expect(answers[i + 4]).toEqual(answers[i]);
    expect((answers[0] as { actor: { slug: string } }).actor.slug).toBe('china');
    expect((answers[3] as { actor: unknown }).actor).toBeNull();
    for (const slug of slugs) await query(app, read, { slug });
    expect(await prepared()).toEqual(names);
  });
});

// Last: it uses up the names this process may give.
describe('names of the read compiler’s statements', () => {
  it('names each compiled read text once and the same way every time; other SQL never', () => {
    const a = compiledStatementName({ sql: 'SELECT (json_build_object($1::text))::text AS j' });
    const b = compiledStatementName({ sql: 'SELECT (json_build_object($1::int))::text AS j' });
    expect(a).toMatch(/^fact_read_\d+$/);
    expect(b).toMatch(/^fact_read_\d+$/);
    expect(a).not.toBe(b);
    expect(compiledStatementName({ sql: 'SELECT (json_build_object($1::text))::text AS j' })).toBe(a);
    expect(compiledStatementName({ sql: 'SELECT "id" FROM "Actor" WHERE "id" IN ($1, $2)' })).toBe('');
    expect(compiledStatementName({ sql: 'SELECT (1) AS j' })).toBe('');
  });

  it(`stops naming new texts after ${MAX_NAMED}, and keeps the names it gave`, () => {
    const first = compiledStatementName({ sql: 'SELECT (0)::text AS j' });
    for (let i = 1; i <= MAX_NAMED; i++) compiledStatementName({ sql: `SELECT (${i})::text AS j` });
    expect(compiledStatementName({ sql: `SELECT (${MAX_NAMED + 1})::text AS j` })).toBe('');
    expect(compiledStatementName({ sql: 'SELECT (0)::text AS j' })).toBe(first);
  });
});
