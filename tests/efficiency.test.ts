import { afterAll, describe, expect, it } from 'vitest';
import { SHAPES, type ShapeId } from '../bench/shapes.js';
import { importBundle } from '../src/bundle/import.js';
import { encodeGlobalId } from '../src/builder.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, query } from './support/graphql.js';
import { syntheticBundle } from './support/synthetic.js';

const NESTED = `{
  actors(first: 100) {
    totalCount
    edges { node {
      slug
      affiliations { role organization { slug } }
      statements(first: 100) {
        totalCount
        edges { node {
          slug speaker { slug } onBehalfOf { slug } source { slug }
          thread { slug speaker { slug } }
          stances { position claim { slug status statements(first: 5) { totalCount edges { position node { slug } } } } }
          responses(first: 100) {
            totalCount
            edges { node {
              slug responseKind respondsTo { slug }
              thread { slug }
              stances { position claim { slug status } }
            } }
          }
        } }
      }
    } }
  }
}`;

const opened: TestDatabase[] = [];
afterAll(() => Promise.all(opened.map((test) => test.close())));

async function measure(scale: number) {
  const test = await createTestDatabase(`efficiency_${scale}`);
  opened.push(test);
  await importBundle(test.db.prisma, syntheticBundle({ actors: 2 * scale, statementsPerActor: 2, responsesPerStatement: scale === 1 ? 1 : 5, stancesPerStatement: 2 }));
  // Far costlier than production allows (MAX_QUERY_COST): this measures SQL per nested query, not limits.
  const app = createTestApp(test, { hardening: { limits: { maxCost: Number.POSITIVE_INFINITY } } });
  test.resetQueries();
  const data = await query(app, NESTED);
  const sql = [...test.queries];
  if (process.env.SHOW_SQL) console.info(sql.map((statement) => statement.slice(0, 2000)).join('\n'));
  const rows = JSON.stringify(data).match(/"slug"/g)?.length ?? 0;
  return { sql, rows, data };
}

describe(`SQL statements per nested query (${databaseLabel()})`, () => {
  it('do not grow with the number of rows returned', async () => {
    const small = await measure(1);
    const large = await measure(10);
    expect(large.rows).toBeGreaterThan(small.rows * 10);
    console.info(
      `[${databaseLabel()}] actors -> statements -> responses -> stances -> claims: ${small.sql.length} SQL statements for ${small.rows} records, ${large.sql.length} for ${large.rows} records`,
    );
    // The read compiler plans the whole selection into one statement per root field (src/sql/read).
    expect(large.sql.length).toBe(1);
    expect(small.sql.length).toBe(1);
    const firstActor = large.data.actors.edges[0].node;
    expect(firstActor.statements.edges[0].node.responses.totalCount).toBe(5);
  }, 300_000);
});

describe(`one SQL statement per root field (${databaseLabel()})`, () => {
  it('for the bench shapes Q1-Q5 and Q7, several root fields at once, and a query nested five deep', async () => {
    const test = await createTestDatabase('efficiency_shapes');
    opened.push(test);
    await importBundle(test.db.prisma, syntheticBundle({ actors: 12, statementsPerActor: 3, responsesPerStatement: 2, stancesPerStatement: 2 }));
    const app = createTestApp(test, { hardening: { limits: { maxCost: Number.POSITIVE_INFINITY, maxDepth: 60 } } });
    const statement = await test.db.prisma.statement.findFirstOrThrow({ where: { NOT: { threadIds: { isEmpty: true } } }, orderBy: { seq: 'desc' } });
    const claim = await test.db.prisma.claim.findFirstOrThrow({ where: { stances: { some: { position: 'DENIES' } } } });
    const actors = await test.db.prisma.actor.findMany({ take: 100 });
    const variables: Record<ShapeId, Record<string, unknown>> = {
      Q1: { id: encodeGlobalId('Statement', statement.id) },
      Q2: { search: 'BY ACTOR 1' },
      Q3: {},
      Q4: { slug: statement.slug },
      Q5: { slug: claim.slug },
      Q6: {},
      Q7: { representations: actors.map((actor) => ({ __typename: 'Actor', slug: actor.slug })) },
    };
    const counted: Record<string, number> = {};
    const run = async (name: string, source: string, vars?: Record<string, unknown>) => {
      test.resetQueries();
      const data = await query(app, source, vars);
      counted[name] = test.queries.length;
      return data;
    };
    for (const shape of SHAPES.filter((candidate) => !candidate.mutation)) {
      const data = await run(shape.id, shape.query, variables[shape.id]);
      // Each answers with rows, not nulls or empty lists.
      expect(JSON.stringify(data).match(/"slug"/g)?.length ?? 0, shape.id).toBeGreaterThan(0);
    }
    const deep = await run(
      'deep',
      `query Deep($id: ID!) { node(id: $id) { ... on Statement { slug respondsTo { slug speaker { slug statements(first: 3) { edges { node { slug source { slug claims { totalCount } statements(last: 2) { edges { node { stances { claim { statements(first: 2) { edges { position node { slug } } } } } } } } } } } } } } } } }`,
      { id: encodeGlobalId('Statement', statement.id) },
    );
    expect(deep.node.respondsTo.speaker.statements.edges.length).toBeGreaterThan(0);
    const two = await run('two roots', `{ a: actors(first: 2) { edges { node { slug } } } s: statements(first: 2) { totalCount } c: claim(slug: "${claim.slug}") { slug } }`);
    expect(two.c.slug).toBe(claim.slug);
    console.info(`[${databaseLabel()}] SQL statements per query: ${JSON.stringify(counted)}`);
    expect(counted).toEqual({ Q1: 1, Q2: 1, Q3: 1, Q4: 1, Q5: 1, Q7: 1, deep: 1, 'two roots': 3 });
  }, 300_000);
});
