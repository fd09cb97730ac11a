import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseBundle } from '../src/bundle/format.js';
import { type ClaimDraft, draftBundleSchema, extract, formatHasQuotes, IngestInputError, type KnownActor, knownActorsFromBundle, MAX_TEXT_BYTES, markDuplicates, type StatementDraft, toBundle } from '../src/ingest/index.js';
import { analyse } from '../src/ingest/text.js';

const actor = (slug: string, name: string, kind: KnownActor['kind'], extra: Partial<KnownActor> = {}): KnownActor => ({ slug, name, kind, aliases: [], wikidataId: null, affiliations: [], ...extra });

const ACTORS: KnownActor[] = [
  actor('freedonia', 'Freedonia', 'STATE', { aliases: ['Fredville'], wikidataId: 'Q999001' }),
  actor('sylvania', 'Sylvania', 'STATE', { wikidataId: 'Q999002' }),
  actor('freedonia-mfa', 'Ministry of Foreign Affairs of Freedonia', 'GOVERNMENT_BODY', {
    aliases: ["Freedonia's Ministry of Foreign Affairs", 'Freedonian Foreign Ministry'],
    affiliations: [{ organization: 'freedonia', role: 'Ministry of Foreign Affairs' }],
  }),
  actor('wang-lei', 'Wang Lei', 'PERSON', { affiliations: [{ organization: 'freedonia-mfa', role: 'Spokesperson' }] }),
  actor('maria-lopez', 'María López', 'PERSON'),
  actor('tom-lopez', 'Tom Lopez', 'PERSON'),
];

function statements(text: string, actors: KnownActor[] = ACTORS, publishedOn: string | null = null): StatementDraft[] {
  return extract({ text, actors, publishedOn }).drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
}
const quotes = (text: string, actors: KnownActor[] = ACTORS) => statements(text, actors).filter((draft) => draft.kind === 'DIRECT_QUOTE');
const claims = (text: string) => extract({ text, actors: ACTORS }).drafts.filter((draft): draft is ClaimDraft => draft.type === 'claim');

