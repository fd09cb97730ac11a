import { normalizeName } from './names.js';
import type { ActorMatch, Extraction, Span, StatementDraft } from './types.js';

/** The parts of a `fact-bundle/v1` document the scorer reads. */
export interface GoldBundle {
  actors: { slug: string; name: string; aliases: string[] }[];
  statements: { slug: string; speaker: string; onBehalfOf: string | null; text: string; kind: string; quote?: Span | null }[];
}

export interface Rates {
  truePositives: number;
  precision: number;
  recall: number;
  f1: number;
}

export interface QualityReport {
  goldQuotes: number;
  predictedQuotes: number;
  exact: Rates;
  overlap: Rates;
  /** Over the gold direct quotes found (≥ 80% overlap): the right actor. */
  speaker: { correct: number; total: number; accuracy: number };
  onBehalfOf: { correct: number; total: number; accuracy: number };
  /** Gold paraphrases and reported statements that some indirect draft covers (≥ 50% of the longer span). */
  indirect: { gold: number; predicted: number; found: number; recall: number; speakerCorrect: number };
  /** Quotes missed, or attributed to someone else, for reading in the test output. */
  misses: string[];
}


/** A span without the quote marks, punctuation and spaces at its ends (the recommended scoring in the research note). */
export function trimSpan(text: string, span: Span): Span {
  let { start, end } = span;
  const slice = text.slice(start, end);
  const lead = slice.length - slice.replace(/^[\s"'“”‘’„«»「」『』.,;:!?—–-]+/u, '').length;
  const tail = slice.length - slice.replace(/[\s"'“”‘’„«»「」『』.,;:!?—–-]+$/u, '').length;
  start += lead;
  end = Math.max(start, end - tail);
  return { start, end };
}

/**
 * Where a gold statement's words are in the article: its `quote` offsets when it has them; else the occurrence of its
 * text that quote marks enclose (a direct quote) or the first; else, for a quote split around its attribution, the
 * longest pieces of its text found one after another.
 */
export function locate(article: string, text: string, quote: Span | null | undefined, direct: boolean): Span[] {
  if (quote) return [quote];
  const occurrences: number[] = [];
  for (let at = article.indexOf(text); at !== -1; at = article.indexOf(text, at + 1)) occurrences.push(at);
  if (occurrences.length > 0) {
    const quoted = direct ? occurrences.find((at) => /[“"‘«„「]\s*$/u.test(article.slice(Math.max(0, at - 2), at))) : undefined;
    const at = quoted ?? occurrences[0] ?? 0;
    return [{ start: at, end: at + text.length }];
  }
  const parts: Span[] = [];
  let rest = text.trim();
  let from = 0;
  while (rest.length > 0) {
    let length = rest.length;
    let found = -1;
    while (length > 0) {
      found = article.indexOf(rest.slice(0, length), from);
      if (found !== -1) break;
      length--;
    }
    if (found === -1 || length < 2) return [];
    parts.push({ start: found, end: found + length });
    from = found + length;
    rest = rest.slice(length).trimStart();
  }
  return parts;
}

function covered(spans: Span[]): Span[] {
  return [...spans].filter((span) => span.end > span.start).sort((a, b) => a.start - b.start);
}

function length(spans: Span[]): number {
  return spans.reduce((sum, span) => sum + span.end - span.start, 0);
}

function intersection(a: Span[], b: Span[]): number {
  let total = 0;
  for (const x of a) for (const y of b) total += Math.max(0, Math.min(x.end, y.end) - Math.max(x.start, y.start));
  return total;
}

/** The letters and digits the spans cover: a quote over two paragraphs matches whether or not the break is counted. */
function wordPositions(text: string, spans: Span[]): string {
  const positions: number[] = [];
  for (const span of spans) for (let i = span.start; i < span.end; i++) if (/[\p{L}\p{N}]/u.test(text[i] ?? '')) positions.push(i);
  return positions.join(',');
}

function sameSpans(text: string, a: Span[], b: Span[]): boolean {
  return wordPositions(text, a) === wordPositions(text, b);
}

function rates(truePositives: number, predicted: number, gold: number): Rates {
  const precision = predicted === 0 ? 0 : truePositives / predicted;
  const recall = gold === 0 ? 0 : truePositives / gold;
  return { truePositives, precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/**
 * Is the predicted actor the gold one? With the gold's actors known to the engine, only the same slug counts. With
 * none known, the engine can only propose a new actor: it counts when its name or an alias is the gold actor's name or
 * one of its aliases (accents, case and apostrophes aside).
 */
function sameActor(predicted: ActorMatch | null, gold: string | null, bundle: GoldBundle, actorsKnown: boolean, aliases: Map<string, string[]>): boolean {
  if (gold === null || predicted === null) return gold === null && predicted === null;
  if (predicted.slug === gold && (actorsKnown ? !predicted.isNew : true)) return true;
  if (actorsKnown) return false;
  const actor = bundle.actors.find((candidate) => candidate.slug === gold);
  if (!actor) return false;
  const goldNames = new Set([actor.name, ...actor.aliases].map(normalizeName));
  return [predicted.name, ...(aliases.get(predicted.slug) ?? [])].some((name) => goldNames.has(normalizeName(name)));
}

export function score(article: string, gold: GoldBundle, extraction: Extraction, options: { actorsKnown: boolean }): QualityReport {
  const aliases = new Map(extraction.newActors.map((actor) => [actor.slug, actor.aliases]));
  const goldQuotes = gold.statements
    .filter((statement) => statement.kind === 'DIRECT_QUOTE')
    .map((statement) => ({ statement, spans: covered(locate(article, statement.text, statement.quote, true).map((span) => trimSpan(article, span))) }));
  const statements = extraction.drafts.filter((draft): draft is StatementDraft => draft.type === 'statement');
  const predicted = statements.filter((draft) => draft.kind === 'DIRECT_QUOTE').map((draft) => ({ draft, spans: covered(draft.parts.map((span) => trimSpan(article, span))) }));

  const misses: string[] = [];
  const matchedGold = new Set<number>();
  let exact = 0;
  let overlap = 0;
  let speakerCorrect = 0;
  let behalfCorrect = 0;
  for (const prediction of predicted) {
    let best = -1;
    let bestShare = 0;
    goldQuotes.forEach((candidate, g) => {
      if (matchedGold.has(g)) return;
      const share = intersection(prediction.spans, candidate.spans) / Math.max(length(prediction.spans), length(candidate.spans), 1);
      if (share > bestShare) {
        bestShare = share;
        best = g;
      }
    });
    const match = goldQuotes[best];
    if (!match || bestShare < 0.8) {
      if (match && bestShare > 0) misses.push(`partial (${Math.round(bestShare * 100)}%): ${prediction.draft.text.slice(0, 60)}`);
      else misses.push(`not in the truth: ${prediction.draft.text.slice(0, 60)}`);
      continue;
    }
    matchedGold.add(best);
    overlap++;
    if (sameSpans(article, prediction.spans, match.spans)) exact++;
    const speakerRight = sameActor(prediction.draft.speaker, match.statement.speaker, gold, options.actorsKnown, aliases);
    if (speakerRight) speakerCorrect++;
    else misses.push(`speaker ${prediction.draft.speaker?.slug ?? 'none'} instead of ${match.statement.speaker}: ${match.statement.text.slice(0, 50)}`);
    if (sameActor(prediction.draft.onBehalfOf, match.statement.onBehalfOf, gold, options.actorsKnown, aliases)) behalfCorrect++;
    else misses.push(`on behalf of ${prediction.draft.onBehalfOf?.slug ?? 'none'} instead of ${match.statement.onBehalfOf ?? 'none'}: ${match.statement.text.slice(0, 50)}`);
  }
  goldQuotes.forEach((candidate, g) => {
    if (!matchedGold.has(g)) misses.push(`missed: ${candidate.statement.text.slice(0, 60)}`);
  });

  const goldIndirect = gold.statements.filter((statement) => statement.kind !== 'DIRECT_QUOTE').map((statement) => ({ statement, spans: locate(article, statement.text, statement.quote, false) }));
  const indirectDrafts = statements.filter((draft) => draft.kind !== 'DIRECT_QUOTE');
  const used = new Set<StatementDraft>();
  let found = 0;
  let indirectSpeakers = 0;
  for (const candidate of goldIndirect) {
    const hits = indirectDrafts.filter((draft) => !used.has(draft) && intersection(draft.parts, candidate.spans) >= 0.5 * Math.max(length(draft.parts), length(candidate.spans)));
    const hit = hits.find((draft) => sameActor(draft.speaker, candidate.statement.speaker, gold, options.actorsKnown, aliases)) ?? hits[0];
    if (!hit) {
      misses.push(`indirect missed: ${candidate.statement.text.slice(0, 60)}`);
      continue;
    }
    used.add(hit);
    found++;
    if (sameActor(hit.speaker, candidate.statement.speaker, gold, options.actorsKnown, aliases)) indirectSpeakers++;
    else misses.push(`indirect speaker ${hit.speaker?.slug ?? 'none'} instead of ${candidate.statement.speaker}: ${candidate.statement.text.slice(0, 50)}`);
  }

  const ratio = (a: number, b: number) => (b === 0 ? 0 : a / b);
  return {
    goldQuotes: goldQuotes.length,
    predictedQuotes: predicted.length,
    exact: rates(exact, predicted.length, goldQuotes.length),
    overlap: rates(overlap, predicted.length, goldQuotes.length),
    speaker: { correct: speakerCorrect, total: overlap, accuracy: ratio(speakerCorrect, overlap) },
    onBehalfOf: { correct: behalfCorrect, total: overlap, accuracy: ratio(behalfCorrect, overlap) },
    indirect: { gold: goldIndirect.length, predicted: indirectDrafts.length, found, recall: ratio(found, goldIndirect.length), speakerCorrect: indirectSpeakers },
    misses,
  };
}

const f2 = (value: number) => value.toFixed(2);

/** A Markdown table of reports, one row per article and setting (what the README shows). */
export function qualityTable(rows: { article: string; actors: string; report: QualityReport }[]): string {
  const header = '| article | actors known | quotes (gold / found) | exact P / R / F1 | ≥80% overlap P / R / F1 | speaker accuracy | on-behalf-of accuracy | indirect recall (right speaker) |';
  const rule = '|---|---|---|---|---|---|---|---|';
  const lines = rows.map(({ article, actors, report }) =>
    [
      article,
      actors,
      `${report.goldQuotes} / ${report.predictedQuotes}`,
      `${f2(report.exact.precision)} / ${f2(report.exact.recall)} / ${f2(report.exact.f1)}`,
      `${f2(report.overlap.precision)} / ${f2(report.overlap.recall)} / ${f2(report.overlap.f1)}`,
      `${f2(report.speaker.accuracy)} (${report.speaker.correct}/${report.speaker.total})`,
      `${f2(report.onBehalfOf.accuracy)} (${report.onBehalfOf.correct}/${report.onBehalfOf.total})`,
      `${f2(report.indirect.recall)} (${report.indirect.found}/${report.indirect.gold}; ${report.indirect.speakerCorrect})`,
    ].join(' | '),
  );
  return [header, rule, ...lines.map((line) => `| ${line} |`)].join('\n');
}
