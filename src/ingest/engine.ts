import { ActorIndex, type Mention } from './actors.js';
import { type Attribution, attribute, continuesInto, isTitle, nearestVerb, quoteWords, wordCount } from './attribution.js';
import { Clauses, type Subject } from './clauses.js';
import { findDates } from './dates.js';
import { DIRECTIVE_VERBS, OFFICIAL_ROLES, WEAK_SPEECH_VERBS } from './lexicon.js';
import { findQuantities } from './numbers.js';
import { findQuotes } from './quotes.js';
import { analyse } from './text.js';
import type { ActorMatch, ClaimDraft, Extraction, IngestInput, ProposedActor, Span, StatementDraft, StatementKind } from './types.js';
import { validateInput } from './validate.js';

/** Up to this many quotes after an attributed one inherit its speaker (the Gender Gap Tracker's floating quotes). */
const FLOATING_QUOTES = 5;
/** Quotes this short with no speech verb governing them are scare quotes (the issue's rule; GGT drops under 4 words). */
const SCARE_QUOTE_WORDS = 3;
const SPEECH_NOUNS = new Set(['warning', 'warnings', 'claim', 'claims', 'statement', 'statements', 'remarks', 'comments', 'assertion', 'assurances', 'announcement', 'pledge', 'accusation', 'accusations', 'allegation', 'allegations']);
const VENUE = /\b(?:during|at|in|on|after)\s+(?:a|an|the|his|her|their|its)\s+((?:[\p{L}-]+\s+){0,3}?(?:briefing|conference|summit|meeting|interview|hearing|rally|speech|session|forum|debate|address|broadcast|podcast|statement))\b/iu;

const round = (value: number) => Math.round(value * 100) / 100;

interface Behalf {
  onBehalfOf: ActorMatch | null;
  role: StatementDraft['role'];
}

class Extractor {
  private readonly statements: StatementDraft[] = [];
  private readonly claims: ClaimDraft[] = [];
  private readonly warnings: Extraction['warnings'] = [];
  private readonly dates;

  constructor(
    private readonly text: string,
    publishedOn: string | null,
    private readonly clauses: Clauses,
  ) {
    this.dates = findDates(text, publishedOn);
  }

  private get index(): ActorIndex {
    return this.clauses.index;
  }

  /**
   * Who a speaker speaks for. From the text first: a role apposition's organization (and the state that organization
   * belongs to), a state adjective before a title (`U.S. Secretary of State`), an unnamed source's principal. Else from
   * the actors table: a person's or group's affiliation with a state or government body, followed up to the state.
   */
  private behalf(speaker: ActorMatch, mention: Mention | null): Behalf {
    const learned = this.index.roles.get(speaker.slug);
    if (mention?.speaksFor?.match) {
      const title = mention.name.split(/\s+/u)[0] ?? mention.name;
      this.index.affiliate(speaker, mention.speaksFor.match, capitalise(title));
      return { onBehalfOf: mention.speaksFor.match, role: { title, organization: mention.speaksFor.match } };
    }
    if (speaker.kind !== 'PERSON' && speaker.kind !== 'GROUP') return { onBehalfOf: null, role: null };
    if (mention?.role?.organization?.match) {
      const organization = this.bodyOf(mention.role.organization, mention.role.organization.match);
      this.index.affiliate(speaker, organization, capitalise(mention.role.title));
      const official = mention.role.title.toLowerCase().split(/\s+/).some((word) => OFFICIAL_ROLES.has(word));
      const onBehalfOf = official ? this.stateOf(organization) : null;
      const result = { onBehalfOf, role: { title: mention.role.title, organization } };
      this.index.roles.set(speaker.slug, { title: mention.role.title, organization, onBehalfOf });
      return result;
    }
    if (mention?.state) {
      const state = this.index.actorNamed(mention.state, 'STATE', mention.stateSpan);
      const title = mention.title ?? (mention.role?.title ?? 'Member');
      this.index.affiliate(speaker, state, capitalise(title));
      this.index.roles.set(speaker.slug, { title, organization: state, onBehalfOf: state });
      return { onBehalfOf: state, role: { title, organization: state } };
    }
    if (learned) return { onBehalfOf: learned.onBehalfOf, role: learned };
    for (const affiliation of this.index.affiliationsOf(speaker.slug)) {
      const organization = this.index.matchFor(affiliation.organization);
      if (!organization) continue;
      const official = affiliation.role.toLowerCase().split(/\s+/).some((word) => OFFICIAL_ROLES.has(word));
      if (!official && !['STATE', 'GOVERNMENT_BODY', 'MILITARY'].includes(organization.kind)) continue;
      if (!official && speaker.kind === 'PERSON') continue;
      return { onBehalfOf: this.stateOf(organization), role: { title: affiliation.role, organization } };
    }
    return { onBehalfOf: null, role: null };
  }

