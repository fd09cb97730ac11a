import { builder } from '../builder.js';
import { type Context, requireScope } from '../context.js';
import { formatIsoDate } from '../domain/dates.js';
import { publishPositionChanges } from '../events.js';
import { DraftKind, DraftStatus } from '../generated/prisma/enums.js';
import type { ActorMatch, Span, StatementDraft } from '../ingest/types.js';
import { type Accepted, type AcceptedDrafts, acceptDrafts, type DraftDuplicate, ingestArticle, rejectDraft } from '../write/review.js';
import { Claim } from './claim.js';
import { StatementKindEnum } from './enums.js';
import { WRITE_ERRORS } from './errors.js';
import { Statement } from './statement.js';

export const DraftKindEnum = builder.enumType(DraftKind, {
  name: 'DraftKind',
  description: 'What a review draft proposes: a statement of one of the three kinds, or a numeric claim.',
});
export const DraftStatusEnum = builder.enumType(DraftStatus, { name: 'DraftStatus', description: 'Where a draft is in review.' });

const DuplicateKindEnum = builder.enumType('DraftDuplicateKind', {
  values: {
    SAME_SPAN: { description: 'A stored statement already quotes these offsets of this same text.' },
    SAME_TEXT: { description: 'A stored statement has the same words (case, spacing and quote marks aside).' },
    SIMILAR_CLAIM: { description: 'A stored claim is worded alike (trigram similarity, see `similarClaims`).' },
  } as const,
});

const DraftSpanRef = builder.objectRef<Span & { text: string }>('DraftSpan').implement({
  description: "A span of the ingested text: UTF-16 code-unit offsets (as JavaScript counts), end exclusive, with the text it covers.",
  fields: (t) => ({ start: t.exposeInt('start'), end: t.exposeInt('end'), text: t.exposeString('text') }),
});

const DraftDuplicateRef = builder.objectRef<DraftDuplicate>('DraftDuplicate').implement({
  description: 'A stored record this draft may repeat: accepting it anyway is the editor’s call.',
  fields: (t) => ({
    kind: t.field({ type: DuplicateKindEnum, resolve: (duplicate) => duplicate.kind }),
    slug: t.exposeString('slug', { description: 'The stored statement’s or claim’s slug.' }),
    text: t.exposeString('text'),
    score: t.exposeFloat('score', { description: '1 for the same span or words; the trigram similarity for a similar claim.' }),
  }),
});

const AlternativeRef = builder.objectRef<ActorMatch['alternatives'][number]>('DraftActorAlternative').implement({
  fields: (t) => ({ slug: t.exposeString('slug'), name: t.exposeString('name'), score: t.exposeFloat('score') }),
});

const DraftActorRef = builder.objectRef<ActorMatch>('DraftActor').implement({
  description: 'Who the engine thinks a draft names, matched against the stored actors.',
  fields: (t) => ({
    slug: t.exposeString('slug', { description: 'A stored actor’s slug, or (when `isNew`) the slug the proposed actor gets on accept.' }),
    name: t.exposeString('name'),
    kind: t.exposeString('kind'),
    mention: t.exposeString('mention', { description: 'The words in the text that name it.' }),
    score: t.exposeFloat('score', { description: '0..1: how sure the match is.' }),
    via: t.exposeString('via', { description: 'How it matched: name, alias, family-name, surname, wikidata, pronoun, new.' }),
    isNew: t.exposeBoolean('isNew', { description: 'No stored actor fits: accepting creates this one.' }),
    alternatives: t.field({ type: [AlternativeRef], resolve: (match) => match.alternatives }),
  }),
});

const WarningRef = builder.objectRef<{ span: Span; message: string }>('IngestionWarning').implement({
  fields: (t) => ({
    start: t.int({ resolve: (warning) => warning.span.start }),
    end: t.int({ resolve: (warning) => warning.span.end }),
    message: t.exposeString('message'),
  }),
});

const CountsRef = builder.objectRef<{ pending: number; accepted: number; rejected: number }>('DraftCounts').implement({
  fields: (t) => ({ pending: t.exposeInt('pending'), accepted: t.exposeInt('accepted'), rejected: t.exposeInt('rejected') }),
});

interface RecordFields {
  text?: string;
  kind?: string;
  speaker?: string;
  onBehalfOf?: string | null;
  slug?: string;
}
const recordOf = (draft: { record: unknown }) => (draft.record ?? {}) as RecordFields;
const extractionOf = (draft: { extraction: unknown }) => (draft.extraction ?? {}) as Partial<StatementDraft>;

