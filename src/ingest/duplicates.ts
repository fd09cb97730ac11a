import type { Extraction, Span, StatementDraft } from './types.js';

/** A statement already stored, as the caller read it: its words and, when it came from this text, its offsets. */
export interface StoredStatement {
  slug: string;
  text: string;
  /** Set when the statement was taken from the same source text as the drafts. */
  quote?: Span | null;
}

const words = (text: string) => text.normalize('NFKC').replace(/[’‘]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim().toLowerCase();

/**
 * Marks drafts that repeat stored statements: the same span of the same source text, or the same words. Similar but
 * different wording is for the database's trigram search (`similarClaims`), which this pure function cannot run.
 */
export function markDuplicates(extraction: Extraction, stored: readonly StoredStatement[]): Extraction {
  const byWords = new Map<string, string[]>();
  for (const statement of stored) byWords.set(words(statement.text), [...(byWords.get(words(statement.text)) ?? []), statement.slug]);
  const drafts = extraction.drafts.map((draft) => {
    if (draft.type !== 'statement') return draft;
    const duplicates: StatementDraft['duplicates'] = [];
    for (const statement of stored) {
      if (statement.quote && draft.quote && statement.quote.start === draft.quote.start && statement.quote.end === draft.quote.end) {
        duplicates.push({ slug: statement.slug, reason: 'same-span', score: 1 });
      }
    }
    for (const slug of byWords.get(words(draft.text)) ?? []) {
      if (!duplicates.some((duplicate) => duplicate.slug === slug)) duplicates.push({ slug, reason: 'same-text', score: 1 });
    }
    return { ...draft, duplicates };
  });
  return { ...extraction, drafts };
}
