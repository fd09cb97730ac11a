import type { PrismaClient } from '../generated/prisma/client.js';
import { type ActorCandidateRow, actorCandidates, type CandidateSearch, type ClaimCandidateRow, claimCandidates } from '../sql/reconcile/candidates.js';
import { type EntityType, entityId, isSlug, normalizeKind, normalizeName, normalizeWikidataId, parseEntityId } from './model.js';
import type { PropertyValue, ReconQuery } from './query.js';

export interface Candidate {
  id: string;
  name: string;
  description?: string;
  type: { id: EntityType; name: string }[];
  score: number;
  match: boolean;
  features: { id: string; value: number | boolean }[];
}

export type ResultBatch = Record<string, { result: Candidate[] }>;

/** `%text%` for LIKE, case-folded as searchText is; null when the text is too short for the trigram index to help. */
export function containsPattern(text: string): string | null {
  if (text.length < 3) return null;
  return `%${likeEscape(text.toLocaleLowerCase('en-US'))}%`;
}

export const likeEscape = (text: string) => text.replace(/[\\%_]/g, (character) => `\\${character}`);

const valueText = (value: PropertyValue): string | null =>
  typeof value === 'string' ? value : typeof value === 'object' ? (value.name ?? value.id) : typeof value === 'number' ? String(value) : null;

const valuesOf = (query: ReconQuery, pid: string): PropertyValue[] => query.properties.filter((p) => p.pid === pid).flatMap((p) => p.values);

function wikidataIdsOf(query: ReconQuery): string[] {
  const ids = valuesOf(query, 'wikidataId').flatMap((value) => {
    const text = typeof value === 'object' ? value.id : valueText(value);
    const id = text === null ? null : normalizeWikidataId(text);
    return id ? [id] : [];
  });
  const fromText = normalizeWikidataId(query.text);
  return [...new Set(fromText ? [fromText, ...ids] : ids)];
}

/** The slug a query names directly: `actor:china`, or a bare slug-shaped query such as `china`. */
function directSlug(query: ReconQuery, type: EntityType): { slug: string; explicit: boolean } | null {
  const ref = parseEntityId(query.text);
  if (ref) return ref.type === type ? { slug: ref.slug, explicit: true } : null;
  return isSlug(query.text) ? { slug: query.text, explicit: false } : null;
}

function search(query: ReconQuery, type: EntityType): CandidateSearch {
  const named = parseEntityId(query.text) !== null || normalizeWikidataId(query.text) !== null;
  const text = named ? '' : query.text;
  return {
    key: query.key,
    text,
    pattern: containsPattern(text),
    slug: directSlug(query, type)?.slug ?? null,
    wikidataIds: type === 'Actor' ? wikidataIdsOf(query) : [],
    // One more than asked, so that an exact name shared by two entities is seen as ambiguous.
    limit: query.limit + 1,
  };
}

interface Scored {
  candidate: Candidate;
  exact: boolean;
  identified: boolean;
  contradicted: boolean;
}

const round = (value: number) => Math.round(value * 1000) / 1000;

function scoreActor(query: ReconQuery, row: ActorCandidateRow): Scored {
  const names = [row.name, ...row.aliases].map(normalizeName);
  const wanted = [query.text, ...valuesOf(query, 'alias').map(valueText)].filter((text): text is string => Boolean(text)).map(normalizeName);
  const exact = wanted.some((text) => names.includes(text));
  const slug = directSlug(query, 'Actor');
  const wikidataIds = wikidataIdsOf(query);
  const identified = (slug?.explicit === true && slug.slug === row.slug) || (row.wikidataId !== null && wikidataIds.includes(row.wikidataId));
  const wikidataConflict = wikidataIds.length > 0 && row.wikidataId !== null && !wikidataIds.includes(row.wikidataId);
  const kinds = valuesOf(query, 'kind')
    .map((value) => valueText(value))
    .flatMap((text) => (text ? [normalizeKind(text) ?? text] : []));
  const kindMatch = kinds.length === 0 ? null : kinds.includes(row.kind);
  const features: Candidate['features'] = [
    { id: 'name_similarity', value: round(row.similarity) },
    { id: 'exact_name', value: exact },
    { id: 'identifier', value: identified },
  ];
  if (kindMatch !== null) features.push({ id: 'kind_match', value: kindMatch });
  if (wikidataIds.length > 0) features.push({ id: 'wikidata_match', value: identified && !wikidataConflict });
  let score = exact || identified ? 100 : 100 * row.similarity;
  if (slug && !slug.explicit && slug.slug === row.slug) score = Math.max(score, 90);
  if (kindMatch === false) score *= 0.6;
  if (wikidataConflict) score *= 0.3;
  return {
    candidate: {
      id: entityId('Actor', row.slug),
      name: row.name,
      ...(row.description ? { description: row.description } : {}),
      type: [{ id: 'Actor', name: 'Actor' }],
      score: round(score),
      match: false,
      features,
    },
    exact,
    identified: identified && !wikidataConflict,
    contradicted: kindMatch === false || wikidataConflict,
  };
}

