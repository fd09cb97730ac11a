import type { BundleActor, BundleClaim, BundleSource, BundleStatement, FactBundle } from '../bundle/format.js';
import { emptyBundle, validBundle } from '../bundle/format.js';
import { formatIsoDate, parseIsoDate } from '../domain/dates.js';
import { Conflict, type Issue, NotFound, ValidationFailure } from '../domain/errors.js';
import { textSha256 } from '../domain/quotes.js';
import { isUuid } from '../domain/uuid7.js';
import type { DraftKind, Ingestion, IngestionDraft, Prisma, PrismaClient } from '../generated/prisma/client.js';
// The extraction engine (compromise, wink-nlp, chrono-node: ~0.6 s of CPU to load) is imported when the first
// article is ingested, not at start: most processes never ingest one. The rest of ingest/ loads no NLP library.
import { sourceSlug, toBundle, UNATTRIBUTED } from '../ingest/bundle.js';
import { markDuplicates } from '../ingest/duplicates.js';
import type { extract } from '../ingest/engine.js';
import type { Draft, KnownActor, StatementDraft } from '../ingest/types.js';
import { IngestInputError, validateInput } from '../ingest/validate.js';
import { similarClaimRows } from '../sql/similarity/claims.js';
import { lockDrafts } from '../sql/write/review.js';
import type { PositionChangedEvent } from '../events.js';
import { applyRecords } from './apply.js';
import { asConflict, audit, RaceLost, type Tx, write } from './transaction.js';

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const SIMILAR_PER_DRAFT = 3;

export interface IngestSource {
  slug?: string | null | undefined;
  title?: string | null | undefined;
  publisher?: string | null | undefined;
  url?: string | null | undefined;
}

export interface IngestArticleInput {
  source: IngestSource;
  text: string;
  publishedOn?: string | null | undefined;
}

/** Why a reviewer should look at a draft twice: a record already stored that it repeats or resembles. */
export interface DraftDuplicate {
  /** `SAME_SPAN`: a statement already quotes these offsets of this text; `SAME_TEXT`: a statement with the same words; `SIMILAR_CLAIM`: a claim worded alike. */
  kind: 'SAME_SPAN' | 'SAME_TEXT' | 'SIMILAR_CLAIM';
  slug: string;
  text: string;
  score: number;
}

export interface Ingested {
  ingestion: Ingestion;
  /** False when the same text for the same source was already in the queue: nothing was written. */
  created: boolean;
}

const json = (value: unknown) => JSON.parse(JSON.stringify(value ?? null)) as Prisma.InputJsonValue;

/** The actors the engine can recognise: every stored actor with its aliases and affiliations. */
export async function readKnownActors(prisma: PrismaClient): Promise<KnownActor[]> {
  const actors = await prisma.actor.findMany({
    select: { slug: true, name: true, kind: true, aliases: true, wikidataId: true, affiliations: { select: { role: true, organization: { select: { slug: true } } } } },
    orderBy: { slug: 'asc' },
  });
  return actors.map((actor) => ({
    slug: actor.slug,
    name: actor.name,
    kind: actor.kind,
    aliases: actor.aliases,
    wikidataId: actor.wikidataId,
    affiliations: actor.affiliations.map((affiliation) => ({ organization: affiliation.organization.slug, role: affiliation.role })),
  }));
}

function checkInput(input: IngestArticleInput): { text: string; publishedOn: string | null } {
  const issues: Issue[] = [];
  try {
    validateInput({ text: input.text, publishedOn: input.publishedOn ?? null });
  } catch (error) {
    if (!(error instanceof IngestInputError)) throw error;
    issues.push(...error.issues.map((issue) => ({ path: ['input', ...issue.path], message: issue.message })));
  }
  const { slug, title, publisher, url } = input.source;
  if (slug != null && !SLUG.test(slug)) issues.push({ path: ['input', 'source', 'slug'], message: 'must be lowercase kebab-case (a-z, 0-9 and single hyphens)' });
  if (slug != null && slug.length > 120) issues.push({ path: ['input', 'source', 'slug'], message: 'must be at most 120 characters' });
  if (title != null && (title.trim() === '' || title.length > 1_000)) issues.push({ path: ['input', 'source', 'title'], message: 'must be 1 to 1000 characters' });
  if (slug == null && title == null) issues.push({ path: ['input', 'source', 'title'], message: 'give the source a title (or the slug of an existing source)' });
  if (publisher != null && (publisher.trim() === '' || publisher.length > 300)) issues.push({ path: ['input', 'source', 'publisher'], message: 'must be 1 to 300 characters' });
  if (url != null && !/^https?:\/\/\S+$/i.test(url)) issues.push({ path: ['input', 'source', 'url'], message: 'must be an http(s) URL' });
  if (issues.length > 0) throw new ValidationFailure(issues);
  return { text: input.text, publishedOn: input.publishedOn ?? null };
}

