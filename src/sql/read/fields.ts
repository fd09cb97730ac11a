import { formatIsoDate } from '../../domain/dates.js';
import { topicSlug } from '../../domain/topics.js';
import { isUuid } from '../../domain/uuid7.js';
import { HELD_BY } from '../positions/changes.js';
import { SIMILARITY_THRESHOLD } from '../similarity/claims.js';
import { type Args, byId, type ConnectionSpec, col, hideRetracted, newestFirst, type OrderKey, oldestFirst, type Params, read, statementsBy } from './vocabulary.js';

/**
 * The SQL of the read API's relations and lists, declared on their fields in src/schema/*.ts
 * (`extensions: { sql: … }`). Filters follow the README: a slug that names nothing (the empty string
 * included) leaves nothing; search is a case-insensitive substring (ILIKE folds one character at a time);
 * retracted statements are hidden unless `includeRetracted`.
 */

export const MAX_SEARCH_LENGTH = 200;

/** A search argument as a LIKE pattern; null for no filter (blank), undefined when too long (an error). */
function searchPattern(value: unknown, params: Params): string | null | undefined {
  if (value == null) return null;
  const text = String(value);
  if (text.length > MAX_SEARCH_LENGTH) return undefined;
  const term = text.trim();
  if (!term) return null;
  return params.add(`%${term.replace(/[\\%_]/g, (character) => `\\${character}`)}%`);
}

const NEVER = `'-infinity'::date`;

const idBySlug = (model: 'Actor' | 'Source' | 'Claim', slug: unknown, params: Params) => `(SELECT id FROM "${model}" WHERE slug = ${params.add(String(slug))})`;

// ---- Nested.

export const actorStatements = read.connection(statementsBy('speakerId'));
export const actorStatementsOnBehalf = read.connection(statementsBy('onBehalfOfId'));
export const sourceStatements = read.connection(statementsBy('sourceId'));
export const statementResponses = read.connection(statementsBy('respondsToId', oldestFirst));

export const sourceClaims = read.connection({
  edges: 'Claim',
  parent: (parent, claim) => `${col(claim, 'sourceId')} = ${col(parent, 'id')}`,
  order: byId,
});

/** Statements taking a stance on the claim: the edges are the stances, the nodes their statements. */
export const claimStatements = read.connection({
  edges: 'Stance',
  args: ['position', 'includeRetracted'],
  node: { model: 'Statement', fk: 'statementId' },
  parent: (parent, stance) => `${col(stance, 'claimId')} = ${col(parent, 'id')}`,
  filter: (stance, statement, args, params) => [
    ...(args.position != null ? [`${col(stance, 'position')} = ${params.add(args.position, '"StancePosition"')}`] : []),
    ...hideRetracted(statement, args),
  ],
  order: (_stance, statement) => newestFirst(statement),
  edgeFields: { position: (stance) => col(stance, 'position') },
});

const affiliationOrder = (row: string) => `${col(row, 'from')} ASC NULLS FIRST, ${col(row, 'role')} ASC, ${col(row, 'id')} ASC`;
export const actorAffiliations = read.list('Affiliation', (parent, row) => `${col(row, 'actorId')} = ${col(parent, 'id')}`, affiliationOrder);
export const actorMembers = read.list('Affiliation', (parent, row) => `${col(row, 'organizationId')} = ${col(parent, 'id')}`, affiliationOrder);

const positionFilter = (row: string, args: Args, params: Params) => (args.position != null ? ` AND ${col(row, 'position')} = ${params.add(args.position, '"StancePosition"')}` : '');

export const statementStances = read.list('Stance', (parent, row, args, params) => `${col(row, 'statementId')} = ${col(parent, 'id')}${positionFilter(row, args, params)}`, (row) => col(row, 'id'), ['position']);
export const claimStances = read.list(
  'Stance',
  (parent, row, args, params) =>
    `${col(row, 'claimId')} = ${col(parent, 'id')}${positionFilter(row, args, params)}` +
    (args.includeRetracted === true ? '' : ` AND EXISTS (SELECT 1 FROM "Statement" rs WHERE rs.id = ${col(row, 'statementId')} AND rs."retractedAt" IS NULL)`),
  (row) => col(row, 'id'),
  ['position', 'includeRetracted'],
);