  /** A body named with its owner (`China’s Ministry of Foreign Affairs`) belongs to the owner. */
  private bodyOf(mention: Mention, match: ActorMatch): ActorMatch {
    if (mention.state && match.isNew) {
      const state = this.index.actorNamed(mention.state, 'STATE', mention.stateSpan);
      this.index.affiliate(match, state, 'Part of');
    }
    return match;
  }

  private stateOf(organization: ActorMatch): ActorMatch {
    if (organization.kind === 'STATE') return organization;
    for (const affiliation of this.index.affiliationsOf(organization.slug)) {
      const parent = this.index.matchFor(affiliation.organization);
      if (parent?.kind === 'STATE') return parent;
    }
    return organization;
  }

  private saidOn(span: Span): string | null {
    const sentence = this.clauses.doc.sentenceAt(span.start);
    if (!sentence) return null;
    const from = this.clauses.doc.tokens[this.clauses.clauseStart(sentence.first)]?.start ?? sentence.start;
    const to = this.clauses.doc.tokens[this.clauses.clauseEnd(this.clauses.doc.tokenAt(span.end)) - 1]?.end ?? sentence.end;
    const date = this.dates.find((found) => found.date && found.span.start >= from && found.span.end <= to && !this.insideQuote(found.span));
    return date?.date ?? null;
  }

  private venue(span: Span): string | null {
    const start = this.clauses.doc.tokens[this.clauses.clauseStart(this.clauses.doc.tokenAt(span.start))]?.start ?? span.start;
    const end = this.clauses.doc.tokens[this.clauses.clauseEnd(this.clauses.doc.tokenAt(Math.max(span.start, span.end - 1))) - 1]?.end ?? span.end;
    const outside = this.maskQuotes(start, end);
    return VENUE.exec(outside)?.[1]?.toLowerCase() ?? null;
  }

  private maskQuotes(start: number, end: number): string {
    let out = this.text.slice(start, end);
    for (const run of this.clauses.runs) {
      if (run.outer.end <= start || run.outer.start >= end) continue;
      const a = Math.max(run.outer.start, start) - start;
      const b = Math.min(run.outer.end, end) - start;
      out = out.slice(0, a) + ' '.repeat(b - a) + out.slice(b);
    }
    return out;
  }

  private insideQuote(span: Span): boolean {
    return this.clauses.runs.some((run) => run.parts.some((part) => part.start <= span.start && span.end <= part.end));
  }

  /** Roles the text gives at a speaker's first full mention hold at later ones (`Blinken` after `U.S. Secretary of State Antony Blinken`). */
  learnRoles() {
    for (const mention of this.index.mentions) {
      if (!mention.match || (mention.match.kind !== 'PERSON' && mention.match.kind !== 'GROUP')) continue;
      if (this.index.roles.has(mention.match.slug)) continue;
      if (mention.role?.organization?.match || mention.state) this.behalf(mention.match, mention);
    }
  }

