import { REASON_DESCRIPTION } from './args.js';
import { builder, encodeGlobalId } from '../builder.js';
import { requireScope } from '../context.js';
import * as sql from '../sql/read/fields.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { normalizeRating } from '../domain/ratings.js';
import { createRatingScale, createReview, deleteReview, updateReview } from '../write/reviews.js';
import { WRITE_ERRORS } from './errors.js';

interface ScaleStep {
  label: string;
  value: number;
  normalized: number;
}

const ScaleStepRef = builder.objectRef<ScaleStep>('RatingScaleStep').implement({
  description: 'One label of a rating scale with its value.',
  fields: (t) => ({
    label: t.exposeString('label', { extensions: { sql: sql.read.element('label') } }),
    value: t.exposeFloat('value', { extensions: { sql: sql.read.element('value') } }),
    normalized: t.exposeFloat('normalized', { extensions: { sql: sql.read.element('normalized') }, description: 'The value mapped onto [-1, 1]: worst -1, best 1.' }),
  }),
});

export const RatingScale = builder.prismaObject('RatingScale', {
  description: 'An ordered scale reviewers rate claims on, e.g. PolitiFact-style six steps or TRUE/MIXED/FALSE.',
  fields: (t) => ({
    slug: t.exposeString('slug', { extensions: { sql: sql.read.column('slug') } }),
    name: t.exposeString('name', { extensions: { sql: sql.read.column('name') } }),
    description: t.exposeString('description', { nullable: true, extensions: { sql: sql.read.column('description') } }),
    labels: t.exposeStringList('labels', { extensions: { sql: sql.read.column('labels') }, description: 'From worst to best.' }),
    steps: t.field({
      type: [ScaleStepRef],
      extensions: { sql: sql.ratingScaleSteps },
      description: 'Each label with its value, from worst to best.',
      resolve: (scale) => scale.labels.map((label, i) => ({ label, value: scale.values[i] ?? 0, normalized: normalizeRating(scale, scale.values[i] ?? 0) })),
    }),
    worstRating: t.exposeFloat('worstRating', { extensions: { sql: sql.read.column('worstRating') } }),
    bestRating: t.exposeFloat('bestRating', { extensions: { sql: sql.read.column('bestRating') } }),
    builtIn: t.exposeBoolean('builtIn', { extensions: { sql: sql.read.column('builtIn') }, description: 'Seeded with the service.' }),
  }),
});