/** A claim's topics, each label with the slug stored at the same place in `topicSlugs`. */
export const topicList = read.elements((claim, topic) => `unnest(${col(claim, 'topics')}, ${col(claim, 'topicSlugs')}) WITH ORDINALITY ${topic}("label", "slug", o)`);

/** A claim's reviews, in the order they were recorded. Reviews keep no revisions: an as-of read refuses them. */
export const claimReviews = read.currentOnly(read.list('Review', (parent, review) => `${col(review, 'claimId')} = ${col(parent, 'id')}`, (review) => col(review, 'id')));

/**
 * A scale's steps: each label with its value (0 past the end of `values`) and the value mapped onto [-1, 1]
 * rounded to 9 decimals, by the same float8 operations as normalizeRating (domain/ratings.ts) and rounding
 * halves up as Math.round does (PostgreSQL's round() rounds them to even).
 */
export const ratingScaleSteps = read.elements((scale, step) => {
  const value = `coalesce(l."value", 0::float8)`;
  const scaled = `((-1::float8 + (2::float8 * (${value} - ${col(scale, 'worstRating')})) / (${col(scale, 'bestRating')} - ${col(scale, 'worstRating')})) * 1e9::float8)`;
  const rounded = `(CASE WHEN ${scaled} - floor(${scaled}) >= 0.5::float8 THEN ceil(${scaled}) ELSE floor(${scaled}) END)`;
  return (
    `(SELECT l."label", ${value} AS "value", ${rounded} / 1e9::float8 AS "normalized", l.o ` +
    `FROM unnest(${col(scale, 'labels')}, ${col(scale, 'values')}) WITH ORDINALITY l("label", "value", o) WHERE l.o <= cardinality(${col(scale, 'labels')})) ${step}`
  );
});

/** A statement's quote, when both offsets are known. */
export const quote = read.embedded((statement) => `${col(statement, 'quoteStart')} IS NOT NULL AND ${col(statement, 'quoteEnd')} IS NOT NULL`);

/**
 * The source's text between the statement's quote offsets, which count UTF-16 code units as JavaScript does
 * (`text.slice(start, end)`, '' without a text). PostgreSQL counts characters: the two differ only after a
 * character outside the BMP (two code units, one character), so a text with one is sliced character by
 * character, each counted as JavaScript counts it. The write path keeps the offsets within the text and never
 * between the two halves of a pair (domain/quotes.ts).
 */
export const quoteText = read.computed((statement) => {
  const start = col(statement, 'quoteStart');
  const end = col(statement, 'quoteEnd');
  const units = `sum(CASE WHEN ascii(qc.ch) > 65535 THEN 2 ELSE 1 END) OVER (ORDER BY qc.i)`;
  const bySlice =
    `(SELECT string_agg(qu.ch, '' ORDER BY qu.i) FROM (SELECT qc.ch, qc.i, ${units} AS upto FROM unnest(string_to_array(qs."text", NULL)) WITH ORDINALITY qc(ch, i)) qu ` +
    `WHERE qu.upto > ${start} AND qu.upto <= ${end})`;
  const sliced = `CASE WHEN qs."text" !~ '[\\U00010000-\\U0010FFFF]' THEN substr(qs."text", ${start} + 1, greatest(${end} - ${start}, 0)) ELSE ${bySlice} END`;
  return `coalesce((SELECT ${sliced} FROM "Source" qs WHERE qs.id = ${col(statement, 'sourceId')}), '')`;
});

/**
 * Other claims worded like the claim, as `similarClaimRows` (sql/similarity/claims.ts) finds them for its
 * resolver: trigram similarity at least the threshold, rounded to 3 decimals, best first, ties by id, at most
 * `first` (an integer from 1 to `max`, else the resolver reports it). The claims are read as they are now:
 * an as-of read refuses the field.
 */
export const claimSimilar = (max: number) =>
  read.currentOnly(
    read.elements(
      (claim, scored, args, params) => {
        const first = args.first;
        if (typeof first !== 'number' || !Number.isInteger(first) || first < 1 || first > max) return undefined;
        const text = col(claim, 'text');
        const score = `round(similarity(sc.text, ${text})::numeric, 3)::float8`;
        return (
          `(SELECT sc.id, ${score} AS score, row_number() OVER (ORDER BY ${score} DESC, sc.id ASC) AS o FROM "Claim" sc ` +
          `WHERE sc.text % ${text} AND similarity(sc.text, ${text}) >= ${SIMILARITY_THRESHOLD}::float4 AND sc.id IS DISTINCT FROM ${col(claim, 'id')} ` +
          `ORDER BY score DESC, sc.id ASC LIMIT ${params.add(first, 'int')}) ${scored}`
        );
      },
      ['first'],
    ),
  );

