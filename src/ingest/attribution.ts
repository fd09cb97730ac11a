import type { Mention } from './actors.js';
import type { Clauses, Subject } from './clauses.js';
import { TITLE_CUES } from './lexicon.js';
import type { QuoteRun } from './quotes.js';
import type { ActorMatch, Span } from './types.js';

export interface Attribution {
  run: QuoteRun;
  /** The quote's words, split pieces and paragraphs included. */
  parts: Span[];
  speaker: ActorMatch | null;
  mention: Mention | null;
  rule: string;
  confidence: number;
  /** A speech verb governs the quote (`said`, `termed`), or `according to` does. */
  cued: boolean;
  /** Token range of the attribution clause, so indirect speech does not report it twice. */
  cueTokens: number[];
  flags: string[];
}

function subjectMatch(clauses: Clauses, subject: Subject): { match: ActorMatch | null; mention: Mention | null; pronoun: boolean } {
  if (subject.holder) return { match: subject.holder, mention: null, pronoun: false };
  if (subject.pronoun) return { match: clauses.resolvePronoun(subject.pronoun), mention: null, pronoun: true };
  const mention = subject.mentions[0] ?? null;
  return { match: mention?.match ?? null, mention, pronoun: false };
}

/** `according to X` within [from, to): X. */
function accordingTo(clauses: Clauses, from: number, to: number): { mention: Mention; at: number } | undefined {
  for (let t = from; t < to - 2; t++) {
    if (clauses.token(t)?.lower !== 'according' || clauses.token(t + 1)?.lower !== 'to' || clauses.inQuote(t)) continue;
    let k = t + 2;
    if (['the', 'a', 'an'].includes(clauses.token(k)?.lower ?? '')) k++;
    const mention = clauses.index.mentionAt(k);
    if (mention?.match) return { mention, at: t };
  }
  return undefined;
}

const wordsOf = (text: string) => text.split(/\s+/u).filter((word) => /[\p{L}\p{N}]/u.test(word));

/**
 * A quote's own words without the punctuation the narration adds: the comma before `, she said`, and the full stop of
 * a fragment (`are “not its concern.”`), which American style puts inside the marks. A full sentence keeps its stop.
 */
