import { chunk } from '../domain/chunk.js';
import { formatIsoDate } from '../domain/dates.js';
import type { Prisma } from '../generated/prisma/client.js';
import { EXPORT_PAGE } from './export.js';
import type { JsonLdNode } from './jsonld.js';

type Db = Prisma.TransactionClient;

const reviewInclude = {
  reviewer: { select: { id: true, slug: true, name: true, kind: true, aliases: true, description: true, wikidataId: true } },
  scale: { select: { slug: true, worstRating: true, bestRating: true } },
} satisfies Prisma.ReviewInclude;

type ReviewRow = Prisma.ReviewGetPayload<{ include: typeof reviewInclude }>;

/** The reviews of these claims, by claim id, each list in the order the reviews were recorded. */
export async function reviewsOfClaims(db: Db, claimIds: readonly string[]): Promise<Map<string, ReviewRow[]>> {
  const byClaim = new Map<string, ReviewRow[]>();
  for (const part of chunk([...claimIds], EXPORT_PAGE)) {
    for (const review of await db.review.findMany({ where: { claimId: { in: part } }, include: reviewInclude, orderBy: { id: 'asc' } })) {
      const list = byClaim.get(review.claimId);
      if (list) list.push(review);
      else byClaim.set(review.claimId, [review]);
    }
  }
  return byClaim;
}

/**
 * One schema.org ClaimReview per editorial review: the reviewer as `author`, the rating with its scale's
 * best and worst values and the label as `alternateName`. `author` is built by `actorNode`, the same as
 * the claim's authors.
 */
export function reviewNode(review: ReviewRow, claim: { slug: string; text: string }, claimId: string, actorNode: (actor: ReviewRow['reviewer']) => JsonLdNode, id: string): JsonLdNode {
  return {
    '@type': 'ClaimReview',
    '@id': id,
    claimReviewed: claim.text,
    itemReviewed: { '@id': claimId },
    author: actorNode(review.reviewer),
    reviewRating: {
      '@type': 'Rating',
      ratingValue: review.ratingValue,
      bestRating: review.scale.bestRating,
      worstRating: review.scale.worstRating,
      alternateName: review.ratingLabel,
      ...(review.explanation ? { ratingExplanation: review.explanation } : {}),
    },
    ...(review.url ? { url: review.url } : {}),
    ...(review.publishedOn ? { datePublished: formatIsoDate(review.publishedOn) } : {}),
    ...(review.language ? { inLanguage: review.language } : {}),
  };
}
