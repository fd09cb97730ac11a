import type { Paragraph } from './text.js';
import type { Span } from './types.js';

/** A quotation as printed: its marks, and the words inside them (one part per paragraph it runs across). */
export interface QuoteRun {
  /** From the opening mark to the closing mark, both included (to the paragraph's end when never closed). */
  outer: Span;
  parts: Span[];
  /** A mark was missing: never closed, or a closing mark with no opening one. */
  unmatched: boolean;
  /** It runs on into the next paragraph(s), reopened there without being closed (the news convention). */
  multiParagraph: boolean;
}

/**
 * Opening marks and the closing marks that end them (textacy's table of quote pairs, extended with straight marks).
 * „ closes with “ in German and with ” in Polish and Romanian; « » are French, 「」 『』 Chinese and Japanese.
 */
const DOUBLE_PAIRS: Record<string, string[]> = {
  '“': ['”'],
  '„': ['“', '”'],
  '«': ['»'],
  '「': ['」'],
  '『': ['』'],
  '＂': ['＂'],
  '"': ['"'],
};
const CLOSERS = new Set(['”', '»', '」', '』']);
const LETTER = /[\p{L}\p{M}\p{N}]/u;

function isOpeningStraight(text: string, at: number): boolean {
  const before = at === 0 ? ' ' : (text[at - 1] ?? ' ');
  const after = text[at + 1] ?? ' ';
  return /[\s([{\u2014\u2013:-]/u.test(before) && !/\s/u.test(after);
}

function isClosingStraight(text: string, at: number): boolean {
  const before = text[at - 1] ?? ' ';
  return !/\s/u.test(before);
}

/** ‘ opens a quote only at the start of a word, and its ’ closes it only where it is not an apostrophe (China’s). */
function singleOpensAt(text: string, at: number): boolean {
  const before = at === 0 ? ' ' : (text[at - 1] ?? ' ');
  return text[at] === '‘' && !LETTER.test(before) && LETTER.test(text[at + 1] ?? '');
}

function findSingleClose(text: string, from: number, end: number): number {
  for (let i = from; i < end; i++) {
    if (text[i] !== '’') continue;
    if (LETTER.test(text[i + 1] ?? ' ') && LETTER.test(text[i - 1] ?? ' ')) continue;
    if (/\s/u.test(text[i - 1] ?? ' ')) continue;
    return i;
  }
  return -1;
}

function findClose(text: string, open: number, end: number): number {
  const mark = text[open] ?? '';
  if (mark === '‘') return findSingleClose(text, open + 1, end);
  const closers = DOUBLE_PAIRS[mark] ?? [];
  for (let i = open + 1; i < end; i++) {
    const c = text[i] ?? '';
    if (!closers.includes(c)) continue;
    if (c === '"' || c === '＂') {
      if (isClosingStraight(text, i)) return i;
      continue;
    }
    return i;
  }
  return -1;
}

function opensAt(text: string, at: number): boolean {
  const c = text[at] ?? '';
  if (c === '"' || c === '＂') return isOpeningStraight(text, at);
  if (c === '‘') return singleOpensAt(text, at);
  return c in DOUBLE_PAIRS;
}

function trimmed(text: string, start: number, end: number): Span | null {
  let s = start;
  let e = end;
  while (s < e && /\s/u.test(text[s] ?? '')) s++;
  while (e > s && /\s/u.test(text[e - 1] ?? '')) e--;
  return e > s ? { start: s, end: e } : null;
}

/**
 * Finds every top-level quotation. Quotes nested inside another are part of its words. A paragraph that opens a quote
 * without closing it continues into the next when that one opens with a quote mark (textacy's rule); otherwise the
 * quote is taken to the paragraph's end and flagged. A closing mark with nothing open is flagged too, and taken to run
 * from the paragraph's start (or the end of the quote before it).
 */
export function findQuotes(text: string, paragraphs: readonly Paragraph[]): QuoteRun[] {
  const runs: QuoteRun[] = [];
  let carried: { outerStart: number; parts: Span[] } | undefined;
  for (let p = 0; p < paragraphs.length; p++) {
    const paragraph = paragraphs[p];
    if (!paragraph) continue;
    let i = paragraph.start;
    let free = paragraph.start;
    if (carried) {
      const continues = opensAt(text, i) || (text[i] ?? '') in DOUBLE_PAIRS || text[i] === '‘';
      if (!continues) {
        runs.push({ outer: { start: carried.outerStart, end: paragraphs[p - 1]?.end ?? i }, parts: carried.parts, unmatched: true, multiParagraph: carried.parts.length > 1 });
        carried = undefined;
      }
    }
    while (i < paragraph.end) {
      const c = text[i] ?? '';
      if (carried || opensAt(text, i)) {
        const close = findClose(text, i, paragraph.end);
        const outerStart = carried?.outerStart ?? i;
        const previousParts = carried?.parts ?? [];
        carried = undefined;
        if (close === -1) {
          const part = trimmed(text, i + 1, paragraph.end);
          const parts = part ? [...previousParts, part] : previousParts;
          if (p + 1 < paragraphs.length) {
            carried = { outerStart, parts };
          } else if (parts.length > 0) {
            runs.push({ outer: { start: outerStart, end: paragraph.end }, parts, unmatched: true, multiParagraph: parts.length > 1 });
          }
          i = paragraph.end;
          break;
        }
        const part = trimmed(text, i + 1, close);
        const parts = part ? [...previousParts, part] : previousParts;
        if (parts.length > 0) runs.push({ outer: { start: outerStart, end: close + 1 }, parts, unmatched: false, multiParagraph: parts.length > 1 });
        i = close + 1;
        free = i;
        continue;
      }
      if (CLOSERS.has(c) || ((c === '"' || c === '＂') && isClosingStraight(text, i))) {
        const part = trimmed(text, free, i);
        if (part) runs.push({ outer: { start: free, end: i + 1 }, parts: [part], unmatched: true, multiParagraph: false });
        free = i + 1;
      }
      i++;
    }
  }
  if (carried && carried.parts.length > 0) {
    const last = paragraphs.at(-1);
    runs.push({ outer: { start: carried.outerStart, end: last?.end ?? text.length }, parts: carried.parts, unmatched: true, multiParagraph: carried.parts.length > 1 });
  }
  return runs;
}
