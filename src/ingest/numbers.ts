import type { Doc } from './text.js';
import { APPROXIMATE, ESTIMATED, LOWER_BOUND, UPPER_BOUND } from './lexicon.js';
import type { Quantity, Span } from './types.js';

export interface FoundQuantity extends Quantity {
  /** Index, in the returned list, of the whole this is a part of: `8,000 of an estimated 10,000 troops`. */
  partOf: number | null;
}

const SCALE: Record<string, number> = { thousand: 1e3, million: 1e6, billion: 1e9, trillion: 1e12 };
const NUMBER = /(?<![\p{L}\p{N}.,])(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?)(?:\s+(thousand|million|billion|trillion))?(\s*(?:%|percent\b|per cent\b))?/gu;
const COUNTED_STOP = new Set(['who', 'which', 'that', 'have', 'has', 'had', 'are', 'is', 'were', 'was', 'will', 'would', 'in', 'on', 'at', 'to', 'from', 'for', 'and', 'or', 'by', 'with', 'since', 'of', 'as']);

function endsWithPhrase(before: string, phrases: readonly string[]): string | undefined {
  const lower = before.toLowerCase();
  return phrases.find((phrase) => new RegExp(`(?:^|[^\\p{L}])${phrase.replace(/ /g, '\\s+')}\\s*$`, 'u').test(lower));
}

/**
 * Counts in the text with their qualifiers (the research note's table: `approximately`, `up to`, `at least`, `an
 * estimated`), what they count (the nouns that follow), and part-of relations. Years, decades, dates, ordinals and
 * numbers inside names are left out: `dates` are the spans chrono found.
 */
export function findQuantities(doc: Doc, dates: readonly Span[]): FoundQuantity[] {
  const found: FoundQuantity[] = [];
  const { text } = doc;
  for (const match of text.matchAll(NUMBER)) {
    const start = match.index ?? 0;
    const raw = match[1] ?? '';
    const end = start + match[0].length;
    if (dates.some((date) => date.start <= start && start < date.end)) continue;
    const next = text.slice(end, end + 3);
    if (/^(?:s\b|st\b|nd\b|rd\b|th\b|-year|:\d)/.test(next)) continue;
    const beforeText = text.slice(Math.max(0, start - 40), start);
    if (/^\d{4}$/.test(raw) && Number(raw) >= 1800 && Number(raw) <= 2100) continue;
    if (/(?:No\.\s?|#)$/.test(beforeText)) continue;
    let value = Number(raw.replace(/,/g, ''));
    if (!Number.isFinite(value)) continue;
    const scale = match[2];
    if (scale) value *= SCALE[scale] ?? 1;
    const approximate = endsWithPhrase(beforeText, APPROXIMATE) !== undefined;
    const estimated = endsWithPhrase(beforeText, ESTIMATED) !== undefined || /\bestimated\s+(?:to\s+be\s+)?$/i.test(beforeText);
    const upper = endsWithPhrase(beforeText, UPPER_BOUND);
    const lower = endsWithPhrase(beforeText, LOWER_BOUND);
    const exclusive = (phrase: string | undefined) => phrase !== undefined && /than|under|over/.test(phrase);
    let qualifierStart = start;
    for (const phrase of [...APPROXIMATE, ...ESTIMATED, ...UPPER_BOUND, ...LOWER_BOUND]) {
      const at = beforeText.toLowerCase().search(new RegExp(`${phrase.replace(/ /g, '\\s+')}\\s*$`, 'u'));
      if (at !== -1) qualifierStart = Math.min(qualifierStart, start - (beforeText.length - at));
    }
    found.push({
      value,
      lower: lower ? value : null,
      upper: upper ? value : null,
      lowerInclusive: lower !== undefined && !exclusive(lower),
      upperInclusive: upper !== undefined && !exclusive(upper),
      approximate,
      estimated,
      counted: countedAfter(doc, end),
      span: { start: qualifierStart, end },
      partOf: null,
    });
  }
  // `8,000 of an estimated 10,000 North Korean troops`: the first is part of the second, and counts the same thing.
  for (let i = 0; i + 1 < found.length; i++) {
    const part = found[i];
    const whole = found[i + 1];
    if (!part || !whole) continue;
    const between = text.slice(part.span.end, whole.span.start);
    if (/^\s+of\s+(?:an?\s+|the\s+)?$/i.test(between) || /^\s+(?:out\s+)?of\s+(?:an?\s+|the\s+)?$/i.test(between)) {
      part.partOf = i + 1;
      if (!part.counted) part.counted = whole.counted;
    }
  }
  return found;
}

function countedAfter(doc: Doc, end: number): string | null {
  let t = doc.tokenAt(end);
  const words: string[] = [];
  let first = -1;
  let last = -1;
  while (t < doc.tokens.length && words.length < 6) {
    const token = doc.tokens[t];
    if (!token || token.start < end) {
      t++;
      continue;
    }
    if (COUNTED_STOP.has(token.lower) || !/^[\p{L}][\p{L}\p{M}'’.-]*$/u.test(token.text)) break;
    if (!['NOUN', 'PROPN', 'ADJ', 'X'].includes(token.pos) && words.length > 0) break;
    if (token.pos === 'VERB' || token.pos === 'AUX' || token.pos === 'ADP' || token.pos === 'DET') break;
    if (first === -1) first = token.start;
    last = token.end;
    words.push(token.text);
    t++;
  }
  return first === -1 ? null : doc.text.slice(first, last);
}
