import { type ParsedClaimReview, asciiSlug, parseClaimReviews } from '../bundle/claim-review.js';
import { type BundleActor, type BundleClaim, type BundleSource, emptyBundle, validBundle } from '../bundle/format.js';
import { formatIsoDate } from '../domain/dates.js';
import { Conflict, type Issue, ValidationFailure } from '../domain/errors.js';
import { findRating, type Rating } from '../domain/ratings.js';
import type { PrismaClient, RatingScale } from '../generated/prisma/client.js';
import { similarClaims } from '../sql/reviews/similar-claims.js';
import { lockKeys, lockRows } from '../sql/write/locks.js';
import { applyRecords } from './apply.js';
import { loadReviewEntry, ratingOn } from './reviews.js';
import { audit, RaceLost, type Tx, write } from './transaction.js';

export interface ClaimReviewImportOptions {
  dryRun?: boolean;
  /** Slug of the scale every review is rated on; left out, each review's scale is found by its label and best/worst values. */
  scale?: string | null | undefined;
  /** Trigram similarity (0 to 1) from which a review goes to an existing claim (with a warning) rather than a new one. */
  matchThreshold?: number;
  writer: string;
}

export type ImportAction = 'CREATED' | 'UPDATED' | 'UNCHANGED';

export interface ImportedClaimReview {
  path: string[];
  action: ImportAction;
  reviewId: string;
  claimSlug: string;
  claimCreated: boolean;
  reviewerSlug: string;
  reviewerCreated: boolean;
  sourceSlug: string | null;
  scaleSlug: string;
  rating: string;
  ratingValue: number;
  normalizedRating: number;
}

export interface ImportWarning {
  path: string[];
  code: 'MATCHED_EXISTING_CLAIM' | 'SIMILAR_CLAIM_EXISTS' | 'REVIEW_REPLACED';
  message: string;
  claimSlug: string | null;
  similarity: number | null;
}

export interface ClaimReviewImportResult {
  dryRun: boolean;
  reviews: ImportedClaimReview[];
  warnings: ImportWarning[];
  created: { claims: number; actors: number; sources: number; reviews: number };
}

export const DEFAULT_MATCH_THRESHOLD = 0.8;
/** Below the match threshold but at least this similar: a new claim, and a warning naming the look-alike. */
const NEAR_THRESHOLD = 0.5;

class DryRunRollback extends Error {
  constructor(readonly result: ClaimReviewImportResult) {
    super('dry run');
  }
}

const sameText = (text: string) => text.toLowerCase().replace(/\s+/gu, ' ').trim();

/** The scale a review is on: the named one, else the first (built-in first, then by slug) holding its label and best/worst values. */
function scaleFor(review: ParsedClaimReview, scales: RatingScale[], named: RatingScale | undefined, issues: Issue[]): { scale: RatingScale; rating: Rating } | undefined {
  const fields = { rating: review.rating.label, ratingValue: review.rating.value };
  if (named) {
    const path = [...review.path, 'reviewRating'];
    try {
      // With a named scale the label decides; a value that belongs to the publisher's own numbering is ignored.
      return { scale: named, rating: ratingOn(named, review.rating.label ? { rating: review.rating.label } : fields, path) };
    } catch (error) {
      if (error instanceof ValidationFailure) issues.push(...error.issues);
      else throw error;
      return undefined;
    }
  }
  const { best, worst } = review.rating;
  for (const scale of scales) {
    if ((best !== null && best !== scale.bestRating) || (worst !== null && worst !== scale.worstRating)) continue;
    const rating = findRating(scale, review.rating.label, review.rating.label ? null : review.rating.value);
    if (rating) return { scale, rating };
  }
  const wanted = review.rating.label ? `the label ${JSON.stringify(review.rating.label)}` : `the value ${review.rating.value}`;
  const bounds = best !== null || worst !== null ? ` with best ${best ?? 'any'} and worst ${worst ?? 'any'}` : '';
  issues.push({
    path: [...review.path, 'reviewRating', review.rating.label ? 'alternateName' : 'ratingValue'],
    message: `no rating scale has ${wanted}${bounds}: name a scale with \`scale\`, or create one with createRatingScale`,
  });
  return undefined;
}

function uniqueSlug(base: string, taken: (slug: string) => boolean): string {
  const stem = base || 'item';
  if (!taken(stem)) return stem;
  for (let n = 2; ; n++) if (!taken(`${stem.slice(0, 74)}-${n}`)) return `${stem.slice(0, 74)}-${n}`;
}