const draftKind = (draft: Draft): DraftKind => (draft.type === 'claim' ? 'NUMERIC_CLAIM' : draft.kind);

/** Stored statements and claims the drafts repeat or resemble, found before the ingestion's transaction. */
async function findDuplicates(prisma: PrismaClient, text: string, drafted: ReturnType<typeof extract>): Promise<{ drafts: Draft[]; similar: Map<string, DraftDuplicate[]> }> {
  const sha = textSha256(text);
  const texts = drafted.drafts.flatMap((draft) => (draft.type === 'statement' ? [draft.text] : []));
  const [sameSource, sameWords] = await Promise.all([
    prisma.statement.findMany({ where: { source: { textSha256: sha }, quoteStart: { not: null } }, select: { slug: true, text: true, quoteStart: true, quoteEnd: true } }),
    texts.length > 0 ? prisma.statement.findMany({ where: { text: { in: texts } }, select: { slug: true, text: true } }) : Promise.resolve([]),
  ]);
  const stored = [
    ...sameSource.map((row) => ({ slug: row.slug, text: row.text, quote: row.quoteStart !== null && row.quoteEnd !== null ? { start: row.quoteStart, end: row.quoteEnd } : null })),
    ...sameWords.filter((row) => !sameSource.some((other) => other.slug === row.slug)),
  ];
  const marked = markDuplicates(drafted, stored);
  const rows = await similarClaimRows(
    prisma,
    marked.drafts.map((draft) => ({ key: draft.id, text: draft.text, limit: SIMILAR_PER_DRAFT })),
  );
  const claims = await prisma.claim.findMany({ where: { id: { in: [...new Set(rows.map((row) => row.id))] } }, select: { id: true, slug: true, text: true } });
  const claimById = new Map(claims.map((claim) => [claim.id, claim]));
  const textBySlug = new Map(stored.map((row) => [row.slug, row.text]));
  const similar = new Map<string, DraftDuplicate[]>();
  for (const draft of marked.drafts) {
    const found: DraftDuplicate[] =
      draft.type === 'statement'
        ? draft.duplicates.map((duplicate) => ({
            kind: duplicate.reason === 'same-span' ? ('SAME_SPAN' as const) : ('SAME_TEXT' as const),
            slug: duplicate.slug,
            text: textBySlug.get(duplicate.slug) ?? '',
            score: duplicate.score,
          }))
        : [];
    similar.set(draft.id, found);
  }
  for (const row of rows) {
    const claim = claimById.get(row.id);
    if (claim) similar.get(row.key)?.push({ kind: 'SIMILAR_CLAIM', slug: claim.slug, text: claim.text, score: row.score });
  }
  return { drafts: marked.drafts, similar };
}

/**
 * Puts an article into the review queue: extracts its drafts (with the stored actors as the name
 * recogniser), finds what they repeat or resemble, and stores the ingestion with its drafts in one
 * transaction. Nothing enters the fact tables. The same text for the same source is one ingestion: asking
 * again returns it, even when two requests race (the unique index decides, the loser reads the winner's).
 */
