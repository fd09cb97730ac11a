import { chunk } from '../domain/chunk.js';
import { CON_POSITIONS, PRO_POSITIONS } from '../domain/claim-status.js';
import { formatIsoDate } from '../domain/dates.js';
import { topicSlug } from '../domain/topics.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import type { ActorKind, ClaimStatus } from '../generated/prisma/enums.js';
import { type BundleSelection, byId, EXPORT_PAGE, isEmptySelection, pages, readSnapshot, resolveSelection } from './export.js';
import { reviewNode, reviewsOfClaims } from './jsonld-reviews.js';

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonLdNode = { [key: string]: JsonValue };

export interface ClaimsJsonLd {
  '@context': 'https://schema.org';
  '@graph': JsonLdNode[];
}

export const jsonLdId = (type: 'claim' | 'claim-review' | 'review' | 'actor' | 'source', slug: string) => `urn:fact-service:${type}:${slug}`;
export const wikidataUrl = (id: string) => `https://www.wikidata.org/wiki/${id}`;

// schema.org's `author` expects a Person or an Organization; a Country alone is a Place, so a state is both.
const ACTOR_TYPES: Record<ActorKind, string | string[]> = {
  PERSON: 'Person',
  STATE: ['Country', 'Organization'],
  GOVERNMENT_BODY: 'GovernmentOrganization',
  ORGANIZATION: 'Organization',
  MILITARY: 'GovernmentOrganization',
  GROUP: 'Organization',
};

const STATUS_MEANING: Record<ClaimStatus, string> = {
  ASSERTED: 'the actors who took a position on it assert or support it',
  DENIED: 'the actors who took a position on it deny or question it',
  CONTESTED: 'some actors assert or support it while others deny or question it',
  UNRESOLVED: 'no actor is recorded asserting or denying it',
};

type Db = Prisma.TransactionClient;

const actorSelect = { id: true, slug: true, name: true, kind: true, aliases: true, description: true, wikidataId: true } satisfies Prisma.ActorSelect;
const sourceSelect = { id: true, slug: true, title: true, url: true, publisher: true, publishedOn: true } satisfies Prisma.SourceSelect;
const claimSelect = { id: true, slug: true, text: true, topics: true, status: true, sourceId: true } satisfies Prisma.ClaimSelect;
const stanceSelect = {
  id: true,
  claimId: true,
  statementId: true,
  position: true,
  statement: { select: { seq: true, saidOn: true, speakerId: true, onBehalfOfId: true, sourceId: true } },
} satisfies Prisma.StanceSelect;

type ActorRow = Prisma.ActorGetPayload<{ select: typeof actorSelect }>;
type SourceRow = Prisma.SourceGetPayload<{ select: typeof sourceSelect }>;
type ClaimRow = Prisma.ClaimGetPayload<{ select: typeof claimSelect }>;
type StanceRow = Prisma.StanceGetPayload<{ select: typeof stanceSelect }>;

/** A correction note from the history, as schema.org's `correction` (a CreativeWork's property) takes it: a `CorrectionComment`. */
const correctionNode = (entry: { reason: string | null; at: Date; action: string }): JsonLdNode => ({
  '@type': 'CorrectionComment',
  text: entry.reason ?? '',
  dateCreated: entry.at.toISOString(),
  name: entry.action,
});

/**
 * The correction notes of these claims' histories, oldest first: by claim (notes on the claim, on stances
 * taken on it and retractions of statements about it, and on edits of the statements that take a stance on
 * it), and by review.
 */
async function correctionsOf(
  db: Db,
  claimIds: readonly string[],
  stances: readonly { claimId: string; statementId: string }[],
): Promise<{ claims: Map<string, JsonLdNode[]>; reviews: Map<string, JsonLdNode[]> }> {
  const claims = new Map<string, JsonLdNode[]>();
  const reviews = new Map<string, JsonLdNode[]>();
  const wanted = new Set(claimIds);
  const push = (map: Map<string, JsonLdNode[]>, key: string, node: JsonLdNode) => {
    const list = map.get(key);
    if (list) list.push(node);
    else map.set(key, [node]);
  };
  const claimsOfStatement = new Map<string, string[]>();
  for (const stance of stances) claimsOfStatement.set(stance.statementId, [...(claimsOfStatement.get(stance.statementId) ?? []), stance.claimId]);
  const statementIds = [...claimsOfStatement.keys()];
  const entries = [];
  for (const part of chunk([...claimIds], EXPORT_PAGE)) {
    entries.push(
      ...(await db.auditEntry.findMany({
        where: { reason: { not: null }, OR: [{ targetType: 'Claim', targetId: { in: part } }, { related: { hasSome: part } }] },
        select: { seq: true, targetType: true, targetId: true, related: true, reason: true, at: true, action: true },
      })),
    );
  }
  for (const part of chunk(statementIds, EXPORT_PAGE)) {
    entries.push(
      ...(await db.auditEntry.findMany({
        where: { reason: { not: null }, targetType: 'Statement', targetId: { in: part } },
        select: { seq: true, targetType: true, targetId: true, related: true, reason: true, at: true, action: true },
      })),
    );
  }
  const seen = new Set<bigint>();
  for (const entry of entries.sort((a, b) => (a.seq < b.seq ? -1 : a.seq > b.seq ? 1 : 0))) {
    if (seen.has(entry.seq)) continue;
    seen.add(entry.seq);
    if (entry.targetType === 'Review' && entry.targetId) {
      push(reviews, entry.targetId, correctionNode(entry));
      continue;
    }
    const about = new Set([
      ...(entry.targetType === 'Claim' && entry.targetId ? [entry.targetId] : []),
      ...(entry.targetType === 'Statement' && entry.targetId ? (claimsOfStatement.get(entry.targetId) ?? []) : []),
      ...entry.related,
    ]);
    for (const id of about) if (wanted.has(id)) push(claims, id, correctionNode(entry));
  }
  return { claims, reviews };
}

