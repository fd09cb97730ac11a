import { z } from 'zod';
import { builder } from '../../builder.js';
import { requireScope } from '../../context.js';
import {
  type ClaimReviewImportResult,
  DEFAULT_MATCH_THRESHOLD,
  type ImportedClaimReview,
  type ImportWarning,
  importClaimReviews,
} from '../../write/claim-review-import.js';
import { WRITE_ERRORS } from '../errors.js';
import { Review } from '../review.js';

const ImportActionEnum = builder.enumType('ClaimReviewImportAction', { values: ['CREATED', 'UPDATED', 'UNCHANGED'] as const });
const ImportWarningCodeEnum = builder.enumType('ClaimReviewImportWarningCode', {
  values: {
    MATCHED_EXISTING_CLAIM: { description: 'The review went to an existing claim whose text is similar (or equal): check it is the same claim.' },
    SIMILAR_CLAIM_EXISTS: { description: 'A new claim was recorded, but an existing one is similar: merge them if they are the same.' },
    REVIEW_REPLACED: { description: 'The reviewer had already reviewed the claim: this review replaced it.' },
  },
});

const ImportedReviewRef = builder.objectRef<ImportedClaimReview>('ImportedClaimReview').implement({
  description: 'What one ClaimReview of the document became.',
  fields: (t) => ({
    path: t.exposeStringList('path', { description: 'Where in the document, e.g. ["document", "dataFeedElement", "0", "item", "0"].' }),
    action: t.field({ type: ImportActionEnum, resolve: (item) => item.action }),
    review: t.prismaField({
      type: Review,
      nullable: true,
      description: 'The stored review; null in a dry run.',
      resolve: (query, item, _args, ctx) => ctx.prisma.review.findUnique({ ...query, where: { id: item.reviewId } }),
    }),
    claim: t.exposeString('claimSlug', { description: 'Slug of the claim the review went to.' }),
    claimCreated: t.exposeBoolean('claimCreated'),
    reviewer: t.exposeString('reviewerSlug', { description: 'Slug of the reviewing actor.' }),
    reviewerCreated: t.exposeBoolean('reviewerCreated'),
    source: t.exposeString('sourceSlug', { nullable: true, description: "Slug of the source for the claim's appearance, when it has a URL." }),
    scale: t.exposeString('scaleSlug'),
    rating: t.exposeString('rating'),
    ratingValue: t.exposeFloat('ratingValue'),
    normalizedRating: t.exposeFloat('normalizedRating'),
  }),
});

const ImportWarningRef = builder.objectRef<ImportWarning>('ClaimReviewImportWarning').implement({
  fields: (t) => ({
    path: t.exposeStringList('path'),
    code: t.field({ type: ImportWarningCodeEnum, resolve: (warning) => warning.code }),
    message: t.exposeString('message'),
    claim: t.exposeString('claimSlug', { nullable: true, description: 'Slug of the existing claim the warning is about.' }),
    similarity: t.exposeFloat('similarity', { nullable: true, description: 'Trigram similarity of the two texts, 0 to 1.' }),
  }),
});

const CreatedCountsRef = builder.objectRef<ClaimReviewImportResult['created']>('ClaimReviewImportCounts').implement({
  fields: (t) => ({ claims: t.exposeInt('claims'), actors: t.exposeInt('actors'), sources: t.exposeInt('sources'), reviews: t.exposeInt('reviews') }),
});

const ResultRef = builder.objectRef<ClaimReviewImportResult>('ClaimReviewImportResult').implement({
  fields: (t) => ({
    dryRun: t.exposeBoolean('dryRun', { description: 'True when nothing was written: the answer says what would have happened.' }),
    reviews: t.field({ type: [ImportedReviewRef], resolve: (result) => result.reviews }),
    warnings: t.field({ type: [ImportWarningRef], resolve: (result) => result.warnings }),
    created: t.field({ type: CreatedCountsRef, resolve: (result) => result.created }),
  }),
});

builder.mutationField('importClaimReview', (t) =>
  t.field({
    type: ResultRef,
    description:
      'Imports schema.org ClaimReview JSON-LD (one ClaimReview, a list or @graph of them, or a DataFeed) in one transaction, at most 500 reviews and 1 MiB: ' +
      'reviewers become actors (ORGANIZATION), appearances sources, reviewed texts claims. A text at least `matchThreshold` similar to an existing claim ' +
      'is reviewed as that claim, always with a warning; never merged silently. `dryRun` reports and writes nothing.',
    errors: { types: WRITE_ERRORS },
    args: {
      document: t.arg({ type: 'JSON', required: true }),
      scale: t.arg.string({ description: 'Slug of the scale to rate every review on; left out, found per review by its label and best/worst values.' }),
      matchThreshold: t.arg.float({ defaultValue: DEFAULT_MATCH_THRESHOLD, validate: z.number().gt(0).max(1) }),
      dryRun: t.arg.boolean({ defaultValue: false }),
    },
    resolve: async (_root, args, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return importClaimReviews(ctx.prisma, args.document, {
        writer: writer.name,
        scale: args.scale,
        matchThreshold: args.matchThreshold ?? DEFAULT_MATCH_THRESHOLD,
        dryRun: args.dryRun ?? false,
      });
    },
  }),
);
