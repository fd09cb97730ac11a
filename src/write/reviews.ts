import { type ReviewEntry, reviewEntry, slugLookup } from '../bundle/entries.js';
import { formatIsoDate } from '../domain/dates.js';
import { Conflict, type Issue, NotFound, ValidationFailure } from '../domain/errors.js';
import { evenValues, findRating, type Scale, scaleProblems } from '../domain/ratings.js';
import type { PrismaClient, RatingScale, Review } from '../generated/prisma/client.js';
import { lockKeys, lockRows } from '../sql/write/locks.js';
import { audit, correctionNote, type Tx, write } from './transaction.js';

/**
 * Reviews: a reviewer's verdict on a claim, on a rating scale. One review per reviewer and claim: a
 * reviewer that rules again updates its review (the audit log keeps the earlier ruling). Locks follow
 * the write path's order: the reviewer (actor) and the claim FOR KEY SHARE (neither may be deleted or
 * merged away meanwhile), then the review itself. The unique index on (claim, reviewer) decides which of
 * two racing creates wins; the loser gets a ConflictError.
 */
export interface ReviewFields {
  /** The chosen label, matched ignoring case; or give `ratingValue`, or both (they must agree). */
  rating?: string | null | undefined;
  ratingValue?: number | null | undefined;
  explanation?: string | null | undefined;
  url?: string | null | undefined;
  publishedOn?: Date | null | undefined;
  language?: string | null | undefined;
}

export interface CreateReviewInput extends ReviewFields {
  claim: string;
  reviewer: string;
  scale: string;
}

export interface UpdateReviewInput extends ReviewFields {
  scale?: string | null | undefined;
}

export const MAX_EXPLANATION = 20_000;
const LANGUAGE = /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/;

function fieldProblems(fields: ReviewFields, path: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string, message: string) => issues.push({ path: [...path, field], message });
  if (fields.explanation != null) {
    if (!fields.explanation.trim()) at('explanation', 'must not be blank (use null for none)');
    if (fields.explanation.length > MAX_EXPLANATION) at('explanation', `must be at most ${MAX_EXPLANATION} characters`);
  }
  if (fields.url != null) {
    let ok = fields.url.length <= 2_000;
    try {
      ok &&= ['http:', 'https:'].includes(new URL(fields.url).protocol);
    } catch {
      ok = false;
    }
    if (!ok) at('url', 'must be an http(s) URL of at most 2000 characters');
  }
  if (fields.language != null && (!LANGUAGE.test(fields.language) || fields.language.length > 35)) at('language', 'must be a language tag such as "en" or "bg-BG"');
  if (fields.ratingValue != null && !Number.isFinite(fields.ratingValue)) at('ratingValue', 'must be a finite number');
  return issues;
}

export function checkReviewFields(fields: ReviewFields, path: readonly string[] = ['input']): void {
  const issues = fieldProblems(fields, path);
  if (issues.length > 0) throw new ValidationFailure(issues);
}

const asScale = (row: RatingScale): Scale => ({ labels: row.labels, values: row.values, worstRating: row.worstRating, bestRating: row.bestRating });

/** The rating on `scale` that the fields name, or a ValidationError at `path` that lists the scale's labels. */
export function ratingOn(scale: RatingScale, fields: ReviewFields, path: readonly string[] = ['input']) {
  if (fields.rating == null && fields.ratingValue == null) throw new ValidationFailure([{ path: [...path, 'rating'], message: 'give the rating label or its value' }]);
  const rating = findRating(asScale(scale), fields.rating, fields.ratingValue);
  if (!rating) {
    const wanted = fields.rating != null ? JSON.stringify(fields.rating.slice(0, 100)) : `the value ${fields.ratingValue}`;
    const choices = scale.labels.map((label, i) => `${label} (${scale.values[i]})`).join(', ');
    const field = fields.rating != null ? 'rating' : 'ratingValue';
    throw new ValidationFailure([{ path: [...path, field], message: `${wanted}${fields.rating != null && fields.ratingValue != null ? ` with value ${fields.ratingValue}` : ''} is not on the scale "${scale.slug}": ${choices}` }]);
  }
  return rating;
}