export async function ingestArticle(prisma: PrismaClient, writer: string, input: IngestArticleInput): Promise<Ingested> {
  const { text, publishedOn } = checkInput(input);
  const existingSource = input.source.slug ? await prisma.source.findUnique({ where: { slug: input.source.slug } }) : null;
  const slug = input.source.slug ?? sourceSlug(input.source.title ?? '');
  if (!existingSource && input.source.title == null) {
    throw new ValidationFailure([{ path: ['input', 'source', 'title'], message: `there is no source "${slug}" yet: give its title to create it` }]);
  }
  if (existingSource?.text != null && existingSource.text !== text) {
    throw new ValidationFailure([{ path: ['input', 'text'], message: `the source "${slug}" already keeps a different text (SHA-256 ${existingSource.textSha256 ?? '?'}): quotes could not point into both` }]);
  }
  const sha = textSha256(text);
  const already = await prisma.ingestion.findUnique({ where: { sourceSlug_textSha256: { sourceSlug: slug, textSha256: sha } } });
  if (already) return { ingestion: already, created: false };

  const source = {
    slug,
    title: existingSource?.title ?? input.source.title ?? slug,
    publisher: input.source.publisher ?? existingSource?.publisher ?? null,
    url: input.source.url ?? existingSource?.url ?? null,
    publishedOn: publishedOn ?? (existingSource?.publishedOn ? formatIsoDate(existingSource.publishedOn) : null),
  };
  const { extract } = await import('../ingest/engine.js');
  const drafted = extract({ text, publishedOn: source.publishedOn, actors: await readKnownActors(prisma) });
  const { drafts, similar } = await findDuplicates(prisma, text, drafted);
  const bundle = toBundle(text, { ...drafted, drafts }, source);
  const statementDrafts = drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
  const claimByText = new Map(bundle.claims.map((claim) => [claim.text, claim]));
  const records = new Map<string, unknown>();
  statementDrafts.forEach((draft, i) => records.set(draft.id, bundle.statements[i]));
  for (const draft of drafts) if (draft.type === 'claim') records.set(draft.id, claimByText.get(draft.text));

  const ordered = [...drafts].sort((a, b) => start(a) - start(b) || a.id.localeCompare(b.id));
  const draftRows = ordered.map((draft, position) => ({
    position,
    kind: draftKind(draft),
    record: json(records.get(draft.id)),
    extraction: json(draft),
    quoteStart: draft.type === 'statement' ? (draft.quote?.start ?? draft.parts[0]?.start ?? null) : draft.span.start,
    quoteEnd: draft.type === 'statement' ? (draft.quote?.end ?? draft.parts.at(-1)?.end ?? null) : draft.span.end,
    confidence: draft.confidence,
    rule: draft.rule,
    flags: draft.flags,
    duplicates: json(similar.get(draft.id) ?? []),
  }));
  const { sources: _sources, statements: _statements, ...proposed } = bundle;

  return write(prisma, async (tx) => {
    const found = await tx.ingestion.findUnique({ where: { sourceSlug_textSha256: { sourceSlug: slug, textSha256: sha } } });
    if (found) return { ingestion: found, created: false };
    let ingestion: Ingestion;
    try {
      ingestion = await tx.ingestion.create({
        data: {
          sourceSlug: slug,
          title: source.title,
          publisher: source.publisher,
          url: source.url,
          publishedOn: source.publishedOn ? (parseIsoDate(source.publishedOn) ?? null) : null,
          text,
          textSha256: sha,
          bundle: json({ ...proposed, source: bundle.sources[0] }),
          warnings: json(drafted.warnings),
          createdBy: writer,
          drafts: { createMany: { data: draftRows } },
        },
      });
    } catch (error) {
      if (asConflict(error) instanceof Conflict) throw new RaceLost('the same article was ingested meanwhile');
      throw error;
    }
    await audit(tx, writer, {
      action: 'ingestArticle',
      targetType: 'Ingestion',
      targetId: ingestion.id,
      targetSlug: slug,
      after: { source: slug, textSha256: sha, drafts: draftRows.length, warnings: drafted.warnings.length },
    });
    return { ingestion, created: true };
  });
}

const start = (draft: Draft) => (draft.type === 'claim' ? draft.span.start : (draft.quote?.start ?? draft.parts[0]?.start ?? 0));

/** What an editor may change before accepting: the speaker and whom they spoke for (slugs), the words, the kind. */
export interface DraftEdits {
  speaker?: string | null | undefined;
  onBehalfOf?: string | null | undefined;
  text?: string | null | undefined;
  kind?: BundleStatement['kind'] | null | undefined;
}

export interface Accepted {
  draftId: string;
  /** What the accept created: a statement or a claim. */
  type: 'Statement' | 'Claim';
  id: string;
  slug: string;
  speakerSlug: string | null;
  claimSlugs: string[];
}

/** What an accept created, and the position changes it made appear (to announce once it commits). */
export type AcceptedDrafts = Accepted[] & { positionChanges: PositionChangedEvent[] };

interface StoredBundle {
  source: BundleSource;
  actors: BundleActor[];
  claims: BundleClaim[];
}

const statementRecord = (draft: IngestionDraft) => draft.record as unknown as BundleStatement;
const claimRecord = (draft: IngestionDraft) => draft.record as unknown as BundleClaim;