/**
 * An actor's positions on a claim (sql/positions/read.ts, POSITION_RULE): the stances whose statement was made
 * on the actor's behalf, or by the actor for nobody else; oldest first (undated first, then by date, record
 * order, stance id). `claimRef` reads the `claim` argument as its resolver does (a slug or a Claim's global
 * ID) and throws when it is neither: the resolver then reports it.
 */
export const actorPositions = (claimRef: (value: string) => { slug: string } | { id: string }) => {
  const statementOf = (stance: string, column: string) => `(SELECT ps.${column} FROM "Statement" ps WHERE ps.id = ${col(stance, 'statementId')})`;
  // Refused as of a past instant, as before it was compiled (README): offering it is a decision of its own.
  return read.currentOnly(read.connection({
    edges: 'Stance',
    args: ['claim', 'includeRetracted'],
    parent: (actor, stance) =>
      `EXISTS (SELECT 1 FROM "Statement" hs WHERE hs.id = ${col(stance, 'statementId')} AND ${HELD_BY(col(actor, 'id'), 'hs')})`,
    filter: (stance, _node, args, params) => {
      let ref: { slug: string } | { id: string };
      try {
        ref = claimRef(String(args.claim));
      } catch {
        return undefined;
      }
      if ('id' in ref && !isUuid(ref.id)) return undefined;
      const claim = 'slug' in ref ? idBySlug('Claim', ref.slug, params) : params.add(ref.id, 'uuid');
      return [
        `${col(stance, 'claimId')} = ${claim}`,
        ...(args.includeRetracted === true ? [] : [`EXISTS (SELECT 1 FROM "Statement" rs WHERE rs.id = ${col(stance, 'statementId')} AND rs."retractedAt" IS NULL)`]),
      ];
    },
    order: (stance) => {
      const said = statementOf(stance, '"saidOn"');
      const seq = statementOf(stance, 'seq');
      return [
        { key: `coalesce(${said}, ${NEVER})`, sort: `coalesce(${said}, ${NEVER})`, desc: false },
        { key: seq, sort: seq, desc: false },
        { key: col(stance, 'id'), sort: col(stance, 'id'), desc: false },
      ];
    },
  }));
};

/** A position's date: its statement's. */
export const positionSaidOn = read.computed((stance) => `(SELECT to_char(ps."saidOn", 'YYYY-MM-DD') FROM "Statement" ps WHERE ps.id = ${col(stance, 'statementId')})`);

export const wikidataUrl = read.computed((row) => `CASE WHEN ${col(row, 'wikidataId')} IS NULL THEN NULL ELSE 'https://www.wikidata.org/wiki/' || ${col(row, 'wikidataId')} END`);
export const retracted = read.computed((row) => `(${col(row, 'retractedAt')} IS NOT NULL)`);
export const retraction = read.embedded((row) => `${col(row, 'retractedAt')} IS NOT NULL`);
export const retractionBy = read.computed((row) => `coalesce(${col(row, 'retractedBy')}, '')`);
export const retractionReason = read.computed((row) => `coalesce(${col(row, 'retractionReason')}, '')`);

// ---- History.

/** Record order: the audit log's `seq`, the order writes took effect in. */
const bySeq = (row: string): OrderKey[] => [{ key: col(row, 'seq'), sort: col(row, 'seq'), desc: false }];

/** A record's revisions: the audit entries that target it, and those that name it among their related records (a stance's statement and claim). */
export const history = (type: HistoryType) =>
  read.connection({
    edges: 'AuditEntry',
    parent: (parent, entry) =>
      `((${col(entry, 'targetType')} = '${type}' AND ${col(entry, 'targetId')} = ${col(parent, 'id')}::text) OR ${col(entry, 'related')} @> ARRAY[${col(parent, 'id')}])`,
    order: bySeq,
  });

export type HistoryType = 'Actor' | 'Affiliation' | 'Source' | 'Statement' | 'Claim' | 'Stance' | 'Review';

