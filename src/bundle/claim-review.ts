import { parseIsoDate } from '../domain/dates.js';
import { type Issue, ValidationFailure } from '../domain/errors.js';

/**
 * ClaimReview JSON-LD (schema.org) as fact-checkers publish it: one ClaimReview, a list or `@graph` of
 * them, or a DataFeed whose `dataFeedElement`s are ClaimReviews or DataFeedItems holding them in `item`.
 * Parsed into plain records; every problem is reported with its path, and nothing is guessed: a review
 * without a claim text, a reviewer's name or a rating is refused.
 */
export interface ParsedClaimReview {
  /** Where in the document, e.g. ["document", "dataFeedElement", "0", "item", "0"]. */
  path: string[];
  claimText: string;
  reviewer: { name: string; url: string | null };
  rating: { label: string | null; value: number | null; best: number | null; worst: number | null };
  url: string | null;
  publishedOn: Date | null;
  language: string | null;
  explanation: string | null;
  /** Where the claim appeared (itemReviewed.firstAppearance or the first appearance). */
  appearance: { url: string | null; title: string | null; publishedOn: string | null; publisher: string | null } | null;
}

export const MAX_CLAIM_REVIEW_BYTES = 1_048_576;
export const MAX_CLAIM_REVIEWS = 500;

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const typesOf = (node: Json) => {
  const type = node['@type'];
  return (Array.isArray(type) ? type : [type]).filter((t): t is string => typeof t === 'string').map((t) => t.replace(/^(https?:\/\/)?schema\.org\//, ''));
};
const isA = (node: unknown, type: string): boolean => isObject(node) && typesOf(node).includes(type);
const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

function text(value: unknown, max: number): string | null {
  const found = first(value);
  if (typeof found === 'string') return found.trim().replace(/\s+/gu, ' ').slice(0, max) || null;
  if (isObject(found) && typeof found['@value'] === 'string') return text(found['@value'], max);
  return null;
}

function number(value: unknown): number | null | 'bad' {
  const found = first(value);
  if (found === undefined || found === null || found === '') return null;
  const parsed = typeof found === 'number' ? found : typeof found === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(found) ? Number(found) : Number.NaN;
  return Number.isFinite(parsed) ? parsed : 'bad';
}

function httpUrl(value: unknown): string | null {
  const found = text(isObject(first(value)) ? (first(value) as Json)['@id'] ?? (first(value) as Json).url : value, 2_000);
  if (!found) return null;
  try {
    return ['http:', 'https:'].includes(new URL(found).protocol) ? found : null;
  } catch {
    return null;
  }
}

/** YYYY-MM-DD, or the date part of an ISO timestamp. */
function isoDay(value: unknown): string | null {
  const found = text(value, 40);
  const day = found?.slice(0, 10);
  return day && parseIsoDate(day) ? day : null;
}

function language(value: unknown): string | null {
  const found = first(value);
  const tag = isObject(found) ? text(found.alternateName ?? found.name, 35) : text(found, 35);
  return tag && /^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{1,8})*$/.test(tag) ? tag : null;
}

/** The ClaimReview nodes of a document, with their paths. */
function collect(document: unknown, issues: Issue[]): { node: Json; path: string[] }[] {
  const found: { node: Json; path: string[] }[] = [];
  const visit = (node: unknown, path: string[], depth: number) => {
    if (depth > 4) return;
    if (Array.isArray(node)) return node.forEach((item, i) => visit(item, [...path, String(i)], depth + 1));
    if (!isObject(node)) return;
    if (isA(node, 'ClaimReview')) return void found.push({ node, path });
    if (Array.isArray(node['@graph'])) return visit(node['@graph'], [...path, '@graph'], depth + 1);
    if (isA(node, 'DataFeed')) return visit(node.dataFeedElement ?? [], [...path, 'dataFeedElement'], depth + 1);
    if (isA(node, 'DataFeedItem')) return visit(node.item ?? [], [...path, 'item'], depth + 1);
  };
  visit(document, ['document'], 0);
  if (found.length === 0) issues.push({ path: ['document'], message: 'no ClaimReview found: expected a ClaimReview, a list or @graph of them, or a schema.org DataFeed of them' });
  return found;
}

function parseOne(node: Json, path: string[], issues: Issue[]): ParsedClaimReview | null {
  const before = issues.length;
  const at = (field: string, message: string) => issues.push({ path: [...path, ...field.split('.')], message });
  const item = isObject(first(node.itemReviewed)) ? (first(node.itemReviewed) as Json) : {};
  const claimText = text(node.claimReviewed, 5_001) ?? text(item.text, 5_001) ?? text(item.name, 5_001);
  if (!claimText) at('claimReviewed', 'missing: the text of the claim reviewed');
  else if (claimText.length > 5_000) at('claimReviewed', 'longer than 5000 characters');
  const author = first(node.author);
  const reviewerName = isObject(author) ? text(author.name, 301) : text(author, 301);
  if (!reviewerName) at('author.name', 'missing: the name of the reviewing organisation');
  else if (reviewerName.length > 300) at('author.name', 'longer than 300 characters');
  const rating = first(node.reviewRating);
  if (!isObject(rating)) at('reviewRating', 'missing: a Rating with alternateName or ratingValue');
  const ratingOf = isObject(rating) ? rating : {};
  const value = number(ratingOf.ratingValue);
  const best = number(ratingOf.bestRating);
  const worst = number(ratingOf.worstRating);
  for (const [name, parsed] of [['ratingValue', value], ['bestRating', best], ['worstRating', worst]] as const) {
    if (parsed === 'bad') at(`reviewRating.${name}`, 'must be a number');
  }
  const label = text(ratingOf.alternateName, 101);
  if (label && label.length > 100) at('reviewRating.alternateName', 'longer than 100 characters');
  if (isObject(rating) && !label && (value === null || value === 'bad')) at('reviewRating', 'has neither alternateName nor ratingValue');
  const explanation = text(node.reviewBody ?? node.description ?? ratingOf.ratingExplanation, 20_001);
  if (explanation && explanation.length > 20_000) at('reviewBody', 'longer than 20000 characters');
  const appearance = first(item.firstAppearance ?? item.appearance);
  if (issues.length > before || !claimText || !reviewerName) return null;
  const num = (parsed: number | null | 'bad') => (parsed === 'bad' ? null : parsed);
  const day = isoDay(node.datePublished);
  return {
    path,
    claimText,
    reviewer: { name: reviewerName, url: isObject(author) ? httpUrl(author.url ?? author['@id']) : null },
    rating: { label, value: num(value), best: num(best), worst: num(worst) },
    url: httpUrl(node.url),
    publishedOn: day ? (parseIsoDate(day) ?? null) : null,
    language: language(node.inLanguage),
    explanation,
    appearance: isObject(appearance)
      ? {
          url: httpUrl(appearance.url ?? appearance['@id']),
          title: text(appearance.headline ?? appearance.name, 1_000),
          publishedOn: isoDay(appearance.datePublished),
          publisher: isObject(first(appearance.publisher)) ? text((first(appearance.publisher) as Json).name, 300) : text(appearance.publisher, 300),
        }
      : null,
  };
}

/** Every ClaimReview of the document, or a ValidationError listing each problem (at most 50) by path. */
export function parseClaimReviews(document: unknown): ParsedClaimReview[] {
  const size = (() => {
    try {
      return JSON.stringify(document)?.length ?? 0;
    } catch {
      return Number.POSITIVE_INFINITY;
    }
  })();
  if (size > MAX_CLAIM_REVIEW_BYTES) {
    throw new ValidationFailure([{ path: ['document'], message: `is ${size} characters of JSON; at most ${MAX_CLAIM_REVIEW_BYTES}: split the feed` }]);
  }
  const issues: Issue[] = [];
  const nodes = collect(document, issues);
  if (nodes.length > MAX_CLAIM_REVIEWS) throw new ValidationFailure([{ path: ['document'], message: `holds ${nodes.length} ClaimReviews; at most ${MAX_CLAIM_REVIEWS} at a time: split the feed` }]);
  const parsed = nodes.map(({ node, path }) => parseOne(node, path, issues));
  if (issues.length > 0) throw new ValidationFailure(issues.slice(0, 50));
  return parsed.filter((review): review is ParsedClaimReview => review !== null);
}

/** Lowercase kebab-case from any text (accents dropped, other scripts left out), at most `max` characters. */
export function asciiSlug(value: string, max = 80): string {
  return value
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+/, '')
    .slice(0, max)
    .replace(/-+$/, '');
}
