import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactBundle } from '../src/bundle/format.js';
import { isEmpty, SEED_DIR, seed } from '../src/bundle/seed.js';
import { withArticle } from '../scripts/seed-quotes.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';

const bundle: FactBundle = JSON.parse(await readFile(join(SEED_DIR, 'china-north-korea-russia.bundle.json'), 'utf8'));
const article = await readFile(join(SEED_DIR, 'china-north-korea-russia.txt'), 'utf8');

const CERTAIN_QIDS: Record<string, string> = {
  china: 'Q148',
  russia: 'Q159',
  'north-korea': 'Q423',
  'united-states': 'Q30',
  ukraine: 'Q212',
  'european-union': 'Q458',
  nato: 'Q7184',
  japan: 'Q17',
  'south-korea': 'Q884',
  india: 'Q668',
  iran: 'Q794',
};

describe('the article as seed data', () => {
  it('names at least 15 actors, including the groups the article speaks of', () => {
    expect(bundle.actors.length).toBeGreaterThanOrEqual(15);
    const groups = bundle.actors.filter((actor) => actor.kind === 'GROUP').map((actor) => actor.name.toLowerCase());
    expect(groups).toEqual(expect.arrayContaining(['diplomatic experts', 'european leaders']));
  });

  it('has at least 15 statements, 10 claims and 4 response links', () => {
    expect(bundle.statements.length).toBeGreaterThanOrEqual(15);
    expect(bundle.claims.length).toBeGreaterThanOrEqual(10);
    expect(bundle.statements.filter((statement) => statement.respondsTo).length).toBeGreaterThanOrEqual(4);
  });

  it('quotes the article verbatim: every statement text occurs in it', () => {
    for (const statement of bundle.statements) expect(article, statement.slug).toContain(statement.text);
  });

  it('writes numbers as the article does', () => {
    const texts = bundle.claims.map((claim) => claim.text).join('\n');
    for (const phrase of ['8,000', 'an estimated 10,000']) expect(texts.toLowerCase()).toContain(phrase.toLowerCase());
  });

  it('carries exactly the certain Wikidata ids and no others', () => {
    const withQid = Object.fromEntries(bundle.actors.filter((actor) => actor.wikidataId).map((actor) => [actor.slug, actor.wikidataId]));
    expect(withQid).toEqual(CERTAIN_QIDS);
  });

  it('keeps the article as its source’s text, and every direct quote’s place in it', () => {
    expect(bundle.sources[0]?.text).toBe(article);
    const quotes = bundle.statements.filter((statement) => statement.kind === 'DIRECT_QUOTE');
    expect(quotes.length).toBeGreaterThanOrEqual(5);
    for (const statement of quotes) {
      expect(statement.quote, statement.slug).toBeTruthy();
      expect(article.slice(statement.quote?.start, statement.quote?.end), statement.slug).toBe(statement.text);
    }
    for (const statement of bundle.statements.filter((entry) => entry.kind !== 'DIRECT_QUOTE')) expect(statement.quote, statement.slug).toBeNull();
    // “silence” occurs twice in the article; the quoted occurrence is the one inside quote marks.
    const silence = bundle.statements.find((statement) => statement.slug === 'zelenskyy-china-silence');
    expect(article.slice((silence?.quote?.start ?? 0) - 1, (silence?.quote?.end ?? 0) + 1)).toBe('“silence”');
  });

  it('is what scripts/seed-quotes.ts makes of it (offsets computed, not typed)', () => {
    expect(withArticle(bundle, article)).toEqual(bundle);
  });

  it('invents no URL, publisher or date for the source', () => {
    expect(bundle.sources).toHaveLength(1);
    expect(bundle.sources[0]).toMatchObject({ url: null, publisher: null, publishedOn: null });
  });
});

describe(`seeding (${databaseLabel()})`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase('seed');
  });
  afterAll(() => test?.close());

  it('loads the whole article into an empty database', async () => {
    expect(await isEmpty(test.db.prisma)).toBe(true);
    const report = (await seed(test.db.prisma))[0]?.report;
    expect(report?.statements.created).toBe(bundle.statements.length);
    expect(report?.actors.created).toBe(bundle.actors.length);
    expect(report?.claims.created).toBe(bundle.claims.length);
    expect(await isEmpty(test.db.prisma)).toBe(false);
    const lin = await test.db.prisma.statement.findMany({
      where: { speaker: { slug: 'lin-jian' }, text: { contains: 'two independent sovereign states' } },
      include: { onBehalfOf: true },
    });
    expect(lin).toHaveLength(1);
    expect(lin[0]?.kind).toBe('DIRECT_QUOTE');
    expect(lin[0]?.onBehalfOf?.slug).toBe('china');
    expect(await test.db.prisma.claim.count({ where: { status: 'CONTESTED' } })).toBeGreaterThanOrEqual(1);
    const source = await test.db.prisma.source.findFirstOrThrow();
    expect(source.text).toBe(article);
    expect(source.textSha256).toBe(createHash('sha256').update(article, 'utf8').digest('hex'));
    const quoted = await test.db.prisma.statement.findMany({ where: { quoteStart: { not: null } } });
    expect(quoted.length).toBe(bundle.statements.filter((statement) => statement.quote).length);
    for (const statement of quoted) expect(article.slice(statement.quoteStart ?? 0, statement.quoteEnd ?? 0)).toBe(statement.text);
  });

  it('is idempotent: a second run changes nothing', async () => {
    const snapshot = async () =>
      Promise.all([
        test.db.prisma.actor.findMany({ orderBy: { id: 'asc' } }),
        test.db.prisma.affiliation.findMany({ orderBy: { id: 'asc' } }),
        test.db.prisma.statement.findMany({ orderBy: { id: 'asc' } }),
        test.db.prisma.claim.findMany({ orderBy: { id: 'asc' } }),
        test.db.prisma.stance.findMany({ orderBy: { id: 'asc' } }),
        test.db.prisma.source.findMany({ orderBy: { id: 'asc' } }),
      ]);
    const before = await snapshot();
    const report = (await seed(test.db.prisma))[0]?.report;
    const { warnings, ...perRecordType } = report ?? { warnings: [] };
    expect(warnings).toEqual([]);
    for (const counts of Object.values(perRecordType).filter((value) => typeof value === 'object')) {
      expect(counts).toMatchObject({ created: 0, updated: 0, deleted: 0 });
    }
    expect(await snapshot()).toEqual(before);
  });
});