const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;

function actorNode(actor: ActorRow): JsonLdNode {
  return {
    '@type': ACTOR_TYPES[actor.kind],
    '@id': jsonLdId('actor', actor.slug),
    name: actor.name,
    ...(actor.aliases.length > 0 ? { alternateName: actor.aliases } : {}),
    ...(actor.description ? { description: actor.description } : {}),
    ...(actor.wikidataId ? { sameAs: wikidataUrl(actor.wikidataId) } : {}),
  };
}

function sourceNode(source: SourceRow): JsonLdNode {
  return {
    '@type': 'CreativeWork',
    '@id': jsonLdId('source', source.slug),
    name: source.title,
    ...(source.url ? { url: source.url } : {}),
    ...(source.publisher ? { publisher: { '@type': 'Organization', name: source.publisher } } : {}),
    ...(source.publishedOn ? { datePublished: formatIsoDate(source.publishedOn) } : {}),
  };
}

/** The first known appearance: the only one, or the one published strictly before every other. */
function firstAppearance(sources: SourceRow[]): SourceRow | undefined {
  if (sources.length === 1) return sources[0];
  const dates = sources.map((source) => source.publishedOn?.getTime());
  if (dates.some((date) => date === undefined)) return undefined;
  const earliest = Math.min(...dates.map((date) => date ?? Infinity));
  const first = sources.filter((_, i) => dates[i] === earliest);
  return first.length === 1 ? first[0] : undefined;
}

function ratingExplanation(status: ClaimStatus, stances: StanceRow[]): string {
  const pro = stances.filter((s) => PRO_POSITIONS.includes(s.position)).length;
  const con = stances.filter((s) => CON_POSITIONS.includes(s.position)).length;
  const declined = stances.filter((s) => s.position === 'DECLINES_TO_CONFIRM').length;
  const counted = [`${plural(pro, 'statement')} for`, `${con} against`, ...(declined > 0 ? [`${declined} declining to confirm`] : [])].join(', ');
  return (
    `${status}: ${STATUS_MEANING[status]} (${counted}). This status is derived automatically from the stances recorded on the claim; ` +
    'it is not an editorial verdict: this service records who said what and does not check whether the claim is true.'
  );
}

/** The speakers of the statements asserting or supporting a claim, and the actors they spoke for, in the order they spoke. */
const authorIds = (stances: StanceRow[]) =>
  new Set(
    stances
      .filter((s) => PRO_POSITIONS.includes(s.position))
      .flatMap((s) => (s.statement.onBehalfOfId ? [s.statement.speakerId, s.statement.onBehalfOfId] : [s.statement.speakerId])),
  );

async function claimIdsFor(db: Db, selection: BundleSelection): Promise<string[]> {
  const seeds = await resolveSelection(db, selection, { statementsOnClaims: false });
  const claimIds = new Set(seeds.claimIds);
  for (const part of chunk([...seeds.statementIds], EXPORT_PAGE)) {
    for await (const batch of pages(
      (page) => db.stance.findMany({ where: { statementId: { in: part } }, select: { id: true, claimId: true }, orderBy: { id: 'asc' }, ...page }),
      byId,
    )) {
      for (const stance of batch) claimIds.add(stance.claimId);
    }
  }
  return [...claimIds].sort();
}

async function* claimPages(db: Db, selection: BundleSelection | undefined): AsyncGenerator<ClaimRow[]> {
  if (!selection || isEmptySelection(selection)) {
    yield* pages((page) => db.claim.findMany({ select: claimSelect, orderBy: { id: 'asc' }, ...page }), byId);
    return;
  }
  for (const part of chunk(await claimIdsFor(db, selection), EXPORT_PAGE)) {
    yield await db.claim.findMany({ where: { id: { in: part } }, select: claimSelect, orderBy: { id: 'asc' } });
  }
}