function alreadyDecided(draft: IngestionDraft): Conflict {
  const when = draft.decidedAt ? ` at ${draft.decidedAt.toISOString()}` : '';
  return new Conflict(`Draft ${draft.id} was already ${draft.status.toLowerCase()} by ${draft.decidedBy ?? 'someone'}${when}`, 'status');
}

/** The offsets an edited text keeps: the draft's own when it still reads so, else the nearest place the source has those words. */
function quoteFor(text: string, statement: BundleStatement, draft: IngestionDraft): BundleStatement['quote'] {
  const offsets = statement.quote ?? null;
  if (offsets && text.slice(offsets.start, offsets.end) === statement.text) return offsets;
  const near = draft.quoteStart ?? 0;
  let best: number | null = null;
  for (let at = text.indexOf(statement.text); at !== -1; at = text.indexOf(statement.text, at + 1)) {
    if (best === null || Math.abs(at - near) < Math.abs(best - near)) best = at;
  }
  return best === null ? null : { start: best, end: best + statement.text.length };
}

function checkEdits(edits: DraftEdits, path: string[]): Issue[] {
  const issues: Issue[] = [];
  for (const key of ['speaker', 'onBehalfOf'] as const) {
    const value = edits[key];
    if (value != null && !SLUG.test(value)) issues.push({ path: [...path, key], message: 'must be the slug of an actor (lowercase kebab-case)' });
  }
  if (edits.text != null && (edits.text.trim() === '' || edits.text.length > 20_000)) issues.push({ path: [...path, 'text'], message: 'must be 1 to 20000 characters' });
  return issues;
}

/**
 * Accepts drafts in one transaction, through the write path: the drafts are locked first (FOR UPDATE,
 * ascending id), then applyRecords takes its locks in the usual order (actors, sources, statements,
 * claims) and creates what they need that does not exist yet: the source with its text, proposed actors,
 * the claims a statement asserts. A draft someone else decided meanwhile is a ConflictError; nothing is
 * written then. Accepting a statement accepts the pending claim drafts it asserts; stances on claims a
 * reviewer rejected are left out.
 */