  direct() {
    const runs = this.clauses.runs;
    const attributions = runs.map((run) => attribute(this.clauses, run));
    let previous: { attribution: Attribution; paragraph: number; inherited: number } | undefined;
    for (let r = 0; r < attributions.length; r++) {
      const attribution = attributions[r];
      if (!attribution) continue;
      const run = attribution.run;
      if (run.unmatched) {
        attribution.flags.push('unmatched-quote');
        this.warnings.push({ span: run.outer, message: 'quote mark without its pair: the quote was taken to the end of the paragraph (or from its start)' });
      }
      // `“A,” she said, “B.”`
      const next = runs[r + 1];
      const nextAttribution = attributions[r + 1];
      if (next && nextAttribution && continuesInto(this.clauses, attribution, next)) {
        attribution.parts = [...attribution.parts, ...next.parts];
        attribution.flags.push('split');
        if (next.unmatched) attribution.flags.push('unmatched-quote');
        attributions[r + 1] = { ...nextAttribution, parts: [], rule: 'merged' };
      }
      if (attribution.parts.length === 0) continue;
      const words = wordCount(attribution.parts.map((part) => this.text.slice(part.start, part.end)).join(' '));
      if (isTitle(this.clauses, run)) continue;
      if (words <= SCARE_QUOTE_WORDS && !attribution.cued) continue;
      const paragraph = this.clauses.doc.sentences[this.clauses.doc.tokens[this.clauses.doc.tokenAt(run.outer.start)]?.sentence ?? 0]?.paragraph ?? 0;
      if (!attribution.speaker && previous?.attribution.speaker && previous.inherited < FLOATING_QUOTES && paragraph - previous.paragraph <= 1 && this.floats(previous.attribution, attribution)) {
        attribution.speaker = previous.attribution.speaker;
        attribution.mention = previous.attribution.mention;
        attribution.rule = 'floating';
        attribution.confidence = 0.6;
        previous.inherited++;
      } else if (attribution.speaker || nearestVerb(this.clauses, attribution)) {
        previous = { attribution, paragraph, inherited: 0 };
      }
      this.addDirect(attribution);
    }
  }

  /** A quote stands alone as its sentence, and no one else is named between it and the quote before. */
  private floats(previous: Attribution, attribution: Attribution): boolean {
    const { doc } = this.clauses;
    const open = doc.tokenAt(attribution.run.outer.start);
    if (this.clauses.clauseStart(open) !== open) return false;
    const speaker = previous.speaker?.slug;
    for (let t = doc.tokenAt(previous.run.outer.end); t < open; t++) {
      const match = this.clauses.inQuote(t) ? undefined : this.index.mentionAt(t)?.match;
      if (match && match.kind === 'PERSON' && match.slug !== speaker) return false;
    }
    return true;
  }

  private addDirect(attribution: Attribution) {
    const parts = attribution.parts.map((part) => quoteWords(this.text, part)).filter((part) => part.end > part.start);
    const first = parts[0];
    const last = parts.at(-1);
    if (!first || !last) return;
    const split = attribution.flags.includes('split');
    let text: string;
    let quote: Span | null = null;
    if (parts.length === 1 || (!split && attribution.run.multiParagraph)) {
      quote = { start: first.start, end: last.end };
      text = this.text.slice(quote.start, quote.end);
    } else {
      // The pieces as printed, joined where the attribution was: `The money is there, but the certainty is not.`
      text = attribution.parts.map((part) => this.text.slice(part.start, part.end)).join(' ').replace(/[,;:\s]+$/u, '');
      if (/\.$/.test(text) && !/^[\p{Lu}\p{N}]/u.test(text)) text = text.slice(0, -1);
    }
    const speaker = attribution.speaker;
    const behalf = speaker ? this.behalf(speaker, attribution.mention) : { onBehalfOf: null, role: null };
    const flags = [...attribution.flags];
    if (!speaker) flags.push('no-speaker');
    else if (speaker.isNew) flags.push('new-speaker');
    if (attribution.run.multiParagraph) flags.push('multi-paragraph');
    let confidence = speaker ? attribution.confidence : 0.3;
    if (flags.includes('unmatched-quote')) confidence *= 0.6;
    this.statements.push({
      id: `statement-${first.start}-${last.end}`,
      type: 'statement',
      kind: 'DIRECT_QUOTE',
      text,
      parts,
      quote,
      speaker,
      onBehalfOf: behalf.onBehalfOf,
      role: behalf.role,
      saidOn: this.saidOn(attribution.run.outer),
      venue: this.venue(attribution.run.outer),
      confidence: round(confidence),
      rule: attribution.rule === 'none' ? 'quote-marks' : `quote-marks+${attribution.rule}`,
      flags: [...new Set(flags)],
      claims: [],
      duplicates: [],
    });
    for (const verb of attribution.cueTokens) this.usedVerbs.add(verb);
    const run = this.clauses.runs.indexOf(attribution.run);
    const cue = attribution.cueTokens[0];
    if (cue !== undefined) this.quoteCues.set(run, cue);
  }