export const IngestionDraftRef = builder.prismaObject('IngestionDraft', {
  description: 'A record the extraction engine proposes, waiting for an editor. Drafts never appear in the fact queries.',
  fields: (t) => ({
    id: t.exposeID('id'),
    position: t.exposeInt('position', { description: 'Order in the text.' }),
    kind: t.expose('kind', { type: DraftKindEnum }),
    status: t.expose('status', { type: DraftStatusEnum }),
    text: t.string({ description: 'The proposed statement’s words, or the clause making the numeric claim.', resolve: (draft) => recordOf(draft).text ?? '' }),
    record: t.expose('record', { type: 'JSON', description: 'The proposed record as a fact-bundle entry (statement or claim), slugs included.' }),
    extraction: t.expose('extraction', { type: 'JSON', description: 'The engine’s draft as it produced it: matches, parts, numeric value and bounds.' }),
    confidence: t.exposeFloat('confidence', { description: '0..1.' }),
    rule: t.exposeString('rule', { description: 'The extraction rule that produced it, e.g. `quote-said-after`.' }),
    flags: t.exposeStringList('flags', { description: 'Why to look harder: unmatched-quote, no-speaker, new-speaker, pronoun, split.' }),
    quote: t.field({
      type: DraftSpanRef,
      nullable: true,
      description: 'The span of the text the draft covers (for a split quote, from its first part to its last).',
      resolve: async (draft, _args, ctx) => {
        if (draft.quoteStart === null || draft.quoteEnd === null) return null;
        const text = await ingestionText(ctx, draft.ingestionId);
        return { start: draft.quoteStart, end: draft.quoteEnd, text: text.slice(draft.quoteStart, draft.quoteEnd) };
      },
    }),
    parts: t.field({
      type: [DraftSpanRef],
      description: 'For a statement: each quoted piece (two or more when the quote is split around its attribution or runs across paragraphs).',
      resolve: async (draft, _args, ctx) => {
        const parts = extractionOf(draft).parts ?? [];
        if (parts.length === 0) return [];
        const text = await ingestionText(ctx, draft.ingestionId);
        return parts.map((part) => ({ ...part, text: text.slice(part.start, part.end) }));
      },
    }),
    statementKind: t.field({ type: StatementKindEnum, nullable: true, resolve: (draft) => (draft.kind === 'NUMERIC_CLAIM' ? null : draft.kind) }),
    speaker: t.field({ type: DraftActorRef, nullable: true, resolve: (draft) => extractionOf(draft).speaker ?? null }),
    onBehalfOf: t.field({ type: DraftActorRef, nullable: true, resolve: (draft) => extractionOf(draft).onBehalfOf ?? null }),
    duplicates: t.field({ type: [DraftDuplicateRef], resolve: (draft) => (draft.duplicates ?? []) as unknown as DraftDuplicate[] }),
    decidedBy: t.exposeString('decidedBy', { nullable: true }),
    decidedAt: t.expose('decidedAt', { type: 'DateTime', nullable: true }),
    rejectionReason: t.exposeString('rejectionReason', { nullable: true }),
    statement: t.prismaField({
      type: Statement,
      nullable: true,
      description: 'The statement accepting it created.',
      resolve: (query, draft, _args, ctx) =>
        draft.status === 'ACCEPTED' && draft.kind !== 'NUMERIC_CLAIM' && draft.createdSlug ? ctx.prisma.statement.findUnique({ ...query, where: { slug: draft.createdSlug } }) : null,
    }),
    claim: t.prismaField({
      type: Claim,
      nullable: true,
      description: 'The claim accepting it created (or that accepting its statement created).',
      resolve: (query, draft, _args, ctx) =>
        draft.status === 'ACCEPTED' && draft.kind === 'NUMERIC_CLAIM' && draft.createdSlug ? ctx.prisma.claim.findUnique({ ...query, where: { slug: draft.createdSlug } }) : null,
    }),
    ingestion: t.relation('ingestion'),
  }),
});

const texts = new WeakMap<Context, Map<string, Promise<string>>>();

/** An ingestion's text, read once per request however many drafts slice it. */
function ingestionText(ctx: Context, id: string): Promise<string> {
  let cache = texts.get(ctx);
  if (!cache) texts.set(ctx, (cache = new Map()));
  let text = cache.get(id);
  if (!text) {
    text = ctx.prisma.ingestion.findUnique({ where: { id }, select: { text: true } }).then((row) => row?.text ?? '');
    cache.set(id, text);
  }
  return text;
}