export async function acceptDrafts(prisma: PrismaClient, writer: string, requests: readonly { id: string; edits?: DraftEdits | null }[]): Promise<AcceptedDrafts> {
  const issues: Issue[] = [];
  if (requests.length === 0) issues.push({ path: ['ids'], message: 'give at least one draft' });
  if (requests.length > 500) issues.push({ path: ['ids'], message: 'at most 500 drafts at once' });
  const seen = new Set<string>();
  requests.forEach((request, i) => {
    if (!isUuid(request.id)) issues.push({ path: requests.length === 1 ? ['id'] : ['ids', String(i)], message: 'is not a draft id' });
    if (seen.has(request.id)) issues.push({ path: ['ids', String(i)], message: 'is listed twice' });
    seen.add(request.id);
    if (request.edits) issues.push(...checkEdits(request.edits, ['edits']));
  });
  if (issues.length > 0) throw new ValidationFailure(issues);
  const ids = requests.map((request) => request.id);
  const editsById = new Map(requests.map((request) => [request.id, request.edits ?? {}]));

  return write(prisma, async (tx) => {
    const unlocked = await tx.ingestionDraft.findMany({ where: { id: { in: ids } } });
    for (const id of ids) if (!unlocked.some((draft) => draft.id === id)) throw new NotFound('IngestionDraft', id);
    const assertedSlugs = new Set(unlocked.flatMap((draft) => (draft.kind === 'NUMERIC_CLAIM' ? [] : statementRecord(draft).stances.map((stance) => stance.claim))));
    const siblings =
      assertedSlugs.size === 0
        ? []
        : (await tx.ingestionDraft.findMany({ where: { ingestionId: { in: [...new Set(unlocked.map((draft) => draft.ingestionId))] }, kind: 'NUMERIC_CLAIM' } })).filter(
            (draft) => !seen.has(draft.id) && assertedSlugs.has(claimRecord(draft).slug),
          );
    const locked = new Map((await lockDrafts(tx, [...ids, ...siblings.map((draft) => draft.id)])).map((draft) => [draft.id, draft]));
    const requested = ids.map((id) => locked.get(id) as IngestionDraft);
    for (const draft of requested) if (draft.status !== 'PENDING') throw alreadyDecided(draft);
    const rejectedClaims = new Set(siblings.filter((draft) => locked.get(draft.id)?.status === 'REJECTED').map((draft) => claimRecord(draft).slug));
    const pendingSiblings = siblings.filter((draft) => locked.get(draft.id)?.status === 'PENDING');

    const ingestions = new Map(
      (await tx.ingestion.findMany({ where: { id: { in: [...new Set(requested.map((draft) => draft.ingestionId))] } } })).map((row) => [row.id, row]),
    );
    const stored = (draft: IngestionDraft) => ingestions.get(draft.ingestionId)?.bundle as unknown as StoredBundle;

    const statements: BundleStatement[] = [];
    const claims = new Map<string, BundleClaim>();
    const wantedActors = new Map<string, BundleActor | null>();
    const sources = new Map<string, BundleSource>();
    const editIssues: Issue[] = [];
    for (const draft of requested) {
      const bundle = stored(draft);
      sources.set(bundle.source.slug, bundle.source);
      const edits = editsById.get(draft.id) ?? {};
      if (draft.kind === 'NUMERIC_CLAIM') {
        const claim = claimRecord(draft);
        claims.set(claim.slug, { ...claim, text: edits.text?.trim() || claim.text });
        continue;
      }
      const proposed = statementRecord(draft);
      const statement: BundleStatement = {
        ...proposed,
        speaker: edits.speaker ?? proposed.speaker,
        onBehalfOf: edits.onBehalfOf === undefined ? proposed.onBehalfOf : edits.onBehalfOf,
        text: edits.text ?? proposed.text,
        kind: edits.kind ?? proposed.kind,
        stances: proposed.stances.filter((stance) => !rejectedClaims.has(stance.claim)),
      };
      if (statement.speaker === UNATTRIBUTED.slug) {
        editIssues.push({ path: ['edits', 'speaker'], message: `draft ${draft.id} has no speaker the engine could find: give one` });
      }
      statement.quote = quoteFor(bundle.source.text ?? '', statement, draft);
      statements.push(statement);
      for (const slug of [statement.speaker, statement.onBehalfOf]) if (slug) wantedActors.set(slug, null);
      for (const stance of statement.stances) {
        const claim = bundle.claims.find((candidate) => candidate.slug === stance.claim);
        if (claim) claims.set(claim.slug, claim);
      }
    }
    if (editIssues.length > 0) throw new ValidationFailure(editIssues);

    // Proposed actors (and the organisations they are proposed to belong to) that no one has created yet.
    const proposedActors = new Map(requested.flatMap((draft) => stored(draft).actors.map((actor) => [actor.slug, actor] as const)));
    const queue = [...wantedActors.keys()];
    while (queue.length > 0) {
      const slug = queue.pop() as string;
      const actor = proposedActors.get(slug);
      if (!actor || wantedActors.get(slug)) continue;
      wantedActors.set(slug, actor);
      for (const affiliation of actor.affiliations) if (!wantedActors.has(affiliation.actor)) queue.push(affiliation.actor);
    }
    const candidates = [...wantedActors.values()].filter((actor): actor is BundleActor => actor !== null);
    const existingActors = new Set((await tx.actor.findMany({ where: { slug: { in: candidates.map((actor) => actor.slug) } }, select: { slug: true } })).map((row) => row.slug));
    const existingClaims = new Set((await tx.claim.findMany({ where: { slug: { in: [...claims.keys()] } }, select: { slug: true } })).map((row) => row.slug));
    const existingSources = new Map(
      (await tx.source.findMany({ where: { slug: { in: [...sources.keys()] } }, select: { slug: true, textSha256: true } })).map((row) => [row.slug, row.textSha256]),
    );
    for (const statement of statements) {
      const source = sources.get(statement.source);
      const kept = existingSources.get(statement.source);
      // A source that exists without this text: the offsets cannot be checked against it, so they are not kept.
      if (existingSources.has(statement.source) && (kept == null || kept !== textSha256(source?.text ?? ''))) statement.quote = null;
    }
    const taken = await tx.statement.findMany({ where: { slug: { in: statements.map((statement) => statement.slug) } }, select: { slug: true } });
    if (taken[0]) throw new Conflict(`A statement with slug "${taken[0].slug}" already exists: this draft was recorded before`, 'slug');

    const bundle: FactBundle = validBundle(
      emptyBundle({
        sources: [...sources.values()].filter((source) => !existingSources.has(source.slug)),
        actors: candidates.filter((actor) => !existingActors.has(actor.slug)),
        claims: [...claims.values()].filter((claim) => !existingClaims.has(claim.slug)),
        statements,
      }),
    );
    const applied = await applyRecords(tx, bundle, { mode: 'upsert', cause: { action: 'acceptDraft', writer } });

    const now = new Date();
    const accepted: Accepted[] = [];
    for (const draft of requested) {
      if (draft.kind === 'NUMERIC_CLAIM') {
        const slug = claims.get(claimRecord(draft).slug)?.slug ?? claimRecord(draft).slug;
        const id = applied.ids.claims.get(slug) ?? (await tx.claim.findUniqueOrThrow({ where: { slug }, select: { id: true } })).id;
        accepted.push({ draftId: draft.id, type: 'Claim', id, slug, speakerSlug: null, claimSlugs: [slug] });
      } else {
        const statement = statements.find((candidate) => candidate.slug === statementRecord(draft).slug) as BundleStatement;
        const id = applied.ids.statements.get(statement.slug) as string;
        accepted.push({ draftId: draft.id, type: 'Statement', id, slug: statement.slug, speakerSlug: statement.speaker, claimSlugs: statement.stances.map((stance) => stance.claim) });
      }
    }
    for (const entry of accepted) {
      await tx.ingestionDraft.update({ where: { id: entry.draftId }, data: { status: 'ACCEPTED', decidedBy: writer, decidedAt: now, createdSlug: entry.slug } });
    }
    const assertedNow = new Set(statements.flatMap((statement) => statement.stances.map((stance) => stance.claim)));
    for (const sibling of pendingSiblings) {
      const slug = claimRecord(sibling).slug;
      if (!assertedNow.has(slug)) continue;
      await tx.ingestionDraft.update({ where: { id: sibling.id }, data: { status: 'ACCEPTED', decidedBy: writer, decidedAt: now, createdSlug: slug } });
    }
    // Records the accept created besides the drafts' own (their speakers, sources, claims): each one's history starts here.
    const own = new Set(accepted.map((entry) => entry.id));
    for (const change of applied.changes) {
      if (own.has(change.id)) continue;
      await audit(tx, writer, { action: 'acceptDraft', targetType: change.type, targetId: change.id, targetSlug: change.slug, before: change.before, after: change.after });
    }
    for (const entry of accepted) {
      const draft = locked.get(entry.draftId) as IngestionDraft;
      const after = entry.type === 'Statement' ? statements.find((statement) => statement.slug === entry.slug) : claims.get(entry.slug);
      await audit(tx, writer, {
        action: 'acceptDraft',
        targetType: entry.type,
        targetId: entry.id,
        targetSlug: entry.slug,
        before: { draft: draft.id, ingestion: draft.ingestionId, proposed: draft.record, edits: editsById.get(draft.id) ?? {} },
        after,
        related: entry.type === 'Statement' ? entry.claimSlugs.flatMap((slug) => applied.ids.claims.get(slug) ?? []) : [],
      });
    }
    return Object.assign(accepted, { positionChanges: applied.positionChanges });
  });
}

