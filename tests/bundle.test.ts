import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { exportBundle, jsonChunks, SelectionError } from '../src/bundle/export.js';
import { type BundleStatement, type FactBundle, parseBundle } from '../src/bundle/format.js';
import { BundleError, type ImportCounts, type ImportReport, importBundle } from '../src/bundle/import.js';
import { printedBundleSchema } from '../src/bundle/json-schema.js';
import { claimsAsJsonLd, type JsonLdNode, type JsonValue } from '../src/bundle/jsonld.js';
import { SEED_DIR } from '../src/bundle/seed.js';
import type { PrismaClient } from '../src/db.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SEED_FILE = join(SEED_DIR, 'china-north-korea-russia.bundle.json');
const SCHEMA_FILE = join(ROOT, 'schema/fact-bundle.schema.json');
const seed: FactBundle = JSON.parse(await readFile(SEED_FILE, 'utf8'));
const committedSchema: unknown = JSON.parse(await readFile(SCHEMA_FILE, 'utf8'));

const copy = (): FactBundle => structuredClone(seed);
const statementAt = (bundle: FactBundle, slug: string): BundleStatement => {
  const found = bundle.statements.find((statement) => statement.slug === slug);
  if (!found) throw new Error(`no statement ${slug}`);
  return found;
};
const zero: ImportCounts = { created: 0, updated: 0, unchanged: 0, deleted: 0 };
const TYPES = ['sources', 'actors', 'affiliations', 'claims', 'statements', 'stances'] as const;
const unchangedCounts = (report: ImportReport) => TYPES.map((type) => ({ ...report[type], unchanged: 0 }));

const ajv = new Ajv2020({ allErrors: true, validateFormats: false });
const validateSchema = ajv.compile(committedSchema as object);

async function freshDatabase(label: string): Promise<PrismaClient> {
  const database = await createTestDatabase(`bundle_${label}`);
  onTestFinished(() => database.close());
  return database.db.prisma;
}

/** Every row of every table the bundle touches, timestamps included. */
async function dump(prisma: PrismaClient) {
  return {
    sources: await prisma.source.findMany({ orderBy: { id: 'asc' } }),
    actors: await prisma.actor.findMany({ orderBy: { id: 'asc' } }),
    affiliations: await prisma.affiliation.findMany({ orderBy: { id: 'asc' } }),
    claims: await prisma.claim.findMany({ orderBy: { id: 'asc' } }),
    statements: await prisma.statement.findMany({ orderBy: { id: 'asc' } }),
    stances: await prisma.stance.findMany({ orderBy: { id: 'asc' } }),
  };
}

async function bundleIssues(work: Promise<unknown>) {
  const error = await work.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(BundleError);
  return error instanceof BundleError ? error.issues : [];
}

function walk(value: JsonValue, visit: (node: { [key: string]: JsonValue }) => void) {
  if (Array.isArray(value)) for (const item of value) walk(item, visit);
  else if (typeof value === 'object' && value !== null) {
    visit(value);
    for (const item of Object.values(value)) walk(item, visit);
  }
}

