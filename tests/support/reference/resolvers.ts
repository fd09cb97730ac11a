import type { GraphQLResolveInfo } from 'graphql';
import { topicSlug } from '../../../src/domain/topics.js';
import type { Actor, Affiliation, AuditEntry, Claim, ClaimStatusChange, RatingScale, Review, Source, Stance, Statement } from '../../../src/generated/prisma/client.js';
import type { Quirks } from './quirks.js';
import {
  actorOrder,
  affiliationOrder,
  badInput,
  byId,
  checkSearchLength,
  claimStatus,
  containsFolded,
  globalId,
  type NodeType,
  type Origin,
  newestFirstUnder,
  oldestFirst,
  type PageArgs,
  type PageSpec,
  type Perturbation,
  paginate,
  parseGlobalId,
  searchTermOf,
  sourceOrder,
} from './semantics.js';
import type { Snapshot } from './snapshot.js';

export interface ReferenceContext {
  data: Snapshot;
  quirks: Quirks;
  perturbation?: Perturbation | undefined;
  /** Why today's service's answer to this query cannot be predicted, if it cannot. */
  unpredictable: string[];
}

type Args = Record<string, unknown>;
export type Resolver = (parent: unknown, args: Args, context: ReferenceContext, info: GraphQLResolveInfo) => unknown;

/** A row as a GraphQL object: graphql-js resolves interfaces and unions by `__typename`. */
type Typed<Row> = Row & { __typename: string; __origin: Origin };
const typed = <Row extends object>(type: NodeType, row: Row, origin: Origin = 'nested'): Typed<Row> => ({ ...row, __typename: type, __origin: origin });
const originOf = (parent: unknown): Origin => ((parent as { __origin?: Origin } | undefined)?.__origin === 'alone' ? 'alone' : 'nested');

const on =
  <Parent>(resolve: (parent: Parent, args: Args, context: ReferenceContext, info: GraphQLResolveInfo) => unknown): Resolver =>
  (parent, args, context, info) =>
    resolve(parent as Parent, args, context, info);

const stringArg = (args: Args, name: string) => (typeof args[name] === 'string' ? (args[name] as string) : undefined);
const pageArgs = (args: Args): PageArgs => ({
  first: typeof args.first === 'number' ? args.first : null,
  last: typeof args.last === 'number' ? args.last : null,
  after: stringArg(args, 'after') ?? null,
  before: stringArg(args, 'before') ?? null,
});

/** A slug filter: absent (or null) means no filter; a slug that names nothing leaves nothing. */
const slugFilter = (args: Args, name: string, quirks: Quirks): string | undefined => {
  const value = args[name];
  if (value === undefined || value === null) return undefined;
  if (value === '' && quirks.emptyFilterIgnored) return undefined;
  return value as string;
};

const visible = (statement: Statement, args: Args, context: ReferenceContext) =>
  (args.includeRetracted === true && context.perturbation !== 'retracted-always-hidden') || statement.retractedAt === null;

function page<Row>(rows: Row[], args: Args, spec: Omit<PageSpec<Row>, 'connection' | 'parent'>, context: ReferenceContext, info: GraphQLResolveInfo, parent?: unknown) {
  const found = paginate(
    [...rows].sort(spec.compare),
    pageArgs(args),
    { ...spec, connection: `${info.parentType.name}.${info.fieldName}`, parent: originOf(parent) },
    context.quirks,
    context.perturbation,
  );
  if (found.unpredictable) context.unpredictable.push(found.unpredictable);
  return found;
}

type Order = 'newest first' | 'oldest first';

const statementOrder = (order: Order, context: ReferenceContext) => {
  const newest = newestFirstUnder(context.perturbation);
  return order === 'newest first' ? newest : (a: Statement, b: Statement) => -newest(a, b);
};

function statementPage(all: Statement[], args: Args, context: ReferenceContext, info: GraphQLResolveInfo, order: Order) {
  const rows = all.filter((statement) => visible(statement, args, context));
  return page(rows, args, { rowId: (row) => row.id, compare: statementOrder(order, context), find: (id) => context.data.statementById.get(id) }, context, info);
}

