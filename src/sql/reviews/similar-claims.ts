import type { Prisma } from '../../generated/prisma/client.js';

type Tx = Pick<Prisma.TransactionClient, '$queryRaw'>;

export interface SimilarClaim {
  id: string;
  slug: string;
  text: string;
  similarity: number;
}

/**
 * The claims whose text is most like `text` by pg_trgm trigram similarity (0 to 1), at least `threshold`,
 * best first (ties by id). `%` with the threshold set for this transaction lets the trigram GIN index on
 * Claim.text find the candidates; `similarity()` then ranks them.
 */
export async function similarClaims(tx: Tx, text: string, threshold: number, limit = 3): Promise<SimilarClaim[]> {
  await tx.$queryRaw`SELECT set_config('pg_trgm.similarity_threshold', ${String(threshold)}, true)`;
  return tx.$queryRaw<SimilarClaim[]>`
    SELECT id, slug, text, similarity(text, ${text})::float8 AS similarity
    FROM "Claim"
    WHERE text % ${text}
    ORDER BY similarity DESC, id
    LIMIT ${limit}`;
}