describe('direct quotes', () => {
  it('reads curly and straight quote marks alike', () => {
    for (const text of ['“We will not move the border,” Wang Lei said.', '"We will not move the border," Wang Lei said.']) {
      const [quote, ...rest] = quotes(text);
      expect(rest).toHaveLength(0);
      expect(quote?.text).toBe('We will not move the border');
      expect(quote?.speaker?.slug).toBe('wang-lei');
      expect(quote?.quote && text.slice(quote.quote.start, quote.quote.end)).toBe('We will not move the border');
    }
  });

  it('makes one statement of a quote split around its attribution', () => {
    const text = '“We are ready to talk,” she said, “but not under threat.” She left.';
    const [quote, ...rest] = quotes(`María López arrived. ${text}`);
    expect(rest).toHaveLength(0);
    expect(quote?.text).toBe('We are ready to talk, but not under threat.');
    expect(quote?.parts).toHaveLength(2);
    expect(quote?.flags).toContain('split');
    expect(quote?.quote).toBeNull();
    expect(quote?.speaker?.slug).toBe('maria-lopez');
  });

  it('keeps two quoted sentences apart when the attribution ends the sentence, and the second inherits the speaker', () => {
    const found = quotes('“We are ready to talk,” Wang Lei said. “The door is open to every neighbour.”');
    expect(found.map((quote) => [quote.text, quote.speaker?.slug, quote.rule])).toEqual([
      ['We are ready to talk', 'wang-lei', 'quote-marks+quote-speaker-said'],
      ['The door is open to every neighbour.', 'wang-lei', 'quote-marks+floating'],
    ]);
  });

  it('continues a quote into the next paragraph when that paragraph reopens it', () => {
    const text = 'Wang Lei told reporters:\n“The first point is simple. We keep our word.\n“The second point is harder, and it will take time.”\nThe briefing ended.';
    const [quote, ...rest] = quotes(text);
    expect(rest).toHaveLength(0);
    expect(quote?.flags).toContain('multi-paragraph');
    expect(quote?.parts).toHaveLength(2);
    expect(quote?.text).toBe('The first point is simple. We keep our word.\n“The second point is harder, and it will take time.');
    expect(quote?.speaker?.slug).toBe('wang-lei');
    expect(quote?.rule).toBe('quote-marks+speaker-said-colon');
  });

  it('keeps a nested quote inside the outer one', () => {
    const [quote, ...rest] = quotes('“They keep promising ‘next year’ and nothing happens,” María López said.');
    expect(rest).toHaveLength(0);
    expect(quote?.text).toBe('They keep promising ‘next year’ and nothing happens');
  });

  it('drops scare quotes and titles, but keeps a short quote a speech verb introduces', () => {
    expect(quotes('The so-called “peace plan” was published on a Monday.')).toHaveLength(0);
    expect(quotes('Wang Lei cited the report “Rivers And Borders Of The North” in his answer.')).toHaveLength(0);
    expect(quotes('She read the novel “the long way home” twice.')).toHaveLength(0);
    const [short] = quotes('Wang Lei described the talks as “very constructive”.');
    expect(short?.text).toBe('very constructive');
    expect(short?.speaker?.slug).toBe('wang-lei');
  });

  it('takes an unclosed quote to the paragraph’s end and flags it, and flags a closing mark with no opening one', () => {
    const text = '“We will never accept this, Wang Lei said at the border.\nSylvania did not answer.';
    const result = extract({ text, actors: ACTORS });
    const [quote] = result.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
    expect(quote?.flags).toContain('unmatched-quote');
    expect(quote?.confidence).toBeLessThan(0.6);
    expect(result.warnings).toHaveLength(1);
    const stray = quotes('We will never accept this,” Wang Lei said.');
    expect(stray[0]?.flags).toContain('unmatched-quote');
    expect(stray[0]?.speaker?.slug).toBe('wang-lei');
  });

  it('handles guillemets and CJK corner brackets', () => {
    expect(quotes('«Nous restons prudents sur ce point», said Wang Lei.')[0]?.text).toBe('Nous restons prudents sur ce point');
    expect(quotes('Wang Lei said: 「我们不会改变立场，也不会接受威胁。」')[0]?.text).toBe('我们不会改变立场，也不会接受威胁。');
  });
});

