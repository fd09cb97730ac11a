import type { Issue } from './errors.js';

/** An ordered rating scale: labels from worst to best, each with a numeric value. */
export interface Scale {
  labels: readonly string[];
  values: readonly number[];
  worstRating: number;
  bestRating: number;
}

export const MAX_SCALE_LABELS = 20;

/** Problems with a scale's definition, at `path`: labels distinct, values strictly increasing from worst to best. */
export function scaleProblems(scale: Scale, path: readonly string[]): Issue[] {
  const issues: Issue[] = [];
  const at = (field: string, message: string) => issues.push({ path: [...path, field], message });
  if (scale.labels.length < 2) at('labels', 'a scale needs at least two labels');
  if (scale.labels.length > MAX_SCALE_LABELS) at('labels', `a scale has at most ${MAX_SCALE_LABELS} labels`);
  scale.labels.forEach((label, i) => {
    if (!label.trim()) at('labels', `label ${i} is empty`);
    else if (label.length > 100) at('labels', `label ${i} is longer than 100 characters`);
  });
  const lower = scale.labels.map((label) => label.trim().toLowerCase());
  if (new Set(lower).size !== lower.length) at('labels', 'labels must be distinct (ignoring case)');
  if (scale.values.length !== scale.labels.length) at('values', 'give one value per label');
  if (!scale.values.every(Number.isFinite)) at('values', 'values must be finite numbers');
  if (scale.values.some((value, i) => i > 0 && value <= (scale.values[i - 1] ?? value))) at('values', 'values must increase strictly from the worst label to the best');
  if (scale.values.length > 0 && issues.length === 0) {
    if (scale.values[0] !== scale.worstRating) at('worstRating', 'must be the value of the first (worst) label');
    if (scale.values.at(-1) !== scale.bestRating) at('bestRating', 'must be the value of the last (best) label');
  }
  return issues;
}

/** Values spaced by one from `worst`: what a scale gets when only its labels are given. */
export const evenValues = (count: number, worst = 1) => Array.from({ length: count }, (_, i) => worst + i);

export interface Rating {
  label: string;
  value: number;
  normalized: number;
}

/** `value` on [worst, best] mapped onto [-1, 1]. */
export const normalizeRating = (scale: Scale, value: number) =>
  Math.round((-1 + (2 * (value - scale.worstRating)) / (scale.bestRating - scale.worstRating)) * 1e9) / 1e9;

/**
 * The rating a reviewer gave, found by label (ignoring case and surrounding space) or by value; when both
 * are given they must agree. Undefined when the scale holds no such rating.
 */
export function findRating(scale: Scale, label: string | null | undefined, value: number | null | undefined): Rating | undefined {
  const byLabel = label == null ? -1 : scale.labels.findIndex((candidate) => candidate.toLowerCase() === label.trim().toLowerCase());
  const byValue = value == null ? -1 : scale.values.findIndex((candidate) => candidate === value);
  if (label != null && byLabel < 0) return undefined;
  if (value != null && byValue < 0) return undefined;
  if (label != null && value != null && byLabel !== byValue) return undefined;
  const index = label != null ? byLabel : byValue;
  const found = scale.labels[index];
  const foundValue = scale.values[index];
  if (found === undefined || foundValue === undefined) return undefined;
  return { label: found, value: foundValue, normalized: normalizeRating(scale, foundValue) };
}
