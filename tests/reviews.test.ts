import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import type { App } from '../src/server.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { observedEvents } from './support/events.js';
import { createTestApp } from './support/graphql.js';

let test: TestDatabase;
let app: App;
let tokens: Tokens;
let observed: ReturnType<typeof observedEvents>;

beforeAll(async () => {
  test = await createTestDatabase('reviews', { poolMax: 12 });
  await seed(test.db.prisma);
  tokens = await createTokens(test);
  observed = observedEvents();
  app = createTestApp(test, { events: observed.events });
});
afterAll(() => test?.close());

const ERRORS = `__typename ... on Error { message } ... on ValidationError { issues { path message } } ... on NotFoundError { type key } ... on ConflictError { field }`;
const REVIEW = `id rating ratingValue normalizedRating explanation url publishedOn language claim { slug } reviewer { slug kind } scale { slug bestRating worstRating }`;

async function data(token: string | null, query: string, variables?: Record<string, unknown>) {
  const result = await executeAs(app, token, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

const CREATE = `mutation($i: CreateReviewInput!) { createReview(input: $i) { ${ERRORS} ... on MutationCreateReviewSuccess { data { ${REVIEW} } } } }`;
const createReview = (input: Record<string, unknown>, token = tokens.write) => data(token, CREATE, { i: input }).then((d) => d.createReview);
const writes = () => test.db.prisma.auditEntry.count();

async function organisation(slug: string, name: string) {
  await data(tokens.write, `mutation($i: CreateActorInput!) { createActor(input: $i) { __typename } }`, { i: { slug, name, kind: 'ORGANIZATION' } });
}

describe(`verdicts: reviews on rating scales (${databaseLabel()})`, () => {
  beforeAll(async () => {
    await organisation('full-fact', 'Full Fact');
    await organisation('politifact', 'PolitiFact');
  });

  it('lists the built-in scales with their ordered labels and values', async () => {
    const { ratingScales } = await data(null, `{ ratingScales { slug builtIn labels worstRating bestRating steps { label value normalized } } }`);
    const politifact = ratingScales.find((scale: { slug: string }) => scale.slug === 'politifact');
    expect(politifact.labels).toEqual(['Pants on Fire', 'False', 'Mostly False', 'Half True', 'Mostly True', 'True']);
    expect(politifact.steps.at(0)).toEqual({ label: 'Pants on Fire', value: 0, normalized: -1 });
    expect(politifact.steps.at(-1)).toEqual({ label: 'True', value: 5, normalized: 1 });
    expect(ratingScales.find((scale: { slug: string }) => scale.slug === 'true-mixed-false').labels).toEqual(['FALSE', 'MIXED', 'TRUE']);
    expect(ratingScales.every((scale: { builtIn: boolean }) => scale.builtIn)).toBe(true);
  });

  it('records a review with its label, value and normalized value, shows it on the claim, and audits it', async () => {
    const before = await writes();
    const created = await createReview({
      claim: 'nk-troops-kursk-8000',
      reviewer: 'full-fact',
      scale: 'politifact',
      rating: 'mostly false',
      explanation: 'Estimates ranged from 8,000 to 12,000.',
      url: 'https://fullfact.org/example',
      publishedOn: '2024-11-02',
      language: 'en',
    });
    expect(created.__typename).toBe('MutationCreateReviewSuccess');
    expect(created.data).toMatchObject({ rating: 'Mostly False', ratingValue: 2, normalizedRating: -0.2, reviewer: { slug: 'full-fact', kind: 'ORGANIZATION' }, publishedOn: '2024-11-02' });
    expect(await writes()).toBe(before + 1);
    const [entry] = await test.db.prisma.auditEntry.findMany({ where: { action: 'createReview' }, orderBy: { seq: 'desc' }, take: 1 });
    expect(entry?.after).toMatchObject({ claim: 'nk-troops-kursk-8000', reviewer: 'full-fact', scale: 'politifact', rating: 'Mostly False', ratingValue: 2 });

    const { claim } = await data(null, `{ claim(slug: "nk-troops-kursk-8000") { reviews { rating reviewer { slug } } } }`);
    expect(claim.reviews).toEqual([{ rating: 'Mostly False', reviewer: { slug: 'full-fact' } }]);
    const { node } = await data(null, `query($id: ID!) { node(id: $id) { ... on Review { rating claim { slug } } } }`, { id: created.data.id });
    expect(node).toEqual({ rating: 'Mostly False', claim: { slug: 'nk-troops-kursk-8000' } });
  });

  it('keeps one review per reviewer and claim, and several reviewers per claim', async () => {
    const again = await createReview({ claim: 'nk-troops-kursk-8000', reviewer: 'full-fact', scale: 'true-mixed-false', rating: 'MIXED' });
    expect(again).toMatchObject({ __typename: 'ConflictError', field: 'reviewer' });
    const other = await createReview({ claim: 'nk-troops-kursk-8000', reviewer: 'politifact', scale: 'true-mixed-false', ratingValue: 2 });
    expect(other.data).toMatchObject({ rating: 'MIXED', ratingValue: 2, normalizedRating: 0 });
    const { reviews } = await data(null, `{ reviews(claim: "nk-troops-kursk-8000") { totalCount edges { node { reviewer { slug } } } } }`);
    expect(reviews.totalCount).toBe(2);
    expect(reviews.edges.map((edge: { node: { reviewer: { slug: string } } }) => edge.node.reviewer.slug)).toEqual(['full-fact', 'politifact']);
    const filtered = await data(null, `{ a: reviews(reviewer: "politifact") { totalCount } b: reviews(rating: "mixed") { totalCount } c: reviews(scale: "politifact", claim: "nk-troops-kursk-8000") { totalCount } d: reviews(claim: "no-such-claim") { totalCount } }`);
    expect(filtered).toEqual({ a: { totalCount: 1 }, b: { totalCount: 1 }, c: { totalCount: 1 }, d: { totalCount: 0 } });
  });

  it('refuses a rating outside its scale, an unknown scale, reviewer or claim, and bad fields, writing nothing', async () => {
    const before = await writes();
    const outside = await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'full-fact', scale: 'politifact', rating: 'Very True' });
    expect(outside.__typename).toBe('ValidationError');
    expect(outside.issues[0].path).toEqual(['input', 'rating']);
    expect(outside.issues[0].message).toContain('Pants on Fire (0)');
    const value = await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'full-fact', scale: 'politifact', ratingValue: 9 });
    expect(value.issues[0].path).toEqual(['input', 'ratingValue']);
    const disagree = await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'full-fact', scale: 'politifact', rating: 'True', ratingValue: 0 });
    expect(disagree.__typename).toBe('ValidationError');
    const none = await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'full-fact', scale: 'politifact' });
    expect(none.issues[0].message).toMatch(/give the rating/);
    expect(await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'full-fact', scale: 'no-such-scale', rating: 'True' })).toMatchObject({ __typename: 'NotFoundError', type: 'RatingScale' });
    expect(await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'nobody', scale: 'politifact', rating: 'True' })).toMatchObject({ __typename: 'NotFoundError', type: 'Actor' });
    expect(await createReview({ claim: 'no-claim', reviewer: 'full-fact', scale: 'politifact', rating: 'True' })).toMatchObject({ __typename: 'NotFoundError', type: 'Claim' });
    const fields = await createReview({ claim: 'nk-troops-in-russia-10000', reviewer: 'full-fact', scale: 'politifact', rating: 'True', url: 'javascript:alert(1)', language: 'not a language' });
    expect(fields.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(['input.url', 'input.language']);
    expect(await writes()).toBe(before);
    expect(await test.db.prisma.review.count({ where: { claim: { slug: 'nk-troops-in-russia-10000' } } })).toBe(0);
  });

  it('updates a rating (keeping the label across scales when it can), needs scopes, and deletes with admin', async () => {
    const { reviews } = await data(null, `{ reviews(reviewer: "full-fact", claim: "nk-troops-kursk-8000") { edges { node { id } } } }`);
    const id = reviews.edges[0].node.id;
    const UPDATE = `mutation($id: ID!, $i: UpdateReviewInput!) { updateReview(id: $id, input: $i) { ${ERRORS} ... on MutationUpdateReviewSuccess { data { ${REVIEW} } } } }`;
    const refused = await executeAs(app, tokens.read, UPDATE, { id, i: { rating: 'True' } });
    expect(refused.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const updated = await data(tokens.write, UPDATE, { id, i: { rating: 'Half True', explanation: null } });
    expect(updated.updateReview.data).toMatchObject({ rating: 'Half True', ratingValue: 3, normalizedRating: 0.2, explanation: null, url: 'https://fullfact.org/example' });
    const rescaled = await data(tokens.write, UPDATE, { id, i: { scale: 'true-mixed-false' } });
    expect(rescaled.updateReview).toMatchObject({ __typename: 'ValidationError' });
    const [entry] = await test.db.prisma.auditEntry.findMany({ where: { action: 'updateReview' }, orderBy: { seq: 'desc' }, take: 1 });
    expect(entry?.before).toMatchObject({ rating: 'Mostly False' });
    expect(entry?.after).toMatchObject({ rating: 'Half True', explanation: null });

    const removal = `mutation($id: ID!) { deleteReview(id: $id) { ${ERRORS} ... on MutationDeleteReviewSuccess { data } } }`;
    expect((await executeAs(app, tokens.write, removal, { id })).errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const { node: still } = await data(null, `query($id: ID!) { node(id: $id) { id } }`, { id });
    expect(still).toEqual({ id });
    expect((await data(tokens.admin, removal, { id })).deleteReview.data).toBe(id);
    expect((await data(null, `query($id: ID!) { node(id: $id) { id } }`, { id })).node).toBeNull();
  });

  it('will not delete an actor that wrote reviews, and a merge carries its reviews over', async () => {
    await organisation('fact-checkers-x', 'Fact Checkers X');
    await createReview({ claim: 'nk-troops-deployed-to-russia', reviewer: 'fact-checkers-x', scale: 'true-mixed-false', rating: 'TRUE' });
    const { actor } = await data(null, `{ actor(slug: "fact-checkers-x") { id } }`);
    const { actor: into } = await data(null, `{ actor(slug: "full-fact") { id } }`);
    const removal = await data(tokens.admin, `mutation($id: ID!) { deleteActor(id: $id) { ${ERRORS} } }`, { id: actor.id });
    expect(removal.deleteActor).toMatchObject({ __typename: 'ConflictError' });
    expect(removal.deleteActor.message).toMatch(/wrote 1 review/);
    await data(tokens.admin, `mutation($a: ID!, $b: ID!) { mergeActors(into: $a, from: $b) { __typename } }`, { a: into.id, b: actor.id });
    const { reviews } = await data(null, `{ reviews(claim: "nk-troops-deployed-to-russia") { edges { node { reviewer { slug } } } } }`);
    expect(reviews.edges).toEqual([{ node: { reviewer: { slug: 'full-fact' } } }]);
  });

  it('creates a scale of its own and refuses a malformed one', async () => {
    const CREATE_SCALE = `mutation($i: CreateRatingScaleInput!) { createRatingScale(input: $i) { ${ERRORS} ... on MutationCreateRatingScaleSuccess { data { slug labels worstRating bestRating builtIn } } } }`;
    const made = await data(tokens.write, CREATE_SCALE, { i: { slug: 'four-step', name: 'Four steps', labels: ['Wrong', 'Misleading', 'Needs context', 'Correct'] } });
    expect(made.createRatingScale.data).toEqual({ slug: 'four-step', labels: ['Wrong', 'Misleading', 'Needs context', 'Correct'], worstRating: 1, bestRating: 4, builtIn: false });
    const bad = await data(tokens.write, CREATE_SCALE, { i: { slug: 'bad', name: 'Bad', labels: ['A', 'a'], values: [2, 1] } });
    expect(bad.createRatingScale.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(['input.labels', 'input.values']);
    const taken = await data(tokens.write, CREATE_SCALE, { i: { slug: 'politifact', name: 'Again', labels: ['x', 'y'] } });
    expect(taken.createRatingScale).toMatchObject({ __typename: 'ConflictError', field: 'slug' });
  });

  it('exports each review as a ClaimReview with reviewRating, best and worst values and the reviewer as author', async () => {
    await createReview({ claim: 'nk-troops-at-ukraine-border', reviewer: 'politifact', scale: 'politifact', rating: 'Mostly True', url: 'https://politifact.example/x', publishedOn: '2024-10-30', language: 'en' });
    const { claimsJsonLd } = await data(null, `{ claimsJsonLd(claims: ["nk-troops-at-ukraine-border"]) { ... on QueryClaimsJsonLdSuccess { data } } }`);
    const reviews = claimsJsonLd.data['@graph'].filter((node: Record<string, unknown>) => node['@type'] === 'ClaimReview' && node.author);
    expect(reviews).toEqual([
      expect.objectContaining({
        author: expect.objectContaining({ '@type': 'Organization', name: 'PolitiFact' }),
        reviewRating: { '@type': 'Rating', ratingValue: 4, bestRating: 5, worstRating: 0, alternateName: 'Mostly True' },
        itemReviewed: { '@id': 'urn:fact-service:claim:nk-troops-at-ukraine-border' },
        url: 'https://politifact.example/x',
        datePublished: '2024-10-30',
        inLanguage: 'en',
      }),
    ]);
  });
});

const feed = (items: object[]) => ({
  '@context': 'https://schema.org',
  '@type': 'DataFeed',
  dataFeedElement: items.map((item) => ({ '@type': 'DataFeedItem', item: [item] })),
});
const claimReview = (claimReviewed: string, author: string, alternateName: string, extra: object = {}) => ({
  '@type': 'ClaimReview',
  claimReviewed,
  author: { '@type': 'Organization', name: author, url: 'https://checker.example' },
  reviewRating: { '@type': 'Rating', alternateName, ratingValue: 1, bestRating: 3, worstRating: 1 },
  url: `https://checker.example/${encodeURIComponent(claimReviewed.slice(0, 10))}`,
  datePublished: '2024-11-05T10:00:00Z',
  inLanguage: 'en',
  ...extra,
});

const IMPORT = `mutation($d: JSON!, $dry: Boolean, $scale: String) { importClaimReview(document: $d, dryRun: $dry, scale: $scale) { ${ERRORS}
  ... on MutationImportClaimReviewSuccess { data { dryRun created { claims actors sources reviews }
    reviews { path action claim claimCreated reviewer reviewerCreated source rating ratingValue review { rating } }
    warnings { path code message claim similarity } } } } }`;

describe(`importClaimReview (${databaseLabel()})`, () => {
  const document = feed([
    claimReview('Approximately 8,000 North Korean troops are stationed in Russia’s Kursk border region.', 'Check Your Fact', 'FALSE', {
      itemReviewed: { '@type': 'Claim', appearance: { '@type': 'CreativeWork', url: 'https://news.example/kursk', headline: 'Kursk report', datePublished: '2024-11-01' } },
    }),
    claimReview('The Varna dam will be drained by next summer.', 'Check Your Fact', 'MIXED', {
      itemReviewed: { '@type': 'Claim', firstAppearance: { '@type': 'CreativeWork', url: 'https://news.example/varna', name: 'Varna dam story' } },
    }),
  ]);

  it('reports a dry run fully and writes nothing', async () => {
    const before = { claims: await test.db.prisma.claim.count(), reviews: await test.db.prisma.review.count(), audit: await writes() };
    const { importClaimReview } = await data(tokens.write, IMPORT, { d: document, dry: true });
    expect(importClaimReview.data).toMatchObject({ dryRun: true, created: { claims: 1, actors: 1, sources: 2, reviews: 2 } });
    expect(importClaimReview.data.reviews.map((r: { review: unknown }) => r.review)).toEqual([null, null]);
    expect({ claims: await test.db.prisma.claim.count(), reviews: await test.db.prisma.review.count(), audit: await writes() }).toEqual(before);
  });

  it('matches a near-identical claim with a warning, creates the rest, and is idempotent', async () => {
    const { importClaimReview } = await data(tokens.write, IMPORT, { d: document });
    const result = importClaimReview.data;
    expect(result.dryRun).toBe(false);
    expect(result.reviews).toEqual([
      expect.objectContaining({ action: 'CREATED', claim: 'nk-troops-kursk-8000', claimCreated: false, reviewer: 'check-your-fact', reviewerCreated: true, rating: 'FALSE', review: { rating: 'FALSE' } }),
      expect.objectContaining({ action: 'CREATED', claim: 'the-varna-dam-will-be-drained-by-next-summer', claimCreated: true, source: 'news-example-varna', rating: 'MIXED' }),
    ]);
    expect(result.reviews[0].path).toEqual(['document', 'dataFeedElement', '0', 'item', '0']);
    expect(result.warnings).toEqual([expect.objectContaining({ code: 'MATCHED_EXISTING_CLAIM', claim: 'nk-troops-kursk-8000', path: ['document', 'dataFeedElement', '0', 'item', '0', 'claimReviewed'] })]);
    expect(result.warnings[0].similarity).toBeGreaterThan(0.8);
    const { actor } = await data(null, `{ actor(slug: "check-your-fact") { kind name } }`);
    expect(actor).toEqual({ kind: 'ORGANIZATION', name: 'Check Your Fact' });
    const { claim } = await data(null, `{ claim(slug: "the-varna-dam-will-be-drained-by-next-summer") { source { url title } reviews { rating scale { slug } } } }`);
    expect(claim).toEqual({ source: { url: 'https://news.example/varna', title: 'Varna dam story' }, reviews: [{ rating: 'MIXED', scale: { slug: 'true-mixed-false' } }] });

    const again = await data(tokens.write, IMPORT, { d: document });
    expect(again.importClaimReview.data.reviews.map((r: { action: string }) => r.action)).toEqual(['UNCHANGED', 'UNCHANGED']);
    expect(again.importClaimReview.data.created).toEqual({ claims: 0, actors: 0, sources: 0, reviews: 0 });
  });

  it('creates a new claim beside a merely similar one, and says so', async () => {
    const single = claimReview('About 8,000 North Korean troops are stationed in the Kursk region of Russia.', 'Check Your Fact', 'TRUE');
    const { importClaimReview } = await data(tokens.write, IMPORT, { d: single });
    const [review] = importClaimReview.data.reviews;
    expect(review).toMatchObject({ claimCreated: true, action: 'CREATED' });
    expect(importClaimReview.data.warnings).toEqual([expect.objectContaining({ code: 'SIMILAR_CLAIM_EXISTS', claim: 'nk-troops-kursk-8000' })]);
    const [warning] = importClaimReview.data.warnings;
    expect(warning.similarity).toBeGreaterThanOrEqual(0.5);
    expect(warning.similarity).toBeLessThan(0.8);
  });

  it('matches a reviewer by its exact name, case aside: "%" or "_" in a name is a character, not a wildcard', async () => {
    await test.db.prisma.actor.create({ data: { slug: 'desk-x', name: 'Fact Desk X', kind: 'ORGANIZATION' } });
    const byCase = claimReview('Dams in Bulgaria hold more water than ever.', 'FACT DESK X', 'TRUE');
    const { importClaimReview: sameName } = await data(tokens.write, IMPORT, { d: byCase, dry: true });
    expect(sameName.data.reviews[0]).toMatchObject({ reviewer: 'desk-x', reviewerCreated: false });
    await test.db.prisma.actor.create({ data: { slug: 'desk-y', name: '100% Fact_Check', kind: 'ORGANIZATION' } });
    const literal = claimReview('Dams in Bulgaria hold more water than ever.', '100% FACT_CHECK', 'TRUE');
    const { importClaimReview: sameLiteral } = await data(tokens.write, IMPORT, { d: literal, dry: true });
    expect(sameLiteral.data.reviews[0]).toMatchObject({ reviewer: 'desk-y', reviewerCreated: false });
    for (const name of ['%', '_', 'Chin_', 'C%']) {
      const wild = claimReview('Dams in Bulgaria hold more water than ever.', name, 'TRUE');
      const { importClaimReview } = await data(tokens.write, IMPORT, { d: wild, dry: true });
      expect(importClaimReview.data.reviews[0], `author ${JSON.stringify(name)}`).toMatchObject({ reviewerCreated: true });
      expect(importClaimReview.data.created.actors, `author ${JSON.stringify(name)}`).toBe(1);
    }
  });

  it('finds the scale by label, or takes the named one, and refuses a label no scale has', async () => {
    const four = claimReview('Dams in Bulgaria hold more water than ever.', 'Check Your Fact', 'Needs context', { reviewRating: { '@type': 'Rating', alternateName: 'Needs context' } });
    const { importClaimReview: found } = await data(tokens.write, IMPORT, { d: four, dry: true });
    expect(found.data.reviews[0]).toMatchObject({ rating: 'Needs context', ratingValue: 3 });
    const unknown = claimReview('Dams in Bulgaria hold more water than ever.', 'Check Your Fact', 'Spicy');
    const { importClaimReview: refused } = await data(tokens.write, IMPORT, { d: unknown });
    expect(refused.__typename).toBe('ValidationError');
    expect(refused.issues[0].path).toEqual(['document', 'reviewRating', 'alternateName']);
    const { importClaimReview: named } = await data(tokens.write, IMPORT, { d: unknown, scale: 'politifact' });
    expect(named.issues[0].message).toContain('"Spicy" is not on the scale "politifact"');
  });
});

describe(`topics as labels (${databaseLabel()})`, () => {
  it('keeps the label as typed, shows its slug, and filters by either', async () => {
    const imported = await data(tokens.write, `mutation($b: JSON!) { importBundle(bundle: $b) { ${ERRORS} ... on MutationImportBundleSuccess { data { claims { created } } } } }`, {
      b: { format: 'fact-bundle/v1', sources: [], actors: [], statements: [], claims: [{ slug: 'varna-dam-level', text: 'The Varna dam is at 40% of capacity.', topics: ['Varna dam', 'Water supply'], source: null }] },
    });
    expect(imported.importBundle.data.claims.created).toBe(1);
    const { claim } = await data(null, `{ claim(slug: "varna-dam-level") { topics topicList { label slug } } }`);
    expect(claim).toEqual({ topics: ['Varna dam', 'Water supply'], topicList: [{ label: 'Varna dam', slug: 'varna-dam' }, { label: 'Water supply', slug: 'water-supply' }] });
    for (const topic of ['varna-dam', 'Varna dam', 'VARNA DAM']) {
      const { claims } = await data(null, `query($t: String) { claims(topic: $t) { edges { node { slug } } } }`, { t: topic });
      expect(claims.edges.map((edge: { node: { slug: string } }) => edge.node.slug)).toEqual(['varna-dam-level']);
    }
    const { claims: legacy } = await data(null, `{ claims(topic: "kursk") { totalCount } }`);
    expect(legacy.totalCount).toBeGreaterThan(0);
  });

  it('counts topics, most used first, and searches labels and slugs', async () => {
    const { topics } = await data(null, `{ topics(first: 3) { label slug claimCount } }`);
    const counts = new Map<string, number>();
    for (const claim of await test.db.prisma.claim.findMany()) for (const slug of claim.topicSlugs) counts.set(slug, (counts.get(slug) ?? 0) + 1);
    const top = [...counts].sort(([a, m], [b, n]) => n - m || (a < b ? -1 : 1)).slice(0, 3);
    expect(topics.map((topic: { slug: string; claimCount: number }) => [topic.slug, topic.claimCount])).toEqual(top);
    expect(topics[0].claimCount).toBeGreaterThan(10);
    const { topics: found } = await data(null, `{ topics(search: "varna D") { label slug claimCount } }`);
    expect(found).toEqual([{ label: 'Varna dam', slug: 'varna-dam', claimCount: 1 }]);
    const { topics: bySlug } = await data(null, `{ topics(search: "water-sup") { slug } }`);
    expect(bySlug).toEqual([{ slug: 'water-supply' }]);
  });

  it('refuses two labels of one topic on a claim, and a label with no letter or digit', async () => {
    const result = await data(tokens.write, `mutation { createClaim(input: { slug: "dup-topic", text: "T", topics: ["Varna dam", "varna-dam", "!!!"] }) { ${ERRORS} } }`);
    expect(result.createClaim.__typename).toBe('ValidationError');
    expect(result.createClaim.issues.map((issue: { path: string[] }) => issue.path.join('.'))).toEqual(['input.topics.2', 'input.topics.1']);
  });
});

describe(`importBundle announces the statements it creates (${databaseLabel()})`, () => {
  it('publishes statementRecorded once per created statement, after commit, and nothing for a dry run or a re-import', async () => {
    const seen: { statementId: string; speakerSlug: string; claimSlugs: string[] }[] = [];
    const iterator = observed.events.subscribe('statementRecorded')[Symbol.asyncIterator]();
    const collect = (async () => {
      for (;;) {
        const next = await iterator.next();
        if (next.done) return;
        seen.push(next.value);
      }
    })();
    const bundle = {
      format: 'fact-bundle/v1',
      sources: [{ slug: 'announce-source', title: 'Announcements', url: null, publisher: null, publishedOn: null }],
      actors: [],
      claims: [],
      statements: ['announce-a', 'announce-b'].map((slug) => ({
        slug,
        speaker: 'china',
        onBehalfOf: null,
        text: `Said ${slug}.`,
        kind: 'REPORTED',
        saidOn: null,
        venue: null,
        source: 'announce-source',
        respondsTo: null,
        stances: [{ claim: 'nk-troops-kursk-8000', position: 'DENIES' }],
      })),
    };
    const IMPORT_BUNDLE = `mutation($b: JSON!, $dry: Boolean) { importBundle(bundle: $b, dryRun: $dry) { ${ERRORS} } }`;
    await data(tokens.write, IMPORT_BUNDLE, { b: bundle, dry: true });
    await data(tokens.write, IMPORT_BUNDLE, { b: bundle });
    await data(tokens.write, IMPORT_BUNDLE, { b: bundle });
    await iterator.return?.();
    await collect;
    const ids = await test.db.prisma.statement.findMany({ where: { slug: { in: ['announce-a', 'announce-b'] } }, orderBy: { seq: 'asc' }, select: { id: true } });
    expect(seen).toEqual(ids.map(({ id }) => ({ statementId: id, speakerSlug: 'china', claimSlugs: ['nk-troops-kursk-8000'] })));
  });
});

describe.skipIf(!usingPostgres())('reviews under concurrent writers (PostgreSQL; PGlite has one connection)', () => {
  it('lets exactly one of many racing creates for one reviewer and claim through; the rest get ConflictError', async () => {
    await organisation('racer', 'Racer');
    const before = await test.db.prisma.auditEntry.count({ where: { action: 'createReview' } });
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) => createReview({ claim: 'nk-troops-ready-for-combat-against-ukraine', reviewer: 'racer', scale: 'politifact', ratingValue: i % 6 })),
    );
    const kinds = results.map((result) => result.__typename).sort();
    expect(kinds.filter((kind) => kind === 'MutationCreateReviewSuccess')).toHaveLength(1);
    expect(kinds.filter((kind) => kind === 'ConflictError')).toHaveLength(9);
    expect(await test.db.prisma.review.count({ where: { reviewer: { slug: 'racer' } } })).toBe(1);
    expect(await test.db.prisma.auditEntry.count({ where: { action: 'createReview' } })).toBe(before + 1);
  });

  it('applies racing updates one after another: the stored rating is the last audited one', async () => {
    const review = await test.db.prisma.review.findFirstOrThrow({ where: { reviewer: { slug: 'racer' } } });
    const id = Buffer.from(`Review:${review.id}`).toString('base64');
    const UPDATE = `mutation($id: ID!, $i: UpdateReviewInput!) { updateReview(id: $id, input: $i) { __typename } }`;
    const labels = ['Pants on Fire', 'False', 'Mostly False', 'Half True', 'Mostly True', 'True'];
    const results = await Promise.all(Array.from({ length: 12 }, (_, i) => data(tokens.write, UPDATE, { id, i: { rating: labels[i % 6], explanation: `take ${i}` } })));
    expect(results.every((result) => result.updateReview.__typename === 'MutationUpdateReviewSuccess')).toBe(true);
    const entries = await test.db.prisma.auditEntry.findMany({ where: { action: 'updateReview', targetId: review.id }, orderBy: { seq: 'asc' } });
    expect(entries).toHaveLength(12);
    // Each update saw the one before it: its `before` is the previous entry's `after`.
    for (let i = 1; i < entries.length; i++) expect(entries[i]?.before).toEqual(entries[i - 1]?.after);
    const stored = await test.db.prisma.review.findUniqueOrThrow({ where: { id: review.id } });
    expect({ rating: stored.ratingLabel, explanation: stored.explanation }).toEqual({
      rating: (entries.at(-1)?.after as { rating: string }).rating,
      explanation: (entries.at(-1)?.after as { explanation: string }).explanation,
    });
  });

  it('imports the same ClaimReview feed from several clients at once without duplicate claims, reviewers or reviews', async () => {
    const shared = feed([0, 1, 2].map((i) => claimReview(`Concurrent claim number ${i} about reservoirs in Dobrich ${'x'.repeat(i)}.`, 'Parallel Checkers', 'TRUE')));
    const results = await Promise.all(Array.from({ length: 6 }, () => executeAs(app, tokens.write, IMPORT, { d: shared })));
    for (const result of results) expect(result.errors).toBeUndefined();
    expect(await test.db.prisma.actor.count({ where: { name: 'Parallel Checkers' } })).toBe(1);
    expect(await test.db.prisma.claim.count({ where: { text: { startsWith: 'Concurrent claim number' } } })).toBe(3);
    expect(await test.db.prisma.review.count({ where: { reviewer: { name: 'Parallel Checkers' } } })).toBe(3);
  });
});