describe('attribution', () => {
  it('reads `said X`, `X said:` and `according to X`', () => {
    expect(quotes('“The border stays closed,” said Wang Lei.')[0]?.rule).toBe('quote-marks+quote-said-speaker');
    expect(quotes('Wang Lei said: “The border stays closed.”')[0]?.speaker?.slug).toBe('wang-lei');
    const according = quotes('According to Freedonia, “the border stays closed until the spring thaw.”');
    expect(according[0]?.speaker?.slug).toBe('freedonia');
    expect(according[0]?.rule).toBe('quote-marks+according-to');
  });

  it('reads a role apposition: the speaker, the role, and on whose behalf through the body’s own affiliation', () => {
    const text = '“Our position has not changed,” Wang Lei, spokesperson for Freedonia’s Ministry of Foreign Affairs, said on Tuesday.';
    const [quote] = quotes(text);
    expect(quote?.speaker?.slug).toBe('wang-lei');
    expect(quote?.role).toMatchObject({ title: 'spokesperson', organization: { slug: 'freedonia-mfa' } });
    expect(quote?.onBehalfOf?.slug).toBe('freedonia');
  });

  it('with no actors known, proposes the speaker, the body and its state from the same apposition', () => {
    const text = '“Our position has not changed,” Chen Hao, spokesperson for Ruritania’s Ministry of Trade, said on Tuesday.';
    const result = extract({ text, actors: [] });
    const [quote] = result.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
    expect(quote?.speaker).toMatchObject({ name: 'Chen Hao', kind: 'PERSON', isNew: true });
    expect(quote?.onBehalfOf).toMatchObject({ name: 'Ruritania', kind: 'STATE', isNew: true });
    const byName = new Map(result.newActors.map((proposed) => [proposed.name, proposed]));
    expect(byName.get('Ruritania’s Ministry of Trade')).toMatchObject({ kind: 'GOVERNMENT_BODY', affiliations: [{ organization: 'ruritania', role: 'Part of' }] });
    expect(byName.get('Chen Hao')).toMatchObject({ aliases: ['Chen'], affiliations: [{ organization: 'ruritania-ministry-of-trade', role: 'Spokesperson' }] });
  });

  it('reads a title with a state adjective: `U.S. Secretary of State Antony Blinken`', () => {
    const [quote] = quotes('U.S. Secretary of State Antony Blinken said, “The alliance is strong.”', []);
    expect(quote?.speaker).toMatchObject({ name: 'Antony Blinken', kind: 'PERSON' });
    expect(quote?.onBehalfOf).toMatchObject({ name: 'United States', kind: 'STATE' });
  });

  it('resolves a later family name, minding name order', () => {
    const text = 'Wang Lei spoke first. “We will wait,” Wang added.\nMaría López spoke next. “We will not,” López said.';
    const found = quotes(text);
    expect(found.map((quote) => [quote.speaker?.slug, quote.speaker?.via])).toEqual([
      ['wang-lei', 'family-name'],
      ['maria-lopez', 'surname'],
    ]);
    expect(found[1]?.speaker?.alternatives).toEqual([]);
    // `Lei` is Wang Lei's given name: it is not taken for his family name.
    expect(quotes('Wang Lei spoke first. “We will wait,” Lei added.')[0]?.speaker?.slug).not.toBe('wang-lei');
    const proposed = extract({ text: 'Kim Soo-jin chairs the council. “We start in May,” Kim said.', actors: [] });
    const [kim] = proposed.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
    expect(kim?.speaker).toMatchObject({ name: 'Kim Soo-jin', via: 'family-name' });
  });

  it('finds the holder of a role named by a possessive: `its chief executive calls ‘…’`', () => {
    const actors = [actor('kestrel', 'Kestrel Ferries', 'ORGANIZATION'), actor('aoife', 'Aoife Ní Bhriain', 'PERSON', { affiliations: [{ organization: 'kestrel', role: 'Chief executive' }] })];
    const [quote] = quotes('Kestrel Ferries will go electric, a plan its chief executive calls ‘the only sensible bet left’.', actors);
    expect(quote?.speaker).toMatchObject({ slug: 'aoife', via: 'role' });
    expect(quote?.onBehalfOf?.slug).toBe('kestrel');
  });

  it('falls back to the nearest verb’s subject for a long quote with no speech verb (the Gender Gap Tracker’s rule)', () => {
    const [quote] = quotes('Wang Lei put it bluntly: ‘We have been promised new roads three times and seen none of them.’');
    expect(quote).toMatchObject({ rule: 'quote-marks+nearest-verb', speaker: { slug: 'wang-lei' } });
    expect(quote?.confidence).toBeLessThan(0.7);
  });

  it('never takes a speaker from the next paragraph', () => {
    const found = quotes('“We are ready,” Wang Lei said. “The rest is up to them.”\nMaría López said the talks would resume.');
    expect(found.map((quote) => quote.speaker?.slug)).toEqual(['wang-lei', 'wang-lei']);
  });

  it('gives a shared surname alternatives', () => {
    const [quote] = quotes('“We will not,” Lopez said.');
    expect(['maria-lopez', 'tom-lopez']).toContain(quote?.speaker?.slug);
    expect(quote?.speaker?.alternatives.map((other) => other.slug)).toHaveLength(1);
    expect(quote?.speaker?.score).toBeLessThan(0.8);
  });

  it('resolves pronouns to the nearest speaker that fits', () => {
    const text = 'Wang Lei met officials from Sylvania. “This is a good start,” he said. Sylvania disagreed; it said the talks had “achieved nothing of substance”.';
    const found = quotes(text);
    expect(found.map((quote) => [quote.text, quote.speaker?.slug, quote.flags.includes('pronoun')])).toEqual([
      ['This is a good start', 'wang-lei', true],
      ['achieved nothing of substance', 'sylvania', true],
    ]);
  });

  it('makes an unnamed source speak on behalf of whom it speaks for', () => {
    const [quote] = quotes('A spokesperson for Freedonia’s Ministry of Foreign Affairs said the claims were “baseless and irresponsible”.');
    expect(quote?.onBehalfOf?.slug).toBe('freedonia-mfa');
    expect(quote?.speaker).toMatchObject({ name: "Spokesperson for Freedonia's Ministry of Foreign Affairs".replace("'", '’'), isNew: true, kind: 'PERSON' });
  });

  it('matches aliases and Wikidata IDs', () => {
    expect(quotes('“We are watching,” Fredville said.')[0]?.speaker).toMatchObject({ slug: 'freedonia', via: 'alias' });
    expect(quotes('“We are watching,” said the Republic (Q999002).')[0]?.speaker).toMatchObject({ slug: 'sylvania', via: 'wikidata' });
  });

  it('proposes an unknown speaker as a new actor with a guessed kind', () => {
    const result = extract({ text: '“The dam is safe,” said Inés Castañeda-Ruiz. “We checked it twice,” the Water Agency added.', actors: [] });
    const kinds = Object.fromEntries(result.newActors.map((proposed) => [proposed.name, proposed.kind]));
    expect(kinds).toMatchObject({ 'Inés Castañeda-Ruiz': 'PERSON', 'Water Agency': 'GOVERNMENT_BODY' });
    expect(result.newActors.map((proposed) => proposed.slug)).toContain('ines-castaneda-ruiz');
  });
});

