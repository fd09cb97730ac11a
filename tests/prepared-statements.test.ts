import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import type { App } from '../src/server.js';
import { MAX_NAMED, namedStatement, statementName } from '../src/sql/statement-names.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { createTestApp, query } from './support/graphql.js';

/**
 * On PostgreSQL the read compiler's statements are prepared once per connection (src/sql/statement-names.ts):
 * PostgreSQL then parses and plans each once, not on every request. Only the compiler's statements get a
 * name, and only so many texts ever do, as a prepared statement lives as long as its connection.
 */

/**
 * Runs `during` while `Statement` has one column more, as after a newer instance's migration during a rolling
 * deploy, with this instance's connections still holding their prepared statements; then drops it again.
 */
async function withColumnAdded(test: TestDatabase, during: () => Promise<void>): Promise<void> {
  await test.db.prisma.$executeRawUnsafe('ALTER TABLE "Statement" ADD COLUMN "addedLater" int');
  try {
    await during();
  } finally {
    await test.db.prisma.$executeRawUnsafe('ALTER TABLE "Statement" DROP COLUMN "addedLater"');
  }
}

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

  it('keeps answering a prepared page of whole rows after a migration adds a column to its table', async () => {
    // A connection's page reads its rows whole (`e.*`) in the scan that orders them; a column added by a
    // newer instance's migration, while this one holds the statement prepared, must not break the read.
    const read = '{ actor(slug: "china") { statements(first: 3) { totalCount edges { cursor node { slug saidOn } } } } }';
    const before: unknown[] = [];
    for (let i = 0; i < 7; i++) before.push(await query(app, read));
    await withColumnAdded(test, async () => {
      for (let i = 0; i < 7; i++) expect(await query(app, read)).toEqual(before[0]);
    });
    expect(await query(app, read)).toEqual(before[0]);
    expect((before[0] as { actor: { statements: { edges: unknown[] } } }).actor.statements.edges).toHaveLength(3);
  });
});

