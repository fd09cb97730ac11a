import DataLoader from 'dataloader';
import { z } from 'zod';
import { builder } from '../builder.js';
import type { Claim as ClaimRow, PrismaClient } from '../generated/prisma/client.js';
import * as sql from '../sql/read/fields.js';
import { type SimilaritySearch, similarClaimRows } from '../sql/similarity/claims.js';
import { Claim } from './claim.js';

export const MAX_SIMILAR = 50;
export const DEFAULT_SIMILAR = 10;
const MAX_SIMILARITY_TEXT = 5_000;

const FIRST = z.number().int().min(1, 'must be at least 1').max(MAX_SIMILAR, `must be at most ${MAX_SIMILAR}`);

export interface ScoredClaim {
  claim: ClaimRow;
  score: number;
}

export const ScoredClaimRef = builder.objectRef<ScoredClaim>('ScoredClaim').implement({
  description: 'A claim with how much its text looks like another text.',
  fields: (t) => ({
    claim: t.field({ type: Claim, extensions: { sql: sql.read.one('Claim', 'id') }, resolve: (scored) => scored.claim }),
    score: t.exposeFloat('score', {
      extensions: { sql: sql.read.element('score') },
      description:
        'pg_trgm trigram similarity, 0..1 rounded to 3 decimals: the trigrams both texts share over all trigrams of either. 1 is the same words; claims below 0.3 are not listed.',
    }),
  }),
});

/** Scored claims for a batch of texts: one SQL statement for the scores, one typed read for the claims. */
export async function scoredClaims(prisma: PrismaClient, searches: readonly SimilaritySearch[]): Promise<Map<string, ScoredClaim[]>> {
  const rows = await similarClaimRows(prisma, searches);
  const claims = await prisma.claim.findMany({ where: { id: { in: [...new Set(rows.map((row) => row.id))] } } });
  const byId = new Map(claims.map((claim) => [claim.id, claim]));
  const found = new Map<string, ScoredClaim[]>();
  for (const row of rows) {
    const claim = byId.get(row.id);
    if (claim) found.set(row.key, [...(found.get(row.key) ?? []), { claim, score: row.score }]);
  }
  return found;
}

/**
 * `Claim.similar` for every claim of a list in one batch: the claims a request resolves in the same tick share
 * one scoring statement and one typed read, where one per claim would be two statements per row. Keyed by
 * claim and limit, so aliases asking for different `first` values on one claim each get their own answer.
 */
const similarLoaders = new WeakMap<object, DataLoader<SimilaritySearch, ScoredClaim[], string>>();
function similarLoader(context: object, prisma: PrismaClient): DataLoader<SimilaritySearch, ScoredClaim[], string> {
  let loader = similarLoaders.get(context);
  if (!loader) {
    loader = new DataLoader(
      async (searches) => {
        const found = await scoredClaims(prisma, searches);
        return searches.map((search) => found.get(search.key) ?? []);
      },
      { cacheKeyFn: (search) => search.key },
    );
    similarLoaders.set(context, loader);
  }
  return loader;
}

builder.objectField(Claim, 'similar', (t) =>
  t.field({
    type: [ScoredClaimRef],
    description: 'Other claims worded alike (trigram similarity at least 0.3), most similar first, ties by record order: candidates for a merge or a link, never merged by themselves.',
    args: { first: t.arg.int({ defaultValue: DEFAULT_SIMILAR, validate: FIRST, description: `At most this many (1–${MAX_SIMILAR}).` }) },
    extensions: { sql: sql.claimSimilar(MAX_SIMILAR) },
    resolve: (claim, { first }, context) => {
      const limit = first ?? DEFAULT_SIMILAR;
      return similarLoader(context, context.prisma).load({ key: `${claim.id}/${limit}`, text: claim.text, limit, exclude: claim.id });
    },
  }),
);

builder.queryField('similarClaims', (t) =>
  t.field({
    type: [ScoredClaimRef],
    description: 'Claims worded like `text` (trigram similarity at least 0.3), most similar first, ties by record order. For finding a claim before recording a new one.',
    args: {
      text: t.arg.string({
        required: true,
        validate: z.string().trim().min(1, 'must not be empty').max(MAX_SIMILARITY_TEXT, `must be at most ${MAX_SIMILARITY_TEXT} characters`),
      }),
      first: t.arg.int({ defaultValue: DEFAULT_SIMILAR, validate: FIRST, description: `At most this many (1–${MAX_SIMILAR}).` }),
    },
    resolve: async (_root, { text, first }, { prisma }) => (await scoredClaims(prisma, [{ key: 'q', text, limit: first ?? DEFAULT_SIMILAR }])).get('q') ?? [],
  }),
);