describe('the fact-bundle JSON Schema', () => {
  it('is committed as generated (npm run bundle-schema:print)', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(printedBundleSchema());
  });

  it('accepts the seed bundle', () => {
    expect(validateSchema(seed), JSON.stringify(validateSchema.errors)).toBe(true);
  });

  const edited = (edit: (bundle: FactBundle & Record<string, unknown>) => void): unknown => {
    const bundle = copy();
    edit(bundle);
    return bundle;
  };
  const cases: [string, boolean, unknown][] = [
    ['the seed', true, seed],
    ['an empty bundle', true, { format: 'fact-bundle/v1', sources: [], actors: [], claims: [], statements: [] }],
    ['a leap day', true, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { saidOn: '2024-02-29' }))],
    ['a 400-year leap day', true, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { saidOn: '2000-02-29' }))],
    ['an https URL', true, edited((b) => void Object.assign(b.sources[0] ?? {}, { url: 'https://example.org/article?id=1' }))],
    ['dangling slugs (checked on import, not by the schema)', true, edited((b) => void Object.assign(b.statements[0] ?? {}, { speaker: 'nobody' }))],
    ['an unknown top-level field', false, edited((b) => void Object.assign(b, { comment: 'x' }))],
    ['an unknown nested field', false, edited((b) => void Object.assign(b.statements[3] ?? {}, { mood: 'angry' }))],
    ['an unknown field in respondsTo', false, edited((b) => void Object.assign(statementAt(b, 'zelenskyy-china-silence').respondsTo ?? {}, { note: 'x' }))],
    ['another format', false, edited((b) => void Object.assign(b, { format: 'fact-bundle/v2' }))],
    ['a missing field', false, edited((b) => void Reflect.deleteProperty(b.actors[0] ?? {}, 'aliases'))],
    ['a bad actor kind', false, edited((b) => void Object.assign(b.actors[0] ?? {}, { kind: 'EMPIRE' }))],
    ['a bad stance position', false, edited((b) => void Object.assign(b.statements[0]?.stances[0] ?? {}, { position: 'LIKES' }))],
    ['30 February', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { saidOn: '2024-02-30' }))],
    ['29 February of a common year', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { saidOn: '2023-02-29' }))],
    ['29 February 1900', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { saidOn: '1900-02-29' }))],
    ['a date with one-digit month', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { saidOn: '2024-2-03' }))],
    ['a date-time', false, edited((b) => void Object.assign(b.sources[0] ?? {}, { publishedOn: '2024-02-03T10:00:00Z' }))],
    ['a slug with capitals', false, edited((b) => void Object.assign(b.actors[0] ?? {}, { slug: 'China' }))],
    ['a slug with a double hyphen', false, edited((b) => void Object.assign(b.actors[0] ?? {}, { slug: 'a--b' }))],
    ['a blank name', false, edited((b) => void Object.assign(b.actors[0] ?? {}, { name: '   ' }))],
    ['an empty alias', false, edited((b) => void Object.assign(b.actors[0] ?? {}, { aliases: [''] }))],
    ['an ftp URL', false, edited((b) => void Object.assign(b.sources[0] ?? {}, { url: 'ftp://example.org/file' }))],
    ['a Wikidata id without Q', false, edited((b) => void Object.assign(b.actors[0] ?? {}, { wikidataId: '159' }))],
    ['null where a list is required', false, edited((b) => void Object.assign(b.claims[0] ?? {}, { topics: null }))],
    ['a number as text', false, edited((b) => void Object.assign(b.claims[0] ?? {}, { text: 42 }))],
    ['a source without text (as older bundles are)', true, edited((b) => void Reflect.deleteProperty(b.sources[0] ?? {}, 'text'))],
    ['a blank source text', false, edited((b) => void Object.assign(b.sources[0] ?? {}, { text: ' \n ' }))],
    ['a statement without quote (as older bundles are)', true, edited((b) => void Reflect.deleteProperty(statementAt(b, 'china-not-its-concern'), 'quote'))],
    ['a quote with a negative offset', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { quote: { start: -1, end: 3 } }))],
    ['a quote with a fractional offset', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { quote: { start: 1.5, end: 3 } }))],
    ['a quote with an unknown field', false, edited((b) => void Object.assign(statementAt(b, 'china-not-its-concern'), { quote: { start: 1, end: 3, page: 2 } }))],
  ];
  it.each(cases)('agrees with parseBundle on %s', (_name, valid, bundle) => {
    const parsed = parseBundle(bundle);
    expect(parsed.ok, JSON.stringify(parsed.ok ? [] : parsed.issues)).toBe(valid);
    expect(validateSchema(bundle), JSON.stringify(validateSchema.errors)).toBe(valid);
  });
});

