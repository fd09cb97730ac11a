import type { ActorIndex, Mention } from './actors.js';
import { lemmaIn, NAMING_VERBS, PRONOUNS, ROLE_NOUNS, speechLemma } from './lexicon.js';
import type { QuoteRun } from './quotes.js';
import type { Doc, Token } from './text.js';
import type { ActorKind, ActorMatch } from './types.js';

/** Who a clause's subject is: one or more named actors (`the United States, the EU and NATO`), or a pronoun. */
export interface Subject {
  mentions: Mention[];
  pronoun: Token | null;
  /** First token of the subject as written. */
  first: number;
  /** Found through a coordinated verb (`X said … and promised …`): the subject is not next to this verb. */
  shared?: boolean;
  /** `its director said`: whoever holds the role. */
  holder?: ActorMatch;
}

const AUXILIARY = new Set(['has', 'have', 'had', 'is', 'are', 'was', 'were', 'be', 'been', 'will', 'would', 'could', 'should', 'may', 'might', 'must', 'can', 'did', 'does', 'do', 'also', 'not', 'never', 'later', 'then', 'again', 'still', 'reportedly', 'repeatedly']);
const SENTENCE_END = new Set(['.', '!', '?']);
const PRONOUN_FITS: Record<'person' | 'thing' | 'group', readonly ActorKind[]> = {
  person: ['PERSON'],
  thing: ['STATE', 'GOVERNMENT_BODY', 'ORGANIZATION', 'MILITARY'],
  group: ['GROUP', 'ORGANIZATION', 'STATE', 'GOVERNMENT_BODY', 'MILITARY'],
};

export class Clauses {
  /** For each token, the index of the quote run it sits in, or -1. */
  readonly quoteOf: Int32Array;

  constructor(
    readonly doc: Doc,
    readonly index: ActorIndex,
    readonly runs: readonly QuoteRun[],
  ) {
    this.quoteOf = new Int32Array(doc.tokens.length).fill(-1);
    runs.forEach((run, r) => {
      for (let t = doc.tokenAt(run.outer.start); t < doc.tokens.length && (doc.tokens[t]?.start ?? Infinity) < run.outer.end; t++) this.quoteOf[t] = r;
    });
  }

  token(t: number): Token | undefined {
    return this.doc.tokens[t];
  }

  inQuote(t: number): boolean {
    return (this.quoteOf[t] ?? -1) !== -1;
  }

  /** The speech verb's lemma when token t is one, outside quotes (speech verbs inside a quote are the speaker's words). */
  speechVerb(t: number, naming = false): string | undefined {
    const token = this.doc.tokens[t];
    if (!token || this.inQuote(t)) return undefined;
    if (!['VERB', 'AUX', 'NOUN', 'ADJ', 'X', 'PROPN'].includes(token.pos)) return undefined;
    // The tagger is trusted except where news verbs are often mis-tagged: `said`, `told`, and -ed/-ing forms.
    if (token.pos !== 'VERB' && !/(?:ed|ing)$/.test(token.lower) && !['said', 'says', 'told', 'tells'].includes(token.lower)) return undefined;
    if (naming) {
      const named = lemmaIn(NAMING_VERBS, token.text, token.lemma);
      if (named) return named;
    }
    const lemma = speechLemma(token.text, token.lemma);
    if (lemma === 'according' || lemma === 'accord') return undefined;
    if (lemma && token.pos !== 'VERB' && /^[\p{Lu}]/u.test(token.text)) return undefined;
    return lemma;
  }

  isSentenceEnd(t: number): boolean {
    const token = this.doc.tokens[t];
    return token !== undefined && SENTENCE_END.has(token.text) && !this.inQuote(t);
  }

  /** The first token of the sentence t is in, counting only sentence ends outside quotes; a closed quote that ends with . ends one too. */
  clauseStart(t: number): number {
    const paragraph = this.doc.sentences[this.doc.tokens[t]?.sentence ?? 0]?.paragraph;
    let k = t - 1;
    while (k >= 0) {
      const token = this.doc.tokens[k];
      if (!token) break;
      const sentence = this.doc.sentences[token.sentence];
      if (sentence?.paragraph !== paragraph) break;
      if (this.isSentenceEnd(k)) break;
      const run = this.quoteOf[k] ?? -1;
      if (run !== -1 && this.runs[run] && (this.doc.tokens[k]?.end ?? 0) === this.runs[run]?.outer.end && /[.!?]$/.test(this.doc.text.slice(this.runs[run]?.outer.start, (this.runs[run]?.outer.end ?? 1) - 1)) && this.quoteOf[t] !== run) {
        const next = this.doc.tokens[k + 1];
        if (next && /^[\p{Lu}]/u.test(next.text)) break;
      }
      k--;
    }
    return k + 1;
  }