  private readonly usedVerbs = new Set<number>();
  /** For each quote run, the verb that attributed it. */
  private readonly quoteCues = new Map<number, number>();

  /**
   * Indirect speech: a speech verb outside quotes with a subject we can name, whose complement is not a direct quote
   * already taken (`X said that …`, `X reiterated that …`, `X urged Y to …`, `according to X, …`, `warnings from X that …`).
   * A named person's words become a PARAPHRASE, a group's or an institution's a REPORTED position.
   */
  indirect() {
    const { doc } = this.clauses;
    const found: { speakers: ActorMatch[]; mention: Mention | null; span: Span; rule: string; confidence: number; directive: boolean; verb: number; pronoun: boolean }[] = [];
    for (let t = 0; t < doc.tokens.length; t++) {
      const lemma = this.clauses.speechVerb(t);
      if (!lemma) continue;
      const start = this.clauses.clauseStart(t);
      const end = this.clauses.clauseEnd(t);
      // A quote that is most of what follows the verb was taken as a direct quote; a partial quote inside reported
      // speech (`said ministers were ‘watching …’ and that …`) is reported as well.
      const clauseEnd = this.clauseEndFrom(t, end);
      const share = this.quoteShare(t, clauseEnd);
      if (share >= 0.5 || (this.usedVerbs.has(t) && share === 0)) continue;
      if (WEAK_SPEECH_VERBS.has(lemma) && !this.reportsClause(t, end)) continue;
      let subject: Subject | undefined = this.clauses.subjectOf(t, start);
      let rule = 'speaker-verb-clause';
      const token = doc.tokens[t];
      if (!subject && token && /ing$/.test(token.lower)) {
        if (doc.tokens[t - 1]?.text === ',') {
          subject = this.clauses.mainSubject(start, t - 1);
          rule = 'participle-clause';
        } else if (t === start) {
          const comma = doc.tokens.slice(t, end).findIndex((word) => word.text === ',');
          const mention = comma === -1 ? undefined : this.clauses.index.mentionAt(t + comma + 1);
          if (mention?.match) subject = { mentions: [mention], pronoun: null, first: start };
          rule = 'participle-clause';
        }
      }
      let holder: { match: ActorMatch; first: number } | undefined;
      if (!subject) holder = this.clauses.roleHolder(t, start);
      if (!subject && !holder) continue;
      const speakers = holder ? [holder.match] : subject ? this.clauses.matchOfSubject(subject) : [];
      if (speakers.length === 0) continue;
      const subjectFirst = holder?.first ?? subject?.first ?? t;
      // `The barrier will wait until 2027, its director said on Tuesday.`: the words come first, then who said them.
      if (doc.tokens[subjectFirst - 1]?.text === ',' && subjectFirst - 1 > start && this.endsClause(t, end)) {
        const span = this.spanOf(start, subjectFirst - 1, start, end);
        found.push({ speakers, mention: subject?.mentions[0] ?? null, span, rule: holder ? 'content-role-said' : 'content-speaker-said', confidence: 0.5, directive: false, verb: t, pronoun: subject?.pronoun != null });
        continue;
      }
      if (holder) continue;
      const first = rule === 'participle-clause' && t === start ? start : subject?.shared ? t : subjectFirst;
      const span = this.spanOf(first, clauseEnd, start, end);
      found.push({ speakers, mention: subject?.mentions[0] ?? null, span, rule, confidence: 0.55, directive: DIRECTIVE_VERBS.has(lemma), verb: t, pronoun: subject?.pronoun != null });
    }
    for (let t = 0; t < doc.tokens.length - 2; t++) {
      const token = doc.tokens[t];
      if (!token || this.clauses.inQuote(t)) continue;
      const start = this.clauses.clauseStart(t);
      const end = this.clauses.clauseEnd(t);
      if (token.lower === 'according' && doc.tokens[t + 1]?.lower === 'to') {
        const mention = this.clauses.index.mentionAt(t + 2) ?? this.clauses.index.mentionAt(t + 3);
        if (!mention?.match || this.quoteShare(t, end) >= 0.5) continue;
        found.push({ speakers: [mention.match], mention, span: this.spanOf(start, end, start, end), rule: 'according-to', confidence: 0.5, directive: false, verb: t, pronoun: false });
      } else if (SPEECH_NOUNS.has(token.lower) && ['from', 'by'].includes(doc.tokens[t + 1]?.lower ?? '')) {
        const mention = this.clauses.index.mentionAt(t + 2) ?? this.clauses.index.mentionAt(t + 3);
        if (!mention?.match) continue;
        const that = doc.tokens.slice(mention.last, Math.min(end, mention.last + 2)).some((word) => word.lower === 'that');
        if (!that) continue;
        found.push({ speakers: [mention.match], mention, span: this.spanOf(t, end, start, end), rule: 'speech-noun-from', confidence: 0.45, directive: false, verb: t, pronoun: false });
      }
    }
    // One speaker's verbs in one sentence (`emphasized … and cautioned …`, `…, warning that …`) make one statement.
    const merged: typeof found = [];
    for (const item of found) {
      const key = item.speakers.map((speaker) => speaker.slug).join(' ');
      const touching = (a: Span, b: Span) => a.start <= b.end && b.start - a.end <= 6 && /^[\s,]*(?:and)?\s*$/u.test(this.text.slice(a.end, Math.max(a.end, b.start)));
      const same = merged.find((other) => other.speakers.map((speaker) => speaker.slug).join(' ') === key && this.clauses.clauseStart(other.verb) === this.clauses.clauseStart(item.verb) && (touching(other.span, item.span) || touching(item.span, other.span)));
      if (same) {
        same.span = { start: Math.min(same.span.start, item.span.start), end: Math.max(same.span.end, item.span.end) };
        if (item.rule !== same.rule) same.rule = `${same.rule}+${item.rule}`;
        continue;
      }
      merged.push(item);
    }
    for (const item of merged) {
      for (const speaker of item.speakers) {
        const kind: StatementKind = speaker.kind === 'PERSON' && !item.directive && item.mention?.source !== 'unnamed' ? 'PARAPHRASE' : 'REPORTED';
        const behalf = this.behalf(speaker, item.speakers.length === 1 ? item.mention : null);
        const flags: string[] = [];
        if (speaker.isNew) flags.push('new-speaker');
        if (item.pronoun) flags.push('pronoun');
        this.statements.push({
          id: `statement-${item.span.start}-${item.span.end}${item.speakers.length > 1 ? `-${speaker.slug}` : ''}`,
          type: 'statement',
          kind,
          text: this.text.slice(item.span.start, item.span.end),
          parts: [item.span],
          quote: item.span,
          speaker,
          onBehalfOf: behalf.onBehalfOf,
          role: behalf.role,
          saidOn: this.saidOn(item.span),
          venue: this.venue(item.span),
          confidence: round(item.confidence - (kind === 'REPORTED' ? 0.05 : 0) - (item.pronoun ? 0.1 : 0) - (speaker.isNew ? 0.05 : 0)),
          rule: item.rule,
          flags,
          claims: [],
          duplicates: [],
        });
      }
    }
  }