const hostAndPath = (url: string) => {
  const parsed = new URL(url);
  return `${parsed.hostname.replace(/^www\./, '')}${parsed.pathname}`;
};

/**
 * Imports ClaimReview JSON-LD in one transaction (all or nothing; a dry run rolls back): each review goes
 * to a claim (an existing one when its text is at least `matchThreshold` similar, always with a warning;
 * else a new claim, with a warning when a look-alike exists), to its reviewer (an actor matched by slug or
 * name, else a new ORGANIZATION) and, where the claim's appearance has a URL, to a source (matched by URL).
 * A reviewer's second review of a claim replaces the first (one review per reviewer and claim), with a warning.
 * Locks in the write path's order: existing reviewers, sources and claims FOR KEY SHARE, new records as
 * the engine creates them, then the reviews.
 */
export async function importClaimReviews(prisma: PrismaClient, document: unknown, options: ClaimReviewImportOptions): Promise<ClaimReviewImportResult> {
  const parsed = parseClaimReviews(document);
  const matchThreshold = options.matchThreshold ?? DEFAULT_MATCH_THRESHOLD;
  if (!(matchThreshold > 0 && matchThreshold <= 1)) throw new ValidationFailure([{ path: ['matchThreshold'], message: 'must be above 0 and at most 1' }]);
  try {
    return await write(prisma, async (tx) => {
      const result = await importInside(tx, parsed, { ...options, matchThreshold });
      if (options.dryRun) throw new DryRunRollback({ ...result, dryRun: true });
      return result;
    });
  } catch (error) {
    if (error instanceof DryRunRollback) return error.result;
    throw error;
  }
}

