import { formatIsoDate } from '../domain/dates.js';
import type { ActorKind, ResponseKind, StancePosition, StatementKind } from '../generated/prisma/enums.js';
import type { BundleActor, BundleClaim, BundleSource, BundleStatement } from './format.js';

/**
 * Records as fact-bundle entries: what export writes, what the write path compares a bundle against,
 * and what the audit log keeps as before and after. Pure: the caller says how ids become slugs.
 */
export const isoDate = (value: Date | null) => (value === null ? null : formatIsoDate(value));

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export type SlugOf = (id: string) => string;

export interface SourceRow {
  slug: string;
  title: string;
  url: string | null;
  publisher: string | null;
  publishedOn: Date | null;
  text: string | null;
}

export const sourceEntry = (source: SourceRow): BundleSource => ({
  slug: source.slug,
  title: source.title,
  url: source.url,
  publisher: source.publisher,
  publishedOn: isoDate(source.publishedOn),
  text: source.text,
});

export interface AffiliationRow {
  organizationId: string;
  role: string;
  from: Date | null;
  until: Date | null;
}

export interface ActorRow {
  slug: string;
  name: string;
  kind: ActorKind;
  aliases: string[];
  description: string | null;
  wikidataId: string | null;
}

/** Affiliations by the organisation's slug, then role: the order export writes and audit entries keep. */
export const actorEntry = (actor: ActorRow, affiliations: readonly AffiliationRow[], actorSlug: SlugOf): BundleActor => ({
  slug: actor.slug,
  name: actor.name,
  kind: actor.kind,
  aliases: actor.aliases,
  description: actor.description,
  wikidataId: actor.wikidataId,
  affiliations: affiliations
    .map((affiliation) => ({ actor: actorSlug(affiliation.organizationId), role: affiliation.role, from: isoDate(affiliation.from), until: isoDate(affiliation.until) }))
    .sort((a, b) => compare(a.actor, b.actor) || compare(a.role, b.role)),
});

export interface ClaimRow {
  slug: string;
  text: string;
  topics: string[];
  sourceId: string | null;
}

export const claimEntry = (claim: ClaimRow, sourceSlug: SlugOf): BundleClaim => ({
  slug: claim.slug,
  text: claim.text,
  topics: claim.topics,
  source: claim.sourceId === null ? null : sourceSlug(claim.sourceId),
});

export interface StanceRow {
  claimId: string;
  position: StancePosition;
}

export interface StatementRow {
  slug: string;
  text: string;
  kind: StatementKind;
  saidOn: Date | null;
  venue: string | null;
  speakerId: string;
  onBehalfOfId: string | null;
  sourceId: string;
  respondsToId: string | null;
  responseKind: ResponseKind | null;
  quoteStart: number | null;
  quoteEnd: number | null;
  retractedAt: Date | null;
  retractedBy: string | null;
  retractionReason: string | null;
}

export interface StatementSlugs {
  actor: SlugOf;
  source: SlugOf;
  statement: SlugOf;
  claim: SlugOf;
}

/** Stances in the order given (creation order, when read by id); `retraction` only on a retracted statement. */
export function statementEntry(statement: StatementRow, stances: readonly StanceRow[], slugs: StatementSlugs): BundleStatement {
  if (statement.respondsToId !== null && statement.responseKind === null) {
    throw new Error(`statement "${statement.slug}" responds to another without a response kind: a bundle cannot express that`);
  }
  return {
    slug: statement.slug,
    speaker: slugs.actor(statement.speakerId),
    onBehalfOf: statement.onBehalfOfId === null ? null : slugs.actor(statement.onBehalfOfId),
    text: statement.text,
    kind: statement.kind,
    saidOn: isoDate(statement.saidOn),
    venue: statement.venue,
    source: slugs.source(statement.sourceId),
    respondsTo: statement.respondsToId !== null && statement.responseKind !== null ? { statement: slugs.statement(statement.respondsToId), kind: statement.responseKind } : null,
    stances: stances.map((stance) => ({ claim: slugs.claim(stance.claimId), position: stance.position })),
    quote: statement.quoteStart !== null && statement.quoteEnd !== null ? { start: statement.quoteStart, end: statement.quoteEnd } : null,
    ...(statement.retractedAt
      ? { retraction: { at: statement.retractedAt.toISOString(), by: statement.retractedBy ?? '', reason: statement.retractionReason ?? '' } }
      : {}),
  };
}

/** A lookup that fails loudly: a reference to a record that was not read is a bug in the reader. */
export function slugLookup<T extends { slug: string }>(rows: ReadonlyMap<string, T> | ((id: string) => string | undefined), what: string): SlugOf {
  const find = typeof rows === 'function' ? rows : (id: string) => rows.get(id)?.slug;
  return (id) => {
    const slug = find(id);
    if (slug === undefined) throw new Error(`${what} ${id} is referenced but was not read`);
    return slug;
  };
}

export interface ReviewRow {
  claimId: string;
  reviewerId: string;
  scaleId: string;
  ratingLabel: string;
  ratingValue: number;
  normalizedRating: number;
  explanation: string | null;
  url: string | null;
  publishedOn: Date | null;
  language: string | null;
}

/** A review as the audit log keeps it (and as a bundle would carry it): records named by slug. */
export interface ReviewEntry {
  claim: string;
  reviewer: string;
  scale: string;
  rating: string;
  ratingValue: number;
  normalizedRating: number;
  explanation: string | null;
  url: string | null;
  publishedOn: string | null;
  language: string | null;
}

export const reviewEntry = (review: ReviewRow, slugs: { claim: SlugOf; actor: SlugOf; scale: SlugOf }): ReviewEntry => ({
  claim: slugs.claim(review.claimId),
  reviewer: slugs.actor(review.reviewerId),
  scale: slugs.scale(review.scaleId),
  rating: review.ratingLabel,
  ratingValue: review.ratingValue,
  normalizedRating: review.normalizedRating,
  explanation: review.explanation,
  url: review.url,
  publishedOn: isoDate(review.publishedOn),
  language: review.language,
});