describe('indirect speech', () => {
  it('makes a person’s `said that` a paraphrase and a group’s a reported position, at lower confidence', () => {
    const found = statements('Wang Lei said that the border would reopen in the spring. Critics argue that the decision came too late.');
    expect(found.map((draft) => [draft.kind, draft.speaker?.slug ?? draft.speaker?.name, draft.rule])).toEqual([
      ['PARAPHRASE', 'wang-lei', 'speaker-verb-clause'],
      ['REPORTED', 'critics', 'speaker-verb-clause'],
    ]);
    for (const draft of found) expect(draft.confidence).toBeLessThan(0.6);
  });

  it('reads `reiterated that` and `urged Y to`', () => {
    const found = statements('Freedonia reiterated that it would not send troops. Sylvania urged Freedonia to reopen the crossing.');
    expect(found.map((draft) => [draft.kind, draft.speaker?.slug, draft.text])).toEqual([
      ['REPORTED', 'freedonia', 'Freedonia reiterated that it would not send troops.'],
      ['REPORTED', 'sylvania', 'Sylvania urged Freedonia to reopen the crossing.'],
    ]);
  });

  it('reads the words first and the speaker after: `…, Wang Lei said on Tuesday.` and `…, its spokesperson said.`', () => {
    const [named] = statements('The crossing will reopen in May, Wang Lei said on Tuesday.');
    expect(named).toMatchObject({ kind: 'PARAPHRASE', text: 'The crossing will reopen in May', rule: 'content-speaker-said', speaker: { slug: 'wang-lei' } });
    const [role] = statements('The Freedonian Foreign Ministry will review the decision, its spokesperson said.');
    expect(role).toMatchObject({ text: 'The Freedonian Foreign Ministry will review the decision', rule: 'content-role-said', speaker: { slug: 'wang-lei', via: 'role' }, onBehalfOf: { slug: 'freedonia' } });
    const unknown = extract({ text: 'The Harbour Board will review the decision, its chairman said.', actors: [] });
    const [proposed] = unknown.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
    expect(proposed?.speaker).toMatchObject({ name: 'Chairman of Harbour Board', kind: 'PERSON', isNew: true });
    expect(unknown.newActors.find((actor) => actor.name === 'Chairman of Harbour Board')?.affiliations).toEqual([{ organization: 'harbour-board', role: 'Chairman' }]);
  });

  it('does not take an everyday use of a speech verb for speech', () => {
    expect(statements('Freedonia has maintained close ties with Sylvania for decades.')).toHaveLength(0);
    expect(statements('Wang Lei continued his tour of the northern provinces.')).toHaveLength(0);
  });

  it('does not report a quote’s attribution a second time, but reports the rest of a mixed quote', () => {
    const found = statements('Wang Lei said that the talks were “a waste of everyone’s time and money”.');
    expect(found.map((draft) => draft.kind)).toEqual(['DIRECT_QUOTE']);
    const mixed = statements('Wang Lei said ministers were ‘watching the border closely’ and that a decision would follow in the spring.');
    expect(mixed.map((draft) => [draft.kind, draft.speaker?.slug])).toEqual([
      ['PARAPHRASE', 'wang-lei'],
      ['DIRECT_QUOTE', 'wang-lei'],
    ]);
    expect(mixed[0]?.text).toBe('Wang Lei said ministers were ‘watching the border closely’ and that a decision would follow in the spring.');
  });
});