async function importInside(tx: Tx, parsed: ParsedClaimReview[], options: ClaimReviewImportOptions & { matchThreshold: number }): Promise<ClaimReviewImportResult> {
  const issues: Issue[] = [];
  const warnings: ImportWarning[] = [];
  const scales = await tx.ratingScale.findMany({ orderBy: [{ builtIn: 'desc' }, { slug: 'asc' }] });
  const named = options.scale != null ? scales.find((scale) => scale.slug === options.scale) : undefined;
  if (options.scale != null && !named) throw new ValidationFailure([{ path: ['scale'], message: `no rating scale "${options.scale}"` }]);
  const ratings = parsed.map((review) => scaleFor(review, scales, named, issues));
  if (issues.length > 0) throw new ValidationFailure(issues.slice(0, 50));

  // Reviewers: an actor with the name's slug, or the same name; else a new organisation.
  const reviewerSlugs = new Map<string, { slug: string; created: boolean }>();
  const newActors: BundleActor[] = [];
  for (const { reviewer } of parsed) {
    const key = reviewer.name.toLowerCase();
    if (reviewerSlugs.has(key)) continue;
    const slug = asciiSlug(reviewer.name) || 'reviewer';
    const found =
      (await tx.actor.findUnique({ where: { slug }, select: { slug: true } })) ??
      // Prisma sends a case-insensitive `equals` as ILIKE: escaped, "%" and "_" in a name are characters, not wildcards.
      (await tx.actor.findFirst({ where: { name: { equals: reviewer.name.replace(/[\\%_]/g, (character) => `\\${character}`), mode: 'insensitive' } }, select: { slug: true }, orderBy: { id: 'asc' } }));
    if (found) reviewerSlugs.set(key, { slug: found.slug, created: false });
    else {
      const fresh = uniqueSlug(slug, (candidate) => newActors.some((actor) => actor.slug === candidate));
      newActors.push({ slug: fresh, name: reviewer.name, kind: 'ORGANIZATION', aliases: [], description: null, wikidataId: null, affiliations: [] });
      reviewerSlugs.set(key, { slug: fresh, created: true });
    }
  }

  // Sources: the claim's appearance, matched by URL.
  const sourceSlugs = new Map<string, string>();
  const newSources: BundleSource[] = [];
  for (const { appearance } of parsed) {
    if (!appearance?.url || sourceSlugs.has(appearance.url)) continue;
    const found = await tx.source.findFirst({ where: { url: appearance.url }, select: { slug: true }, orderBy: { id: 'asc' } });
    if (found) sourceSlugs.set(appearance.url, found.slug);
    else {
      const base = asciiSlug(hostAndPath(appearance.url));
      const taken = new Set((await tx.source.findMany({ where: { slug: { startsWith: base || 'item' } }, select: { slug: true } })).map((row) => row.slug));
      const slug = uniqueSlug(base, (candidate) => taken.has(candidate) || newSources.some((source) => source.slug === candidate));
      newSources.push({ slug, title: appearance.title ?? appearance.url, url: appearance.url, publisher: appearance.publisher, publishedOn: appearance.publishedOn });
      sourceSlugs.set(appearance.url, slug);
    }
  }

  // Claims: matched by similarity, never silently.
  const claimSlugs = new Map<string, { slug: string; created: boolean }>();
  const newClaims: BundleClaim[] = [];
  for (const review of parsed) {
    const key = sameText(review.claimText);
    const known = claimSlugs.get(key);
    if (known) continue;
    const [best] = await similarClaims(tx, review.claimText, NEAR_THRESHOLD);
    if (best && (best.similarity >= options.matchThreshold || sameText(best.text) === key)) {
      claimSlugs.set(key, { slug: best.slug, created: false });
      warnings.push({
        path: [...review.path, 'claimReviewed'],
        code: 'MATCHED_EXISTING_CLAIM',
        message: `reviewed as the existing claim "${best.slug}" (similarity ${best.similarity.toFixed(2)}): check that it is the same claim`,
        claimSlug: best.slug,
        similarity: best.similarity,
      });
      continue;
    }
    const base = asciiSlug(review.claimText, 60) || 'claim';
    const taken = new Set((await tx.claim.findMany({ where: { slug: { startsWith: base } }, select: { slug: true } })).map((row) => row.slug));
    const slug = uniqueSlug(base, (candidate) => taken.has(candidate) || newClaims.some((claim) => claim.slug === candidate));
    const source = review.appearance?.url ? (sourceSlugs.get(review.appearance.url) ?? null) : null;
    newClaims.push({ slug, text: review.claimText, topics: [], source });
    claimSlugs.set(key, { slug, created: true });
    if (best) {
      warnings.push({
        path: [...review.path, 'claimReviewed'],
        code: 'SIMILAR_CLAIM_EXISTS',
        message: `recorded as a new claim "${slug}", but "${best.slug}" is similar (${best.similarity.toFixed(2)}): merge them if they are the same`,
        claimSlug: best.slug,
        similarity: best.similarity,
      });
    }
  }

  // Existing records the reviews name, locked in the write path's order before anything is created.
  const wantedActors = [...reviewerSlugs.values()].filter((r) => !r.created).map((r) => r.slug);
  const wantedSources = [...new Set(sourceSlugs.values())].filter((slug) => !newSources.some((s) => s.slug === slug));
  const wantedClaims = [...new Set([...claimSlugs.values()].filter((c) => !c.created).map((c) => c.slug))];
  const lockedActors = await lockKeys(tx, 'actor', 'slug', wantedActors, 'KEY SHARE');
  const lockedSources = await lockKeys(tx, 'source', 'slug', wantedSources, 'KEY SHARE');
  const lockedClaims = await lockKeys(tx, 'claim', 'slug', wantedClaims, 'KEY SHARE');
  if (lockedActors.length < new Set(wantedActors).size || lockedSources.length < wantedSources.length || lockedClaims.length < wantedClaims.length) {
    throw new RaceLost('a matched record was deleted meanwhile');
  }

  const bundle = validBundle(emptyBundle({ actors: newActors, sources: newSources, claims: newClaims }));
  let applied;
  try {
    applied = await applyRecords(tx, bundle, { mode: 'create', cause: { action: 'importClaimReview', writer: options.writer } });
  } catch (error) {
    // Another writer created one of these slugs meanwhile: start again, and match it this time.
    if (error instanceof Conflict && error.field === 'slug') throw new RaceLost(error.message);
    throw error;
  }
  for (const change of applied.changes) {
    await audit(tx, options.writer, { action: 'importClaimReview', targetType: change.type, targetId: change.id, targetSlug: change.slug, after: change.after });
  }
  const actorId = new Map([...lockedActors.map((row) => [row.slug, row.id] as const), ...applied.ids.actors]);
  const claimId = new Map([...lockedClaims.map((row) => [row.slug, row.id] as const), ...applied.ids.claims]);

  // Reviews: one per reviewer and claim; a later one in the same document replaces an earlier one.
  const imported: ImportedClaimReview[] = [];
  let createdReviews = 0;
  const pairs = parsed.map((review) => {
    const reviewer = reviewerSlugs.get(review.reviewer.name.toLowerCase());
    const claim = claimSlugs.get(sameText(review.claimText));
    if (!reviewer || !claim) throw new Error('importClaimReview: a review lost its reviewer or claim');
    return { reviewer, claim, reviewerId: actorId.get(reviewer.slug) ?? '', claimId: claimId.get(claim.slug) ?? '' };
  });
  const existing = await tx.review.findMany({ where: { OR: pairs.map((pair) => ({ claimId: pair.claimId, reviewerId: pair.reviewerId })) }, select: { id: true } });
  const locked = await lockRows(tx, 'review', 'id', existing.map((row) => row.id), 'NO KEY UPDATE');
  const current = new Map(locked.map((row) => [`${row.claimId}/${row.reviewerId}`, row]));
  const seen = new Set<string>();
  for (const [index, review] of parsed.entries()) {
    const pair = pairs[index];
    const chosen = ratings[index];
    if (!pair || !chosen) continue;
    const key = `${pair.claimId}/${pair.reviewerId}`;
    const data = {
      scaleId: chosen.scale.id,
      ratingLabel: chosen.rating.label,
      ratingValue: chosen.rating.value,
      normalizedRating: chosen.rating.normalized,
      explanation: review.explanation,
      url: review.url,
      publishedOn: review.publishedOn,
      language: review.language,
    };
    const row = current.get(key);
    let action: ImportAction;
    let reviewId: string;
    if (!row) {
      const before = await tx.review.createMany({ data: [{ ...data, claimId: pair.claimId, reviewerId: pair.reviewerId }], skipDuplicates: true });
      if (before.count === 0) throw new RaceLost(`a review of "${pair.claim.slug}" by "${pair.reviewer.slug}" was created meanwhile`);
      const created = await tx.review.findUniqueOrThrow({ where: { claimId_reviewerId: { claimId: pair.claimId, reviewerId: pair.reviewerId } } });
      current.set(key, created);
      reviewId = created.id;
      action = 'CREATED';
      createdReviews += 1;
      await audit(tx, options.writer, { action: 'importClaimReview', targetType: 'Review', targetId: created.id, after: await loadReviewEntry(tx, created.id) });
    } else {
      reviewId = row.id;
      const same =
        row.scaleId === data.scaleId &&
        row.ratingLabel === data.ratingLabel &&
        row.explanation === data.explanation &&
        row.url === data.url &&
        (row.publishedOn ? formatIsoDate(row.publishedOn) : null) === (data.publishedOn ? formatIsoDate(data.publishedOn) : null) &&
        row.language === data.language;
      if (same) action = 'UNCHANGED';
      else {
        const before = await loadReviewEntry(tx, row.id);
        current.set(key, await tx.review.update({ where: { id: row.id }, data }));
        await audit(tx, options.writer, { action: 'importClaimReview', targetType: 'Review', targetId: row.id, before, after: await loadReviewEntry(tx, row.id) });
        action = 'UPDATED';
        warnings.push({
          path: review.path,
          code: 'REVIEW_REPLACED',
          message: `"${pair.reviewer.slug}" had already reviewed "${pair.claim.slug}" (${row.ratingLabel}); this review replaces it (one review per reviewer and claim)`,
          claimSlug: pair.claim.slug,
          similarity: null,
        });
      }
    }
    if (seen.has(key) && action !== 'UNCHANGED') action = 'UPDATED';
    seen.add(key);
    imported.push({
      path: review.path,
      action,
      reviewId,
      claimSlug: pair.claim.slug,
      claimCreated: pair.claim.created,
      reviewerSlug: pair.reviewer.slug,
      reviewerCreated: pair.reviewer.created,
      sourceSlug: review.appearance?.url ? (sourceSlugs.get(review.appearance.url) ?? null) : null,
      scaleSlug: chosen.scale.slug,
      rating: chosen.rating.label,
      ratingValue: chosen.rating.value,
      normalizedRating: chosen.rating.normalized,
    });
  }
  return {
    dryRun: false,
    reviews: imported,
    warnings,
    created: { claims: newClaims.length, actors: newActors.length, sources: newSources.length, reviews: createdReviews },
  };
}
