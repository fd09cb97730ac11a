import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSchema } from '../src/db.js';
import type { FactBundle } from '../src/bundle/format.js';
import { importBundle } from '../src/bundle/import.js';
import type { App } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, type TestDatabase, usingPostgres } from './support/database.js';
import { check, runWorkers } from './support/concurrency-checker.js';
import { createTestApp } from './support/graphql.js';
import { waitFor } from './support/wait.js';
import { retryCounts } from '../src/write/transaction.js';

if (!usingPostgres()) {
  console.log('tests/concurrency.test.ts runs writers side by side on PostgreSQL: set DATABASE_URL to run it (skipped on PGlite, which has one connection, so its writes are serial)');
}

const actor = (slug: string) => ({ slug, name: slug, kind: 'STATE' as const, aliases: [], description: null, wikidataId: null, affiliations: [] });
const statement = (slug: string, speaker: string) => ({
  slug,
  speaker,
  onBehalfOf: null,
  text: `Text of ${slug}.`,
  kind: 'REPORTED' as const,
  saidOn: null,
  venue: null,
  source: 'race-source',
  respondsTo: null,
  stances: [],
});

describe.skipIf(!usingPostgres())('the three races of issue 14, each run many times (PostgreSQL)', () => {
  let test: TestDatabase;
  let app: App;
  let tokens: Tokens;

  beforeAll(async () => {
    test = await createTestDatabase('races', { poolMax: 16 });
    tokens = await createTokens(test);
    app = createTestApp(test);
    const bundle: FactBundle = {
      format: 'fact-bundle/v1',
      sources: [{ slug: 'race-source', title: 'Race source', url: null, publisher: null, publishedOn: null }],
      actors: [actor('state-a'), actor('state-b')],
      claims: [],
      statements: [statement('said-by-a', 'state-a'), statement('said-by-b', 'state-b')],
    };
    await importBundle(test.db.prisma, bundle);
  });
  afterAll(() => test?.close());

  const ERRORS = `__typename ... on Error { message } ... on ValidationError { issues { path message } } ... on ConflictError { field }`;
  const run = async (query: string, variables: Record<string, unknown>) => {
    const result = await executeAs(app, tokens.write, query, variables);
    if (result.errors) throw new Error(JSON.stringify(result.errors));
    return Object.values(result.data ?? {})[0] as Record<string, any>;
  };
  const idOf = async (slug: string): Promise<string> => (await executeAs(app, null, `query($s: String!) { statement(slug: $s) { id } }`, { s: slug })).data.statement.id;

  it('opposite stances taken at once on a new claim by two actors leave it CONTESTED, every time', async () => {
    const [a, b] = [await idOf('said-by-a'), await idOf('said-by-b')];
    const SET = `mutation($id: ID!, $c: String!, $p: StancePosition!) { setStance(statement: $id, claim: $c, position: $p) { ${ERRORS} } }`;
    const wrong: string[] = [];
    const rounds = 20;
    for (let round = 0; round < rounds; round++) {
      const claim = `race-claim-${round}`;
      expect((await run(`mutation($s: String!) { createClaim(input: { slug: $s, text: "A claim." }) { ${ERRORS} } }`, { s: claim })).__typename).toBe('MutationCreateClaimSuccess');
      const answers = await Promise.all([run(SET, { id: a, c: claim, p: 'ASSERTS' }), run(SET, { id: b, c: claim, p: 'DENIES' })]);
      expect(answers.map((answer) => answer.__typename)).toEqual(['MutationSetStanceSuccess', 'MutationSetStanceSuccess']);
      const status = (await executeAs(app, null, `query($s: String!) { claim(slug: $s) { status } }`, { s: claim })).data.claim.status;
      if (status !== 'CONTESTED') wrong.push(`${claim}: ${status}`);
    }
    console.log(`opposite stances at once: ${rounds - wrong.length} of ${rounds} rounds CONTESTED`);
    expect(wrong).toEqual([]);
  });

  it('ten clients recording one new slug at once: one success, nine ConflictErrors, and the winner’s text is stored', async () => {
    const RECORD = `mutation($i: RecordStatementInput!) { recordStatement(input: $i) { ${ERRORS} ... on MutationRecordStatementSuccess { data { slug text } } } }`;
    const problems: string[] = [];
    const rounds = 5;
    for (let round = 0; round < rounds; round++) {
      const slug = `contested-slug-${round}`;
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => run(RECORD, { i: { slug, speaker: 'state-a', text: `Version ${i} of round ${round}.`, kind: 'REPORTED', source: 'race-source' } })),
      );
      const winners = answers.filter((answer) => answer.__typename === 'MutationRecordStatementSuccess');
      const losers = answers.filter((answer) => answer.__typename === 'ConflictError' && answer.field === 'slug');
      const stored = await test.db.prisma.statement.findUnique({ where: { slug } });
      const audited = await test.db.prisma.auditEntry.count({ where: { action: 'recordStatement', targetSlug: slug } });
      if (winners.length !== 1 || losers.length !== 9) problems.push(`${slug}: ${winners.length} successes, ${losers.length} conflicts`);
      if (winners.length === 1 && stored?.text !== winners[0]?.data.text) problems.push(`${slug}: answered "${winners[0]?.data.text}", stored "${stored?.text}"`);
      if (audited !== 1) problems.push(`${slug}: ${audited} audit entries for its creation`);
    }
    expect(problems).toEqual([]);
  });

  it('a deadlock with another client is retried inside the service, and the write succeeds', async () => {
    const [a] = [await idOf('said-by-a')];
    expect((await run(`mutation { createClaim(input: { slug: "deadlock-claim", text: "A claim." }) { __typename } }`, {})).__typename).toBe('MutationCreateClaimSuccess');
    // Another client holds the claim and will want the statement that setStance locks first.
    const other = new pg.Client({ connectionString: splitSchema(process.env.DATABASE_URL ?? '').connectionString, options: `-c search_path="${new URL(test.url ?? '').searchParams.get('schema')}",public` });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query(`SELECT id FROM "Claim" WHERE slug = 'deadlock-claim' FOR UPDATE`);
      const retries = retryCounts.retries;
      const write = run(`mutation($id: ID!) { setStance(statement: $id, claim: "deadlock-claim", position: ASSERTS) { __typename } }`, { id: a });
      const self = (await other.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0]?.pid;
      const waiting = async () => Number((await other.query(`SELECT count(*) AS n FROM pg_stat_activity WHERE $1::int = ANY(pg_blocking_pids(pid))`, [self])).rows[0]?.n ?? 0) > 0;
      await waitFor('setStance to wait for the claim row the other client holds (pg_blocking_pids)', waiting, 30_000);
      // setStance now holds the statement FOR SHARE and waits for the claim: each waits for the other.
      const blocked = other.query(`SELECT id FROM "Statement" WHERE slug = 'said-by-a' FOR UPDATE`).then(
        () => 'locked',
        (error: { code?: string }) => error.code,
      );
      const outcome = await Promise.race([blocked, write.then(() => 'write done')]);
      await other.query(outcome === 'locked' || outcome === 'write done' ? 'COMMIT' : 'ROLLBACK').catch(() => undefined);
      expect((await write).__typename).toBe('MutationSetStanceSuccess');
      // PostgreSQL broke the deadlock by aborting one side: the service's transaction (then retried) or the other client's.
      if ((await blocked) === 'locked') expect(retryCounts.retries).toBeGreaterThan(retries);
      else expect(await blocked).toBe('40P01');
      console.log(`deadlock: ${(await blocked) === 'locked' ? `the service's transaction was chosen and retried (${retryCounts.retries - retries} retry)` : 'the other client was chosen'}; the write succeeded`);
    } finally {
      await other.end();
    }
    expect((await executeAs(app, null, `{ claim(slug: "deadlock-claim") { status } }`)).data.claim.status).toBe('ASSERTED');
  });

  it('two statements made to answer each other at once: one succeeds, the other is refused, and no cycle is left', async () => {
    const UPDATE = `mutation($id: ID!, $to: String!) { updateStatement(id: $id, input: { respondsTo: { statement: $to, kind: ANSWERS } }) { ${ERRORS} } }`;
    const problems: string[] = [];
    const rounds = 10;
    for (let round = 0; round < rounds; round++) {
      const [first, second] = [`ring-a-${round}`, `ring-b-${round}`];
      await importBundle(test.db.prisma, { format: 'fact-bundle/v1', sources: [], actors: [], claims: [], statements: [statement(first, 'state-a'), statement(second, 'state-b')] });
      const [a, b] = [await idOf(first), await idOf(second)];
      const answers = await Promise.all([run(UPDATE, { id: a, to: second }), run(UPDATE, { id: b, to: first })]);
      const kinds = answers.map((answer) => answer.__typename).sort();
      if (kinds.join() !== 'MutationUpdateStatementSuccess,ValidationError') problems.push(`round ${round}: ${kinds.join(', ')}`);
      const refused = answers.find((answer) => answer.__typename === 'ValidationError');
      if (refused) expect(refused.issues).toEqual([{ path: ['input', 'respondsTo', 'statement'], message: expect.stringMatching(/cycle/) }]);
      const rows = await test.db.prisma.statement.findMany({ where: { slug: { in: [first, second] } } });
      if (rows.every((row) => row.respondsToId !== null)) problems.push(`round ${round}: ${first} and ${second} answer each other`);
    }
    expect(problems).toEqual([]);
  });
});