describe(`export and import of fact bundles (${databaseLabel()})`, () => {
  it('round-trips the seed: import -> export -> import into an empty database -> export gives the same document', async () => {
    const first = await freshDatabase('round_trip_a');
    await importBundle(first, seed);
    const exported = await exportBundle(first);
    expect(parseBundle(exported).ok).toBe(true);
    expect(validateSchema(exported)).toBe(true);
    // Creation order is the seed's order, and the seed already lists organisations before members.
    expect(exported).toEqual(seed);

    const second = await freshDatabase('round_trip_b');
    const report = await importBundle(second, exported);
    expect(report.statements).toEqual({ ...zero, created: seed.statements.length });
    const again = await exportBundle(second);
    expect(JSON.stringify(again, null, 2)).toBe(JSON.stringify(exported, null, 2));
  });

  it('orders organisations before their members and responses after what they answer, whatever the bundle order', async () => {
    const prisma = await freshDatabase('ordering');
    const shuffled = copy();
    shuffled.actors.reverse();
    await importBundle(prisma, shuffled);
    const exported = await exportBundle(prisma);
    const position = new Map(exported.actors.map((actor, index) => [actor.slug, index]));
    for (const actor of exported.actors) {
      for (const affiliation of actor.affiliations) expect(position.get(affiliation.actor)).toBeLessThan(position.get(actor.slug) ?? -1);
      expect(sortedAffiliations(actor.affiliations)).toEqual(actor.affiliations);
    }
    const seen = new Set<string>();
    for (const statement of exported.statements) {
      if (statement.respondsTo) expect(seen.has(statement.respondsTo.statement), statement.slug).toBe(true);
      seen.add(statement.slug);
    }
  });

  it('is idempotent: a second import changes nothing, not even updatedAt', async () => {
    const prisma = await freshDatabase('idempotent');
    await importBundle(prisma, seed);
    const before = await dump(prisma);
    const report = await importBundle(prisma, seed);
    for (const type of TYPES) expect(report[type], type).toEqual({ ...zero, unchanged: before[type].length });
    expect(await dump(prisma)).toEqual(before);
  });

  it('dry run reports what an import would do and writes nothing', async () => {
    const prisma = await freshDatabase('dry_run');
    const dry = await importBundle(prisma, seed, { dryRun: true });
    expect(dry.dryRun).toBe(true);
    expect(await prisma.statement.count()).toBe(0);
    expect(await prisma.actor.count()).toBe(0);
    const real = await importBundle(prisma, seed);
    expect({ ...dry, dryRun: false }).toEqual(real);

    const changed = copy();
    // Reworded, the quote no longer matches the article: its offsets go with it.
    Object.assign(statementAt(changed, 'china-not-its-concern'), { text: 'not its concern at all', quote: null });
    const before = await dump(prisma);
    const dryUpdate = await importBundle(prisma, changed, { dryRun: true });
    expect(await dump(prisma)).toEqual(before);
    expect({ ...dryUpdate, dryRun: false }).toEqual(await importBundle(prisma, changed));
  });

  it('updates changed records in place, matched by slug, and moves the thread of every descendant', async () => {
    const prisma = await freshDatabase('update');
    await importBundle(prisma, seed);
    const idOf = async (slug: string) => (await prisma.statement.findUniqueOrThrow({ where: { slug } })).id;
    const threadOf = async (slug: string) => (await prisma.statement.findUniqueOrThrow({ where: { slug } })).threadIds;
    const idBefore = await idOf('lin-reaffirms-neutrality');

    const changed = copy();
    Object.assign(statementAt(changed, 'china-not-its-concern'), { text: 'not its concern (corrected quote)', quote: null });
    const rebuttal = statementAt(changed, 'lin-reaffirms-neutrality');
    rebuttal.stances = rebuttal.stances.map((stance) => (stance.claim === 'china-silence-tacit-support-for-russia' ? { ...stance, position: 'QUESTIONS' } : stance));
    rebuttal.respondsTo = { statement: 'china-peaceful-solutions', kind: 'CLARIFIES' };
    const silence = statementAt(changed, 'zelenskyy-china-silence');
    silence.stances = silence.stances.filter((stance) => stance.claim !== 'nk-russia-ties-not-china-concern');

    const report = await importBundle(prisma, changed);
    // The quote, the moved response, and its two descendants (eu-urges…, experts…) whose thread changed.
    expect(report.statements).toEqual({ created: 0, updated: 4, unchanged: seed.statements.length - 4, deleted: 0 });
    expect(report.stances).toMatchObject({ created: 0, updated: 1, deleted: 1 });
    expect(report.claims).toEqual({ ...zero, unchanged: seed.claims.length });
    expect(await idOf('lin-reaffirms-neutrality')).toBe(idBefore);

    const peaceful = await idOf('china-peaceful-solutions');
    expect(await threadOf('lin-reaffirms-neutrality')).toEqual([peaceful]);
    expect(await threadOf('eu-urges-china-reconsider-neutrality')).toEqual([peaceful, idBefore]);
    expect(await threadOf('experts-china-position-unlikely-to-shift')).toEqual([peaceful, idBefore, await idOf('eu-urges-china-reconsider-neutrality')]);
    expect(await exportBundle(prisma)).toEqual(changed);

    // A bundle with the moved statement alone: its descendants are only in the database and still follow.
    const back = { format: seed.format, sources: [], actors: [], claims: [], statements: [statementAt(seed, 'lin-reaffirms-neutrality')] };
    const partial = await importBundle(prisma, back);
    expect(partial.statements).toEqual({ ...zero, updated: 1 });
    const tacit = await idOf('zelenskyy-silence-tacit-support');
    const root = await idOf('china-not-its-concern');
    expect(await threadOf('lin-reaffirms-neutrality')).toEqual([root, tacit]);
    expect(await threadOf('eu-urges-china-reconsider-neutrality')).toEqual([root, tacit, idBefore]);
    expect(await threadOf('experts-china-position-unlikely-to-shift')).toEqual([root, tacit, idBefore, await idOf('eu-urges-china-reconsider-neutrality')]);
  });

  it('lets an existing statement come to answer a statement created by the same bundle', async () => {
    const prisma = await freshDatabase('answer_new');
    await importBundle(prisma, seed);
    const changed = copy();
    changed.statements.push({
      slug: 'new-root',
      speaker: 'china',
      onBehalfOf: null,
      text: 'A statement new in this bundle.',
      kind: 'REPORTED',
      saidOn: null,
      venue: null,
      source: 'article-china-north-korea-russia',
      respondsTo: null,
      stances: [],
    });
    statementAt(changed, 'china-peaceful-solutions').respondsTo = { statement: 'new-root', kind: 'CLARIFIES' };
    const report = await importBundle(prisma, changed);
    // The moved statement, and the critics' response to it, whose thread follows.
    expect(report.statements).toMatchObject({ created: 1, updated: 2 });
    const moved = await prisma.statement.findUniqueOrThrow({ where: { slug: 'china-peaceful-solutions' }, include: { respondsTo: true } });
    expect(moved.respondsTo?.slug).toBe('new-root');
    expect(moved.threadIds).toEqual([moved.respondsToId]);
  });

  it('carries a retraction through export and import, and an older bundle does not lift it', async () => {
    const prisma = await freshDatabase('retraction');
    await importBundle(prisma, seed);
    const at = new Date('2024-11-05T10:00:00.000Z');
    await prisma.statement.update({ where: { slug: 'zelenskyy-china-silence' }, data: { retractedAt: at, retractedBy: 'desk', retractionReason: 'Misquoted' } });
    const exported = await exportBundle(prisma);
    expect(statementAt(exported, 'zelenskyy-china-silence').retraction).toEqual({ at: at.toISOString(), by: 'desk', reason: 'Misquoted' });
    expect(statementAt(exported, 'china-not-its-concern')).not.toHaveProperty('retraction');
    expect(validateSchema(exported)).toBe(true);

    const other = await freshDatabase('retraction_copy');
    await importBundle(other, exported);
    expect(await exportBundle(other)).toEqual(exported);
    const again = await importBundle(prisma, seed);
    expect(again.statements).toMatchObject({ updated: 0, created: 0 });
    expect((await prisma.statement.findUniqueOrThrow({ where: { slug: 'zelenskyy-china-silence' } })).retractedAt).toEqual(at);
  });

  it('is all or nothing: a bundle broken at its last record leaves the database unchanged', async () => {
    const prisma = await freshDatabase('atomic_validation');
    await importBundle(prisma, seed);
    const exportBefore = await exportBundle(prisma);
    const before = await dump(prisma);

    const broken = copy();
    broken.sources.push({ slug: 'another-article', title: 'Another article', url: null, publisher: null, publishedOn: '2024-11-01' });
    if (broken.actors[0]) broken.actors[0].name = 'People’s Republic of China';
    const n = broken.statements.length - 1;
    const last = broken.statements[n];
    if (!last) throw new Error('the seed has statements');
    const m = last.stances.push({ claim: 'no-such-claim', position: 'ASSERTS' }) - 1;

    const issues = await bundleIssues(importBundle(prisma, broken));
    expect(issues).toEqual([{ path: `/statements/${n}/stances/${m}/claim`, message: expect.stringContaining('no-such-claim') }]);
    expect(await exportBundle(prisma)).toEqual(exportBefore);
    expect(await dump(prisma)).toEqual(before);
  });

  it('is all or nothing when the database refuses a write half-way (two actors with one Wikidata id)', async () => {
    const prisma = await freshDatabase('atomic_constraint');
    await importBundle(prisma, seed);
    const before = await dump(prisma);

    const clash = copy();
    if (clash.sources[0]) clash.sources[0].title = 'Retitled, and written before the actors fail';
    clash.actors.push(
      { slug: 'twin-a', name: 'Twin A', kind: 'GROUP', aliases: [], description: null, wikidataId: 'Q4242', affiliations: [] },
      { slug: 'twin-b', name: 'Twin B', kind: 'GROUP', aliases: [], description: null, wikidataId: 'Q4242', affiliations: [] },
    );
    await expect(importBundle(prisma, clash)).rejects.toThrow();
    expect(await dump(prisma)).toEqual(before);

    const empty = await freshDatabase('atomic_constraint_empty');
    await expect(importBundle(empty, clash)).rejects.toThrow();
    expect(await dump(empty)).toEqual({ sources: [], actors: [], affiliations: [], claims: [], statements: [], stances: [] });
  });

  describe('names the JSON path of every problem', () => {
    let test: TestDatabase;
    let before: Awaited<ReturnType<typeof dump>>;
    beforeAll(async () => {
      test = await createTestDatabase('bundle_errors');
      await importBundle(test.db.prisma, seed);
      before = await dump(test.db.prisma);
    });
    afterAll(async () => {
      expect(await dump(test.db.prisma)).toEqual(before);
      await test.close();
    });

    const edited = (edit: (bundle: FactBundle) => void) => {
      const bundle = copy();
      edit(bundle);
      return bundle;
    };
    const set = (slug: string, fields: Partial<BundleStatement>) => (bundle: FactBundle) => void Object.assign(statementAt(bundle, slug), fields);
    const indexOf = (slug: string) => seed.statements.findIndex((statement) => statement.slug === slug);
    const cases: [string, unknown, string, RegExp][] = [
      ['an unknown field', edited((b) => void Object.assign(b.statements[3] ?? {}, { mood: 'angry' })), '/statements/3/mood', /unknown field "mood"/],
      ['a bad enum', edited((b) => void Object.assign(b.actors[1] ?? {}, { kind: 'EMPIRE' })), '/actors/1/kind', /PERSON/],
      ['a bad date', edited(set('lin-reaffirms-neutrality', { saidOn: '2024-02-30' })), `/statements/${indexOf('lin-reaffirms-neutrality')}/saidOn`, /calendar date/],
      ['a duplicate slug', edited((b) => void b.claims.push(structuredClone(seed.claims[2] ?? { slug: 'x', text: 'x', topics: [], source: null }))), `/claims/${seed.claims.length}/slug`, /duplicate slug/],
      ['a dangling speaker', edited(set('china-peaceful-solutions', { speaker: 'nobody' })), `/statements/${indexOf('china-peaceful-solutions')}/speaker`, /no actor/],
      ['a dangling onBehalfOf', edited(set('china-peaceful-solutions', { onBehalfOf: 'nowhere' })), `/statements/${indexOf('china-peaceful-solutions')}/onBehalfOf`, /no actor/],
      ['a dangling source', edited(set('china-peaceful-solutions', { source: 'no-article' })), `/statements/${indexOf('china-peaceful-solutions')}/source`, /no source/],
      [
        'a dangling respondsTo',
        edited(set('china-peaceful-solutions', { respondsTo: { statement: 'never-said', kind: 'ANSWERS' } })),
        `/statements/${indexOf('china-peaceful-solutions')}/respondsTo/statement`,
        /no statement/,
      ],
      ['a dangling claim', edited((b) => void Object.assign(b.statements[0]?.stances[0] ?? {}, { claim: 'no-such-claim' })), '/statements/0/stances/0/claim', /no claim/],
      ['a dangling affiliation', edited((b) => void Object.assign(b.actors[11]?.affiliations[0] ?? {}, { actor: 'atlantis' })), '/actors/11/affiliations/0/actor', /no actor/],
      ['a dangling claim source', edited((b) => void Object.assign(b.claims[0] ?? {}, { source: 'no-article' })), '/claims/0/source', /no source/],
      [
        'a self-response',
        edited(set('china-peaceful-solutions', { respondsTo: { statement: 'china-peaceful-solutions', kind: 'ANSWERS' } })),
        `/statements/${indexOf('china-peaceful-solutions')}/respondsTo/statement`,
        /itself/,
      ],
      [
        'a response cycle within the bundle',
        edited(set('china-not-its-concern', { respondsTo: { statement: 'experts-china-position-unlikely-to-shift', kind: 'ANSWERS' } })),
        '/statements/0/respondsTo/statement',
        /cycle/,
      ],
      ['a direct quote that is not the quoted span', edited(set('china-not-its-concern', { quote: { start: 88, end: 104 } })), '/statements/0/quote', /exactly the quoted span/],
      ['a quote beyond the end of the text', edited(set('china-not-its-concern', { quote: { start: 88, end: 1_000_000 } })), '/statements/0/quote/end', /at most/],
      ['a quote that ends where it starts', edited(set('china-not-its-concern', { quote: { start: 88, end: 88 } })), '/statements/0/quote/end', /greater than start/],
      [
        'a new source text that no longer holds a stored quote',
        { ...edited(() => undefined), actors: [], claims: [], statements: [], sources: [{ ...seed.sources[0], text: 'A much shorter article.' }] },
        '/sources/0/text',
        /statement "china-not-its-concern" quotes this source/,
      ],
      [
        'a response cycle through the database',
        // zelenskyy-silence-tacit-support already answers china-not-its-concern in the database.
        { ...edited(() => undefined), statements: [{ ...statementAt(seed, 'china-not-its-concern'), respondsTo: { statement: 'zelenskyy-silence-tacit-support', kind: 'REBUTS' } }] },
        '/statements/0/respondsTo/statement',
        /cycle/,
      ],
    ];
    it.each(cases)('%s', async (_name, bundle, path, message) => {
      const issues = await bundleIssues(importBundle(test.db.prisma, bundle));
      expect(issues).toContainEqual({ path, message: expect.stringMatching(message) });
    });
  });

  describe('subgraphs and JSON-LD', () => {
    let test: TestDatabase;
    let prisma: PrismaClient;
    beforeAll(async () => {
      test = await createTestDatabase('bundle_subgraph');
      prisma = test.db.prisma;
      await importBundle(prisma, seed);
    });
    afterAll(() => test.close());

    it('exports the subgraph around lin-jian: his statements, the thread they answer, China and the MFA', async () => {
      const around = await exportBundle(prisma, { actors: ['lin-jian'] });
      expect(parseBundle(around).ok).toBe(true);
      expect(validateSchema(around)).toBe(true);
      expect(around.statements.map((s) => s.slug)).toEqual([
        'china-not-its-concern',
        'lin-sovereign-states-own-matter',
        'zelenskyy-silence-tacit-support',
        'lin-reaffirms-neutrality',
        'lin-does-not-know-specifics',
        'lin-position-not-changed',
      ]);
      expect(around.actors.map((a) => a.slug).sort()).toEqual(['china', 'china-mfa', 'lin-jian', 'ukraine', 'volodymyr-zelenskyy']);
      const claims = new Set(around.claims.map((claim) => claim.slug));
      for (const statement of around.statements) for (const stance of statement.stances) expect(claims.has(stance.claim)).toBe(true);
      expect(around.sources.map((source) => source.slug)).toEqual(['article-china-north-korea-russia']);

      const empty = await freshDatabase('subgraph_target');
      await importBundle(empty, around);
      expect(await exportBundle(empty)).toEqual(around);

      // Records are exported whole, so re-importing the subgraph where it came from deletes nothing.
      const back = await importBundle(prisma, around);
      expect(unchangedCounts(back)).toEqual(TYPES.map(() => zero));
    });

    it('exports around a claim and around a source', async () => {
      const aroundClaim = await exportBundle(prisma, { claims: ['china-neutral-on-ukraine-war'] });
      expect(aroundClaim.statements.map((s) => s.slug)).toEqual([
        'china-not-its-concern',
        'zelenskyy-silence-tacit-support',
        'lin-reaffirms-neutrality',
        'lin-position-not-changed',
      ]);
      const aroundSource = await exportBundle(prisma, { sources: ['article-china-north-korea-russia'] });
      expect(aroundSource.statements).toHaveLength(seed.statements.length);
      expect(aroundSource.claims).toHaveLength(seed.claims.length);
      for (const bundle of [aroundClaim, aroundSource]) expect(parseBundle(bundle).ok && validateSchema(bundle)).toBe(true);
      await expect(exportBundle(prisma, { actors: ['lin-jian', 'nobody'] })).rejects.toBeInstanceOf(SelectionError);
    });

    it('exports claims as schema.org JSON-LD with a ClaimReview carrying the derived status', async () => {
      const document = await claimsAsJsonLd(prisma);
      expect(document['@context']).toBe('https://schema.org');
      const graph = document['@graph'];
      const claims = graph.filter((node) => node['@type'] === 'Claim');
      const reviews = graph.filter((node) => node['@type'] === 'ClaimReview');
      expect(claims).toHaveLength(seed.claims.length);
      const statuses = new Map((await prisma.claim.findMany()).map((claim) => [`urn:fact-service:claim:${claim.slug}`, claim.status]));
      for (const claim of claims) {
        const review = reviews.find((node: JsonLdNode) => {
          const item = node.itemReviewed;
          return typeof item === 'object' && item !== null && !Array.isArray(item) && item['@id'] === claim['@id'];
        });
        expect(review, String(claim['@id'])).toBeDefined();
        expect(review?.reviewRating).toMatchObject({ '@type': 'Rating', alternateName: statuses.get(String(claim['@id'])), ratingExplanation: expect.stringContaining('not an editorial verdict') });
        expect(review?.reviewRating).not.toHaveProperty('ratingValue');
      }

      const nodes: { [key: string]: JsonValue }[] = [];
      walk(graph, (node) => nodes.push(node));
      expect(nodes.find((node) => node['@id'] === 'urn:fact-service:actor:russia')).toMatchObject({ sameAs: 'https://www.wikidata.org/wiki/Q159' });
      expect(nodes.find((node) => node['@id'] === 'urn:fact-service:actor:lin-jian')).toMatchObject({ '@type': 'Person' });
      expect(nodes.find((node) => node['@id'] === 'urn:fact-service:actor:lin-jian')).not.toHaveProperty('sameAs');
      const article = nodes.filter((node) => node['@id'] === 'urn:fact-service:source:article-china-north-korea-russia');
      expect(article.length).toBeGreaterThan(0);
      for (const node of article) expect(Object.keys(node).sort()).toEqual(['@id', '@type', 'name']);
      expect(nodes.some((node) => 'url' in node)).toBe(false);

      expect(await claimsAsJsonLd(prisma)).toEqual(document);
      const one = await claimsAsJsonLd(prisma, { claims: ['nk-troops-in-russia-10000'] });
      expect(one['@graph'].map((node) => node['@id'])).toEqual(['urn:fact-service:claim:nk-troops-in-russia-10000', 'urn:fact-service:claim-review:nk-troops-in-russia-10000']);
    });

    it('writes documents in pieces that add up to JSON.stringify(document, null, 2)', async () => {
      const documents: object[] = [seed, await claimsAsJsonLd(prisma), { format: seed.format, sources: [], actors: [], claims: [], statements: [] }, {}];
      for (const document of documents) expect([...jsonChunks(document)].join('')).toBe(JSON.stringify(document, null, 2));
    });
  });
});