const contains = (haystack: string, term: string, context: ReferenceContext) =>
  context.perturbation === 'search-case-sensitive' ? haystack.includes(term) : containsFolded(haystack, term);

const withStatementTypename = <Page extends { edges: { node: Statement }[] }>(page: Page) => ({
  ...page,
  edges: page.edges.map((edge) => ({ ...edge, node: typed('Statement', edge.node) })),
});

const statementConnection = (all: (context: ReferenceContext, parentId: string) => Statement[], order: Order = 'newest first') =>
  on<{ id: string }>((parent, args, context, info) => withStatementTypename(statementPage(all(context, parent.id), args, context, info, order)));

const bySeq = (a: { seq: bigint }, b: { seq: bigint }) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0);

/**
 * README "History": a record's revisions are the audit entries that target it (its type and id) and those
 * that name it among their related records, oldest first (audit order, `seq`); a cursor pages from its
 * entry's position, whichever record that entry is about.
 */
const historyOf = (type: NodeType) =>
  on<{ id: string }>((parent, args, context, info) => {
    const rows = context.data.auditEntries.filter((entry) => (entry.targetType === type && entry.targetId === parent.id) || entry.related.includes(parent.id));
    return page<AuditEntry>(rows, args, { rowId: (row) => row.id, compare: bySeq, find: (id) => context.data.auditEntryById.get(id) }, context, info, parent);
  });

/** README "History": a claim's status changes, oldest first (`seq`). */
const statusHistoryOf = on<Claim>((claim, args, context, info) => {
  const rows = context.data.claimStatusChanges.filter((change) => change.claimId === claim.id);
  return page<ClaimStatusChange>(rows, args, { rowId: (row) => row.id, compare: bySeq, find: (id) => context.data.claimStatusChangeById.get(id) }, context, info, claim);
});

/** Actor search: a case-insensitive substring of the name or of any alias. */
function actorMatches(actor: Actor, term: string, context: ReferenceContext): boolean {
  if (context.quirks.actorSearchFoldsWholeStrings && context.perturbation !== 'search-case-sensitive') {
    const searchText = [actor.name, ...actor.aliases].join('\n').toLocaleLowerCase('en-US');
    return searchText.includes(term.toLocaleLowerCase('en-US'));
  }
  return [actor.name, ...actor.aliases].some((text) => contains(text, term, context));
}

function nodeById(value: unknown, context: ReferenceContext): object | null {
  const parsed = parseGlobalId(value);
  if (!parsed) {
    const shown = typeof value === 'string' && value.length > 80 ? `${value.slice(0, 80)}…` : String(value);
    throw badInput(`"${shown}" is not a valid ID of this service`, 'INVALID_ID');
  }
  const { data } = context;
  const found = {
    Actor: data.actorById,
    Affiliation: data.affiliationById,
    Source: data.sourceById,
    Statement: data.statementById,
    Claim: data.claimById,
    Stance: data.stanceById,
    AuditEntry: context.quirks.auditEntriesPublicThroughNode ? data.auditEntryById : new Map<string, AuditEntry>(),
    Review: data.reviewById,
  }[parsed.type].get(parsed.id.toLowerCase());
  return found ? typed(parsed.type, found, 'alone') : null;
}