  /** Nothing but a time or place follows the verb before the next comma: it closes a content-first sentence. */
  private endsClause(verb: number, end: number): boolean {
    const { doc } = this.clauses;
    for (let k = verb + 1; k < end; k++) {
      const word = doc.tokens[k];
      if (!word || word.text === ',' || /^[.!?]$/.test(word.text)) return true;
      if (['that', 'to', ':'].includes(word.lower) || ['VERB', 'AUX', 'PRON', 'SCONJ'].includes(word.pos) || this.clauses.inQuote(k)) return false;
    }
    return true;
  }

  /** A reported clause follows the verb: `that`, a colon, `out`, `to` (pointed to), or an object and `to` (urged Y to). */
  private reportsClause(verb: number, end: number): boolean {
    const { doc } = this.clauses;
    for (let k = verb + 1; k < Math.min(end, verb + 4); k++) {
      const word = doc.tokens[k];
      if (!word) break;
      if (['that', ':', 'out'].includes(word.lower)) return true;
      if (word.lower === 'to' && k === verb + 1) return true;
      if (word.pos !== 'ADV') break;
    }
    // A clause without `that`: `estimated the switch would cost …`.
    for (let k = verb + 2; k < Math.min(end, verb + 7); k++) {
      const word = this.clauses.doc.tokens[k];
      if (!word || word.text === ',' || this.clauses.inQuote(k)) break;
      if (['would', 'will', 'could', 'might', 'may', 'should', 'must', 'can', 'had', 'has', 'have', 'was', 'were', 'is', 'are'].includes(word.lower) && ['NOUN', 'PROPN', 'PRON'].includes(this.clauses.doc.tokens[k - 1]?.pos ?? '')) return true;
    }
    return false;
  }