describe.skipIf(!usingPostgres())('random writers at once, checked against what they were told (PostgreSQL)', () => {
  const seed = Number(process.env.CONCURRENCY_SEED ?? 20261129);
  const workers = Number(process.env.CONCURRENCY_WORKERS ?? 6);
  const operations = Number(process.env.CONCURRENCY_OPERATIONS ?? 40);
  let test: TestDatabase;

  beforeAll(async () => {
    test = await createTestDatabase('checker', { poolMax: workers + 4 });
  });
  afterAll(() => test?.close());

  it(`${workers} workers x ${operations} random writes leave derived data right, nothing acknowledged lost, no cycle (seed ${seed})`, { timeout: 300_000 }, async () => {
    const app = createTestApp(test);
    const retriesBefore = retryCounts.retries;
    const run = await runWorkers(test.db.prisma, { execute: (token, query, variables) => executeAs(app, token, query, variables) }, { workers, operations, seed });
    const verdict = await check(test.db.prisma, run);
    const acknowledged = run.outcomes.filter((outcome) => outcome.result === 'ok').length;
    console.log(
      `concurrency checker, seed ${seed}: ${run.outcomes.length} operations by ${workers} workers in ${run.seconds.toFixed(1)} s, ${acknowledged} acknowledged, ` +
        `${retryCounts.retries - retriesBefore} transaction retries inside the service\n  ${Object.entries(verdict.counts).sort().map(([key, count]) => `${key}: ${count}`).join('\n  ')}`,
    );
    if (verdict.problems.length > 0) {
      console.log(`replay: CONCURRENCY_SEED=${seed} CONCURRENCY_WORKERS=${workers} CONCURRENCY_OPERATIONS=${operations} DATABASE_URL=… npx vitest run tests/concurrency.test.ts`);
    }
    expect(verdict.problems).toEqual([]);
    expect(acknowledged).toBeGreaterThan(run.outcomes.length / 3);
  });
});
