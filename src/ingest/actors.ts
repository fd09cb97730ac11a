import nlp from 'compromise';
import {
  BODY_HEADS,
  FAMILY_FIRST_SURNAMES,
  GROUP_NOUNS,
  MILITARY_HEADS,
  ORGANIZATION_HEADS,
  ROLE_NOUNS,
  STATE_ADJECTIVES,
  TITLES,
  UNNAMED_SOURCE_NOUNS,
} from './lexicon.js';
import { normalizeName, slugify } from './names.js';
import type { Doc, Token } from './text.js';
import type { ActorKind, ActorMatch, KnownActor, ProposedActor, Span } from './types.js';

export { normalizeName, slugify } from './names.js';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const NAME_CONNECTORS = new Set(['of', 'for', 'the', 'de', 'del', 'da', 'dos', 'van', 'von', 'der', 'den', 'la', 'le', 'al', 'bin', 'ibn', 'and', '&']);
/** Capitalised words that start sentences or headings without naming anyone. */
const NOT_NAMES = new Set([
  'the', 'a', 'an', 'this', 'that', 'these', 'those', 'however', 'although', 'but', 'and', 'or', 'in', 'on', 'at', 'by',
  'for', 'from', 'with', 'since', 'while', 'when', 'if', 'as', 'after', 'before', 'given', 'historically', 'additionally',
  'meanwhile', 'still', 'yet', 'so', 'then', 'there', 'here', 'it', 'he', 'she', 'they', 'we', 'i', 'you', 'his', 'her',
  'their', 'its', 'our', 'my', 'such', 'both', 'each', 'every', 'some', 'many', 'most', 'all', 'no', 'not', 'what',
  'who', 'why', 'how', 'where', 'which', 'speaking', 'responding', 'asked', 'according', 'today', 'yesterday',
  'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday', 'sunday', 'january', 'february', 'march',
  'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december', 'mr', 'ms', 'mrs', 'dr',
]);

export interface Mention {
  /** Token range of the whole mention, titles and adjectives included: [first, last). */
  first: number;
  last: number;
  span: Span;
  /** The name itself (no title, no possessive). */
  name: string;
  nameSpan: Span;
  title: string | null;
  /** A state named by an adjective or possessive before the name: `U.S. Secretary …`, `China’s Ministry …`. */
  state: string | null;
  stateSpan: Span | null;
  /** How the mention was found. */
  source: 'known' | 'name' | 'group' | 'unnamed';
  kindHint: ActorKind | null;
  /** Set for an unnamed source: who it speaks for (`a spokesperson for X`). */
  speaksFor: Mention | null;
  match: ActorMatch | null;
  /** The role the text gives this mention in an apposition (`, spokesperson for X,`). */
  role: { title: string; organization: Mention | null; span: Span } | null;
}

interface Form {
  text: string;
  norm: string;
  actor: KnownActor;
  via: 'name' | 'alias' | 'family-name';
  score: number;
  caseSensitive: boolean;
}

function personNameParts(name: string): { family: string; given: string[]; familyFirst: boolean } {
  const words = name.trim().split(/\s+/);
  if (words.length === 1 && CJK.test(name)) return { family: [...name][0] ?? name, given: [], familyFirst: true };
  const first = words[0] ?? name;
  const familyFirst = words.length >= 2 && (FAMILY_FIRST_SURNAMES.has(normalizeName(first)) || CJK.test(first));
  return familyFirst ? { family: first, given: words.slice(1), familyFirst } : { family: words.at(-1) ?? name, given: words.slice(0, -1), familyFirst };
}

export function familyName(name: string): string {
  return personNameParts(name).family;
}