describe.runIf(usingPostgres())('prepared write statements (PostgreSQL)', () => {
  let test: TestDatabase;
  let app: App;
  let tokens: Tokens;
  beforeAll(async () => {
    test = await createTestDatabase('prepared_writes', { poolMax: 1 });
    await seed(test.db.prisma);
    app = createTestApp(test);
    tokens = await createTokens(test);
  });
  afterAll(() => test?.close());

  const RECORD = `mutation ($i: RecordStatementInput!) { recordStatement(input: $i) { __typename ... on MutationRecordStatementSuccess { data { slug stances { position claim { slug status } } } } } }`;
  const STANCE = `mutation ($s: ID!, $c: String!, $p: StancePosition!) { setStance(statement: $s, claim: $c, position: $p) { __typename ... on MutationSetStanceSuccess { data { stances { position claim { slug status } } } } } }`;

  it('prepares recordStatement and setStance once on the connection; statuses still follow every write', async () => {
    const positions = ['DENIES', 'ASSERTS', 'QUESTIONS', 'SUPPORTS', 'DENIES', 'ASSERTS', 'DENIES'] as const;
    const ids: string[] = [];
    // Seven runs of each: past the fifth, after which PostgreSQL may plan a prepared statement once for all values.
    for (const [n, position] of positions.entries()) {
      const recorded = await executeAs(app, tokens.write, RECORD, {
        i: { slug: `prepared-${n}`, speaker: n % 2 ? 'russia' : 'china', text: `Prepared write ${n}.`, kind: 'PARAPHRASE', source: 'article-china-north-korea-russia', stances: [{ claim: 'nk-troops-kursk-8000', position }] },
      });
      expect(recorded.data?.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
      const node = await query(app, `{ statement(slug: "prepared-${n}") { id } }`);
      ids.push(node.statement.id);
    }
    for (const [n, id] of ids.entries()) {
      const set = await executeAs(app, tokens.write, STANCE, { s: id, c: 'china-neutral-on-ukraine-war', p: positions[(n + 3) % positions.length] });
      expect(set.data?.setStance.__typename).toBe('MutationSetStanceSuccess');
    }
    const rows = await test.db.prisma.$queryRaw<{ name: string; generic_plans: bigint; custom_plans: bigint }[]>`
      SELECT name, generic_plans, custom_plans FROM pg_prepared_statements WHERE name NOT LIKE 'fact_read_%' ORDER BY name`;
    console.log(`prepared writes: ${rows.map((row) => `${row.name} (${row.custom_plans} custom, ${row.generic_plans} generic plans)`).join(', ')}`);
    const runs = new Map(rows.map((row) => [row.name, Number(row.generic_plans + row.custom_plans)]));
    expect(runs.get('fact_record_statement')).toBe(positions.length);
    expect(runs.get('fact_record_statement_status')).toBe(positions.length);
    expect(runs.get('fact_lock_stance')).toBe(positions.length);
    expect(runs.get('fact_set_stance')).toBe(positions.length);
    // The statuses the prepared statements stored are the ones a fresh recomputation gives.
    const claims = await test.db.prisma.claim.findMany({ where: { slug: { in: ['nk-troops-kursk-8000', 'china-neutral-on-ukraine-war'] } } });
    const fresh = await test.db.prisma.$queryRaw<{ slug: string; status: string }[]>`
      SELECT c.slug, CASE
        WHEN count(f.*) = 0 THEN 'UNRESOLVED'
        WHEN count(*) FILTER (WHERE f.position IN ('DENIES', 'QUESTIONS')) = 0 THEN 'ASSERTED'
        WHEN count(*) FILTER (WHERE f.position IN ('ASSERTS', 'SUPPORTS')) = 0 THEN 'DENIED'
        WHEN count(DISTINCT f.actor) > 1 THEN 'CONTESTED'
        ELSE 'SINGLE' END AS status
      FROM "Claim" c LEFT JOIN (
        SELECT st."claimId", st.position::text AS position, COALESCE(s."onBehalfOfId", s."speakerId") AS actor
        FROM "Stance" st JOIN "Statement" s ON s.id = st."statementId"
        WHERE s."retractedAt" IS NULL AND st.position IN ('ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS')) f ON f."claimId" = c.id
      WHERE c.slug IN ('nk-troops-kursk-8000', 'china-neutral-on-ukraine-war') GROUP BY c.slug ORDER BY c.slug`;
    expect(fresh.map((row) => row.status)).toEqual(['CONTESTED', 'CONTESTED']);
    expect(claims.map((claim) => claim.status)).toEqual(['CONTESTED', 'CONTESTED']);
  });

  it('keeps writing after a migration adds a column to Statement while its statements are prepared', async () => {
    // A rolling deploy: the new version's migration runs while this instance's connections hold the old
    // prepared statements. A statement that returned `s.*` would now be refused on every connection
    // ("cached plan must not change result type").
    await withColumnAdded(test, async () => {
      const recorded = await executeAs(app, tokens.write, RECORD, {
        i: { slug: 'after-migration', speaker: 'china', text: 'Written after a column was added.', kind: 'PARAPHRASE', source: 'article-china-north-korea-russia', stances: [{ claim: 'nk-troops-kursk-8000', position: 'DENIES' }] },
      });
      expect(recorded.errors).toBeUndefined();
      expect(recorded.data?.recordStatement.__typename).toBe('MutationRecordStatementSuccess');
      const { statement } = await query(app, '{ statement(slug: "after-migration") { id } }');
      const set = await executeAs(app, tokens.write, STANCE, { s: statement.id, c: 'china-neutral-on-ukraine-war', p: 'QUESTIONS' });
      expect(set.errors).toBeUndefined();
      expect(set.data?.setStance.__typename).toBe('MutationSetStanceSuccess');
    });
  });
});

describe('names of fixed write statements', () => {
  it('names a registered text the same way every time and refuses a second text under its name', () => {
    const text = 'SELECT 1 AS registered_for_the_test';
    expect(namedStatement('test_fixed', text)).toBe(text);
    expect(statementName({ sql: text })).toBe('fact_test_fixed');
    expect(statementName({ sql: text })).toBe('fact_test_fixed');
    expect(namedStatement('test_fixed', text)).toBe(text);
    expect(() => namedStatement('test_fixed', 'SELECT 2')).toThrow(/taken by another text/);
    expect(statementName({ sql: 'SELECT 2' })).toBe('');
  });
});

// Last: it uses up the names this process may give.
describe('names of the read compiler’s statements', () => {
  it('names each compiled read text once and the same way every time; other SQL never', () => {
    const a = statementName({ sql: 'SELECT (json_build_object($1::text))::text AS j' });
    const b = statementName({ sql: 'SELECT (json_build_object($1::int))::text AS j' });
    expect(a).toMatch(/^fact_read_\d+$/);
    expect(b).toMatch(/^fact_read_\d+$/);
    expect(a).not.toBe(b);
    expect(statementName({ sql: 'SELECT (json_build_object($1::text))::text AS j' })).toBe(a);
    expect(statementName({ sql: 'SELECT "id" FROM "Actor" WHERE "id" IN ($1, $2)' })).toBe('');
    expect(statementName({ sql: 'SELECT (1) AS j' })).toBe('');
  });

  it(`stops naming new texts after ${MAX_NAMED}, and keeps the names it gave`, () => {
    const first = statementName({ sql: 'SELECT (0)::text AS j' });
    for (let i = 1; i <= MAX_NAMED; i++) statementName({ sql: `SELECT (${i})::text AS j` });
    expect(statementName({ sql: `SELECT (${MAX_NAMED + 1})::text AS j` })).toBe('');
    expect(statementName({ sql: 'SELECT (0)::text AS j' })).toBe(first);
  });
});
