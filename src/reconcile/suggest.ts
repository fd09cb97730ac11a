import type { PrismaClient } from '../generated/prisma/client.js';
import { suggestEntities } from '../sql/reconcile/candidates.js';
import { badRequest } from './errors.js';
import { type EntityType, entityId, isSlug, normalizeWikidataId, PROPERTIES, parseEntityId, TYPES } from './model.js';
import { checkText, LIMITS, parseTypes } from './query.js';
import { likeEscape } from './reconcile.js';

export const SUGGEST_PAGE = 10;

export interface SuggestParams {
  prefix: string;
  cursor: number;
  types: EntityType[];
}

/** `prefix`, `cursor` (suggestions to skip) and the optional `type` OpenRefine adds, from a query string. */
export function parseSuggestParams(params: URLSearchParams): SuggestParams {
  const prefix = checkText((params.get('prefix') ?? '').trim(), '/prefix', LIMITS.prefixCharacters);
  const rawCursor = params.get('cursor');
  const cursor = rawCursor === null || rawCursor === '' ? 0 : Number(rawCursor);
  if (!Number.isInteger(cursor) || cursor < 0 || cursor > 10_000) throw badRequest('cursor is a whole number of suggestions to skip, at most 10000', '/cursor');
  const types = params.getAll('type').filter((type) => type !== '');
  return { prefix, cursor, types: parseTypes(types.length ? types : undefined, '/type') };
}

/** The page of suggestions, and the cursor of the next page when there may be one (OpenRefine then offers "view more"). */
const page = <T>(items: T[], cursor: number) =>
  items.length > SUGGEST_PAGE ? { result: items.slice(0, SUGGEST_PAGE), cursor: cursor + SUGGEST_PAGE } : { result: items };

export async function suggestEntity(prisma: PrismaClient, { prefix, cursor, types }: SuggestParams) {
  if (!prefix) return { result: [] };
  const folded = likeEscape(prefix.toLocaleLowerCase('en-US'));
  const ref = parseEntityId(prefix);
  const wants = (type: EntityType) => types.length === 0 || types.includes(type);
  const rows = await suggestEntities(prisma, {
    startsWith: `${folded}%`,
    contains: `%${folded}%`,
    aliasStartsWith: `%\n${folded}%`,
    text: prefix,
    slug: ref?.slug ?? (isSlug(prefix) ? prefix : null),
    wikidataId: normalizeWikidataId(prefix),
    actors: wants('Actor') && (ref === null || ref.type === 'Actor'),
    claims: wants('Claim') && (ref === null || ref.type === 'Claim'),
    offset: cursor,
    limit: SUGGEST_PAGE + 1,
  });
  const items = rows.map((row) => ({
    id: entityId(row.type, row.slug),
    name: row.name,
    description: row.type === 'Actor' ? [row.detail.toLowerCase().replaceAll('_', ' '), row.description].filter(Boolean).join(': ') : `claim, ${row.detail.toLowerCase()}`,
    notable: [{ id: row.type, name: row.type }],
  }));
  return page(items, cursor);
}

const startsOrContains = (prefix: string, ...texts: string[]) => {
  const folded = prefix.toLocaleLowerCase('en-US');
  return texts.some((text) => text.toLocaleLowerCase('en-US').includes(folded));
};

/** Properties usable in queries and data extension, for the types asked (all when none), by id or name. */
export function suggestProperty({ prefix, cursor, types }: SuggestParams) {
  const items = PROPERTIES.filter((property) => (types.length === 0 || types.includes(property.type)) && startsOrContains(prefix, property.id, property.name)).map(
    ({ id, name, description }) => ({ id, name, description }),
  );
  return page(items.slice(cursor), cursor);
}

export function suggestType({ prefix, cursor }: SuggestParams) {
  const items = TYPES.filter((type) => startsOrContains(prefix, type.id, type.name)).map(({ id, name, description }) => ({ id, name, description }));
  return page(items.slice(cursor), cursor);
}