// Each command is a fresh process that starts an embedded database and migrates it: seconds apiece.
describe('the import and export commands', { timeout: 240_000 }, () => {
  const tsx = join(ROOT, 'node_modules/.bin/tsx');
  const run = (script: string, args: string[]) => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: 'memory://', LOG_LEVEL: 'silent' };
    delete env.DATABASE_URL;
    return spawnSync(tsx, [join(ROOT, 'src/cli', script), ...args], { cwd: ROOT, env, encoding: 'utf8', timeout: 60_000 });
  };

  it('imports a bundle and prints the counts as a table', () => {
    const result = run('import.ts', [SEED_FILE]);
    expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(result.status).toBe(0);
    expect(result.stdout).toMatch(/statements\s+24\s+0\s+0\s+0/);
    const json = run('import.ts', [SEED_FILE, '--json', '--dry-run']);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, dryRun: true, stances: { created: 31 } });
  });

  it('rejects a bad bundle with the path of every problem and no stack trace', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'bundle-cli-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const shape = copy();
    Object.assign(shape.actors[0] ?? {}, { kind: 'EMPIRE', motto: 'x' });
    const references = copy();
    Object.assign(references.statements[1] ?? {}, { speaker: 'nobody' });
    await writeFile(join(dir, 'shape.json'), JSON.stringify(shape));
    await writeFile(join(dir, 'references.json'), JSON.stringify(references));
    await writeFile(join(dir, 'not-json.json'), '{"format":');

    const badShape = run('import.ts', [join(dir, 'shape.json')]);
    expect(badShape.status).toBe(1);
    expect(badShape.stderr).toContain('/actors/0/kind: ');
    expect(badShape.stderr).toContain('/actors/0/motto: unknown field "motto"');
    const badReference = run('import.ts', [join(dir, 'references.json'), '--json']);
    expect(badReference.status).toBe(1);
    expect(badReference.stderr).toContain('/statements/1/speaker: no actor with slug "nobody"');
    expect(JSON.parse(badReference.stdout)).toMatchObject({ ok: false, issues: [{ path: '/statements/1/speaker' }] });
    const notJson = run('import.ts', [join(dir, 'not-json.json')]);
    expect(notJson.status).toBe(1);
    expect(notJson.stderr).toMatch(/is not JSON/);
    for (const result of [badShape, badReference, notJson]) expect(result.stderr).not.toMatch(/\n\s+at /);
    expect(run('import.ts', []).status).toBe(2);
  });

  it('exports JSON to stdout or to a file', async () => {
    const bundle = run('export.ts', []);
    expect(bundle.status).toBe(0);
    expect(JSON.parse(bundle.stdout)).toEqual({ format: 'fact-bundle/v1', sources: [], actors: [], claims: [], statements: [] });
    const dir = await mkdtemp(join(tmpdir(), 'bundle-cli-'));
    onTestFinished(() => rm(dir, { recursive: true, force: true }));
    const jsonld = run('export.ts', ['--format', 'jsonld', '--output', join(dir, 'claims.jsonld')]);
    expect(jsonld.status).toBe(0);
    expect(jsonld.stdout).toBe('');
    expect(JSON.parse(await readFile(join(dir, 'claims.jsonld'), 'utf8'))).toEqual({ '@context': 'https://schema.org', '@graph': [] });
    const unknown = run('export.ts', ['--actor', 'nobody']);
    expect(unknown.status).toBe(1);
    expect(unknown.stderr.trim().split('\n').at(-1)).toBe('no actor with slug "nobody"');
    expect(run('export.ts', ['--format', 'xml']).status).toBe(2);
  });
});

function sortedAffiliations<T extends { actor: string; role: string }>(affiliations: T[]): T[] {
  const key = (affiliation: T) => `${affiliation.actor}\u0000${affiliation.role}`;
  return [...affiliations].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}
