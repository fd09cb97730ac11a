import winkNLP, { type ItsFunction, type WinkMethods } from 'wink-nlp';
import model from 'wink-eng-lite-web-model';
import type { Span } from './types.js';

export interface Token {
  index: number;
  text: string;
  lower: string;
  start: number;
  end: number;
  /** Universal POS tag from wink (PROPN, VERB, …); `X` when the fallback tokenizer made the token. */
  pos: string;
  lemma: string;
  sentence: number;
}

export interface Sentence extends Span {
  index: number;
  paragraph: number;
  /** Token indexes [first, last). */
  first: number;
  last: number;
}

export interface Paragraph extends Span {
  index: number;
}

export interface Doc {
  text: string;
  tokens: Token[];
  sentences: Sentence[];
  paragraphs: Paragraph[];
  /** The token that covers offset, or the next one after it. */
  tokenAt(offset: number): number;
  sentenceAt(offset: number): Sentence | undefined;
}

let wink: WinkMethods | undefined;
const nlp = () => (wink ??= winkNLP(model));

export function paragraphsOf(text: string): Paragraph[] {
  const paragraphs: Paragraph[] = [];
  const pattern = /[^\n\r\u2028\u2029]+/g;
  for (const match of text.matchAll(pattern)) {
    const raw = match[0];
    const leading = raw.length - raw.trimStart().length;
    const trimmed = raw.trim();
    if (trimmed.length === 0) continue;
    const start = (match.index ?? 0) + leading;
    paragraphs.push({ index: paragraphs.length, start, end: start + trimmed.length });
  }
  return paragraphs;
}

interface Tagged {
  start: number;
  end: number;
  pos: string;
  lemma: string;
}

/**
 * wink gives each token's preceding whitespace, not its offset: rebuild the offsets and check every token against the
 * text, as the research note warns. A paragraph whose tokens do not round-trip gets no tags rather than wrong ones.
 */
function winkTags(text: string, base: number): { tags: Tagged[]; sentenceStarts: number[] } {
  const doc = nlp().readDoc(text);
  const its = nlp().its;
  const words = doc.tokens().out();
  const spaces = doc.tokens().out(its.precedingSpaces);
  const pos = doc.tokens().out(its.pos);
  // wink's typings give `its.lemma` the helper's signature, not the ItsFunction that `out` takes at run time.
  const lemmas = doc.tokens().out(its.lemma as unknown as ItsFunction<string>);
  const tags: Tagged[] = [];
  let position = 0;
  for (let i = 0; i < words.length; i++) {
    const word = words[i] ?? '';
    position += (spaces[i] ?? '').length;
    if (text.slice(position, position + word.length) !== word) return { tags: [], sentenceStarts: [] };
    tags.push({ start: base + position, end: base + position + word.length, pos: pos[i] ?? 'X', lemma: String(lemmas[i] ?? word.toLowerCase()) });
    position += word.length;
  }
  const sentenceStarts: number[] = [];
  for (const span of doc.sentences().out(its.span) as unknown as [number, number][]) {
    const first = tags[span[0]];
    if (first) sentenceStarts.push(first.start);
  }
  return { tags, sentenceStarts };
}

/**
 * Our own words, so that a name keeps its letters together whatever the script (wink splits "Nguyễn" in three):
 * initialisms with their dots (U.S.), words with inner hyphens and apostrophes, a possessive 's on its own, runs of
 * Chinese, Japanese or Korean characters, numbers with their separators, and any other character alone.
 */
const WORD =
  /(?:\p{Lu}\.){2,}|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]+|['’][sS](?![\p{L}\p{M}])|[\p{L}\p{M}][\p{L}\p{M}\p{N}]*(?:(?:[-.]|['’](?![sS](?![\p{L}\p{M}])))[\p{L}\p{M}\p{N}]+)*|\p{N}+(?:[.,]\p{N}+)*|\S/gu;

/** Sentences never cross a paragraph break; wink's tags and sentence breaks are mapped onto our words by offset. */
export function analyse(text: string): Doc {
  const paragraphs = paragraphsOf(text);
  const tokens: Token[] = [];
  const sentences: Sentence[] = [];
  for (const paragraph of paragraphs) {
    const slice = text.slice(paragraph.start, paragraph.end);
    const { tags, sentenceStarts } = winkTags(slice, paragraph.start);
    let b = 0;
    let previousStart = -1;
    let t = 0;
    let first = true;
    for (const match of slice.matchAll(WORD)) {
      const start = paragraph.start + (match.index ?? 0);
      const word = match[0];
      const end = start + word.length;
      while (t < tags.length && (tags[t]?.end ?? 0) <= start) t++;
      const tag = tags[t];
      const exact = tag !== undefined && tag.start === start && tag.end === end;
      const capitalised = /^[\p{Lu}\p{Script=Han}\p{Script=Hangul}\p{Script=Hiragana}\p{Script=Katakana}]/u.test(word);
      const pos = exact ? tag.pos : tag && tag.start <= start && tag.end >= end ? tag.pos : capitalised ? 'PROPN' : /^\p{N}/u.test(word) ? 'NUM' : /^[\p{P}\p{S}]/u.test(word) ? 'PUNCT' : 'X';
      const lemma = exact ? tag.lemma : word.toLowerCase();
      let startsSentence = first;
      while (b < sentenceStarts.length && (sentenceStarts[b] ?? 0) <= start) {
        if ((sentenceStarts[b] ?? 0) > previousStart) startsSentence = true;
        b++;
      }
      first = false;
      previousStart = start;
      const index = tokens.length;
      if (startsSentence) {
        const previous = sentences.at(-1);
        if (previous && previous.paragraph === paragraph.index) previous.last = index;
        sentences.push({ index: sentences.length, paragraph: paragraph.index, first: index, last: index + 1, start, end: paragraph.end });
      }
      const sentence = sentences.at(-1);
      if (sentence) sentence.last = index + 1;
      tokens.push({ index, text: word, lower: word.toLowerCase(), start, end, pos, lemma, sentence: sentences.length - 1 });
    }
  }
  for (const sentence of sentences) {
    const lastToken = tokens[sentence.last - 1];
    if (lastToken) sentence.end = lastToken.end;
  }
  const starts = tokens.map((token) => token.start);
  const tokenAt = (offset: number) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if ((tokens[mid]?.end ?? 0) <= offset) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  return {
    text,
    tokens,
    sentences,
    paragraphs,
    tokenAt,
    sentenceAt: (offset) => {
      let low = 0;
      let high = sentences.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if ((sentences[mid]?.end ?? 0) <= offset) low = mid + 1;
        else high = mid;
      }
      return sentences[low];
    },
  };
}
