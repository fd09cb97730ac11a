import type { Prisma, PrismaClient } from '../../generated/prisma/client.js';

type Db = PrismaClient | Prisma.TransactionClient;

/** pg_trgm's default `similarity_threshold`: below it, two texts share too few trigrams to be worth showing. */
export const SIMILARITY_THRESHOLD = 0.3;

export interface SimilaritySearch {
  key: string;
  text: string;
  /** Rows to return at most. */
  limit: number;
  /** A claim to leave out (the claim itself, for `Claim.similar`). */
  exclude?: string | null;
}

export interface SimilarClaimRow {
  key: string;
  id: string;
  /** pg_trgm `similarity()`, rounded to 3 decimals: shared trigrams over all trigrams of both texts. */
  score: number;
}

/**
 * Claims whose text looks like each search text, best first (ties by id), for every search of a batch in
 * one statement. `%` finds them through the GIN trigram index on "Claim".text; the explicit threshold keeps
 * the answer the same whatever a session sets `pg_trgm.similarity_threshold` to (as long as it is not above 0.3).
 */
export async function similarClaimRows(db: Db, searches: readonly SimilaritySearch[]): Promise<SimilarClaimRow[]> {
  const wanted = searches.filter((search) => search.limit > 0 && search.text.trim() !== '');
  if (wanted.length === 0) return [];
  const batch = JSON.stringify(wanted.map((search) => ({ key: search.key, text: search.text, lim: search.limit, exclude: search.exclude ?? null })));
  return db.$queryRaw<SimilarClaimRow[]>`
    SELECT q.key, found.id::text AS id, found.score
    FROM jsonb_to_recordset(${batch}::jsonb) AS q(key text, text text, lim int, exclude uuid)
    CROSS JOIN LATERAL (
      SELECT claim.id, round(similarity(claim.text, q.text)::numeric, 3)::float8 AS score
      FROM "Claim" AS claim
      WHERE claim.text % q.text
        AND similarity(claim.text, q.text) >= ${SIMILARITY_THRESHOLD}::float4
        AND claim.id IS DISTINCT FROM q.exclude
      ORDER BY score DESC, claim.id ASC
      LIMIT q.lim
    ) AS found
    ORDER BY q.key, found.score DESC, found.id ASC`;
}
