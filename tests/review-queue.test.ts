import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import { openDatabase } from '../src/db.js';
import type { App } from '../src/server.js';
import { acceptDrafts, rejectDraft } from '../src/write/review.js';
import { Conflict } from '../src/domain/errors.js';
import { createTokens, executeAs, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { observedEvents } from './support/events.js';
import { createTestApp } from './support/graphql.js';

const KESTREL = readFileSync(new URL('./fixtures/ingest/kestrel-ferries.txt', import.meta.url), 'utf8');
const SEED_TEXT = readFileSync(new URL('../prisma/seed/china-north-korea-russia.txt', import.meta.url), 'utf8');
const SEED_SOURCE = 'article-china-north-korea-russia';

let test: TestDatabase;
let app: App;
let tokens: Tokens;
const observed = observedEvents();

beforeAll(async () => {
  test = await createTestDatabase('review_queue');
  await seed(test.db.prisma);
  tokens = await createTokens(test);
  // Extraction is CPU work: on the shared 2-core machine a request may outlast the default 15 s limit, which is not what this file tests.
  app = createTestApp(test, { events: observed.events, hardening: { requestTimeoutMs: 120_000 } });
}, 60_000);
afterAll(() => test?.close());

const ERRORS = `... on Error { __typename message } ... on ValidationError { issues { path message } } ... on ConflictError { field } ... on NotFoundError { type key }`;
const INGEST = `mutation($input: IngestArticleInput!) { ingestArticle(input: $input) { __typename ${ERRORS}
  ... on MutationIngestArticleSuccess { data { created ingestion { id sourceSlug textSha256 counts { pending accepted rejected }
    drafts { id kind status text confidence rule flags quote { start end text } parts { start end text } speaker { slug isNew score via } duplicates { kind slug score } record } } } } } }`;
const ACCEPT = `mutation($id: ID!, $edits: DraftEditsInput) { acceptDraft(id: $id, edits: $edits) { __typename ${ERRORS}
  ... on MutationAcceptDraftSuccess { data { drafts { id status decidedBy } statements { slug text kind speaker { slug } quote { start end text } source { slug textSha256 } } } } } }`;
const REJECT = `mutation($id: ID!, $reason: String!) { rejectDraft(id: $id, reason: $reason) { __typename ${ERRORS} ... on MutationRejectDraftSuccess { data { id status rejectionReason } } } }`;

async function run(token: string | null, query: string, variables?: Record<string, unknown>) {
  const result = await executeAs(app, token, query, variables);
  if (result.errors) throw new Error(JSON.stringify(result.errors));
  return result.data;
}

interface DraftShape {
  id: string;
  kind: string;
  status: string;
  text: string;
  confidence: number;
  rule: string;
  flags: string[];
  quote: { start: number; end: number; text: string } | null;
  parts: { start: number; end: number; text: string }[];
  speaker: { slug: string; isNew: boolean } | null;
  duplicates: { kind: string; slug: string; score: number }[];
  record: { slug: string; speaker?: string; stances?: { claim: string }[] };
}

const ingest = async (input: Record<string, unknown>, token = tokens.write) => (await run(token, INGEST, { input })).ingestArticle;
const factCounts = async () => ({
  sources: await test.db.prisma.source.count(),
  statements: await test.db.prisma.statement.count(),
  claims: await test.db.prisma.claim.count(),
  actors: await test.db.prisma.actor.count(),
});

describe(`the review queue (${databaseLabel()})`, () => {
  let drafts: DraftShape[];
  let ingestionId: string;

  it('refuses ingestArticle without the write scope, and writes nothing', async () => {
    const before = await factCounts();
    const result = await executeAs(app, tokens.read, INGEST, { input: { source: { title: 'Kestrel' }, text: KESTREL } });
    expect(result.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await test.db.prisma.ingestion.count()).toBe(0);
    expect(await factCounts()).toEqual(before);
  });

  it('stores drafts with offsets, confidence, rule and speaker match, and nothing appears in the fact queries', async () => {
    const before = await factCounts();
    const result = await ingest({ source: { slug: 'kestrel-ferries-battery', title: 'Kestrel Ferries goes electric', publisher: 'Harbour Post' }, text: KESTREL, publishedOn: '2026-03-04' });
    expect(result.__typename).toBe('MutationIngestArticleSuccess');
    expect(result.data.created).toBe(true);
    drafts = result.data.ingestion.drafts;
    ingestionId = result.data.ingestion.id;
    const quotes = drafts.filter((draft) => draft.kind === 'DIRECT_QUOTE');
    expect(quotes.length).toBeGreaterThanOrEqual(5);
    for (const draft of quotes) {
      expect(draft.status).toBe('PENDING');
      expect(draft.confidence).toBeGreaterThan(0);
      expect(draft.rule).not.toBe('');
      expect(draft.quote).not.toBeNull();
      for (const part of draft.parts) expect(KESTREL.slice(part.start, part.end)).toBe(part.text);
    }
    const single = quotes.find((draft) => draft.parts.length === 1 && draft.text.startsWith('The technology is ready'));
    expect(single?.quote?.text).toBe(single?.text);
    expect(single?.speaker?.slug).toMatch(/zhou/);
    expect(drafts.some((draft) => draft.kind === 'NUMERIC_CLAIM')).toBe(true);
    expect(result.data.ingestion.counts).toEqual({ pending: drafts.length, accepted: 0, rejected: 0 });

    expect(await factCounts()).toEqual(before);
    const facts = await run(null, `{ source(slug: "kestrel-ferries-battery") { id } statements(search: "technology is ready") { totalCount } }`);
    expect(facts).toEqual({ source: null, statements: { totalCount: 0 } });
  });

  it('is idempotent: the same text for the same source is the same ingestion', async () => {
    const again = await ingest({ source: { slug: 'kestrel-ferries-battery', title: 'Kestrel Ferries goes electric' }, text: KESTREL });
    expect(again.data.created).toBe(false);
    expect(again.data.ingestion.id).toBe(ingestionId);
    expect(await test.db.prisma.ingestion.count()).toBe(1);
    expect(await test.db.prisma.ingestionDraft.count()).toBe(drafts.length);
  });

  it('lists ingestions and filters drafts by status and kind (write scope)', async () => {
    const anonymous = await executeAs(app, null, `{ ingestions { totalCount } }`);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    const listed = await run(tokens.write, `query($id: ID!) { ingestions { totalCount edges { node { id title } } } ingestion(id: $id) { quotes: drafts(kind: DIRECT_QUOTE) { kind } claims: drafts(kind: NUMERIC_CLAIM, status: PENDING) { kind status } } }`, {
      id: ingestionId,
    });
    expect(listed.ingestions.totalCount).toBe(1);
    expect(listed.ingestions.edges[0].node).toEqual({ id: ingestionId, title: 'Kestrel Ferries goes electric' });
    expect(listed.ingestion.quotes.length).toBe(drafts.filter((draft) => draft.kind === 'DIRECT_QUOTE').length);
    expect(listed.ingestion.claims.every((draft: { kind: string; status: string }) => draft.kind === 'NUMERIC_CLAIM' && draft.status === 'PENDING')).toBe(true);
  });

  it('accepts a draft through the write path: source with its text, proposed speaker, statement with offsets, audit entry, event', async () => {
    const draft = drafts.find((candidate) => candidate.kind === 'DIRECT_QUOTE' && candidate.text.startsWith('The technology is ready')) as DraftShape;
    const received: unknown[] = [];
    const listening = observed.listening();
    const iterator = observed.events.subscribe('statementRecorded')[Symbol.asyncIterator]();
    const next = iterator.next().then((value) => received.push(value.value));
    await listening;
    const result = await run(tokens.write, ACCEPT, { id: draft.id });
    expect(result.acceptDraft.__typename).toBe('MutationAcceptDraftSuccess');
    const [statement] = result.acceptDraft.data.statements;
    expect(statement.text).toBe(draft.text);
    expect(statement.kind).toBe('DIRECT_QUOTE');
    expect(statement.quote).toEqual({ start: draft.quote?.start, end: draft.quote?.end, text: draft.text });
    expect(statement.source.slug).toBe('kestrel-ferries-battery');
    expect(statement.source.textSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(result.acceptDraft.data.drafts[0]).toMatchObject({ id: draft.id, status: 'ACCEPTED', decidedBy: 'test-write' });
    await next;
    expect(received).toHaveLength(1);
    await iterator.return?.();

    const read = await run(null, `query($slug: String!) { statement(slug: $slug) { speaker { slug name } source { text } } }`, { slug: statement.slug });
    expect(read.statement.source.text).toBe(KESTREL);
    expect(read.statement.speaker.slug).toBe(draft.speaker?.slug);
    const audit = await test.db.prisma.auditEntry.findFirst({ where: { action: 'acceptDraft', targetSlug: statement.slug } });
    expect(audit?.targetType).toBe('Statement');
  });

  it('a second accept of the same draft is a ConflictError that changes nothing', async () => {
    const draft = drafts.find((candidate) => candidate.text.startsWith('The technology is ready')) as DraftShape;
    const before = await factCounts();
    const result = await run(tokens.write, ACCEPT, { id: draft.id });
    expect(result.acceptDraft).toMatchObject({ __typename: 'ConflictError', field: 'status' });
    expect(result.acceptDraft.message).toMatch(/already accepted by test-write/);
    expect(await factCounts()).toEqual(before);
  });

  it('accepts with edits of speaker, text and kind', async () => {
    const draft = drafts.find((candidate) => candidate.kind === 'DIRECT_QUOTE' && candidate.text.startsWith('Every kilogram')) as DraftShape;
    const edited = 'Every kilogram taken out is range given back to the captain, the yard says.';
    const result = await run(tokens.write, ACCEPT, { id: draft.id, edits: { speaker: 'china', text: edited, kind: 'PARAPHRASE', onBehalfOf: null } });
    expect(result.acceptDraft.__typename).toBe('MutationAcceptDraftSuccess');
    const [statement] = result.acceptDraft.data.statements;
    expect(statement).toMatchObject({ text: edited, kind: 'PARAPHRASE', speaker: { slug: 'china' }, quote: null });
    const audit = await test.db.prisma.auditEntry.findFirst({ where: { action: 'acceptDraft', targetSlug: statement.slug } });
    expect((audit?.before as { edits: unknown }).edits).toMatchObject({ speaker: 'china', kind: 'PARAPHRASE' });
  });

  it('an edit naming an unknown speaker is a ValidationError, and nothing is written', async () => {
    const draft = drafts.find((candidate) => candidate.kind === 'DIRECT_QUOTE' && candidate.status === 'PENDING' && !candidate.text.startsWith('Every') && !candidate.text.startsWith('The technology')) as DraftShape;
    const before = await factCounts();
    const result = await run(tokens.write, ACCEPT, { id: draft.id, edits: { speaker: 'nobody-known-here' } });
    expect(result.acceptDraft.__typename).toBe('ValidationError');
    expect(JSON.stringify(result.acceptDraft.issues)).toMatch(/nobody-known-here/);
    expect(await factCounts()).toEqual(before);
    expect((await test.db.prisma.ingestionDraft.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe('PENDING');
  });

  it('rejects with a reason; a rejected draft cannot be accepted, nor rejected again', async () => {
    const draft = drafts.find((candidate) => candidate.kind === 'NUMERIC_CLAIM') as DraftShape;
    const empty = await run(tokens.write, REJECT, { id: draft.id, reason: '  ' });
    expect(empty.rejectDraft.__typename).toBe('ValidationError');
    const rejected = await run(tokens.write, REJECT, { id: draft.id, reason: 'not a claim anyone makes' });
    expect(rejected.rejectDraft).toMatchObject({ __typename: 'MutationRejectDraftSuccess', data: { status: 'REJECTED', rejectionReason: 'not a claim anyone makes' } });
    expect((await run(tokens.write, ACCEPT, { id: draft.id })).acceptDraft).toMatchObject({ __typename: 'ConflictError', field: 'status' });
    expect((await run(tokens.write, REJECT, { id: draft.id, reason: 'again' })).rejectDraft).toMatchObject({ __typename: 'ConflictError' });
  });

  it('acceptDrafts is all or nothing', async () => {
    const pending = (await test.db.prisma.ingestionDraft.findMany({ where: { ingestionId, status: 'PENDING', kind: 'DIRECT_QUOTE' }, orderBy: { position: 'asc' } })).filter(
      (draft) => (draft.record as { speaker: string }).speaker !== 'unattributed',
    );
    const decided = await test.db.prisma.ingestionDraft.findFirstOrThrow({ where: { ingestionId, status: 'ACCEPTED' } });
    const before = await factCounts();
    const mixed = await run(tokens.write, `mutation($ids: [ID!]!) { acceptDrafts(ids: $ids) { __typename ${ERRORS} } }`, { ids: [pending[0]?.id, decided.id] });
    expect(mixed.acceptDrafts.__typename).toBe('ConflictError');
    expect(await factCounts()).toEqual(before);
    const ids = pending.slice(0, 2).map((draft) => draft.id);
    const ok = await run(tokens.write, `mutation($ids: [ID!]!) { acceptDrafts(ids: $ids) { __typename ... on MutationAcceptDraftsSuccess { data { statements { slug } drafts { status } } } } }`, { ids });
    expect(ok.acceptDrafts.data.drafts).toEqual(ids.map(() => ({ status: 'ACCEPTED' })));
    expect((await factCounts()).statements).toBe(before.statements + ids.length);
  });

  it('flags drafts of the seed article that repeat the seed: the same span, with score 1', async () => {
    const result = await ingest({ source: { slug: SEED_SOURCE }, text: SEED_TEXT });
    expect(result.data.created).toBe(true);
    const quotes = (result.data.ingestion.drafts as DraftShape[]).filter((draft) => draft.kind === 'DIRECT_QUOTE' && draft.parts.length === 1);
    const repeated = quotes.filter((draft) => draft.duplicates.some((duplicate) => duplicate.kind === 'SAME_SPAN' && duplicate.score === 1));
    expect(repeated.length).toBeGreaterThanOrEqual(Math.ceil(quotes.length * 0.8));
  });

  it('refuses a text that differs from the one the source keeps', async () => {
    const result = await ingest({ source: { slug: SEED_SOURCE }, text: `${SEED_TEXT}\nA new paragraph.` });
    expect(result.__typename).toBe('ValidationError');
    expect(result.issues[0].path).toEqual(['input', 'text']);
  });
});

describe(`ingestion input, issue 10's table (${databaseLabel()})`, () => {
  const draftsOf = async (text: string) => {
    const result = await ingest({ source: { title: `Input ${text.length} ${text.slice(0, 12)}` }, text });
    expect(result.__typename, JSON.stringify(result)).toBe('MutationIngestArticleSuccess');
    return result.data.ingestion.drafts as DraftShape[];
  };

  it('a text with no quotes gives zero statement drafts, not an error', async () => {
    const drafts = await draftsOf('The council met on Tuesday. The agenda was short and the meeting ended early.');
    expect(drafts.filter((draft) => draft.kind !== 'NUMERIC_CLAIM')).toEqual([]);
  });

  it('unmatched quote marks: best effort, the drafts flagged', async () => {
    const drafts = await draftsOf('“We will finish the bridge this year,” said Mayor Amelia Stone.\n\n“Nobody believes that, said Councillor Ray Ode on Friday.');
    const quotes = drafts.filter((draft) => draft.kind === 'DIRECT_QUOTE');
    expect(quotes.some((draft) => draft.text.startsWith('We will finish the bridge'))).toBe(true);
    expect(quotes.some((draft) => draft.flags.includes('unmatched-quote'))).toBe(true);
  });

  it('any Unicode works: offsets count UTF-16 code units, names keep their letters', async () => {
    const text = '😀 Olúwaseun Adébáyọ̀, a councillor, said: “We have been promised new piers 𝟛 times 北京.”';
    const drafts = await draftsOf(text);
    const quote = drafts.find((draft) => draft.kind === 'DIRECT_QUOTE');
    expect(quote?.quote?.text).toBe('We have been promised new piers 𝟛 times 北京.');
    expect(text.slice(quote?.quote?.start, quote?.quote?.end)).toBe(quote?.quote?.text);
    expect(quote?.speaker?.slug).toMatch(/ad[eé]b/);
  });
});

describe(`claim similarity (${databaseLabel()})`, () => {
  it('similarClaims scores stored claims by trigram similarity, best first', async () => {
    const data = await run(null, `{ similarClaims(text: "8,000 North Korean troops stationed in the Kursk border region", first: 3) { score claim { slug text } } }`);
    const found = data.similarClaims as { score: number; claim: { slug: string } }[];
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.claim.slug).toBe('nk-troops-kursk-8000');
    expect(found[0]?.score).toBeGreaterThan(0.5);
    for (let i = 1; i < found.length; i++) expect(found[i - 1]?.score).toBeGreaterThanOrEqual(found[i]?.score ?? 0);
    for (const entry of found) expect(entry.score).toBeGreaterThanOrEqual(0.3);
  });

  it('Claim.similar leaves the claim itself out and honours first', async () => {
    await run(tokens.write, `mutation { createClaim(input: { slug: "nk-troops-kursk-8000-copy", text: "Approximately 8,000 North Korean troops are now stationed in Russia’s Kursk border region." }) { __typename } }`);
    const data = await run(null, `{ claim(slug: "nk-troops-kursk-8000") { similar(first: 1) { score claim { slug } } } }`);
    expect(data.claim.similar).toHaveLength(1);
    expect(data.claim.similar[0].claim.slug).toBe('nk-troops-kursk-8000-copy');
  });

  it('refuses an empty text and a first out of range', async () => {
    const empty = await executeAs(app, null, `{ similarClaims(text: " ") { score } }`);
    expect(empty.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    const big = await executeAs(app, null, `{ similarClaims(text: "troops", first: 500) { score } }`);
    expect(big.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('the importer warns about a new claim worded like a stored one, and does not merge it', async () => {
    const bundle = {
      format: 'fact-bundle/v1',
      sources: [],
      actors: [],
      statements: [],
      claims: [{ slug: 'nk-troops-kursk-about-8000', text: "About 8,000 North Korean troops are stationed in Russia’s Kursk border region", topics: [], source: null }],
    };
    const result = await run(tokens.write, `mutation($b: JSON!) { importBundle(bundle: $b) { __typename ... on MutationImportBundleSuccess { data { claims { created } warnings { path message similar score } } } } }`, { b: bundle });
    const report = result.importBundle.data;
    expect(report.claims.created).toBe(1);
    expect(report.warnings.some((warning: { similar: string; path: string }) => warning.similar === 'nk-troops-kursk-8000' && warning.path === '/claims/0')).toBe(true);
  });
});

describe.runIf(usingPostgres())('review races (PostgreSQL: PGlite has one connection)', () => {
  const pendingDraft = async () => {
    const text = `“We will open the new pier in spring,” said Mayor Amelia Stone on ${Math.random()}.`;
    const result = await ingest({ source: { title: `Pier ${Math.random()}` }, text });
    return (result.data.ingestion.drafts as DraftShape[]).find((draft) => draft.kind === 'DIRECT_QUOTE') as DraftShape;
  };

  it('two editors accepting the same draft at once: one wins, the other gets a ConflictError', async () => {
    for (let round = 0; round < 5; round++) {
      const draft = await pendingDraft();
      const results = await Promise.all([run(tokens.write, ACCEPT, { id: draft.id }), run(tokens.admin, ACCEPT, { id: draft.id })]);
      const kinds = results.map((result) => result.acceptDraft.__typename).sort();
      expect(kinds).toEqual(['ConflictError', 'MutationAcceptDraftSuccess']);
      expect(await test.db.prisma.statement.count({ where: { slug: draft.record.slug } })).toBe(1);
    }
  });

  it('accept against reject at once: exactly one decision holds', async () => {
    for (let round = 0; round < 5; round++) {
      const draft = await pendingDraft();
      const [accepted, rejected] = await Promise.all([run(tokens.write, ACCEPT, { id: draft.id }), run(tokens.admin, REJECT, { id: draft.id, reason: 'race' })]);
      const outcomes = [accepted.acceptDraft.__typename, rejected.rejectDraft.__typename];
      expect(outcomes.filter((name) => name === 'ConflictError')).toHaveLength(1);
      const stored = await test.db.prisma.ingestionDraft.findUniqueOrThrow({ where: { id: draft.id } });
      const statements = await test.db.prisma.statement.count({ where: { slug: draft.record.slug } });
      expect(stored.status === 'ACCEPTED' ? statements : 1 - statements).toBe(1);
    }
  });

  it('the same article ingested by many clients at once is one ingestion', async () => {
    const text = `“Twelve ferries will sail by June,” said Mayor Amelia Stone. ${Math.random()}`;
    const results = await Promise.all(Array.from({ length: 6 }, () => ingest({ source: { title: 'Same article' }, text })));
    expect(new Set(results.map((result) => result.data.ingestion.id)).size).toBe(1);
    expect(results.filter((result) => result.data.created)).toHaveLength(1);
  });

  it('acceptDrafts from two clients over overlapping drafts never accepts one twice', async () => {
    const text = `“One,” said Mayor Amelia Stone. “Two,” said Mayor Amelia Stone later. “Three,” said Mayor Amelia Stone at last. ${Math.random()}`;
    const result = await ingest({ source: { title: `Overlap ${Math.random()}` }, text });
    const ids = (result.data.ingestion.drafts as DraftShape[]).filter((draft) => draft.kind === 'DIRECT_QUOTE').map((draft) => draft.id);
    expect(ids.length).toBeGreaterThanOrEqual(2);
    const direct = await openDatabase({ kind: 'postgres', url: test.url as string, poolMax: 4 });
    try {
      const outcomes = await Promise.allSettled([acceptDrafts(direct.prisma, 'a', ids.map((id) => ({ id }))), acceptDrafts(direct.prisma, 'b', [...ids].reverse().map((id) => ({ id }))), rejectDraft(direct.prisma, 'c', ids[0] as string, 'no')]);
      expect(outcomes.filter((outcome) => outcome.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) if (outcome.status === 'rejected') expect(outcome.reason).toBeInstanceOf(Conflict);
    } finally {
      await direct.close();
    }
  });
});