  /** One past the last token of the sentence t is in. */
  clauseEnd(t: number): number {
    const paragraph = this.doc.sentences[this.doc.tokens[t]?.sentence ?? 0]?.paragraph;
    let k = t;
    while (k < this.doc.tokens.length) {
      const token = this.doc.tokens[k];
      if (!token || this.doc.sentences[token.sentence]?.paragraph !== paragraph) break;
      if (this.isSentenceEnd(k)) return k + 1;
      // A quote that closes a sentence (`… security.”` then a capital) ends it.
      const run = this.quoteOf[k] ?? -1;
      const quote = run === -1 ? undefined : this.runs[run];
      if (quote && token.end === quote.outer.end && k >= t && /[.!?]$/.test(this.doc.text.slice(quote.outer.start, quote.outer.end - 1))) {
        const next = this.doc.tokens[k + 1];
        if (!next || /^[\p{Lu}]/u.test(next.text)) return k + 1;
      }
      k++;
    }
    return k;
  }

  private skipBack(k: number, floor: number): number {
    let j = k;
    while (j >= floor) {
      const token = this.doc.tokens[j];
      if (!token || this.inQuote(j)) break;
      // An infinitive (`enables Pyongyang to assert`) or a possessive (`Beijing’s continued`) has no subject here.
      if (token.lower === 'to' || /^['’]s$/.test(token.text)) return floor - 1;
      if (AUXILIARY.has(token.lower) || token.pos === 'ADV' || token.pos === 'AUX' || token.pos === 'PART') {
        if (this.index.mentionAt(j)) break;
        j--;
        continue;
      }
      break;
    }
    return j;
  }

  /** A comma-enclosed aside between a subject and its verb: a role, a relative clause, an adverb (`, meanwhile,`). */
  private isAside(from: number, to: number): boolean {
    const first = this.doc.tokens[from];
    if (!first) return false;
    if (['who', 'which', 'whose', 'whom', 'meanwhile', 'however', 'too', 'though', 'in', 'for', 'at', 'after', 'speaking'].includes(first.lower)) return true;
    const words = this.doc.tokens.slice(from, to);
    if (words.length <= 2 && words.every((word) => word.pos === 'ADV')) return true;
    return words.slice(0, 6).some((word) => ROLE_NOUNS.includes(word.lower.replace(/s$/, '')));
  }

  /** Walks back from a verb to its subject: past auxiliaries and adverbs, comma asides, and coordinated verbs. */
  subjectOf(verb: number, floor: number, depth = 0): Subject | undefined {
    if (depth > 3) return undefined;
    let k = this.skipBack(verb - 1, floor);
    if (k < floor) return undefined;
    if (this.doc.tokens[k]?.text === ',') {
      let open = k - 1;
      while (open >= floor && this.doc.tokens[open]?.text !== ',' && !this.inQuote(open) && !this.isSentenceEnd(open)) open--;
      if (open >= floor && this.doc.tokens[open]?.text === ',' && this.isAside(open + 1, k)) {
        k = this.skipBack(open - 1, floor);
      } else if (open < floor || this.doc.tokens[open]?.text !== ',') {
        // `By framing it as …, Beijing seeks`: the comma closes an opening phrase, no subject here.
        return undefined;
      }
    }
    if (this.doc.tokens[k]?.text === ')') {
      // A name's native spelling or an aside in brackets: `Chen Jianguo (陈建国)`.
      let open = k - 1;
      while (open >= floor && this.doc.tokens[open]?.text !== '(') open--;
      if (open >= floor) k = open - 1;
    }
    const token = this.doc.tokens[k];
    if (!token) return undefined;
    const mention = this.index.mentionAt(k);
    if (mention && mention.last - 1 === k) return this.coordinated(mention, floor);
    if (mention && /^['’]s$/.test(this.doc.tokens[mention.last]?.text ?? '') === false && mention.role && k < mention.last) return this.coordinated(mention, floor);
    const pronoun = PRONOUNS[token.lower];
    if (pronoun && ['he', 'she', 'they', 'it'].includes(token.lower)) return { mentions: [], pronoun: token, first: k };
    if (token.lower === 'and' || token.lower === 'but') {
      for (let j = k - 1; j >= floor; j--) {
        if (this.isSentenceEnd(j)) break;
        if (this.inQuote(j)) continue;
        if (this.doc.tokens[j]?.pos === 'VERB') {
          const subject = this.subjectOf(j, floor, depth + 1);
          if (subject) return { ...subject, shared: true };
        }
      }
    }
    // The end of a role apposition: `Lin Jian, spokesperson for China’s Ministry of Foreign Affairs, stated`.
    const appositive = this.index.roleEndingAt(this.doc.tokens[k]?.end ?? -1);
    if (appositive && appositive.first >= floor && this.doc.tokens[appositive.last]?.text === ',') return this.coordinated(appositive, floor);
    return undefined;
  }

  /** `The United States, the European Union, and NATO`: a list needs `and` or `or` before its last item. */
  private coordinated(mention: Mention, floor: number): Subject {
    const mentions = [mention];
    let k = mention.first - 1;
    if (this.doc.tokens[k]?.lower === 'the') k--;
    let joined = false;
    while (k >= floor) {
      let j = k;
      const conjunction = this.doc.tokens[j]?.lower === 'and' || this.doc.tokens[j]?.lower === 'or';
      if (conjunction) j--;
      if (this.doc.tokens[j]?.text === ',') j--;
      if (j === k || (!conjunction && !joined)) break;
      joined = true;
      if (['the'].includes(this.doc.tokens[j]?.lower ?? '')) break;
      const previous = this.index.mentionAt(j);
      if (!previous || previous.last - 1 !== j) break;
      mentions.unshift(previous);
      k = previous.first - 1;
      if (['the'].includes(this.doc.tokens[k]?.lower ?? '')) k--;
    }
    const first = mentions[0]?.first ?? mention.first;
    const det = this.doc.tokens[first - 1];
    return { mentions, pronoun: null, first: det && ['the', 'a', 'an'].includes(det.lower) && first - 1 >= floor ? first - 1 : first };
  }

  /**
   * The main clause's subject, for a participle that has none of its own (`…, suggesting that …`): the subject of the
   * first verb in the sentence that has one.
   */
  mainSubject(from: number, before: number): Subject | undefined {
    for (let v = from; v < before; v++) {
      if (this.inQuote(v) || this.doc.tokens[v]?.pos !== 'VERB') continue;
      const subject = this.subjectOf(v, from);
      if (subject) return subject;
    }
    return undefined;
  }

  /**
   * `its director said`, `the ministry’s spokesman said`: whoever holds that role in that organization, known from the
   * actors table or from a role the text gives elsewhere; else an unnamed holder of the role, proposed as new.
   */
  roleHolder(verb: number, floor: number): { match: ActorMatch; first: number } | undefined {
    const { doc } = this;
    let k = verb - 1;
    while (k > floor && ['ADV', 'AUX'].includes(doc.tokens[k]?.pos ?? '')) k--;
    const noun = doc.tokens[k];
    if (!noun || !ROLE_NOUNS.includes(noun.lower.replace(/s$/, ''))) return undefined;
    // `its chief executive`, `the ministry’s deputy spokesperson`: a modifier or two before the role noun.
    let owner = k - 1;
    while (owner > floor && k - owner <= 2 && ['ADJ', 'NOUN', 'VERB'].includes(doc.tokens[owner]?.pos ?? '') && /^\p{Ll}/u.test(doc.tokens[owner]?.text ?? '')) owner--;
    const before = doc.tokens[owner];
    const roleWords = doc.tokens.slice(owner + 1, k + 1).map((word) => word.lower).join(' ');
    k = owner + 1;
    let organization: ActorMatch | null = null;
    let first = owner;
    if (before && ['its', 'their'].includes(before.lower)) {
      // `its` stands for the clause's subject, the first organization named in it, never a person.
      const mentions: ActorMatch[] = [];
      for (let j = floor; j < k - 1; j++) {
        const mention = this.index.mentionAt(j);
        if (mention?.match && mention.first === j) mentions.push(mention.match);
      }
      organization = mentions.find((match) => match.kind !== 'PERSON') ?? null;
      const guessed = mentions.find((match) => match.isNew);
      if (!organization && guessed) {
        this.index.reclassify(guessed.slug, 'ORGANIZATION', 'referred to as `its`');
        organization = this.index.matchFor(guessed.slug);
      }
    } else if (before && /^['’]s$/.test(before.text)) {
      const owner = this.index.mentionAt(k - 2);
      organization = owner?.match ?? null;
      first = owner?.first ?? k - 2;
      if (doc.tokens[first - 1]?.lower === 'the') first--;
    }
    if (!organization) return undefined;
    const role = noun.lower.replace(/s$/, '');
    const holds = (title: string) => title.toLowerCase().split(/\s+/).includes(role);
    for (const [slug, learned] of this.index.roles) {
      if (learned.organization?.slug === organization.slug && holds(learned.title)) {
        const match = this.index.matchFor(slug);
        if (match) return { match: { ...match, mention: doc.text.slice(doc.tokens[first]?.start, noun.end), via: 'role', score: 0.7 }, first };
      }
    }
    const holders = this.index.holdersOf(organization.slug, holds);
    const [only, ...others] = holders;
    if (only && others.length === 0) return { match: { ...only, mention: doc.text.slice(doc.tokens[first]?.start, noun.end), via: 'role', score: 0.75 }, first };
    const plural = /s$/.test(noun.lower) && noun.lower !== role;
    const title = capitalise(roleWords.replace(/s$/, plural ? '' : 's').replace(/ss$/, 's'));
    const proposed = this.index.actorNamed(`${capitalise(roleWords)} of ${organization.name}`, plural ? 'GROUP' : 'PERSON', { start: doc.tokens[first]?.start ?? noun.start, end: noun.end });
    this.index.affiliate(proposed, organization, title);
    return { match: { ...proposed, alternatives: holders.map((holder) => ({ slug: holder.slug, name: holder.name, score: 0.5 })) }, first };
  }

  /** `said Lin`, `said a spokesperson for X`: a subject after its verb. */
  subjectAfter(verb: number, ceiling: number): Subject | undefined {
    let k = verb + 1;
    if (['the', 'a', 'an'].includes(this.doc.tokens[k]?.lower ?? '')) k++;
    if (k >= ceiling) return undefined;
    const mention = this.index.mentionAt(k);
    if (mention && mention.first <= k) return { mentions: [mention], pronoun: null, first: verb + 1 };
    const token = this.doc.tokens[k];
    if (token && ['he', 'she', 'they', 'it'].includes(token.lower)) return { mentions: [], pronoun: token, first: k };
    return undefined;
  }

  /**
   * The nearest earlier mention, outside quotes, of an actor the pronoun can stand for (Citron looks at the two nearest
   * mentions; we take the nearest that fits: he/she a person, it a state or body, they a group, body or state).
   */
  resolvePronoun(pronoun: Token): ActorMatch | null {
    const fits = PRONOUN_FITS[PRONOUNS[pronoun.lower] ?? 'person'];
    const paragraph = this.doc.sentences[pronoun.sentence]?.paragraph ?? 0;
    for (let k = pronoun.index - 1; k >= 0; k--) {
      const token = this.doc.tokens[k];
      if (!token) break;
      if ((this.doc.sentences[token.sentence]?.paragraph ?? 0) < paragraph - 3) break;
      if (this.inQuote(k)) continue;
      const mention = this.index.mentionAt(k);
      if (!mention?.match) continue;
      k = mention.first;
      if (fits.includes(mention.match.kind)) return { ...mention.match, via: 'pronoun', score: Math.min(mention.match.score, 0.75) };
    }
    return null;
  }

  /** A verb's subject, or the holder of the role it names (`its chief executive calls …`). */
  subjectOrHolder(verb: number, floor: number): Subject | undefined {
    const subject = this.subjectOf(verb, floor);
    if (subject) return subject;
    const holder = this.roleHolder(verb, floor);
    return holder ? { mentions: [], pronoun: null, first: holder.first, holder: holder.match } : undefined;
  }

  matchOfSubject(subject: Subject): ActorMatch[] {
    if (subject.holder) return [subject.holder];
    if (subject.pronoun) {
      const match = this.resolvePronoun(subject.pronoun);
      return match ? [match] : [];
    }
    return subject.mentions.flatMap((mention) => (mention.match ? [mention.match] : []));
  }
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