async function scaleBySlug(tx: Tx, slug: string): Promise<RatingScale> {
  const scale = await tx.ratingScale.findUnique({ where: { slug } });
  if (!scale) throw new NotFound('RatingScale', slug);
  return scale;
}

/** The review as the audit log keeps it, read inside the transaction. */
export async function loadReviewEntry(tx: Tx, id: string): Promise<ReviewEntry | null> {
  const review = await tx.review.findUnique({
    where: { id },
    include: { claim: { select: { id: true, slug: true } }, reviewer: { select: { id: true, slug: true } }, scale: { select: { id: true, slug: true } } },
  });
  if (!review) return null;
  const one = (row: { id: string; slug: string }, what: string) => slugLookup(new Map([[row.id, row]]), what);
  return reviewEntry(review, { claim: one(review.claim, 'claim'), actor: one(review.reviewer, 'actor'), scale: one(review.scale, 'scale') });
}

const optional = <T>(value: T | null | undefined) => value ?? null;

/** Creates a review inside a transaction that holds no review lock yet: the importer calls it too. */
export async function insertReview(tx: Tx, writer: string, input: CreateReviewInput, path: readonly string[] = ['input'], action = 'createReview'): Promise<Review> {
  const [reviewer] = await lockKeys(tx, 'actor', 'slug', [input.reviewer], 'KEY SHARE');
  const [claim] = await lockKeys(tx, 'claim', 'slug', [input.claim], 'KEY SHARE');
  if (!reviewer) throw new NotFound('Actor', input.reviewer);
  if (!claim) throw new NotFound('Claim', input.claim);
  const scale = await scaleBySlug(tx, input.scale);
  const rating = ratingOn(scale, input, path);
  const existing = await tx.review.findUnique({ where: { claimId_reviewerId: { claimId: claim.id, reviewerId: reviewer.id } }, select: { id: true } });
  if (existing) throw new Conflict(`"${input.reviewer}" has already reviewed "${input.claim}": update that review instead`, 'reviewer');
  const created = await tx.review.create({
    data: {
      claimId: claim.id,
      reviewerId: reviewer.id,
      scaleId: scale.id,
      ratingLabel: rating.label,
      ratingValue: rating.value,
      normalizedRating: rating.normalized,
      explanation: optional(input.explanation?.trim()),
      url: optional(input.url),
      publishedOn: optional(input.publishedOn),
      language: optional(input.language),
    },
  });
  await audit(tx, writer, { action, targetType: 'Review', targetId: created.id, after: await loadReviewEntry(tx, created.id), related: [claim.id] });
  return created;
}

/** Two creates racing for one (claim, reviewer): the unique index lets one through; the other is told plainly. */
function raceAsConflict(input: CreateReviewInput) {
  return (error: unknown): never => {
    if (error instanceof Conflict && (error.field === 'claimId' || error.field === 'reviewerId')) {
      throw new Conflict(`"${input.reviewer}" has already reviewed "${input.claim}": update that review instead`, 'reviewer');
    }
    throw error;
  };
}

export function createReview(prisma: PrismaClient, writer: string, input: CreateReviewInput): Promise<Review> {
  checkReviewFields(input);
  return write(prisma, (tx) => insertReview(tx, writer, input)).catch(raceAsConflict(input));
}

