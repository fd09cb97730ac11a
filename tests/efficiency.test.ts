import { afterAll, describe, expect, it } from 'vitest';
import { importBundle } from '../src/bundle/import.js';
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
    expect(large.sql.length).toBe(small.sql.length);
    expect(small.sql.length).toBeLessThanOrEqual(25);
    const firstActor = large.data.actors.edges[0].node;
    expect(firstActor.statements.edges[0].node.responses.totalCount).toBe(5);
  });
});
