/** What the extraction engine reads and what it proposes. Offsets are UTF-16 code units, as JavaScript strings count. */

export type ActorKind = 'PERSON' | 'STATE' | 'GOVERNMENT_BODY' | 'ORGANIZATION' | 'MILITARY' | 'GROUP';
export type StatementKind = 'DIRECT_QUOTE' | 'PARAPHRASE' | 'REPORTED';

export interface KnownActor {
  slug: string;
  name: string;
  kind: ActorKind;
  aliases: readonly string[];
  wikidataId: string | null;
  /** The organizations this actor belongs to, by slug, with its role there. */
  affiliations: readonly { organization: string; role: string }[];
}

export interface IngestInput {
  text: string;
  /** YYYY-MM-DD: relative dates ("on Friday") are read against it. */
  publishedOn?: string | null;
  actors?: readonly KnownActor[];
}

export interface Span {
  start: number;
  end: number;
}

/** A speaker as the text names it, resolved against the known actors (or proposed as a new one). */
export interface ActorMatch {
  /** The words in the text that name it (the first mention that fits, for pronouns the antecedent). */
  mention: string;
  mentionSpan: Span | null;
  /** A known actor's slug, or the slug of a proposed new actor (see `newActor`). */
  slug: string;
  name: string;
  kind: ActorKind;
  /** 0..1: how sure the match is. */
  score: number;
  /** Why it matched: `name`, `alias`, `family-name`, `surname`, `wikidata`, `pronoun`, `new`. */
  via: string;
  /** Other known actors it could be, best first. */
  alternatives: { slug: string; name: string; score: number }[];
  /** True when no known actor fits and `slug` names a proposed actor. */
  isNew: boolean;
}

export interface ProposedActor {
  slug: string;
  name: string;
  kind: ActorKind;
  aliases: string[];
  /** How the kind was guessed. */
  kindReason: string;
  affiliations: { organization: string; role: string }[];
  mentions: Span[];
}

export interface StatementDraft {
  id: string;
  type: 'statement';
  kind: StatementKind;
  /** The statement's words. For a direct quote in one piece, exactly the text between `quote.start` and `quote.end`. */
  text: string;
  /** One piece, or several when the quote is split around its attribution or runs across paragraphs. */
  parts: Span[];
  /** The whole statement as one slice of the text, when `text` is exactly that slice. */
  quote: Span | null;
  speaker: ActorMatch | null;
  onBehalfOf: ActorMatch | null;
  /** The speaker's role when the text gives it (`spokesperson for …`). */
  role: { title: string; organization: ActorMatch | null } | null;
  saidOn: string | null;
  venue: string | null;
  confidence: number;
  rule: string;
  /** Why a reviewer should look harder: `unmatched-quote`, `no-speaker`, `new-speaker`, `pronoun`, `split`. */
  flags: string[];
  /** The numeric claims the statement makes (ids of claim drafts). */
  claims: string[];
  /** Records already stored that this draft may repeat (see `markDuplicates`); empty from `extract` alone. */
  duplicates: Duplicate[];
}

export interface Duplicate {
  /** The stored statement's slug. */
  slug: string;
  /** `same-span`: the same offsets in the same source text; `same-text`: the same words (case and spacing aside). */
  reason: 'same-span' | 'same-text';
  score: number;
}

export interface Quantity {
  value: number;
  lower: number | null;
  upper: number | null;
  lowerInclusive: boolean;
  upperInclusive: boolean;
  approximate: boolean;
  estimated: boolean;
  /** What is counted: `North Korean troops`. */
  counted: string | null;
  span: Span;
}

export interface ClaimDraft {
  id: string;
  type: 'claim';
  /** The clause that makes the claim, as written. */
  text: string;
  span: Span;
  quantity: Quantity;
  /** The id of the claim draft for the whole this is a part of (`8,000 of an estimated 10,000`). */
  partOf: string | null;
  /** The statement draft that makes the claim, or null when the narration does. */
  statement: string | null;
  confidence: number;
  rule: string;
  flags: string[];
}

export type Draft = StatementDraft | ClaimDraft;

export interface Extraction {
  drafts: Draft[];
  newActors: ProposedActor[];
  /** Problems with the text that a reviewer should see (unmatched quote marks). */
  warnings: { span: Span; message: string }[];
}