/** Federation: an Actor by `id`, `slug` or `wikidataId` (the first key given as a string), the others by `id`. */
function entity(representation: unknown, context: ReferenceContext): object | null {
  if (typeof representation !== 'object' || representation === null) return null;
  const { data } = context;
  const fields = representation as Record<string, unknown>;
  const byGlobalId = <Row>(type: NodeType, rows: Map<string, Row>) => {
    const parsed = parseGlobalId(fields.id);
    const row = parsed && parsed.type === type ? rows.get(parsed.id.toLowerCase()) : undefined;
    return row ? typed(type, row as object, 'alone') : null;
  };
  switch (fields.__typename) {
    case 'Actor': {
      if (typeof fields.id === 'string') return byGlobalId('Actor', data.actorById);
      if (typeof fields.slug === 'string') {
        const actor = data.actorBySlug.get(fields.slug);
        return actor ? typed('Actor', actor, 'alone') : null;
      }
      if (typeof fields.wikidataId === 'string') {
        const actor = data.actors.find((row) => row.wikidataId === fields.wikidataId);
        return actor ? typed('Actor', actor, 'alone') : null;
      }
      return null;
    }
    case 'Statement':
      return byGlobalId('Statement', data.statementById);
    case 'Claim':
      return byGlobalId('Claim', data.claimById);
    case 'Source':
      return byGlobalId('Source', data.sourceById);
    default:
      throw badInput(`representations must name an entity type, got ${JSON.stringify(fields.__typename)}`);
  }
}

const NO_ROW = '(no such row)';

/** Code-point order, as PostgreSQL's "C" collation sorts UTF-8. */
const byCodePoints = (a: string, b: string) => {
  const x = Array.from(a, (c) => c.codePointAt(0) ?? 0);
  const y = Array.from(b, (c) => c.codePointAt(0) ?? 0);
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return (x[i] ?? 0) - (y[i] ?? 0);
  return x.length - y.length;
};

function statementsFilter(args: Args, context: ReferenceContext): Statement[] {
  const { data, quirks } = context;
  checkSearchLength(stringArg(args, 'search'));
  const from = args.from instanceof Date ? args.from : undefined;
  const to = args.to instanceof Date ? args.to : undefined;
  if (from && to && from > to) throw badInput('Invalid argument from: must not be after `to`');
  // An unknown slug filters by an id no row has, so it leaves nothing (null would match the unset columns).
  const actorId = (name: string) => {
    const slug = slugFilter(args, name, quirks);
    return slug === undefined ? undefined : (data.actorBySlug.get(slug)?.id ?? NO_ROW);
  };
  const speaker = actorId('speaker');
  const onBehalfOf = actorId('onBehalfOf');
  const actor = actorId('actor');
  const claimSlug = slugFilter(args, 'claim', quirks);
  const claim = claimSlug === undefined ? undefined : (data.claimBySlug.get(claimSlug)?.id ?? NO_ROW);
  const sourceSlug = slugFilter(args, 'source', quirks);
  const source = sourceSlug === undefined ? undefined : (data.sourceBySlug.get(sourceSlug)?.id ?? NO_ROW);
  const term = searchTermOf(stringArg(args, 'search'));
  const withClaim = claim ? new Set(data.stances.filter((stance) => stance.claimId === claim).map((stance) => stance.statementId)) : undefined;
  return data.statements.filter(
    (statement) =>
      (speaker === undefined || statement.speakerId === speaker) &&
      (onBehalfOf === undefined || statement.onBehalfOfId === onBehalfOf) &&
      (actor === undefined || statement.speakerId === actor || statement.onBehalfOfId === actor) &&
      (claim === undefined || withClaim?.has(statement.id) === true) &&
      (source === undefined || statement.sourceId === source) &&
      (args.kind == null || statement.kind === args.kind) &&
      (!(from || to) || (statement.saidOn !== null && (!from || statement.saidOn >= from) && (!to || statement.saidOn <= to))) &&
      (term === undefined || contains(statement.text, term, context)),
  );
}

/**
 * pg_trgm's trigrams, written out (its documented rules): lower-case, words are runs of alphanumerics,
 * each padded with two spaces in front and one behind, the set of every three-character window.
 */
function trigrams(text: string): Set<string> {
  const found = new Set<string>();
  for (const word of text.toLowerCase().match(/[a-z0-9]+/g) ?? []) {
    const padded = `  ${word} `;
    for (let i = 0; i + 3 <= padded.length; i++) found.add(padded.slice(i, i + 3));
  }
  return found;
}