export const Review = builder.prismaNode('Review', {
  id: { field: 'id' },
  nullable: true,
  description: "A reviewer's verdict on a claim (one per reviewer and claim), as a fact-checker publishes it.",
  fields: (t) => ({
    claim: t.relation('claim', { extensions: { sql: sql.read.one('Claim', 'claimId') } }),
    reviewer: t.relation('reviewer', { extensions: { sql: sql.read.one('Actor', 'reviewerId') }, description: 'The fact-checking organisation (or person) that rules.' }),
    scale: t.relation('scale', { extensions: { sql: sql.read.one('RatingScale', 'scaleId') } }),
    rating: t.exposeString('ratingLabel', { extensions: { sql: sql.read.column('ratingLabel') }, description: 'The chosen label, e.g. "Mostly False".' }),
    ratingValue: t.exposeFloat('ratingValue', { extensions: { sql: sql.read.column('ratingValue') }, description: "The label's value on its scale." }),
    normalizedRating: t.exposeFloat('normalizedRating', {
      extensions: { sql: sql.read.column('normalizedRating') },
      description: 'The value mapped onto [-1, 1]: the worst label -1, the best 1, comparable across scales.',
    }),
    explanation: t.exposeString('explanation', { nullable: true, extensions: { sql: sql.read.column('explanation') } }),
    url: t.exposeString('url', { nullable: true, extensions: { sql: sql.read.column('url') }, description: 'Where the reviewer published the verdict.' }),
    publishedOn: t.expose('publishedOn', { type: 'Date', nullable: true, extensions: { sql: sql.read.column('publishedOn', 'date') } }),
    language: t.exposeString('language', { nullable: true, extensions: { sql: sql.read.column('language') }, description: 'A language tag such as "en".' }),
    createdAt: t.expose('createdAt', { type: 'DateTime', extensions: { sql: sql.read.column('createdAt', 'timestamp') } }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime', extensions: { sql: sql.read.column('updatedAt', 'timestamp') } }),
  }),
});

builder.prismaObjectField('Claim', 'reviews', (t) =>
  t.relation('reviews', {
    extensions: { sql: sql.claimReviews },
    description: 'Verdicts reviewers published on this claim, in the order they were recorded.',
    query: { orderBy: { id: 'asc' } },
  }),
);

type ReviewArgs = { claim?: string | null; reviewer?: string | null; rating?: string | null; scale?: string | null };

/** `rating` matches a label ignoring case, compared here rather than with ILIKE, where % and _ would be wildcards. */
async function reviewFilter(prisma: PrismaClient, args: ReviewArgs): Promise<Prisma.ReviewWhereInput> {
  const wanted = args.rating?.trim().toLowerCase();
  const labels =
    wanted === undefined ? undefined : [...new Set((await prisma.ratingScale.findMany({ select: { labels: true } })).flatMap((scale) => scale.labels))].filter((label) => label.toLowerCase() === wanted);
  return {
    ...(args.claim != null ? { claim: { slug: args.claim } } : {}),
    ...(args.reviewer != null ? { reviewer: { slug: args.reviewer } } : {}),
    ...(args.scale != null ? { scale: { slug: args.scale } } : {}),
    ...(labels !== undefined ? { ratingLabel: { in: labels } } : {}),
  };
}

builder.queryFields((t) => ({
  reviews: t.prismaConnection({
    type: Review,
    cursor: 'id',
    description: 'Reviews in the order they were recorded, filtered by claim, reviewer (slugs), scale (slug) or rating label (ignoring case).',
    args: {
      claim: t.arg.string({ description: 'Slug of the claim.' }),
      reviewer: t.arg.string({ description: 'Slug of the reviewing actor.' }),
      rating: t.arg.string({ description: 'A rating label, e.g. "False" (ignoring case).' }),
      scale: t.arg.string({ description: 'Slug of the rating scale.' }),
    },
    totalCount: async (_parent, args, { prisma }) => prisma.review.count({ where: await reviewFilter(prisma, args) }),
    resolve: async (query, _root, args, { prisma }) => prisma.review.findMany({ ...query, where: await reviewFilter(prisma, args), orderBy: { id: 'asc' } }),
  }),
  ratingScales: t.prismaField({
    type: [RatingScale],
    description: 'Every rating scale, built-in ones first, then by slug.',
    resolve: (query, _root, _args, { prisma }) => prisma.ratingScale.findMany({ ...query, orderBy: [{ builtIn: 'desc' }, { slug: 'asc' }] }),
  }),
}));

const CreateReviewInput = builder.inputType('CreateReviewInput', {
  description: 'A verdict: the claim and reviewer by slug, the rating by label (ignoring case) or value on the named scale.',
  fields: (t) => ({
    claim: t.string({ required: true, description: 'Slug of the claim.' }),
    reviewer: t.string({ required: true, description: 'Slug of the reviewing actor (a fact-checking organisation).' }),
    scale: t.string({ required: true, description: 'Slug of the rating scale, e.g. `politifact` or `true-mixed-false`.' }),
    rating: t.string({ description: 'The label, e.g. "Mostly False".' }),
    ratingValue: t.float({ description: 'The value of the label on the scale; with `rating`, they must agree.' }),
    explanation: t.string(),
    url: t.string(),
    publishedOn: t.field({ type: 'Date' }),
    language: t.string({ description: 'A language tag such as "en".' }),
  }),
});

const UpdateReviewInput = builder.inputType('UpdateReviewInput', {
  description: 'Fields left out stay as they are; null clears an optional field. A new scale keeps the label if it has it, else needs a rating.',
  fields: (t) => ({
    scale: t.string(),
    rating: t.string(),
    ratingValue: t.float(),
    explanation: t.string(),
    url: t.string(),
    publishedOn: t.field({ type: 'Date' }),
    language: t.string(),
  }),
});

const CreateRatingScaleInput = builder.inputType('CreateRatingScaleInput', {
  fields: (t) => ({
    slug: t.string({ required: true }),
    name: t.string({ required: true }),
    description: t.string(),
    labels: t.stringList({ required: true, description: 'From worst to best, 2 to 20 distinct labels.' }),
    values: t.floatList({ description: 'One per label, strictly increasing; left out: 1, 2, 3, ...' }),
  }),
});

builder.mutationFields((t) => ({
  createReview: t.field({
    type: Review,
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateReviewInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return createReview(ctx.prisma, writer.name, input);
    },
  }),
  updateReview: t.field({
    type: Review,
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Review, required: true }), input: t.arg({ type: UpdateReviewInput, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, input, reason }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return updateReview(ctx.prisma, writer.name, id.id, input, reason);
    },
  }),
  deleteReview: t.field({
    type: 'ID',
    description: 'Deletes a review (admin). Returns the deleted ID.',
    errors: { types: WRITE_ERRORS },
    args: { id: t.arg.globalID({ for: Review, required: true }), reason: t.arg.string({ description: REASON_DESCRIPTION }) },
    resolve: async (_root, { id, reason }, ctx) => {
      const writer = await requireScope(ctx, 'admin');
      await deleteReview(ctx.prisma, writer.name, id.id, reason);
      return encodeGlobalId('Review', id.id);
    },
  }),
  createRatingScale: t.field({
    type: RatingScale,
    errors: { types: WRITE_ERRORS },
    args: { input: t.arg({ type: CreateRatingScaleInput, required: true }) },
    resolve: async (_root, { input }, ctx) => {
      const writer = await requireScope(ctx, 'write');
      return createRatingScale(ctx.prisma, writer.name, input);
    },
  }),
}));