function scoreClaim(query: ReconQuery, row: ClaimCandidateRow): Scored {
  const exact = query.text !== '' && normalizeName(row.text) === normalizeName(query.text);
  const slug = directSlug(query, 'Claim');
  const identified = slug?.explicit === true && slug.slug === row.slug;
  const topics = valuesOf(query, 'topic').flatMap((value) => {
    const text = valueText(value);
    return text ? [text.trim().toLocaleLowerCase('en-US')] : [];
  });
  const topicMatch = topics.length === 0 ? null : row.topics.some((topic) => topics.includes(topic.toLocaleLowerCase('en-US')));
  const features: Candidate['features'] = [
    { id: 'text_similarity', value: round(row.similarity) },
    { id: 'exact_text', value: exact },
    { id: 'identifier', value: identified },
  ];
  if (topicMatch !== null) features.push({ id: 'topic_match', value: topicMatch });
  let score = exact || identified ? 100 : 100 * row.similarity;
  if (slug && !slug.explicit && slug.slug === row.slug) score = Math.max(score, 90);
  if (topicMatch === false) score *= 0.8;
  return {
    candidate: {
      id: entityId('Claim', row.slug),
      name: row.text,
      description: `Claim, ${row.status.toLowerCase()}${row.topics.length ? `; topics: ${row.topics.join(', ')}` : ''}`,
      type: [{ id: 'Claim', name: 'Claim' }],
      score: round(score),
      match: false,
      features,
    },
    exact,
    identified,
    contradicted: false,
  };
}

/**
 * A candidate is a match when the query identifies it (its id, or its Wikidata ID) or names it exactly
 * (name or alias, ignoring case and spacing) and nothing else in the results is named the same, and no
 * property given in the query contradicts it.
 */
function decide(scored: Scored[], limit: number): Candidate[] {
  const exact = scored.filter((entry) => entry.exact && !entry.contradicted);
  for (const entry of scored) {
    entry.candidate.match = !entry.contradicted && (entry.identified || (entry.exact && exact.length === 1));
  }
  return scored
    .sort((a, b) => Number(b.candidate.match) - Number(a.candidate.match) || b.candidate.score - a.candidate.score || a.candidate.name.localeCompare(b.candidate.name))
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** Answers a batch of reconciliation queries with one SQL statement per type. */
export async function reconcile(prisma: PrismaClient, queries: ReconQuery[]): Promise<ResultBatch> {
  const wants = (query: ReconQuery, type: EntityType) => query.types.length === 0 || query.types.includes(type);
  const [actors, claims] = await Promise.all([
    actorCandidates(prisma, queries.filter((query) => wants(query, 'Actor')).map((query) => search(query, 'Actor'))),
    claimCandidates(prisma, queries.filter((query) => wants(query, 'Claim')).map((query) => search(query, 'Claim'))),
  ]);
  const byKey = new Map<string, Scored[]>(queries.map((query) => [query.key, []]));
  const queryByKey = new Map(queries.map((query) => [query.key, query]));
  for (const row of actors) {
    const query = queryByKey.get(row.key);
    if (query) byKey.get(row.key)?.push(scoreActor(query, row));
  }
  for (const row of claims) {
    const query = queryByKey.get(row.key);
    if (query) byKey.get(row.key)?.push(scoreClaim(query, row));
  }
  const batch: ResultBatch = {};
  for (const query of queries) batch[query.key] = { result: decide(byKey.get(query.key) ?? [], query.limit) };
  return batch;
}