describe('the drafts as a bundle', () => {
  const articles = ['prisma/seed/china-north-korea-russia', 'tests/fixtures/ingest/aldmoor-flood-barrier', 'tests/fixtures/ingest/kestrel-ferries'].map((name) => ({
    name,
    text: readFileSync(new URL(`../${name}.txt`, import.meta.url), 'utf8'),
    truth: JSON.parse(readFileSync(new URL(`../${name}.bundle.json`, import.meta.url), 'utf8')) as Parameters<typeof knownActorsFromBundle>[0],
  }));

  for (const article of articles) {
    for (const known of [true, false]) {
      it(`${article.name}, ${known ? 'actors known' : 'no actors'}: a valid document whose every slug resolves, and that imports once the format has text and quote`, () => {
        const actors = known ? knownActorsFromBundle(article.truth) : [];
        const bundle = toBundle(article.text, extract({ text: article.text, actors, publishedOn: '2025-01-10' }), { title: 'An article', publishedOn: '2025-01-10' });
        expect(draftBundleSchema.safeParse(bundle).success).toBe(true);
        const slugs = new Set([...actors.map((actor) => actor.slug), ...bundle.actors.map((actor) => actor.slug)]);
        const referenced = [
          ...bundle.statements.flatMap((statement) => [statement.speaker, statement.onBehalfOf]),
          ...bundle.actors.flatMap((actor) => actor.affiliations.map((affiliation) => affiliation.actor)),
        ].filter((slug): slug is string => slug !== null);
        for (const slug of referenced) expect(slugs).toContain(slug);
        const claims = new Set(bundle.claims.map((claim) => claim.slug));
        for (const statement of bundle.statements) for (const stance of statement.stances) expect(claims).toContain(stance.claim);
        expect(new Set(bundle.statements.map((statement) => statement.slug)).size).toBe(bundle.statements.length);
        for (const statement of bundle.statements) if (statement.quote) expect(article.text.slice(statement.quote.start, statement.quote.end)).toBe(statement.text);
        // The shared format accepts it: whole once it has `text` and `quote`, and until then everything else.
        const today = formatHasQuotes ? bundle : {
          ...bundle,
          sources: bundle.sources.map(({ text: _text, ...source }) => source),
          statements: bundle.statements.map(({ quote: _quote, ...statement }) => statement),
        };
        const parsed = parseBundle(today);
        expect(parsed.ok ? [] : parsed.issues).toEqual([]);
        expect(bundle).toEqual(toBundle(article.text, extract({ text: article.text, actors, publishedOn: '2025-01-10' }), { title: 'An article', publishedOn: '2025-01-10' }));
      });
    }
  }
});

describe('duplicates', () => {
  it('marks drafts that repeat a stored statement by span or by words', () => {
    const text = '“We will not move the border,” Wang Lei said. “Nor will we talk,” he added.';
    const extraction = markDuplicates(extract({ text, actors: ACTORS }), [
      { slug: 'same-span', text: 'anything', quote: { start: 1, end: 28 } },
      { slug: 'same-words', text: '  nor WILL we   talk ' },
      { slug: 'unrelated', text: 'We will talk.' },
    ]);
    const found = extraction.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
    expect(found.map((draft) => draft.duplicates.map((duplicate) => `${duplicate.slug}:${duplicate.reason}`))).toEqual([['same-span:same-span'], ['same-words:same-text']]);
  });
});