export const IngestionRef = builder.prismaObject('Ingestion', {
  description: 'An article put into the review queue, with the drafts extracted from it.',
  fields: (t) => ({
    id: t.exposeID('id'),
    sourceSlug: t.exposeString('sourceSlug', { description: 'The source accepted records go to; created on the first accept if it does not exist.' }),
    title: t.exposeString('title'),
    publisher: t.exposeString('publisher', { nullable: true }),
    url: t.exposeString('url', { nullable: true }),
    publishedOn: t.expose('publishedOn', { type: 'Date', nullable: true }),
    text: t.exposeString('text', { description: 'The article as given: every offset points into it.' }),
    textSha256: t.exposeString('textSha256'),
    createdBy: t.exposeString('createdBy'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    warnings: t.field({ type: [WarningRef], resolve: (ingestion) => (ingestion.warnings ?? []) as unknown as { span: Span; message: string }[] }),
    proposedActors: t.field({
      type: 'JSON',
      description: 'Actors the drafts name that no stored actor fits, as fact-bundle entries: an accept creates the ones its draft needs.',
      resolve: (ingestion) => (ingestion.bundle as { actors?: unknown[] } | null)?.actors ?? [],
    }),
    counts: t.field({
      type: CountsRef,
      resolve: async (ingestion, _args, ctx) => {
        const groups = await ctx.prisma.ingestionDraft.groupBy({ by: ['status'], where: { ingestionId: ingestion.id }, _count: { _all: true } });
        const count = (status: DraftStatus) => groups.find((group) => group.status === status)?._count._all ?? 0;
        return { pending: count('PENDING'), accepted: count('ACCEPTED'), rejected: count('REJECTED') };
      },
    }),
    drafts: t.relation('drafts', {
      description: 'The drafts in text order, optionally only those with this status or kind.',
      args: { status: t.arg({ type: DraftStatusEnum }), kind: t.arg({ type: DraftKindEnum }) },
      query: (args) => ({ where: { ...(args.status ? { status: args.status } : {}), ...(args.kind ? { kind: args.kind } : {}) }, orderBy: { position: 'asc' } }),
    }),
  }),
});

builder.queryFields((t) => ({
  ingestions: t.prismaConnection({
    type: IngestionRef,
    cursor: 'id',
    description: 'The review queue: ingested articles, newest first (write scope: drafts are unreviewed material).',
    totalCount: async (_parent, _args, ctx) => {
      await requireScope(ctx, 'write');
      return ctx.prisma.ingestion.count();
    },
    resolve: async (query, _root, _args, ctx) => {
      await requireScope(ctx, 'write');
      return ctx.prisma.ingestion.findMany({ ...query, orderBy: { id: 'desc' } });
    },
  }),
  ingestion: t.prismaField({
    type: IngestionRef,
    nullable: true,
    description: 'One ingestion by id (write scope).',
    args: { id: t.arg.id({ required: true }) },
    resolve: async (query, _root, { id }, ctx) => {
      await requireScope(ctx, 'write');
      const key = String(id);
      return /^[0-9a-f-]{36}$/i.test(key) ? ctx.prisma.ingestion.findUnique({ ...query, where: { id: key } }) : null;
    },
  }),
}));

const IngestSourceInput = builder.inputType('IngestSourceInput', {
  description: 'Where the article comes from: an existing source by slug, or a new one (created when the first draft is accepted).',
  fields: (t) => ({
    slug: t.string({ description: 'Slug of the source; derived from the title when left out.' }),
    title: t.string({ description: 'Required unless `slug` names an existing source.' }),
    publisher: t.string(),
    url: t.string({ description: 'Only a real, known http(s) URL: never invent one.' }),
  }),
});

const IngestArticleInput = builder.inputType('IngestArticleInput', {
  fields: (t) => ({
    source: t.field({ type: IngestSourceInput, required: true }),
    text: t.string({ required: true, description: 'The article’s full text (at most 1 MiB of UTF-8). Offsets are counted in it as JavaScript strings count.' }),
    publishedOn: t.field({ type: 'Date', description: 'Relative dates in the text ("on Friday") are read against it.' }),
  }),
});

const DraftEditsInput = builder.inputType('DraftEditsInput', {
  description: 'Changes an editor makes before accepting. Left out: as proposed.',
  fields: (t) => ({
    speaker: t.string({ description: 'Slug of the actor who spoke (a stored one, or one the ingestion proposes).' }),
    onBehalfOf: t.string({ description: 'Slug of the actor spoken for; null for nobody.' }),
    text: t.string({ description: 'The words. A changed DIRECT_QUOTE keeps offsets only where the source reads exactly so.' }),
    kind: t.field({ type: StatementKindEnum }),
  }),
});

const IngestResultRef = builder.objectRef<{ ingestion: import('../generated/prisma/client.js').Ingestion; created: boolean }>('IngestArticleResult').implement({
  fields: (t) => ({
    ingestion: t.field({ type: IngestionRef, resolve: (result) => result.ingestion }),
    created: t.exposeBoolean('created', { description: 'False when this text for this source was already queued: the same ingestion, nothing written.' }),
  }),
});

const AcceptResultRef = builder.objectRef<{ accepted: Accepted[] }>('AcceptDraftsResult').implement({
  fields: (t) => ({
    drafts: t.prismaField({
      type: [IngestionDraftRef],
      description: 'The drafts accepted, in the order asked.',
      resolve: async (query, result, _args, ctx) => {
        const rows = await ctx.prisma.ingestionDraft.findMany({ ...query, where: { id: { in: result.accepted.map((entry) => entry.draftId) } } });
        return result.accepted.map((entry) => rows.find((row) => row.id === entry.draftId)).filter((row) => row !== undefined);
      },
    }),
    statements: t.prismaField({
      type: [Statement],
      description: 'The statements created.',
      resolve: async (query, result, _args, ctx) => {
        const ids = result.accepted.filter((entry) => entry.type === 'Statement').map((entry) => entry.id);
        const rows = await ctx.prisma.statement.findMany({ ...query, where: { id: { in: ids } } });
        return ids.map((id) => rows.find((row) => row.id === id)).filter((row) => row !== undefined);
      },
    }),
    claims: t.prismaField({
      type: [Claim],
      description: 'The claims accepted as drafts of their own.',
      resolve: async (query, result, _args, ctx) => {
        const ids = result.accepted.filter((entry) => entry.type === 'Claim').map((entry) => entry.id);
        const rows = await ctx.prisma.claim.findMany({ ...query, where: { id: { in: ids } } });
        return ids.map((id) => rows.find((row) => row.id === id)).filter((row) => row !== undefined);
      },
    }),
  }),
});

function publishAccepted(ctx: Context, accepted: AcceptedDrafts) {
  for (const entry of accepted) {
    if (entry.type === 'Statement') ctx.events.publish('statementRecorded', { statementId: entry.id, speakerSlug: entry.speakerSlug ?? '', claimSlugs: entry.claimSlugs });
  }
  publishPositionChanges(ctx.events, accepted.positionChanges);
  return { accepted: [...accepted] };
}

builder.mutationFields((t) => ({
  ingestArticle: t.field({
    type: IngestResultRef,
    description:
      'Extracts quotes, attributions and numeric claims from an article and puts them into the review queue as drafts; nothing enters the fact tables until a draft is accepted. Idempotent: the same text for the same source returns the same ingestion.',
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: IngestArticleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return ingestArticle(ctx.prisma, writer.name, {
        source: input.source,
        text: input.text,
        publishedOn: input.publishedOn ? formatIsoDate(input.publishedOn) : null,
      });
    },
  }),
  acceptDraft: t.field({
    type: AcceptResultRef,
    description:
      'Creates the draft’s record through the write path (with the source, proposed actors and asserted claims it needs), audited, `statementRecorded` published. A draft already accepted or rejected is a ConflictError.',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.id({ required: true }), edits: t.arg({ type: DraftEditsInput }) },
    resolve: async (_root, { id, edits }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return publishAccepted(ctx, await acceptDrafts(ctx.prisma, writer.name, [{ id: String(id), edits: edits ?? null }]));
    },
  }),
  acceptDrafts: t.field({
    type: AcceptResultRef,
    description: 'Accepts several drafts as proposed, all in one transaction: if any was decided meanwhile, none is accepted (ConflictError).',
    errors: { types: WRITE_ERRORS },
    args: { ids: t.arg.idList({ required: true }) },
    resolve: async (_root, { ids }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return publishAccepted(ctx, await acceptDrafts(ctx.prisma, writer.name, ids.map((id) => ({ id: String(id) }))));
    },
  }),
  rejectDraft: t.prismaField({
    type: IngestionDraftRef,
    description: 'Rejects a pending draft, saying why. A draft already decided is a ConflictError.',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.id({ required: true }), reason: t.arg.string({ required: true }) },
    resolve: async (_query, _root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return rejectDraft(ctx.prisma, writer.name, String(id), reason);
    },
  }),
}));