/**
 * The claims of the database, or those around a selection (the selected claims, the claims narrated by
 * selected sources and those that the selection's statements take a stance on), as schema.org JSON-LD:
 * per claim a `Claim` (its text; `author`: the speakers of statements asserting or supporting it and
 * the actors they spoke for; `appearance`: the sources where it is narrated or taken a stance on; `about`:
 * the actors named by its topics) followed by a `ClaimReview` that carries the derived status as the
 * rating's `alternateName` and says, in `ratingExplanation`, that it is not an editorial verdict.
 * Retracted statements count for nothing, as in the status. Each editorial review of a claim follows as
 * its own `ClaimReview` (reviewer as `author`, its scale's numeric rating). Nothing is invented: a URL,
 * publisher or date only where stored.
 */
export async function claimsAsJsonLd(prisma: PrismaClient, selection?: BundleSelection): Promise<ClaimsJsonLd> {
  return readSnapshot(prisma, async (db) => {
    const graph: JsonLdNode[] = [];
    const actors = new Map<string, ActorRow>();
    const actorsBySlug = new Map<string, ActorRow | null>();
    const sources = new Map<string, SourceRow>();

    for await (const claims of claimPages(db, selection)) {
      const stances: StanceRow[] = [];
      const claimIds = claims.map((claim) => claim.id);
      for await (const batch of pages(
        (page) => db.stance.findMany({ where: { claimId: { in: claimIds }, statement: { retractedAt: null } }, select: stanceSelect, orderBy: { id: 'asc' }, ...page }),
        byId,
      )) {
        stances.push(...batch);
      }
      stances.sort(
        (a, b) => (a.statement.saidOn?.getTime() ?? -Infinity) - (b.statement.saidOn?.getTime() ?? -Infinity) || a.statement.seq - b.statement.seq,
      );

      for (const part of chunk([...authorIds(stances)].filter((id) => !actors.has(id)), EXPORT_PAGE)) {
        for (const actor of await db.actor.findMany({ where: { id: { in: part } }, select: actorSelect })) actors.set(actor.id, actor);
      }
      const topics = [...new Set(claims.flatMap((claim) => claim.topics.map(topicSlug)))].filter((topic) => !actorsBySlug.has(topic));
      for (const part of chunk(topics, EXPORT_PAGE)) {
        const found = await db.actor.findMany({ where: { slug: { in: part } }, select: actorSelect });
        for (const topic of part) actorsBySlug.set(topic, found.find((actor) => actor.slug === topic) ?? null);
      }
      const wantedSources = [...claims.flatMap((c) => (c.sourceId ? [c.sourceId] : [])), ...stances.map((s) => s.statement.sourceId)];
      for (const part of chunk([...new Set(wantedSources)].filter((id) => !sources.has(id)), EXPORT_PAGE)) {
        for (const source of await db.source.findMany({ where: { id: { in: part } }, select: sourceSelect })) sources.set(source.id, source);
      }

      const reviewsOf = await reviewsOfClaims(db, claimIds);
      const corrections = await correctionsOf(db, claimIds, stances);
      const stancesOf = new Map<string, StanceRow[]>();
      for (const stance of stances) {
        const list = stancesOf.get(stance.claimId);
        if (list) list.push(stance);
        else stancesOf.set(stance.claimId, [stance]);
      }
      for (const claim of claims) {
        const claimStances = stancesOf.get(claim.id) ?? [];
        const authors = [...authorIds(claimStances)].flatMap((id) => actors.get(id) ?? []);
        const about = claim.topics.flatMap((topic) => actorsBySlug.get(topicSlug(topic)) ?? []);
        const appearances = [...new Set([...(claim.sourceId ? [claim.sourceId] : []), ...claimStances.map((s) => s.statement.sourceId)])].flatMap(
          (id) => sources.get(id) ?? [],
        );
        const first = firstAppearance(appearances);
        const claimId = jsonLdId('claim', claim.slug);
        graph.push({
          '@type': 'Claim',
          '@id': claimId,
          identifier: claim.slug,
          text: claim.text,
          ...(claim.topics.length > 0 ? { keywords: claim.topics } : {}),
          ...(about.length > 0 ? { about: about.map(actorNode) } : {}),
          ...(authors.length > 0 ? { author: authors.map(actorNode) } : {}),
          ...(appearances.length > 0 ? { appearance: appearances.map(sourceNode) } : {}),
          ...(first ? { firstAppearance: sourceNode(first) } : {}),
          ...(corrections.claims.has(claim.id) ? { correction: corrections.claims.get(claim.id) as JsonLdNode[] } : {}),
        });
        graph.push({
          '@type': 'ClaimReview',
          '@id': jsonLdId('claim-review', claim.slug),
          claimReviewed: claim.text,
          itemReviewed: { '@id': claimId },
          reviewRating: { '@type': 'Rating', alternateName: claim.status, ratingExplanation: ratingExplanation(claim.status, claimStances) },
        });
        for (const review of reviewsOf.get(claim.id) ?? []) {
          const node = reviewNode(review, claim, claimId, actorNode, jsonLdId('review', `${claim.slug}:${review.reviewer.slug}`));
          const notes = corrections.reviews.get(review.id);
          graph.push(notes ? { ...node, correction: notes } : node);
        }
      }
    }
    return { '@context': 'https://schema.org', '@graph': graph };
  });
}