export const statusHistory = read.connection({
  edges: 'ClaimStatusChange',
  parent: (parent, change) => `${col(change, 'claimId')} = ${col(parent, 'id')}`,
  order: bySeq,
});

// ---- Roots.

export const actors: ConnectionSpec = {
  edges: 'Actor',
  args: ['kind', 'search'],
  filter: (actor, _node, args, params) => {
    const pattern = searchPattern(args.search, params);
    if (pattern === undefined) return undefined;
    return [
      ...(args.kind != null ? [`${col(actor, 'kind')} = ${params.add(args.kind, '"ActorKind"')}`] : []),
      // The name or any alias, each folded on its own (not the stored `searchText`, which folds whole strings).
      ...(pattern ? [`(${col(actor, 'name')} ILIKE ${pattern} OR EXISTS (SELECT 1 FROM unnest(${col(actor, 'aliases')}) AS alias WHERE alias ILIKE ${pattern}))`] : []),
    ];
  },
  order: (actor) => [
    { key: col(actor, 'name'), sort: col(actor, 'name'), desc: false },
    { key: col(actor, 'id'), sort: col(actor, 'id'), desc: false },
  ],
};

export const statements: ConnectionSpec = {
  edges: 'Statement',
  args: ['speaker', 'onBehalfOf', 'actor', 'claim', 'source', 'kind', 'from', 'to', 'search', 'includeRetracted'],
  filter: (statement, _node, args, params) => {
    const from = args.from instanceof Date ? args.from : undefined;
    const to = args.to instanceof Date ? args.to : undefined;
    if (from && to && from > to) return undefined;
    const pattern = searchPattern(args.search, params);
    if (pattern === undefined) return undefined;
    const where: string[] = [];
    if (args.speaker != null) where.push(`${col(statement, 'speakerId')} = ${idBySlug('Actor', args.speaker, params)}`);
    if (args.onBehalfOf != null) where.push(`${col(statement, 'onBehalfOfId')} = ${idBySlug('Actor', args.onBehalfOf, params)}`);
    if (args.actor != null) {
      const actor = idBySlug('Actor', args.actor, params);
      where.push(`(${col(statement, 'speakerId')} = ${actor} OR ${col(statement, 'onBehalfOfId')} = ${actor})`);
    }
    if (args.claim != null) {
      where.push(`EXISTS (SELECT 1 FROM "Stance" fs WHERE fs."statementId" = ${col(statement, 'id')} AND fs."claimId" = ${idBySlug('Claim', args.claim, params)})`);
    }
    if (args.source != null) where.push(`${col(statement, 'sourceId')} = ${idBySlug('Source', args.source, params)}`);
    if (args.kind != null) where.push(`${col(statement, 'kind')} = ${params.add(args.kind, '"StatementKind"')}`);
    if (from) where.push(`${col(statement, 'saidOn')} >= ${params.add(formatIsoDate(from), 'date')}`);
    if (to) where.push(`${col(statement, 'saidOn')} <= ${params.add(formatIsoDate(to), 'date')}`);
    if (pattern) where.push(`${col(statement, 'text')} ILIKE ${pattern}`);
    where.push(...hideRetracted(statement, args));
    return where;
  },
  order: newestFirst,
};

export const claims: ConnectionSpec = {
  edges: 'Claim',
  args: ['status', 'topic', 'search'],
  filter: (claim, _node, args, params) => {
    const pattern = searchPattern(args.search, params);
    if (pattern === undefined) return undefined;
    return [
      ...(args.status != null ? [`${col(claim, 'status')} = ${params.add(args.status, '"ClaimStatus"')}`] : []),
      // A topic is given as its label or its slug; both name the slug the claim stores beside each label.
      ...(args.topic != null ? [`${params.add(topicSlug(String(args.topic)))} = ANY(${col(claim, 'topicSlugs')})`] : []),
      ...(pattern ? [`${col(claim, 'text')} ILIKE ${pattern}`] : []),
    ];
  },
  order: byId,
};

export const sources: ConnectionSpec = {
  edges: 'Source',
  order: (source) => [
    { key: `coalesce(${col(source, 'publishedOn')}, '-infinity'::date)`, sort: col(source, 'publishedOn'), desc: true, nulls: 'last' },
    { key: col(source, 'id'), sort: col(source, 'id'), desc: false },
  ],
};

export { read };