/** Fields left undefined stay; a new scale needs a rating on it (the old label is kept when the new scale has it). */
export function updateReview(prisma: PrismaClient, writer: string, id: string, patch: UpdateReviewInput, reason?: string | null): Promise<Review> {
  checkReviewFields(patch);
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const [current] = await lockRows(tx, 'review', 'id', [id], 'NO KEY UPDATE');
    if (!current) throw new NotFound('Review', id);
    const before = await loadReviewEntry(tx, id);
    const scale = patch.scale != null ? await scaleBySlug(tx, patch.scale) : await tx.ratingScale.findUniqueOrThrow({ where: { id: current.scaleId } });
    const rerated = patch.scale != null || patch.rating != null || patch.ratingValue != null;
    const rating = rerated
      ? ratingOn(scale, patch.rating == null && patch.ratingValue == null ? { rating: current.ratingLabel } : patch)
      : { label: current.ratingLabel, value: current.ratingValue, normalized: current.normalizedRating };
    const updated = await tx.review.update({
      where: { id },
      data: {
        scaleId: scale.id,
        ratingLabel: rating.label,
        ratingValue: rating.value,
        normalizedRating: rating.normalized,
        ...(patch.explanation !== undefined ? { explanation: optional(patch.explanation?.trim()) } : {}),
        ...(patch.url !== undefined ? { url: patch.url } : {}),
        ...(patch.publishedOn !== undefined ? { publishedOn: patch.publishedOn } : {}),
        ...(patch.language !== undefined ? { language: patch.language } : {}),
      },
    });
    await audit(tx, writer, { action: 'updateReview', targetType: 'Review', targetId: id, before, after: await loadReviewEntry(tx, id), reason: note, related: [current.claimId] });
    return updated;
  });
}

export function deleteReview(prisma: PrismaClient, writer: string, id: string, reason?: string | null): Promise<string> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const [current] = await lockRows(tx, 'review', 'id', [id], 'UPDATE');
    const before = current && (await loadReviewEntry(tx, id));
    if (!before) throw new NotFound('Review', id);
    await tx.review.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteReview', targetType: 'Review', targetId: id, before, reason: note, related: [current.claimId] });
    return id;
  });
}

export interface CreateScaleInput {
  slug: string;
  name: string;
  description?: string | null | undefined;
  labels: readonly string[];
  /** One per label, strictly increasing; left out: 1, 2, 3, ... */
  values?: readonly number[] | null | undefined;
}

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

export function createRatingScale(prisma: PrismaClient, writer: string, input: CreateScaleInput): Promise<RatingScale> {
  const labels = input.labels.map((label) => label.trim());
  const values = input.values ? [...input.values] : evenValues(labels.length);
  const scale: Scale = { labels, values, worstRating: values[0] ?? 0, bestRating: values.at(-1) ?? 0 };
  const issues = scaleProblems(scale, ['input']);
  if (!SLUG.test(input.slug) || input.slug.length > 120) issues.unshift({ path: ['input', 'slug'], message: 'must be lowercase kebab-case (a-z, 0-9 and single hyphens), at most 120 characters' });
  if (!input.name.trim() || input.name.length > 300) issues.push({ path: ['input', 'name'], message: 'must be 1 to 300 characters' });
  if (input.description != null && input.description.length > 5_000) issues.push({ path: ['input', 'description'], message: 'must be at most 5000 characters' });
  if (issues.length > 0) throw new ValidationFailure(issues);
  return write(prisma, async (tx) => {
    const created = await tx.ratingScale.create({
      data: { slug: input.slug, name: input.name.trim(), description: input.description?.trim() || null, labels, values, worstRating: scale.worstRating, bestRating: scale.bestRating },
    });
    await audit(tx, writer, { action: 'createRatingScale', targetType: 'RatingScale', targetId: created.id, targetSlug: created.slug, after: { ...input, labels, values } });
    return created;
  });
}

/**
 * A merge moves the duplicate's reviews to the survivor. Both actors are locked FOR UPDATE by the merge,
 * so no review can be created for either meanwhile; a claim both reviewed stops the merge.
 */
export async function moveReviews(tx: Tx, fromId: string, intoId: string): Promise<void> {
  const moving = await tx.review.findMany({ where: { reviewerId: fromId }, select: { id: true, claimId: true } });
  if (moving.length === 0) return;
  const clash = await tx.review.findFirst({ where: { reviewerId: intoId, claimId: { in: moving.map((review) => review.claimId) } }, include: { claim: { select: { slug: true } } } });
  if (clash) throw new Conflict(`Both actors reviewed the claim "${clash.claim.slug}": delete one of the two reviews before merging`);
  await tx.review.updateMany({ where: { id: { in: moving.map((review) => review.id) } }, data: { reviewerId: intoId } });
}

export const reviewDate = (date: Date | null) => (date ? formatIsoDate(date) : null);