  /** How much of what follows the verb, to the sentence's end, is inside quote marks. */
  private quoteShare(verb: number, end: number): number {
    let quoted = 0;
    for (let k = verb + 1; k < end; k++) if (this.clauses.inQuote(k)) quoted++;
    return end - verb - 1 <= 0 ? 0 : quoted / (end - verb - 1);
  }

  /**
   * A clause stops before `and` + another speech verb (`reaffirmed … and reiterated that`), before a quote some other
   * verb introduces, or at the sentence's end.
   */
  private clauseEndFrom(verb: number, end: number): number {
    const { doc } = this.clauses;
    for (let k = verb + 1; k < end; k++) {
      const word = doc.tokens[k];
      if (!word) break;
      if (word.lower === 'and' && this.clauses.speechVerb(k + 1)) return k;
      if (word.text === ';') return k;
      // A quote another verb introduces (`… what he termed “…”`) is not part of this clause.
      const run = this.clauses.quoteOf[k] ?? -1;
      const cue = run === -1 ? undefined : this.quoteCues.get(run);
      if (cue !== undefined && cue !== verb) return k;
    }
    return end;
  }

  /** A whole sentence keeps its full stop (as the seed writes it); a clause cut from one does not. */
  private spanOf(first: number, last: number, sentenceStart: number, sentenceEnd: number): Span {
    const { doc } = this.clauses;
    let stop = last;
    const whole = first === sentenceStart && last === sentenceEnd;
    while (stop > first && /^[,;:—–-]$/.test(doc.tokens[stop - 1]?.text ?? '')) stop--;
    if (!whole && /^[.!?]$/.test(doc.tokens[stop - 1]?.text ?? '')) stop--;
    return { start: doc.tokens[first]?.start ?? 0, end: doc.tokens[stop - 1]?.end ?? 0 };
  }