describe('numeric claims', () => {
  it('reads qualifiers, what is counted, and part-of relations', () => {
    const [part, whole] = claims('Officials said approximately 8,000 of an estimated 10,000 North Korean troops are now in the region.');
    expect(part?.quantity).toMatchObject({ value: 8000, approximate: true, estimated: false, counted: 'North Korean troops' });
    expect(whole?.quantity).toMatchObject({ value: 10000, approximate: false, estimated: true, counted: 'North Korean troops' });
    expect(part?.partOf).toBe(whole?.id);
  });

  it('reads bounds', () => {
    const found = claims('Up to 300 families left, at least 40 schools closed and more than 1,200 jobs went.');
    expect(found.map((claim) => [claim.quantity.value, claim.quantity.lower, claim.quantity.upper, claim.quantity.lowerInclusive, claim.quantity.upperInclusive, claim.quantity.counted])).toEqual([
      [300, null, 300, false, true, 'families'],
      [40, 40, null, true, false, 'schools'],
      [1200, 1200, null, false, false, 'jobs'],
    ]);
  });

  it('tells a speaker’s number from the narration’s, and leaves years and decades alone', () => {
    const found = claims('Since the early 1990s, 2,000 homes were built in 2019. “We will build 500 more,” Wang Lei said.');
    expect(found.map((claim) => [claim.quantity.value, claim.rule])).toEqual([
      [2000, 'number-in-narration'],
      [500, 'number-in-statement'],
    ]);
    expect(found[1]?.statement).not.toBeNull();
  });

  it('scales millions and reads percentages', () => {
    const [budget, share] = claims('The plan costs about 410 million euros and covers 18 percent of the coast.');
    expect(budget?.quantity).toMatchObject({ value: 410_000_000, approximate: true, counted: 'euros' });
    expect(share?.quantity.value).toBe(18);
  });
});

describe('dates', () => {
  it('reads the day a statement was made relative to the publication date, never after it', () => {
    const [quote] = statements('Wang Lei said on Monday that the border would stay shut.', ACTORS, '2025-03-14');
    expect(quote?.saidOn).toBe('2025-03-10');
    const [dated] = statements('On 2 March 2025, Wang Lei said that the talks had failed.', ACTORS, '2025-03-14');
    expect(dated?.saidOn).toBe('2025-03-02');
    expect(statements('Wang Lei said on Monday that the border would stay shut.', ACTORS, null)[0]?.saidOn).toBeNull();
  });
});

