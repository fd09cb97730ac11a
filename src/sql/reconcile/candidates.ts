import type { PrismaClient } from '../../generated/prisma/client.js';

/** One query of a batch, as the candidate search needs it. */
export interface CandidateSearch {
  key: string;
  /** The query text; empty when only identifiers are searched. */
  text: string;
  /** `%<text>%`, case-folded and escaped, for a substring match; null to skip (too short to use the trigram index). */
  pattern: string | null;
  /** A slug to look up directly (from `actor:<slug>`, `claim:<slug>` or a slug-shaped query). */
  slug: string | null;
  /** Wikidata IDs to look up directly (actors only). */
  wikidataIds: string[];
  /** Rows to return at most. */
  limit: number;
}

export interface ActorCandidateRow {
  key: string;
  id: string;
  slug: string;
  name: string;
  kind: string;
  aliases: string[];
  description: string | null;
  wikidataId: string | null;
  similarity: number;
}

export interface ClaimCandidateRow {
  key: string;
  id: string;
  slug: string;
  text: string;
  topics: string[];
  status: string;
  similarity: number;
}

const asJson = (searches: CandidateSearch[]) =>
  JSON.stringify(searches.map((s) => ({ key: s.key, text: s.text, pattern: s.pattern, slug: s.slug, wikidata: s.wikidataIds, lim: s.limit })));

/**
 * Actor candidates for every query of a batch in one statement. `%` and `<%` (pg_trgm, through the GIN
 * index on searchText) find names and aliases that look alike; the score is the best trigram
 * similarity of the query to the name or to any alias.
 */
export async function actorCandidates(prisma: PrismaClient, searches: CandidateSearch[]): Promise<ActorCandidateRow[]> {
  if (searches.length === 0) return [];
  const rows = await prisma.$queryRaw<ActorCandidateRow[]>`
    SELECT q.key, a.id::text AS id, a.slug, a.name, a.kind::text AS kind, a.aliases, a.description, a."wikidataId", a.similarity
    FROM jsonb_to_recordset(${asJson(searches)}::jsonb) AS q(key text, text text, pattern text, slug text, wikidata text[], lim int)
    CROSS JOIN LATERAL (
      SELECT actor.*,
             greatest(
               similarity(actor.name, q.text),
               coalesce((SELECT max(similarity(alias, q.text)) FROM unnest(actor.aliases) AS alias), 0)
             )::float8 AS similarity,
             (actor.slug = q.slug OR actor."wikidataId" = ANY (q.wikidata)) AS direct
      FROM "Actor" AS actor
      WHERE (q.text <> '' AND (actor."searchText" % q.text OR q.text <% actor."searchText" OR actor."searchText" LIKE q.pattern))
         OR actor.slug = q.slug
         OR actor."wikidataId" = ANY (q.wikidata)
      ORDER BY direct DESC, similarity DESC, actor.name, actor.id
      LIMIT q.lim
    ) AS a
  `;
  return rows;
}

/**
 * Claim candidates for every query of a batch in one statement. A claim is a sentence, so the score
 * averages the similarity of the whole text with the word similarity (how well the query matches some
 * stretch of it): a few words found in a long claim score about half, the whole sentence near 1.
 */
export async function claimCandidates(prisma: PrismaClient, searches: CandidateSearch[]): Promise<ClaimCandidateRow[]> {
  if (searches.length === 0) return [];
  const rows = await prisma.$queryRaw<ClaimCandidateRow[]>`
    SELECT q.key, c.id::text AS id, c.slug, c.text, c.topics, c.status::text AS status, c.similarity
    FROM jsonb_to_recordset(${asJson(searches)}::jsonb) AS q(key text, text text, pattern text, slug text, wikidata text[], lim int)
    CROSS JOIN LATERAL (
      SELECT claim.*,
             ((similarity(claim.text, q.text) + word_similarity(q.text, claim.text)) / 2)::float8 AS similarity,
             claim.slug = q.slug AS direct
      FROM "Claim" AS claim
      WHERE (q.text <> '' AND (claim.text % q.text OR q.text <% claim.text OR claim.text ILIKE q.pattern))
         OR claim.slug = q.slug
      ORDER BY direct DESC, similarity DESC, claim.text, claim.id
      LIMIT q.lim
    ) AS c
  `;
  return rows;
}

export interface SuggestSearch {
  /** `<prefix>%`, case-folded and escaped. */
  startsWith: string;
  /** `%<prefix>%`, case-folded and escaped. */
  contains: string;
  /** `%\n<prefix>%`: an alias (a later line of searchText) that starts with the prefix. */
  aliasStartsWith: string;
  text: string;
  slug: string | null;
  wikidataId: string | null;
  actors: boolean;
  claims: boolean;
  offset: number;
  limit: number;
}

export interface SuggestRow {
  type: 'Actor' | 'Claim';
  slug: string;
  name: string;
  detail: string;
  description: string | null;
}

/**
 * Entities for auto-completion: names (then aliases, then any word) that start with the prefix come
 * first, then those that merely contain it, each by trigram similarity; an identifier finds its entity.
 */
export async function suggestEntities(prisma: PrismaClient, search: SuggestSearch): Promise<SuggestRow[]> {
  return prisma.$queryRaw<SuggestRow[]>`
    SELECT type, slug, name, detail, description FROM (
      SELECT 'Actor' AS type, actor.slug, actor.name, actor.kind::text AS detail, actor.description,
             CASE
               WHEN actor.slug = ${search.slug} OR actor."wikidataId" = ${search.wikidataId} THEN 4
               WHEN lower(actor.name) LIKE ${search.startsWith} THEN 3
               WHEN actor."searchText" LIKE ${search.aliasStartsWith} THEN 2
               ELSE 1
             END AS rank,
             similarity(actor."searchText", ${search.text}) AS closeness
      FROM "Actor" AS actor
      WHERE ${search.actors} AND (actor."searchText" LIKE ${search.contains} OR actor.slug = ${search.slug} OR actor."wikidataId" = ${search.wikidataId})
      UNION ALL
      SELECT 'Claim', claim.slug, claim.text, claim.status::text, NULL,
             CASE WHEN claim.slug = ${search.slug} THEN 4 WHEN claim.text ILIKE ${search.startsWith} THEN 3 ELSE 1 END,
             similarity(claim.text, ${search.text})
      FROM "Claim" AS claim
      WHERE ${search.claims} AND (claim.text ILIKE ${search.contains} OR claim.slug = ${search.slug})
    ) AS found
    ORDER BY rank DESC, closeness DESC, name, slug
    OFFSET ${search.offset}
    LIMIT ${search.limit}
  `;
}