  numbers() {
    const dateSpans = this.dates.map((date) => date.span);
    const quantities = findQuantities(this.clauses.doc, dateSpans);
    const ids = quantities.map((quantity) => `claim-${quantity.span.start}-${quantity.span.end}`);
    quantities.forEach((quantity, q) => {
      const statement = this.statementCovering(quantity.span);
      const sentence = this.clauseSpan(quantity.span);
      const flags: string[] = [];
      if (!quantity.counted) flags.push('nothing-counted');
      const id = ids[q] ?? '';
      const { partOf, ...quantityFields } = quantity;
      this.claims.push({
        id,
        type: 'claim',
        text: this.text.slice(sentence.start, sentence.end),
        span: quantity.span,
        quantity: quantityFields,
        partOf: partOf === null ? null : (ids[partOf] ?? null),
        statement: statement?.id ?? null,
        confidence: quantity.counted ? 0.7 : 0.4,
        rule: statement ? 'number-in-statement' : 'number-in-narration',
        flags,
      });
      if (statement) statement.claims.push(id);
    });
  }

  private statementCovering(span: Span): StatementDraft | undefined {
    const covering = this.statements.filter((statement) => statement.parts.some((part) => part.start <= span.start && span.end <= part.end));
    return covering.find((statement) => statement.kind === 'DIRECT_QUOTE') ?? covering[0];
  }

  private clauseSpan(span: Span): Span {
    const { doc } = this.clauses;
    const token = doc.tokenAt(span.start);
    const inside = this.clauses.runs.find((run) => run.parts.some((part) => part.start <= span.start && span.end <= part.end));
    const part = inside?.parts.find((candidate) => candidate.start <= span.start && span.end <= candidate.end);
    if (part) return quoteWords(this.text, part);
    let start = this.clauses.clauseStart(token);
    const end = this.clauses.clauseEnd(token);
    // The reported clause, not the reporting: `… revealed this week that [approximately 8,000 … are stationed …]`.
    for (let k = token - 1; k > start; k--) {
      if (doc.tokens[k]?.lower !== 'that') continue;
      const reporting = doc.tokens.slice(Math.max(start, k - 6), k).some((word) => this.clauses.speechVerb(word.index) || SPEECH_NOUNS.has(word.lower));
      if (reporting) start = k + 1;
      break;
    }
    return { start: doc.tokens[start]?.start ?? span.start, end: doc.tokens[end - 1]?.end ?? span.end };
  }

  result(): Extraction {
    const statements = this.statements.sort((a, b) => (a.parts[0]?.start ?? 0) - (b.parts[0]?.start ?? 0) || a.id.localeCompare(b.id));
    const referenced = new Set<string>();
    const visit = (slug: string | undefined) => {
      if (!slug || referenced.has(slug)) return;
      const proposed = this.index.proposed.get(slug);
      if (!proposed) return;
      referenced.add(slug);
      for (const affiliation of proposed.affiliations) visit(affiliation.organization);
    };
    for (const statement of statements) {
      visit(statement.speaker?.slug);
      visit(statement.onBehalfOf?.slug);
      visit(statement.role?.organization?.slug);
    }
    const newActors: ProposedActor[] = [...this.index.proposed.values()].filter((actor) => referenced.has(actor.slug));
    return { drafts: [...statements, ...this.claims.sort((a, b) => a.span.start - b.span.start)], newActors, warnings: this.warnings };
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * Proposes statements, numeric claims and new actors from an article's text. Pure and deterministic: the same input
 * gives the same drafts, and nothing is read or written anywhere.
 */
export function extract(input: IngestInput): Extraction {
  const { text, publishedOn, actors } = validateInput(input);
  const doc = analyse(text);
  const runs = findQuotes(text, doc.paragraphs);
  const index = new ActorIndex(doc, actors);
  const clauses = new Clauses(doc, index, runs);
  const extractor = new Extractor(text, publishedOn, clauses);
  extractor.learnRoles();
  extractor.direct();
  extractor.indirect();
  extractor.numbers();
  return extractor.result();
}