describe('bad and unusual input', () => {
  it('refuses empty text and text over 1 MB with a validation error naming the field', () => {
    for (const text of ['', '   \n  ']) {
      expect(() => extract({ text })).toThrow(IngestInputError);
      try {
        extract({ text });
      } catch (error) {
        expect(error).toMatchObject({ code: 'VALIDATION', issues: [{ path: ['text'], message: 'must not be empty' }] });
      }
    }
    const large = 'a'.repeat(MAX_TEXT_BYTES + 1);
    expect(() => extract({ text: large })).toThrow(/limit is 1048576/);
    expect(() => extract({ text: 'é'.repeat(MAX_TEXT_BYTES / 2 + 1) })).toThrow(IngestInputError);
    expect(() => extract({ text: 'fine', publishedOn: '2025-02-30' })).toThrow(/publishedOn/);
    expect(() => extract({ text: 'a\u0000b' })).toThrow(/U\+0000/);
  });

  it('gives zero drafts for text with no quotes and no reported speech, and no quotes for reported speech alone', () => {
    expect(extract({ text: 'The river rose overnight. The road to the coast was closed.', actors: ACTORS }).drafts).toEqual([]);
    expect(quotes('Wang Lei said that the road would reopen.')).toEqual([]);
  });

  it('works on any Unicode, and every offset is a slice of the text', () => {
    const text = [
      '“The 🌊 is rising 🚣‍♀️ faster than forecast,” said Nguyễn Thị Hoa.',
      '«مرحبا بالجميع في الاجتماع اليوم», said Wang Lei.',
      '“Zażółć gęślą jaźń, ﬁnally,” Søren Ødegaard told the crowd in Tromsø.',
      'Park Ji-woo (박지우) said: “데이터가 말해 줍니다, and the data are clear.”',
    ].join('\n');
    const result = extract({ text, actors: ACTORS });
    const found = result.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement' && draft.kind === 'DIRECT_QUOTE');
    expect(found).toHaveLength(4);
    for (const draft of found) {
      for (const part of draft.parts) expect(text.slice(part.start, part.end).length).toBe(part.end - part.start);
      if (draft.quote) expect(text.slice(draft.quote.start, draft.quote.end)).toBe(draft.text);
    }
    expect(found.map((draft) => draft.speaker?.name)).toEqual(['Nguyễn Thị Hoa', 'Wang Lei', 'Søren Ødegaard', 'Park Ji-woo']);
    expect(result.newActors.find((proposed) => proposed.name === 'Park Ji-woo')?.aliases).toEqual(['박지우', 'Park']);
    expect(result.newActors.find((proposed) => proposed.name === 'Søren Ødegaard')?.slug).toBe('soren-odegaard');
  });

  it('rebuilds token offsets that round-trip, whatever the script', () => {
    const text = 'Zoë said “ok” 😀 — 北京 and Nguyễn; U.S. officials’ remarks.\n\n  Next paragraph.';
    const doc = analyse(text);
    for (const token of doc.tokens) expect(text.slice(token.start, token.end)).toBe(token.text);
    expect(doc.tokens.map((token) => token.text)).toContain('Nguyễn');
    expect(doc.tokens.map((token) => token.text)).toContain('U.S.');
    expect(doc.paragraphs).toHaveLength(2);
  });

  it('survives random text full of stray quote marks, and keeps every offset inside it (seeded, so a failure replays)', () => {
    let state = 20_261_129;
    const random = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const pieces = ['“', '”', '"', '‘', '’', "'", '«', '»', '「', '」', '\n', ' ', ', ', '. ', ' said ', ' Wang Lei', ' she', ' according to Freedonia', ' 8,000', ' about 40 ', 'Zoë', '北京', '😀', 'ﬁ', 'e\u0301', 'the talks', ' that ', ' urged ', ' its director'];
    for (let round = 0; round < 300; round++) {
      const text = `x${Array.from({ length: 5 + Math.floor(random() * 60) }, () => pieces[Math.floor(random() * pieces.length)]).join('')}`;
      const result = extract({ text, actors: ACTORS, publishedOn: '2025-03-14' });
      for (const draft of result.drafts) {
        const spans = draft.type === 'statement' ? [...draft.parts, ...(draft.quote ? [draft.quote] : [])] : [draft.span];
        for (const span of spans) {
          expect(span.start).toBeGreaterThanOrEqual(0);
          expect(span.end).toBeLessThanOrEqual(text.length);
          expect(span.end).toBeGreaterThan(span.start);
        }
        if (draft.type === 'statement' && draft.quote) expect(text.slice(draft.quote.start, draft.quote.end)).toBe(draft.text);
      }
    }
  });

  it('reads a long article whole: the seed repeated to half a megabyte gives each copy’s quotes (prints the time)', () => {
    const article = readFileSync(new URL('../prisma/seed/china-north-korea-russia.txt', import.meta.url), 'utf8');
    const once = extract({ text: article, actors: [] }).drafts.filter((draft) => draft.type === 'statement' && draft.kind === 'DIRECT_QUOTE').length;
    const copies = 55;
    const text = Array.from({ length: copies }, () => article).join('\n');
    const started = performance.now();
    const result = extract({ text, actors: [] });
    const seconds = (performance.now() - started) / 1000;
    process.stdout.write(`extract: ${(Buffer.byteLength(text) / 1024).toFixed(0)} KiB, ${result.drafts.length} drafts in ${seconds.toFixed(1)} s\n`);
    expect(result.drafts.filter((draft) => draft.type === 'statement' && draft.kind === 'DIRECT_QUOTE')).toHaveLength(once * copies);
  });

  it('is deterministic', () => {
    const text = '“We will wait,” Wang Lei said. Critics argue that waiting costs 2,000 jobs.';
    expect(extract({ text, actors: ACTORS })).toEqual(extract({ text, actors: ACTORS }));
  });
});
