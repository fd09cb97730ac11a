import type { Prisma } from '../../generated/prisma/client.js';

type Db = Pick<Prisma.TransactionClient, '$queryRaw'>;

export interface TopicCount {
  slug: string;
  /** The label most claims use for the slug (ties: the first in code-point order). */
  label: string;
  claimCount: number;
}

/**
 * Topics in use with the number of claims tagged with each, most used first (ties by slug). `pattern` and
 * `slugPattern` are LIKE patterns (already escaped) that the label or the slug must match, case-insensitively.
 */
export function topicCounts(db: Db, pattern: string | null, slugPattern: string | null, limit: number): Promise<TopicCount[]> {
  return db.$queryRaw<TopicCount[]>`
    WITH uses AS (
      SELECT c.id, t.label, t.slug
      FROM "Claim" c CROSS JOIN LATERAL unnest(c.topics, c."topicSlugs") AS t(label, slug)
      WHERE t.slug IS NOT NULL AND t.slug <> ''
    ),
    labels AS (SELECT slug, label, count(*) AS uses FROM uses GROUP BY slug, label),
    best AS (SELECT DISTINCT ON (slug) slug, label FROM labels ORDER BY slug, uses DESC, label COLLATE "C")
    SELECT b.slug, b.label, count(DISTINCT u.id)::int AS "claimCount"
    FROM uses u JOIN best b ON b.slug = u.slug
    GROUP BY b.slug, b.label
    HAVING ${pattern}::text IS NULL OR bool_or(u.label ILIKE ${pattern}::text OR u.slug ILIKE ${slugPattern}::text)
    ORDER BY "claimCount" DESC, b.slug COLLATE "C"
    LIMIT ${limit}`;
}