/** The surface forms of the known actors: names, aliases, and a person's family name (respecting name order). */
function formsOf(actors: readonly KnownActor[]): Map<string, Form[]> {
  const byFirstWord = new Map<string, Form[]>();
  const add = (text: string, actor: KnownActor, via: Form['via'], score: number) => {
    const norm = normalizeName(text);
    if (norm.length === 0) return;
    const first = (norm.split(' ')[0] ?? norm).replace(/'s$/, '');
    const caseSensitive = text.length <= 4 || text === text.toUpperCase();
    const list = byFirstWord.get(first) ?? [];
    list.push({ text, norm, actor, via, score, caseSensitive });
    byFirstWord.set(first, list);
  };
  const families = new Map<string, KnownActor[]>();
  for (const actor of actors) {
    add(actor.name, actor, 'name', 1);
    for (const alias of actor.aliases) add(alias, actor, 'alias', 0.95);
    if (actor.kind === 'PERSON' && /\s/.test(actor.name.trim())) {
      const family = normalizeName(familyName(actor.name));
      families.set(family, [...(families.get(family) ?? []), actor]);
    }
  }
  for (const [family, owners] of families) {
    const owner = owners[0];
    if (!owner) continue;
    const taken = (byFirstWord.get(family) ?? []).some((form) => form.norm === family);
    if (!taken) add(familyName(owner.name), owner, 'family-name', owners.length === 1 ? 0.85 : 0.5);
  }
  for (const list of byFirstWord.values()) list.sort((a, b) => b.norm.length - a.norm.length || b.score - a.score);
  return byFirstWord;
}

const isNameWord = (token: Token | undefined) => token !== undefined && /^[\p{Lu}]/u.test(token.text) || (token !== undefined && CJK.test(token.text));

const TITLES_BY_FIRST_WORD = new Map<string, string[]>();
for (const title of TITLES) {
  const first = (title.split(' ')[0] ?? title).replace(/\.$/, '');
  TITLES_BY_FIRST_WORD.set(first, [...(TITLES_BY_FIRST_WORD.get(first) ?? []), title]);
}

function matchTitle(tokens: Token[], at: number, limit: number): { title: string; length: number } | null {
  for (const title of TITLES_BY_FIRST_WORD.get(tokens[at]?.text.replace(/\.$/, '') ?? '') ?? []) {
    const words = title.split(' ');
    if (at + words.length > limit) continue;
    if (words.every((word, k) => tokens[at + k]?.text === word || (tokens[at + k]?.text === word.replace(/\.$/, '') && tokens[at + k + 1]?.text === '.'))) {
      return { title, length: words.length };
    }
  }
  return null;
}

function guessKind(name: string, title: string | null, role: boolean): { kind: ActorKind; reason: string } {
  const lower = normalizeName(name);
  const words = lower.split(' ');
  const head = (list: readonly string[]) => list.some((word) => words.includes(word) || lower.endsWith(word));
  if (title) return { kind: 'PERSON', reason: `a personal title (${title}) precedes the name` };
  if (role) return { kind: 'PERSON', reason: 'a role apposition follows the name' };
  if (head(BODY_HEADS)) return { kind: 'GOVERNMENT_BODY', reason: 'the name has a government body head word' };
  if (head(MILITARY_HEADS)) return { kind: 'MILITARY', reason: 'the name has a military head word' };
  if (head(ORGANIZATION_HEADS)) return { kind: 'ORGANIZATION', reason: 'the name has an organization head word' };
  if (/^[A-Z]{2,6}$/.test(name.replace(/\./g, ''))) return { kind: 'ORGANIZATION', reason: 'an acronym' };
  const doc = nlp(name);
  if (words.length >= 2 && words.length <= 3 && personNameParts(name).familyFirst) return { kind: 'PERSON', reason: 'an East Asian family name first' };
  if (words.length >= 2 && doc.people().length > 0) return { kind: 'PERSON', reason: 'a personal name (compromise)' };
  if (doc.has('#Country') || doc.has('#City') || doc.places().length > 0) return { kind: 'STATE', reason: 'a country or capital (compromise): a capital speaks for its state' };
  if (doc.people().length > 0 || CJK.test(name)) return { kind: 'PERSON', reason: 'a personal name (compromise)' };
  if (words.length === 1 && /(?:ers|ians|ists|ents|ans)$/.test(lower)) return { kind: 'GROUP', reason: 'a plural of people (`Islanders`, `Democrats`)' };
  if (words.length >= 2 && words.length <= 4) return { kind: 'PERSON', reason: 'two to four capitalised words' };
  return { kind: 'PERSON', reason: 'a single capitalised word used as a speaker' };
}

export class ActorIndex {
  readonly mentions: Mention[] = [];
  private readonly byToken = new Map<number, Mention>();
  private readonly forms: Map<string, Form[]>;
  private readonly bySlug: Map<string, KnownActor>;
  readonly proposed = new Map<string, ProposedActor>();
  private readonly proposedByName = new Map<string, string>();
  private readonly takenSlugs: Set<string>;
  /** What the text says about an actor's role, learned at one mention and used at the next. */
  readonly roles = new Map<string, { title: string; organization: ActorMatch | null; onBehalfOf: ActorMatch | null }>();

  constructor(
    private readonly doc: Doc,
    private readonly actors: readonly KnownActor[],
  ) {
    this.forms = formsOf(actors);
    this.bySlug = new Map(actors.map((actor) => [actor.slug, actor]));
    this.takenSlugs = new Set(actors.map((actor) => actor.slug));
    this.find();
  }

  mentionAt(token: number): Mention | undefined {
    return this.byToken.get(token);
  }

  private readonly roleEnds = new Map<number, Mention>();
  private readonly order = new Map<Mention, number>();

  /** The mention whose role apposition ends at this offset. */
  roleEndingAt(offset: number): Mention | undefined {
    return this.roleEnds.get(offset);
  }

  private register(mention: Mention) {
    for (let t = mention.first; t < mention.last; t++) if (this.byToken.has(t)) return;
    this.mentions.push(mention);
    for (let t = mention.first; t < mention.last; t++) this.byToken.set(t, mention);
  }

  /** The longest known form that starts at token `at` and ends on a token boundary. */
  private knownAt(at: number): { form: Form; last: number } | null {
    const token = this.doc.tokens[at];
    if (!token) return null;
    const candidates = this.forms.get(normalizeName(token.text)) ?? [];
    for (const form of candidates) {
      for (let last = at; last < Math.min(this.doc.tokens.length, at + 12); last++) {
        const end = this.doc.tokens[last]?.end ?? 0;
        const surface = this.doc.text.slice(token.start, end);
        if (surface.length > form.text.length + 4) break;
        if (normalizeName(surface) !== form.norm) continue;
        if (form.caseSensitive && surface.replace(/[’]/g, "'") !== form.text.replace(/[’]/g, "'")) continue;
        if (!form.caseSensitive && !/^[\p{Lu}\p{N}]/u.test(surface) && /^[\p{Lu}]/u.test(form.text)) continue;
        if (this.doc.tokens[last]?.sentence !== token.sentence) break;
        return { form, last: last + 1 };
      }
    }
    return null;
  }

  private find() {
    const { tokens } = this.doc;
    for (let i = 0; i < tokens.length; ) {
      const mention = this.mentionFrom(i);
      if (mention) {
        this.register(mention);
        i = mention.last;
      } else {
        i++;
      }
    }
    for (const mention of this.mentions) {
      this.attachRole(mention);
      if (mention.role) this.roleEnds.set(mention.role.span.end, mention);
    }
    this.mentions.forEach((mention, order) => this.order.set(mention, order));
    for (const mention of this.mentions) this.resolve(mention);
    for (const mention of this.mentions) {
      const organization = mention.role?.organization?.match;
      if (organization?.isNew) this.reclassify(organization.slug, 'ORGANIZATION', 'named as the organization in a role apposition');
    }
  }

  private mentionFrom(i: number): Mention | null {
    const { tokens } = this.doc;
    const token = tokens[i];
    if (!token) return null;
    const sentenceEnd = this.doc.sentences[token.sentence]?.last ?? tokens.length;
    let at = i;
    let state: string | null = null;
    let stateSpan: Span | null = null;
    let title: string | null = null;
    // A state adjective or initialism (`U.S.`, `Ukrainian`, `North Korean`) before a title or a group noun.
    for (const width of [2, 1]) {
      const words = tokens.slice(at, at + width);
      if (words.length < width) continue;
      const phrase = words.map((word) => word.text).join(' ');
      const name = STATE_ADJECTIVES[phrase];
      const next = tokens[at + width];
      if (name && next && (matchTitle(tokens, at + width, sentenceEnd) || GROUP_NOUNS.has(next.lower) || UNNAMED_SOURCE_NOUNS.includes(next.lower))) {
        state = name;
        stateSpan = { start: words[0]?.start ?? 0, end: words.at(-1)?.end ?? 0 };
        at += width;
        break;
      }
    }
    const titled = matchTitle(tokens, at, sentenceEnd);
    if (titled && isNameWord(tokens[at + titled.length])) {
      title = titled.title;
      at += titled.length;
      if (tokens[at]?.text === '.') at++;
    }
    const known = this.knownAt(at);
    if (known) {
      const last = known.last;
      return this.build(i, at, last, title, state, stateSpan, 'known', known.form.actor.kind);
    }
    if (state && !title) {
      const head = tokens[at];
      if (head && (GROUP_NOUNS.has(head.lower) || UNNAMED_SOURCE_NOUNS.includes(head.lower))) {
        return this.build(i, i, at + 1, null, state, stateSpan, 'group', 'GROUP');
      }
    }
    // A group named by a common noun, with its modifiers: `diplomatic experts`, `European leaders`, `critics`.
    const determined = ['a', 'an', 'the', 'one', 'another'].includes(tokens[i - 1]?.lower ?? '');
    if ((GROUP_NOUNS.has(token.lower) || (determined && UNNAMED_SOURCE_NOUNS.includes(token.lower))) && token.pos !== 'VERB') {
      let from = i;
      while (from > 0 && i - from < 2) {
        const previous = tokens[from - 1];
        if (!previous || !['ADJ', 'PROPN', 'NOUN'].includes(previous.pos) || this.byToken.has(from - 1) || previous.sentence !== token.sentence) break;
        from--;
      }
      if (from < i) {
        // The modifiers were not registered as a mention of their own, so take them into the group.
        const mention = this.build(from, from, i + 1, null, null, null, 'group', 'GROUP');
        return mention;
      }
      return this.build(i, i, i + 1, null, null, null, 'group', 'GROUP');
    }
    // A capitalised name not in the actors table.
    if (!isNameWord(tokens[at])) return null;
    const firstWord = tokens[at];
    if (!firstWord || NOT_NAMES.has(firstWord.lower)) return null;
    const sentence = this.doc.sentences[firstWord.sentence];
    if (at === sentence?.first && !title && !['PROPN', 'X', 'NOUN'].includes(firstWord.pos)) return null;
    let last = at + 1;
    while (last < sentenceEnd) {
      const next = tokens[last];
      if (!next) break;
      if (isNameWord(next) && !NOT_NAMES.has(next.lower) && !this.knownAt(last)) {
        last++;
        continue;
      }
      if (NAME_CONNECTORS.has(next.lower) && isNameWord(tokens[last + 1]) && next.lower !== 'and' && !this.knownAt(last + 1)) {
        last += 2;
        continue;
      }
      break;
    }
    if (!title && last - at === 1 && firstWord.pos !== 'PROPN' && !CJK.test(firstWord.text) && at === sentence?.first) return null;
    // A nationality on its own (`North Korean troops`) describes; it does not name anyone.
    const words = tokens.slice(at, last).map((word) => word.text).join(' ');
    if (!title && STATE_ADJECTIVES[words] && !GROUP_NOUNS.has(tokens[last]?.lower ?? '')) return null;
    // Capitalised modifiers of a group noun: `European leaders`, `Western diplomats`.
    if (!title && GROUP_NOUNS.has(tokens[last]?.lower ?? '') && last - at <= 2) {
      return this.build(i, i, last + 1, null, state, stateSpan, 'group', 'GROUP');
    }
    return this.build(i, at, last, title, state, stateSpan, 'name', title ? 'PERSON' : null);
  }

  private build(first: number, nameFirst: number, last: number, title: string | null, state: string | null, stateSpan: Span | null, source: Mention['source'], kindHint: ActorKind | null): Mention {
    const { tokens, text } = this.doc;
    const start = tokens[first]?.start ?? 0;
    const end = tokens[last - 1]?.end ?? start;
    const nameStart = tokens[nameFirst]?.start ?? start;
    return {
      first,
      last,
      span: { start, end },
      name: text.slice(nameStart, end),
      nameSpan: { start: nameStart, end },
      title,
      state,
      stateSpan,
      source,
      kindHint,
      speaksFor: null,
      match: null,
      role: null,
    };
  }

  /**
   * `Name, role for|of|at Organization,` (Quootstrap's `$S , $* spokesman` generalised): the role and the organization.
   * `a spokesperson for X` and `officials at X` are unnamed sources speaking for X. `X’s Ministry` belongs to X.
   */
  private attachRole(mention: Mention) {
    const { tokens } = this.doc;
    let k = mention.last;
    if (tokens[k]?.text === '(' && tokens[k + 2]?.text === ')') k += 3;
    if (tokens[k]?.text === ',') {
      let j = k + 1;
      if (['the', 'a', 'an'].includes(tokens[j]?.lower ?? '')) j++;
      const roleWords: string[] = [];
      while (j < tokens.length && roleWords.length < 5) {
        const word = tokens[j];
        if (!word || !/^[\p{L}-]+$/u.test(word.text)) break;
        if (['for', 'of', 'at', 'with', 'in'].includes(word.lower)) break;
        const mentionHere = this.byToken.get(j);
        if (mentionHere) break;
        roleWords.push(word.text);
        j++;
      }
      const isRole = roleWords.some((word) => ROLE_NOUNS.includes(word.toLowerCase().replace(/s$/, '')));
      const article = ['the', 'a', 'an'].includes(tokens[j + 1]?.lower ?? '') ? 1 : 0;
      let organization = isRole && ['for', 'of', 'at', 'with', 'in'].includes(tokens[j]?.lower ?? '') ? this.byToken.get(j + 1 + article) : undefined;
      if (organization && /^['’]s$/.test(tokens[organization.last]?.text ?? '')) organization = this.byToken.get(organization.last + 1) ?? organization;
      if (isRole) {
        const endToken = organization ? tokens[organization.last - 1] : tokens[j - 1];
        mention.role = { title: roleWords.join(' '), organization: organization ?? null, span: { start: tokens[k + 1]?.start ?? 0, end: endToken?.end ?? 0 } };
        if (mention.kindHint === null && mention.source === 'name') mention.kindHint = 'PERSON';
      }
    }
    // `North Korea’s leader Kim Jong Un`: a possessive state and a lower-case role before the name.
    if (!mention.role && mention.source === 'name') {
      const before = tokens[mention.first - 1];
      if (before && ROLE_NOUNS.includes(before.lower) && tokens[mention.first - 2]?.text.match(/^['’]s$/)) {
        const owner = this.byToken.get(mention.first - 3);
        if (owner) mention.role = { title: before.text, organization: owner, span: { start: owner.span.start, end: before.end } };
        if (mention.kindHint === null) mention.kindHint = 'PERSON';
      }
    }
    // `X’s Ministry of Foreign Affairs`: the body belongs to X.
    if (tokens[mention.first - 1]?.text.match(/^['’]s$/) && !mention.state) {
      const owner = this.byToken.get(mention.first - 2);
      if (owner && owner !== mention) {
        mention.state = owner.name;
        mention.stateSpan = owner.span;
      }
    }
    // An unnamed source: `a spokesperson for X`, `officials at X`.
    if (mention.source === 'group' || UNNAMED_SOURCE_NOUNS.includes(tokens[mention.first]?.lower ?? '')) {
      const preposition = tokens[mention.last];
      if (preposition && ['for', 'at', 'of', 'from', 'in', 'with'].includes(preposition.lower)) {
        const article = ['the', 'a', 'an'].includes(tokens[mention.last + 1]?.lower ?? '') ? 1 : 0;
        const target = this.byToken.get(mention.last + 1 + article);
        if (target && UNNAMED_SOURCE_NOUNS.includes(tokens[mention.last - 1]?.lower ?? '')) {
          mention.source = 'unnamed';
          mention.speaksFor = target;
          // Named by its description in the text (`Spokesperson for the Ministry of Environment`), and covering it, so
          // that `… Ministry of Environment said` finds the spokesperson as the subject.
          const described = this.doc.text.slice(tokens[mention.last - 1]?.start ?? mention.nameSpan.start, target.span.end);
          mention.name = described.charAt(0).toUpperCase() + described.slice(1);
          mention.nameSpan = { start: tokens[mention.last - 1]?.start ?? mention.nameSpan.start, end: target.span.end };
          mention.span = { start: mention.span.start, end: target.span.end };
          for (let t = mention.last; t < target.last; t++) this.byToken.set(t, mention);
          mention.last = target.last;
        }
      }
    }
  }

  /** Known actors first (name, alias, family name, Wikidata ID), then names seen earlier in the text, then a new actor. */
  private resolve(mention: Mention) {
    if (mention.match) return;
    if (mention.speaksFor) this.resolve(mention.speaksFor);
    const norm = normalizeName(mention.name);
    const wikidata = this.wikidataAfter(mention);
    if (wikidata) {
      mention.match = this.matchOf(mention, wikidata, 1, 'wikidata', []);
      return;
    }
    const candidates = this.candidates(norm, mention);
    const best = candidates[0];
    if (best && best.score >= 0.8) {
      mention.match = this.matchOf(mention, best.actor, best.score, best.via, candidates.slice(1));
      return;
    }
    // A later, shorter reference to someone named earlier in this text: `Chen` after `Chen Jianguo`.
    if (!/\s/.test(norm) && (mention.source === 'name' || mention.source === 'known')) {
      const at = this.order.get(mention) ?? 0;
      for (let k = at - 1; k >= Math.max(0, at - 2000); k--) {
        const earlier = this.mentions[k];
        if (!earlier?.match || earlier.match.kind !== 'PERSON') continue;
        const parts = personNameParts(earlier.name);
        if (normalizeName(parts.family) === norm) {
          mention.match = { ...earlier.match, mention: mention.name, mentionSpan: mention.nameSpan, via: parts.familyFirst ? 'family-name' : 'surname', score: Math.min(earlier.match.score, 0.85) };
          return;
        }
      }
    }
    if (best && best.score >= 0.5) {
      mention.match = this.matchOf(mention, best.actor, best.score, best.via, candidates.slice(1));
      return;
    }
    mention.match = this.propose(mention, candidates);
  }

  private wikidataAfter(mention: Mention): KnownActor | undefined {
    const after = this.doc.text.slice(mention.span.end, mention.span.end + 60);
    const id = /^\s*\((?:[^)]*\/)?(Q[1-9]\d*)\)/.exec(after)?.[1];
    return id ? this.actors.find((actor) => actor.wikidataId === id) : undefined;
  }

  private candidates(norm: string, mention: Mention): { actor: KnownActor; score: number; via: string }[] {
    const scored = new Map<string, { actor: KnownActor; score: number; via: string }>();
    const offer = (actor: KnownActor, score: number, via: string) => {
      const existing = scored.get(actor.slug);
      if (!existing || existing.score < score) scored.set(actor.slug, { actor, score, via });
    };
    for (const list of this.forms.values()) {
      for (const form of list) {
        if (form.norm === norm) offer(form.actor, form.score, form.via);
      }
    }
    const words = norm.split(' ');
    for (const actor of this.actors) {
      if (actor.kind !== 'PERSON' || mention.source === 'group') continue;
      const names = [actor.name, ...actor.aliases].map(normalizeName);
      for (const name of names) {
        const parts = name.split(' ');
        // A given name alone is not how news refers back to someone: only an alternative, never the match.
        if (words.length === 1 && parts.length > 1 && parts.includes(norm)) offer(actor, 0.4, 'name-part');
        if (words.length > 1 && parts.length > 1 && words.every((word) => parts.includes(word))) offer(actor, 0.8, 'name-part');
      }
    }
    return [...scored.values()].sort((a, b) => b.score - a.score || a.actor.slug.localeCompare(b.actor.slug));
  }

  private matchOf(mention: Mention, actor: KnownActor, score: number, via: string, others: { actor: KnownActor; score: number }[]): ActorMatch {
    return {
      mention: mention.name,
      mentionSpan: mention.nameSpan,
      slug: actor.slug,
      name: actor.name,
      kind: actor.kind,
      score,
      via,
      alternatives: others.filter((other) => other.actor.slug !== actor.slug).slice(0, 3).map((other) => ({ slug: other.actor.slug, name: other.actor.name, score: other.score })),
      isNew: false,
    };
  }

  /** An actor by name, known or proposed (used for states named by adjective and for organizations in roles). */
  actorNamed(name: string, kind: ActorKind, span: Span | null): ActorMatch {
    const norm = normalizeName(name);
    for (const list of this.forms.values()) {
      const form = list.find((candidate) => candidate.norm === norm);
      if (form) return { mention: name, mentionSpan: span, slug: form.actor.slug, name: form.actor.name, kind: form.actor.kind, score: form.score, via: form.via, alternatives: [], isNew: false };
    }
    const pseudo: Mention = { first: -1, last: -1, span: span ?? { start: 0, end: 0 }, name, nameSpan: span ?? { start: 0, end: 0 }, title: null, state: null, stateSpan: null, source: 'name', kindHint: kind, speaksFor: null, match: null, role: null };
    const match = this.propose(pseudo, []);
    // Named elsewhere in the text with a weaker guess (`Ruritania` alone looks like a surname): the role here decides.
    if (match.kind !== kind) {
      this.reclassify(match.slug, kind, kind === 'STATE' ? 'named as the state an official or body belongs to' : 'named in a role');
      return { ...match, kind: this.proposed.get(match.slug)?.kind ?? kind };
    }
    return match;
  }

  private propose(mention: Mention, candidates: { actor: KnownActor; score: number }[]): ActorMatch {
    let name = mention.name.replace(/\s*\([^)]*\)$/, '').trim();
    if (mention.state && mention.source === 'name' && mention.kindHint !== 'PERSON' && !mention.title) {
      const guess = guessKind(name, null, false);
      if (guess.kind === 'GOVERNMENT_BODY' || guess.kind === 'MILITARY') name = `${mention.state}’s ${name}`;
    }
    const key = normalizeName(name);
    const existing = this.proposedByName.get(key);
    if (existing) {
      const actor = this.proposed.get(existing);
      if (actor) {
        actor.mentions.push(mention.nameSpan);
        return { mention: mention.name, mentionSpan: mention.nameSpan, slug: actor.slug, name: actor.name, kind: actor.kind, score: 0.7, via: 'new', alternatives: [], isNew: true };
      }
    }
    const guessed = mention.kindHint
      ? { kind: mention.kindHint, reason: mention.source === 'group' || mention.source === 'unnamed' ? 'a group or unnamed source named by a common noun' : mention.title ? `a personal title (${mention.title}) precedes the name` : 'named in a role or by a title' }
      : guessKind(name, mention.title, mention.role !== null);
    const kind = mention.source === 'unnamed' && !/s$/.test(name.split(' ')[0] ?? '') ? 'PERSON' : guessed.kind;
    let slug = slugify(name) || `${kind.toLowerCase().replace(/_/g, '-')}-${this.proposed.size + 1}`;
    if (this.takenSlugs.has(slug)) {
      let n = 2;
      while (this.takenSlugs.has(`${slug}-${n}`)) n++;
      slug = `${slug}-${n}`;
    }
    this.takenSlugs.add(slug);
    const aliases: string[] = [];
    const after = this.doc.text.slice(mention.nameSpan.end, mention.nameSpan.end + 40);
    const native = /^\s*\(([^)]+)\)/.exec(after)?.[1];
    if (native && CJK.test(native)) aliases.push(native.trim());
    if (kind === 'PERSON' && mention.source === 'name' && /\s/.test(name)) aliases.push(familyName(name));
    const actor: ProposedActor = { slug, name, kind, aliases, kindReason: guessed.reason, affiliations: [], mentions: [mention.nameSpan] };
    this.proposed.set(slug, actor);
    this.proposedByName.set(key, slug);
    return {
      mention: mention.name,
      mentionSpan: mention.nameSpan,
      slug,
      name,
      kind,
      score: 0.6,
      via: 'new',
      alternatives: candidates.slice(0, 3).map((other) => ({ slug: other.actor.slug, name: other.actor.name, score: other.score })),
      isNew: true,
    };
  }

  /** A proposed actor named as the organization in someone's role is not a person, whatever its name looked like. */
  reclassify(slug: string, kind: ActorKind, reason: string) {
    const proposed = this.proposed.get(slug);
    if (!proposed || proposed.kind !== 'PERSON') return;
    proposed.kind = kind;
    proposed.kindReason = reason;
    proposed.aliases = proposed.aliases.filter((alias) => alias !== familyName(proposed.name));
    for (const mention of this.mentions) if (mention.match?.slug === slug) mention.match = { ...mention.match, kind };
  }

  /** Records an affiliation the text states for a proposed actor, so the bundle carries it. */
  affiliate(actor: ActorMatch, organization: ActorMatch, role: string) {
    const proposed = this.proposed.get(actor.slug);
    if (!actor.isNew || !proposed) return;
    if (proposed.affiliations.some((a) => a.organization === organization.slug)) return;
    proposed.affiliations.push({ organization: organization.slug, role });
  }

  /** Known actors holding a role (as `holds` reads it) in an organization. */
  holdersOf(organization: string, holds: (role: string) => boolean): ActorMatch[] {
    return this.actors
      .filter((actor) => actor.affiliations.some((affiliation) => affiliation.organization === organization && holds(affiliation.role)))
      .map((actor) => ({ mention: actor.name, mentionSpan: null, slug: actor.slug, name: actor.name, kind: actor.kind, score: 0.75, via: 'role', alternatives: [], isNew: false }));
  }

  kindOf(slug: string): ActorKind | undefined {
    return this.bySlug.get(slug)?.kind ?? this.proposed.get(slug)?.kind;
  }

  affiliationsOf(slug: string): readonly { organization: string; role: string }[] {
    return this.bySlug.get(slug)?.affiliations ?? this.proposed.get(slug)?.affiliations ?? [];
  }

  matchFor(slug: string): ActorMatch | null {
    const known = this.bySlug.get(slug);
    if (known) return { mention: known.name, mentionSpan: null, slug, name: known.name, kind: known.kind, score: 1, via: 'affiliation', alternatives: [], isNew: false };
    const proposed = this.proposed.get(slug);
    if (proposed) return { mention: proposed.name, mentionSpan: null, slug, name: proposed.name, kind: proposed.kind, score: 0.6, via: 'affiliation', alternatives: [], isNew: true };
    return null;
  }
}
