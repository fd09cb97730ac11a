import { createHash } from 'node:crypto';

export interface Quote {
  start: number;
  end: number;
}

export interface QuoteProblem {
  /** Below the quote: '' for the quote itself, 'start' or 'end'. */
  field: '' | 'start' | 'end';
  message: string;
}

/** The SHA-256 of a source's text (UTF-8), hex: what `Source.textSha256` holds. */
export const textSha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const isHighSurrogate = (code: number) => code >= 0xd800 && code <= 0xdbff;
const isLowSurrogate = (code: number) => code >= 0xdc00 && code <= 0xdfff;
const splitsPair = (text: string, offset: number) => offset > 0 && offset < text.length && isHighSurrogate(text.charCodeAt(offset - 1)) && isLowSurrogate(text.charCodeAt(offset));

/**
 * What is wrong with a statement's quote: offsets are UTF-16 code units into the source's text, as
 * JavaScript counts them (`text.slice(start, end)`); a DIRECT_QUOTE must be exactly that slice.
 */
export function quoteProblems(quote: Quote, sourceText: string | null, statement: { kind: string; text: string }): QuoteProblem[] {
  if (sourceText === null) return [{ field: '', message: 'the source has no text to quote from: give the source its text first' }];
  const problems: QuoteProblem[] = [];
  if (quote.start >= quote.end) problems.push({ field: 'end', message: `must be greater than start (${quote.start})` });
  for (const field of ['start', 'end'] as const) {
    if (quote[field] > sourceText.length) problems.push({ field, message: `must be at most ${sourceText.length}, the length of the source's text in UTF-16 code units` });
    else if (splitsPair(sourceText, quote[field])) problems.push({ field, message: 'falls inside a character (between the two halves of a UTF-16 surrogate pair)' });
  }
  if (problems.length === 0 && statement.kind === 'DIRECT_QUOTE') {
    const slice = sourceText.slice(quote.start, quote.end);
    if (slice !== statement.text) {
      problems.push({ field: '', message: `a DIRECT_QUOTE must be exactly the quoted span of the source's text, which reads "${slice.length > 120 ? `${slice.slice(0, 120)}…` : slice}"` });
    }
  }
  return problems;
}
