// Claim.similar on a list of claims: the answers a reader gets for each claim are the ones it gets asking
// for that claim alone, and the SQL sent does not grow with the number of claims listed.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp, query } from './support/graphql.js';

let test: TestDatabase;
let app: ReturnType<typeof createTestApp>;
beforeAll(async () => {
  test = await createTestDatabase('similarity');
  await seed(test.db.prisma);
  // Wordings close to the article's claims, so most claims have neighbours.
  const claims = await test.db.prisma.claim.findMany({ take: 6, orderBy: { slug: 'asc' } });
  for (const [index, claim] of claims.entries()) {
    await test.db.prisma.claim.create({ data: { slug: `${claim.slug}-again-${index}`, text: `${claim.text} (again)` } });
  }
  app = createTestApp(test);
}, 120_000);
afterAll(() => test?.close());

type Scored = { score: number; claim: { slug: string } };

describe(`Claim.similar on a list (${databaseLabel()})`, () => {
  it('answers each claim of a list as it answers that claim alone, aliases with their own `first`', async () => {
    const listed = await query<{ claims: { edges: { node: { slug: string; top: Scored[]; all: Scored[] } }[] } }>(
      app,
      `{ claims(first: 40) { edges { node { slug top: similar(first: 1) { score claim { slug } } all: similar { score claim { slug } } } } } }`,
    );
    const nodes = listed.claims.edges.map((edge) => edge.node);
    expect(nodes.length).toBeGreaterThan(10);
    expect(nodes.filter((node) => node.all.length > 0).length).toBeGreaterThanOrEqual(6);
    for (const node of nodes) {
      const alone = await query<{ claim: { top: Scored[]; all: Scored[] } }>(
        app,
        `query ($slug: String!) { claim(slug: $slug) { top: similar(first: 1) { score claim { slug } } all: similar { score claim { slug } } } }`,
        { slug: node.slug },
      );
      expect({ slug: node.slug, top: node.top, all: node.all }).toEqual({ slug: node.slug, ...alone.claim });
      expect(node.top).toEqual(node.all.slice(0, 1));
      expect(node.all.map((scored) => scored.claim.slug)).not.toContain(node.slug);
    }
  });

  it('sends the same number of SQL statements for 3 claims as for 40', async () => {
    const count = async (first: number) => {
      test.resetQueries();
      await query(app, `{ claims(first: ${first}) { edges { node { slug similar(first: 3) { score claim { slug text } } } } } }`);
      return test.queries.length;
    };
    const few = await count(3);
    const many = await count(40);
    expect(many).toBe(few);
    // The list, the scores of every claim listed, and the similar claims' rows.
    expect(many).toBeLessThanOrEqual(3);
  });
});