/** similarity(): shared trigrams over all trigrams of either, computed in float4 as pg_trgm does. */
function trigramSimilarity(a: string, b: string): number {
  const left = trigrams(a);
  const right = trigrams(b);
  if (left.size === 0 || right.size === 0) return 0;
  let shared = 0;
  for (const trigram of left) if (right.has(trigram)) shared += 1;
  return Math.fround(shared / (left.size + right.size - shared));
}

/** round(float4::numeric, 3): the float4 printed with 6 significant digits, then rounded half away from zero. */
const roundScore = (score: number) => Math.floor(Number(score.toPrecision(6)) * 1000 + 0.5 + 1e-7) / 1000;

const NON_ASCII = /[^\u0000-\u007f]/;

/** Claim.similar: documented as trigram similarity at least 0.3, best first, ties by record order, the claim itself left out. */
function similarClaims(claim: Claim, args: Args, context: ReferenceContext) {
  const first = typeof args.first === 'number' ? args.first : 10;
  if (first < 1 || first > 50) throw badInput(`Invalid argument first: must be ${first < 1 ? 'at least 1' : 'at most 50'}`);
  const others = context.data.claims.filter((other) => other.id !== claim.id);
  // Which non-ASCII characters are letters depends on the server's locale (lc_ctype): not predictable here.
  if (NON_ASCII.test(claim.text) || others.some((other) => NON_ASCII.test(other.text))) context.unpredictable.push('Claim.similar over non-ASCII text (locale-dependent trigrams)');
  return others
    .map((other) => ({ claim: other, raw: trigramSimilarity(other.text, claim.text) }))
    .filter((entry) => entry.raw >= Math.fround(0.3))
    .map((entry) => ({ claim: typed('Claim', entry.claim), score: roundScore(entry.raw) }))
    .sort((a, b) => b.score - a.score || byId(a.claim, b.claim))
    .slice(0, first);
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** README "Positions": a claim named by slug (the empty string names none) or by its global ID; anything else is INVALID_ID. */
function claimByRef(value: unknown, { data }: ReferenceContext): Claim | undefined {
  const text = String(value);
  if (text === '' || SLUG.test(text)) return data.claimBySlug.get(text);
  const parsed = parseGlobalId(text);
  if (!parsed || parsed.type !== 'Claim') throw badInput(`"${text}" is neither a claim slug nor a Claim ID`, 'INVALID_ID');
  return data.claimById.get(parsed.id.toLowerCase());
}

/**
 * Actor.positions, as README "Positions" says: the stances on the claim of statements that count for the
 * actor (onBehalfOf, else speaker), oldest first (undated first, then by date, record order, stance id),
 * retracted ones only when asked.
 */
function actorPositions(actor: Actor, args: Args, context: ReferenceContext, info: GraphQLResolveInfo) {
  const { data } = context;
  const claim = claimByRef(args.claim, context);
  const statementOf = (stance: Stance) => data.statementById.get(stance.statementId) as Statement;
  const rows = claim
    ? data.stances.filter((stance) => {
        const statement = statementOf(stance);
        return stance.claimId === claim.id && (statement.onBehalfOfId ?? statement.speakerId) === actor.id && visible(statement, args, context);
      })
    : [];
  const found = page(
    rows,
    args,
    { rowId: (row) => row.id, compare: (a, b) => oldestFirst(statementOf(a), statementOf(b)) || byId(a, b), find: (id) => data.stanceById.get(id) },
    context,
    info,
  );
  return {
    ...found,
    edges: found.edges.map((edge) => ({ cursor: edge.cursor, node: { position: edge.node.position, saidOn: statementOf(edge.node).saidOn, statement: typed('Statement', statementOf(edge.node)) } })),
  };
}

/** Field resolvers by type. Fields not here are read from the row as they are (see PLAIN_FIELDS). */
export const RESOLVERS: Record<string, Record<string, Resolver>> = {
  Query: {
    node: (_root, args, context) => nodeById(args.id, context),
    nodes: (_root, args, context) => (args.ids as unknown[]).map((id) => nodeById(id, context)),
    _entities: (_root, args, context) => (args.representations as unknown[]).map((representation) => entity(representation, context)),
    actor: (_root, args, { data }) => {
      const actor = data.actorBySlug.get(args.slug as string);
      return actor ? typed('Actor', actor, 'alone') : null;
    },
    actors: (_root, args, context, info) => {
      checkSearchLength(stringArg(args, 'search'));
      const term = searchTermOf(stringArg(args, 'search'));
      const rows = context.data.actors.filter((actor) => (args.kind == null || actor.kind === args.kind) && (term === undefined || actorMatches(actor, term, context)));
      const found = page(rows, args, { rowId: (row) => row.id, compare: actorOrder, find: (id) => context.data.actorById.get(id) }, context, info);
      return { ...found, edges: found.edges.map((edge) => ({ ...edge, node: typed('Actor', edge.node) })) };
    },
    statement: (_root, args, { data }) => {
      const statement = data.statementBySlug.get(args.slug as string);
      return statement ? typed('Statement', statement, 'alone') : null;
    },
    statements: (_root, args, context, info) => withStatementTypename(statementPage(statementsFilter(args, context), args, context, info, 'newest first')),
    claim: (_root, args, { data }) => {
      const claim = data.claimBySlug.get(args.slug as string);
      return claim ? typed('Claim', claim, 'alone') : null;
    },
    claims: (_root, args, context, info) => {
      const { data, quirks } = context;
      checkSearchLength(stringArg(args, 'search'));
      const term = searchTermOf(stringArg(args, 'search'));
      const topic = slugFilter(args, 'topic', quirks);
      const rows = data.claims.filter(
        (claim) =>
          (args.status == null || claimStatus(claim, data, context.perturbation) === args.status) &&
          (topic === undefined || claim.topics.some((label) => topicSlug(label) === topicSlug(topic))) &&
          (term === undefined || contains(claim.text, term, context)),
      );
      const found = page(rows, args, { rowId: (row) => row.id, compare: byId, find: (id) => data.claimById.get(id) }, context, info);
      return { ...found, edges: found.edges.map((edge) => ({ ...edge, node: typed('Claim', edge.node) })) };
    },
    reviews: (_root, args, context, info) => {
      const { data } = context;
      // README "Verdicts and reviews": slugs filter exactly (an unknown or empty one leaves nothing); `rating` is a label, ignoring case.
      const claim = args.claim == null ? undefined : (data.claimBySlug.get(args.claim as string)?.id ?? NO_ROW);
      const reviewer = args.reviewer == null ? undefined : (data.actorBySlug.get(args.reviewer as string)?.id ?? NO_ROW);
      const scale = args.scale == null ? undefined : (data.ratingScales.find((row) => row.slug === args.scale)?.id ?? NO_ROW);
      const rating = args.rating == null ? undefined : (args.rating as string).trim().toLowerCase();
      const rows = data.reviews.filter(
        (review) =>
          (claim === undefined || review.claimId === claim) &&
          (reviewer === undefined || review.reviewerId === reviewer) &&
          (scale === undefined || review.scaleId === scale) &&
          (rating === undefined || review.ratingLabel.toLowerCase() === rating),
      );
      const found = page(rows, args, { rowId: (row) => row.id, compare: byId, find: (id) => data.reviewById.get(id) }, context, info);
      return { ...found, edges: found.edges.map((edge) => ({ ...edge, node: typed('Review', edge.node) })) };
    },
    ratingScales: (_root, _args, { data }) => [...data.ratingScales].sort((a, b) => Number(b.builtIn) - Number(a.builtIn) || byCodePoints(a.slug, b.slug)),
    topics: (_root, args, { data }) => {
      checkSearchLength(stringArg(args, 'search'));
      const term = searchTermOf(stringArg(args, 'search'));
      const slugTerm = term === undefined ? '' : topicSlug(term);
      const uses = data.claims.flatMap((claim) => claim.topics.map((label) => ({ id: claim.id, label, slug: topicSlug(label) }))).filter((use) => use.slug !== '');
      const bySlug = new Map<string, typeof uses>();
      for (const use of uses) bySlug.set(use.slug, [...(bySlug.get(use.slug) ?? []), use]);
      const topics = [...bySlug].flatMap(([slug, list]) => {
        if (term !== undefined && !list.some((use) => containsFolded(use.label, term) || (slugTerm !== '' && containsFolded(use.slug, slugTerm)))) return [];
        const labelUses = new Map<string, number>();
        for (const use of list) labelUses.set(use.label, (labelUses.get(use.label) ?? 0) + 1);
        const [label] = [...labelUses].sort(([a, m], [b, n]) => n - m || byCodePoints(a, b))[0] ?? [''];
        return [{ slug, label, claimCount: new Set(list.map((use) => use.id)).size }];
      });
      return topics.sort((a, b) => b.claimCount - a.claimCount || byCodePoints(a.slug, b.slug)).slice(0, typeof args.first === 'number' ? args.first : 50);
    },
    source: (_root, args, { data }) => {
      const source = data.sourceBySlug.get(args.slug as string);
      return source ? typed('Source', source, 'alone') : null;
    },
    sources: (_root, args, context, info) => {
      const found = page(context.data.sources, args, { rowId: (row) => row.id, compare: sourceOrder, find: (id) => context.data.sourceById.get(id) }, context, info);
      return { ...found, edges: found.edges.map((edge) => ({ ...edge, node: typed('Source', edge.node) })) };
    },
  },
  Actor: {
    id: on<Actor>((actor) => globalId('Actor', actor.id)),
    wikidataUrl: on<Actor>((actor) => (actor.wikidataId ? `https://www.wikidata.org/wiki/${actor.wikidataId}` : null)),
    affiliations: on<Actor>((actor, _args, { data }) =>
      data.affiliations
        .filter((affiliation) => affiliation.actorId === actor.id)
        .sort(affiliationOrder)
        .map((row) => typed('Affiliation', row)),
    ),
    members: on<Actor>((actor, _args, { data }) =>
      data.affiliations
        .filter((affiliation) => affiliation.organizationId === actor.id)
        .sort(affiliationOrder)
        .map((row) => typed('Affiliation', row)),
    ),
    statements: statementConnection(({ data }, id) => data.statements.filter((statement) => statement.speakerId === id)),
    statementsOnBehalf: statementConnection(({ data }, id) => data.statements.filter((statement) => statement.onBehalfOfId === id)),
    positions: on<Actor>((actor, args, context, info) => actorPositions(actor, args, context, info)),
    history: historyOf('Actor'),
  },
  Affiliation: {
    id: on<Affiliation>((affiliation) => globalId('Affiliation', affiliation.id)),
    actor: on<Affiliation>((affiliation, _args, { data }) => typed('Actor', data.actorById.get(affiliation.actorId) as Actor)),
    organization: on<Affiliation>((affiliation, _args, { data }) => typed('Actor', data.actorById.get(affiliation.organizationId) as Actor)),
    history: historyOf('Affiliation'),
  },
  Source: {
    id: on<Source>((source) => globalId('Source', source.id)),
    statements: statementConnection(({ data }, id) => data.statements.filter((statement) => statement.sourceId === id)),
    claims: on<Source>((source, args, context, info) => {
      const rows = context.data.claims.filter((claim) => claim.sourceId === source.id);
      const found = page(rows, args, { rowId: (row) => row.id, compare: byId, find: (id) => context.data.claimById.get(id) }, context, info, source);
      return { ...found, edges: found.edges.map((edge) => ({ ...edge, node: typed('Claim', edge.node) })) };
    }),
    history: historyOf('Source'),
  },
  Statement: {
    id: on<Statement>((statement) => globalId('Statement', statement.id)),
    speaker: on<Statement>((statement, _args, { data }) => typed('Actor', data.actorById.get(statement.speakerId) as Actor)),
    onBehalfOf: on<Statement>((statement, _args, { data }) => {
      const actor = statement.onBehalfOfId ? data.actorById.get(statement.onBehalfOfId) : undefined;
      return actor ? typed('Actor', actor) : null;
    }),
    source: on<Statement>((statement, _args, { data }) => typed('Source', data.sourceById.get(statement.sourceId) as Source)),
    respondsTo: on<Statement>((statement, _args, { data }) => {
      const parent = statement.respondsToId ? data.statementById.get(statement.respondsToId) : undefined;
      return parent ? typed('Statement', parent) : null;
    }),
    responses: statementConnection(({ data }, id) => data.statements.filter((statement) => statement.respondsToId === id), 'oldest first'),
    thread: on<Statement>((statement, _args, { data }) => {
      // The chain it answers, followed through respondsTo (not the stored threadIds), root first.
      const chain: Statement[] = [];
      const seen = new Set([statement.id]);
      for (let id = statement.respondsToId; id !== null && !seen.has(id); ) {
        seen.add(id);
        const parent = data.statementById.get(id);
        if (!parent) break;
        chain.unshift(parent);
        id = parent.respondsToId;
      }
      return chain.map((row) => typed('Statement', row));
    }),
    stances: on<Statement>((statement, args, { data }) =>
      data.stances
        .filter((stance) => stance.statementId === statement.id && (args.position == null || stance.position === args.position))
        .sort(byId)
        .map((row) => typed('Stance', row)),
    ),
    retracted: on<Statement>((statement) => statement.retractedAt !== null),
    quote: on<Statement>((statement, _args, { data }) =>
      statement.quoteStart !== null && statement.quoteEnd !== null
        ? { start: statement.quoteStart, end: statement.quoteEnd, text: (data.sourceById.get(statement.sourceId)?.text ?? '').slice(statement.quoteStart, statement.quoteEnd) }
        : null,
    ),
    retraction: on<Statement>((statement) =>
      statement.retractedAt ? { at: statement.retractedAt, by: statement.retractedBy ?? '', reason: statement.retractionReason ?? '' } : null,
    ),
    history: historyOf('Statement'),
  },
  Claim: {
    id: on<Claim>((claim) => globalId('Claim', claim.id)),
    similar: on<Claim>((claim, args, context) => similarClaims(claim, args, context)),
    status: on<Claim>((claim, _args, { data, perturbation }) => claimStatus(claim, data, perturbation)),
    source: on<Claim>((claim, _args, { data }) => {
      const source = claim.sourceId ? data.sourceById.get(claim.sourceId) : undefined;
      return source ? typed('Source', source) : null;
    }),
    stances: on<Claim>((claim, args, context) =>
      context.data.stances
        .filter(
          (stance) =>
            stance.claimId === claim.id &&
            (args.position == null || stance.position === args.position) &&
            visible(context.data.statementById.get(stance.statementId) as Statement, args, context),
        )
        .sort(byId)
        .map((row) => typed('Stance', row)),
    ),
    history: historyOf('Claim'),
    statusHistory: statusHistoryOf,
    reviews: on<Claim>((claim, _args, { data }) => data.reviews.filter((review) => review.claimId === claim.id).sort(byId).map((row) => typed('Review', row))),
    topicList: on<Claim>((claim) => claim.topics.map((label) => ({ label, slug: topicSlug(label) }))),
    statements: on<Claim>((claim, args, context, info) => {
      const { data } = context;
      const statementOf = (stance: Stance) => data.statementById.get(stance.statementId) as Statement;
      const newest = statementOrder('newest first', context);
      const rows = data.stances.filter(
        (stance) => stance.claimId === claim.id && (args.position == null || stance.position === args.position) && visible(statementOf(stance), args, context),
      );
      const found = page(
        rows,
        args,
        { rowId: (row) => row.id, compare: (a, b) => newest(statementOf(a), statementOf(b)), find: (id) => data.stanceById.get(id) },
        context,
        info,
      );
      return { ...found, edges: found.edges.map((edge) => ({ cursor: edge.cursor, position: edge.node.position, node: typed('Statement', statementOf(edge.node)) })) };
    }),
  },
  Review: {
    id: on<Review>((review) => globalId('Review', review.id)),
    claim: on<Review>((review, _args, { data }) => typed('Claim', data.claimById.get(review.claimId) as Claim)),
    reviewer: on<Review>((review, _args, { data }) => typed('Actor', data.actorById.get(review.reviewerId) as Actor)),
    scale: on<Review>((review, _args, { data }) => data.ratingScaleById.get(review.scaleId)),
    rating: on<Review>((review) => review.ratingLabel),
    history: historyOf('Review'),
  },
  RatingScale: {
    steps: on<RatingScale>((scale) =>
      scale.labels.map((label, i) => {
        const value = scale.values[i] ?? 0;
        return { label, value, normalized: Math.round((-1 + (2 * (value - scale.worstRating)) / (scale.bestRating - scale.worstRating)) * 1e9) / 1e9 };
      }),
    ),
  },
  Stance: {
    id: on<Stance>((stance) => globalId('Stance', stance.id)),
    statement: on<Stance>((stance, _args, { data }) => typed('Statement', data.statementById.get(stance.statementId) as Statement)),
    claim: on<Stance>((stance, _args, { data }) => typed('Claim', data.claimById.get(stance.claimId) as Claim)),
    history: historyOf('Stance'),
  },
  StatusChange: {
    statement: on<ClaimStatusChange>((change, _args, { data }) => {
      const statement = change.statementId ? data.statementById.get(change.statementId) : undefined;
      return statement ? typed('Statement', statement) : null;
    }),
  },
  AuditEntry: {
    id: on<AuditEntry>((entry) => globalId('AuditEntry', entry.id)),
  },
};

/** Fields the reference reads from the row (or the object it built) as they are. */
export const PLAIN_FIELDS: Record<string, readonly string[]> = {
  Actor: ['slug', 'name', 'kind', 'aliases', 'description', 'wikidataId', 'createdAt', 'updatedAt'],
  Affiliation: ['role', 'from', 'until'],
  Source: ['slug', 'title', 'url', 'publisher', 'publishedOn', 'text', 'textSha256', 'createdAt', 'updatedAt'],
  Quote: ['start', 'end', 'text'],
  ScoredClaim: ['claim', 'score'],
  Statement: ['slug', 'text', 'kind', 'saidOn', 'venue', 'responseKind', 'createdAt', 'updatedAt'],
  Claim: ['slug', 'text', 'topics', 'createdAt', 'updatedAt'],
  Stance: ['position', 'createdAt', 'updatedAt'],
  Position: ['position', 'saidOn', 'statement'],
  AuditEntry: ['at', 'writer', 'action', 'targetType', 'targetId', 'targetSlug', 'before', 'after'],
  Revision: ['at', 'writer', 'action', 'before', 'after', 'reason'],
  StatusChange: ['at', 'from', 'to', 'action', 'writer'],
  Retraction: ['at', 'by', 'reason'],
  Review: ['ratingValue', 'normalizedRating', 'explanation', 'url', 'publishedOn', 'language', 'createdAt', 'updatedAt'],
  RatingScale: ['slug', 'name', 'description', 'labels', 'worstRating', 'bestRating', 'builtIn'],
  RatingScaleStep: ['label', 'value', 'normalized'],
  Topic: ['label', 'slug'],
  TopicCount: ['label', 'slug', 'claimCount'],
  PageInfo: ['hasNextPage', 'hasPreviousPage', 'startCursor', 'endCursor'],
};

/** Connection and edge types are the plain objects paginate() builds. */
export const isPlainWrapperType = (name: string) => name.endsWith('Connection') || name.endsWith('ConnectionEdge');