/** Rejects a pending draft, saying why; a draft someone decided meanwhile is a ConflictError. */
export async function rejectDraft(prisma: PrismaClient, writer: string, id: string, reason: string): Promise<IngestionDraft> {
  const trimmed = reason.trim();
  const issues: Issue[] = [];
  if (!isUuid(id)) issues.push({ path: ['id'], message: 'is not a draft id' });
  if (!trimmed || trimmed.length > 2_000) issues.push({ path: ['reason'], message: trimmed ? 'must be at most 2000 characters' : 'must say why the draft is rejected' });
  if (issues.length > 0) throw new ValidationFailure(issues);
  return write(prisma, async (tx: Tx) => {
    const [draft] = await lockDrafts(tx, [id]);
    if (!draft) throw new NotFound('IngestionDraft', id);
    if (draft.status !== 'PENDING') throw alreadyDecided(draft);
    const row = await tx.ingestionDraft.update({ where: { id }, data: { status: 'REJECTED', decidedBy: writer, decidedAt: new Date(), rejectionReason: trimmed } });
    await audit(tx, writer, { action: 'rejectDraft', targetType: 'IngestionDraft', targetId: id, before: { status: 'PENDING' }, after: { status: 'REJECTED', reason: trimmed } });
    return row;
  });
}