export function quoteWords(text: string, span: Span): Span {
  let { start, end } = span;
  while (end > start && /[,;:\s]/u.test(text[end - 1] ?? '')) end--;
  const content = text.slice(start, end);
  if (/\.$/.test(content) && !/^[\p{Lu}\p{N}"“‘'„«]/u.test(content)) end--;
  while (end > start && /\s/u.test(text[end - 1] ?? '')) end--;
  while (start < end && /\s/u.test(text[start] ?? '')) start++;
  return { start, end };
}

/**
 * A quote is a title or a name, not something said, when its words are all Title Case (textacy's rule) or a cue word
 * such as `book`, `titled` or `operation` stands just before it.
 */
export function isTitle(clauses: Clauses, run: QuoteRun): boolean {
  const text = clauses.doc.text.slice(run.parts[0]?.start ?? 0, run.parts.at(-1)?.end ?? 0);
  const words = wordsOf(text);
  if (words.length === 0) return true;
  const major = words.filter((word) => word.replace(/[^\p{L}]/gu, '').length >= 4);
  const titleCase = major.length > 0 && major.every((word) => /^[\p{Lu}]/u.test(word.replace(/^[^\p{L}]+/u, ''))) && words.length >= 2 && words.length <= 10 && !/[.!?,]$/.test(text.trim());
  if (titleCase) return true;
  const open = clauses.doc.tokenAt(run.outer.start);
  for (let k = open - 1; k >= Math.max(0, open - 3); k--) {
    if (TITLE_CUES.has(clauses.token(k)?.lower ?? '')) return true;
  }
  return false;
}

/**
 * Attributes one quote. In order: a speech verb right after it (`“…,” Lin added`, `“…,” said Lin`), then the nearest one
 * before it in the same sentence (`Blinken stated, “…”`, `what he termed “…”`), `according to X`, an opening participle
 * whose subject is the main clause's (`By framing it as a “…,” Beijing seeks`), and a paragraph that ends with a colon.
 * Quootstrap's patterns and the Gender Gap Tracker's syntactic rules, applied to tokens instead of a parse.
 */
export function attribute(clauses: Clauses, run: QuoteRun): Attribution {
  const { doc } = clauses;
  const result: Attribution = { run, parts: run.parts, speaker: null, mention: null, rule: 'none', confidence: 0, cued: false, cueTokens: [], flags: [] };
  const open = doc.tokenAt(run.outer.start);
  let close = doc.tokenAt(run.outer.end - 1);
  if ((doc.tokens[close]?.start ?? 0) < run.outer.end - 1 && doc.tokens[close]?.end !== run.outer.end) close = doc.tokenAt(run.outer.end) - 1;
  // Nothing after a quote that ends its paragraph belongs to it.
  const closeParagraph = doc.sentences[doc.tokens[close]?.sentence ?? 0]?.paragraph;
  const after = close + 1;
  const afterInParagraph = doc.sentences[doc.tokens[after]?.sentence ?? -1]?.paragraph === closeParagraph;
  const lastPart = run.parts.at(-1);
  const inner = lastPart ? doc.text.slice(lastPart.start, lastPart.end) : '';
  const endsSentence = /[.!?]$/.test(inner) && !/[,;:]$/.test(inner);
  const sentenceEnd = clauses.clauseEnd(after);
  const firstPart = run.parts[0];
  const before = clauses.clauseStart(open);

  const take = (subject: Subject | undefined, rule: string, confidence: number, verb: number): boolean => {
    if (!subject) return false;
    const { match, mention, pronoun } = subjectMatch(clauses, subject);
    if (!match) return false;
    result.speaker = match;
    result.mention = mention;
    result.rule = rule;
    result.confidence = confidence - (pronoun ? 0.1 : 0) - (match.isNew ? 0.05 : 0);
    result.cued = true;
    result.cueTokens = [verb];
    if (pronoun) result.flags.push('pronoun');
    return true;
  };

  // After the quote, up to the sentence's end or the next quote.
  let afterLimit = afterInParagraph ? sentenceEnd : after;
  for (let t = after; t < afterLimit; t++) {
    if (clauses.inQuote(t)) {
      afterLimit = t;
      break;
    }
  }
  const tryAfter = () => {
    for (let t = after; t < Math.min(afterLimit, after + 25); t++) {
      if (!clauses.speechVerb(t)) continue;
      const between = t - after;
      if (between === 0 || (between === 1 && doc.tokens[after]?.text === ',')) {
        if (take(clauses.subjectAfter(t, afterLimit), 'quote-said-speaker', 0.9, t)) return true;
      }
      if (take(clauses.subjectOrHolder(t, after), 'quote-speaker-said', 0.9, t)) return true;
      break;
    }
    return false;
  };
  const tryBefore = () => {
    let candidates = 0;
    for (let t = open - 1; t >= before && candidates < 3; t--) {
      if (clauses.inQuote(t)) break;
      const lemma = clauses.speechVerb(t, true);
      if (!lemma) continue;
      candidates++;
      if (take(clauses.subjectOrHolder(t, before), 'speaker-said-quote', 0.85, t)) return true;
      // An opening participle takes the main clause's subject: `By framing it as a “…,” Beijing seeks …`.
      if (/ing$/.test(doc.tokens[t]?.lower ?? '') && t <= before + 1) {
        for (let k = after; k < afterLimit; k++) {
          const mention = clauses.index.mentionAt(k);
          if (mention?.match) {
            if (take({ mentions: [mention], pronoun: null, first: k }, 'participle-subject', 0.7, t)) return true;
            break;
          }
        }
      }
    }
    return false;
  };
  const quoteFirst = open === before || !endsSentence;
  if (quoteFirst ? tryAfter() || tryBefore() : tryBefore() || tryAfter()) return result;

  const according = accordingTo(clauses, before, afterLimit);
  if (according?.mention.match) {
    result.speaker = according.mention.match;
    result.mention = according.mention;
    result.rule = 'according-to';
    result.confidence = 0.8;
    result.cued = true;
    result.cueTokens = [according.at];
    return result;
  }

  // `Chen said:` closing the paragraph before the quote.
  if (firstPart && open === before) {
    const paragraph = doc.sentences[doc.tokens[open]?.sentence ?? 0]?.paragraph ?? 0;
    const previous = doc.paragraphs[paragraph - 1];
    if (previous && /:\s*$/.test(doc.text.slice(previous.start, previous.end))) {
      const colon = doc.tokenAt(previous.end - 1);
      for (let t = colon - 1; t >= clauses.clauseStart(colon); t--) {
        if (!clauses.speechVerb(t)) continue;
        if (take(clauses.subjectOf(t, clauses.clauseStart(colon)), 'speaker-said-colon', 0.85, t)) return result;
        break;
      }
    }
  }

  return result;
}

/**
 * The Gender Gap Tracker's heuristic, for a quote nothing else attributed: a quote of 7 to 99 words takes the nearest
 * verb within 5 tokens in its paragraph (`Adébáyọ̀ put it bluntly: ‘…’`) and that verb's subject, at lower confidence.
 */
export function nearestVerb(clauses: Clauses, attribution: Attribution): boolean {
  const { doc } = clauses;
  const { run } = attribution;
  const words = wordCount(attribution.parts.map((part) => doc.text.slice(part.start, part.end)).join(' '));
  if (words < 7 || words > 99) return false;
  const open = doc.tokenAt(run.outer.start);
  const close = doc.tokenAt(run.outer.end - 1);
  const paragraph = doc.sentences[doc.tokens[open]?.sentence ?? 0]?.paragraph;
  for (let distance = 1; distance <= 5; distance++) {
    for (const t of [open - distance, close + distance]) {
      const token = doc.tokens[t];
      if (!token || token.pos !== 'VERB' || clauses.inQuote(t) || doc.sentences[token.sentence]?.paragraph !== paragraph) continue;
      const subject = clauses.subjectOf(t, clauses.clauseStart(t));
      if (!subject) continue;
      const { match, mention, pronoun } = subjectMatch(clauses, subject);
      if (!match) continue;
      attribution.speaker = match;
      attribution.mention = mention;
      attribution.rule = 'nearest-verb';
      attribution.confidence = pronoun ? 0.5 : 0.6;
      attribution.cued = true;
      attribution.cueTokens = [t];
      if (pronoun) attribution.flags.push('pronoun');
      return true;
    }
  }
  return false;
}

/**
 * `“A,” she said, “B.”` is one statement: a quote ending in a comma, an attribution, a comma, and the next quote in the
 * same sentence.
 */
export function continuesInto(clauses: Clauses, first: Attribution, next: QuoteRun): boolean {
  if (!first.cued || first.rule.startsWith('speaker-said')) return false;
  const { doc } = clauses;
  const lastPart = first.run.parts.at(-1);
  if (!lastPart) return false;
  const ending = doc.text.slice(lastPart.start, first.run.outer.end);
  if (!/,\s*[”"»’」]?$/.test(ending)) return false;
  const between = doc.text.slice(first.run.outer.end, next.outer.start);
  if (between.includes('\n') || /[.!?]/.test(between.replace(/\b(?:[A-Z]\.)+/g, ''))) return false;
  return /[,:]\s*$/.test(between) && between.length < 200;
}

export function wordCount(text: string): number {
  return wordsOf(text).length;
}
