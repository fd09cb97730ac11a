import { ActorKind } from '../generated/prisma/enums.js';

/** The reconciliation API versions this endpoint speaks: 0.2, the latest published one, is a superset of 0.1. */
export const VERSIONS = ['0.1', '0.2'] as const;

export type EntityType = 'Actor' | 'Claim';

export interface TypeInfo {
  id: EntityType;
  name: string;
  description: string;
}

export const TYPES: readonly TypeInfo[] = [
  { id: 'Actor', name: 'Actor', description: 'A person, state, government body, organization, military or group' },
  { id: 'Claim', name: 'Claim', description: 'A checkable factual proposition' },
];

export const isEntityType = (value: string): value is EntityType => value === 'Actor' || value === 'Claim';

export interface PropertyInfo {
  id: string;
  name: string;
  description: string;
  type: EntityType;
  /** Usable in reconciliation queries (`properties: [{ pid, v }]`). */
  query: boolean;
  /** Fetchable by data extension. */
  extend: boolean;
}

export const PROPERTIES: readonly PropertyInfo[] = [
  { id: 'kind', name: 'Kind', description: `The actor's kind: ${Object.values(ActorKind).join(', ')}`, type: 'Actor', query: true, extend: true },
  { id: 'wikidataId', name: 'Wikidata ID', description: 'The Wikidata item, such as Q159 for Russia', type: 'Actor', query: true, extend: true },
  { id: 'alias', name: 'Alias', description: 'Another name the actor goes by', type: 'Actor', query: true, extend: false },
  { id: 'aliases', name: 'Aliases', description: 'Every other name the actor goes by', type: 'Actor', query: false, extend: true },
  { id: 'affiliations', name: 'Affiliations', description: 'The organizations the actor has a role in (entities)', type: 'Actor', query: false, extend: true },
  { id: 'affiliationRoles', name: 'Affiliation roles', description: 'The role held in each affiliation, as "role, organization"', type: 'Actor', query: false, extend: true },
  { id: 'description', name: 'Description', description: "The actor's description", type: 'Actor', query: false, extend: true },
  { id: 'topic', name: 'Topic', description: 'A topic the claim is filed under', type: 'Claim', query: true, extend: false },
  { id: 'topics', name: 'Topics', description: 'Every topic the claim is filed under', type: 'Claim', query: false, extend: true },
  { id: 'status', name: 'Status', description: 'The status derived from the stances taken on the claim', type: 'Claim', query: false, extend: true },
];

export const propertyById = new Map(PROPERTIES.map((property) => [property.id, property]));

const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
const WIKIDATA = /^Q[1-9]\d{0,11}$/;

export interface EntityRef {
  type: EntityType;
  slug: string;
}

const PREFIX: Record<EntityType, string> = { Actor: 'actor:', Claim: 'claim:' };

/** Entity identifiers carry their type, so an actor and a claim that share a slug stay distinct: `actor:china`. */
export const entityId = (type: EntityType, slug: string) => `${PREFIX[type]}${slug}`;

export function parseEntityId(id: string): EntityRef | null {
  for (const type of ['Actor', 'Claim'] as const) {
    if (!id.startsWith(PREFIX[type])) continue;
    const slug = id.slice(PREFIX[type].length);
    return SLUG.test(slug) ? { type, slug } : null;
  }
  return null;
}

export const isSlug = (value: string) => value.length <= 120 && SLUG.test(value);

/** `Q159`, `q159` or a Wikidata entity URL, as the canonical `Q159`; null when it is none of those. */
export function normalizeWikidataId(value: string): string | null {
  const trimmed = value.trim();
  const fromUrl = /^https?:\/\/(?:www\.)?wikidata\.org\/(?:wiki|entity)\/(Q\d+)$/i.exec(trimmed)?.[1];
  const candidate = (fromUrl ?? trimmed).toUpperCase();
  return WIKIDATA.test(candidate) ? candidate : null;
}

/** How names are compared for an exact match: case, surrounding and repeated spaces, and a final full stop do not count. */
export const normalizeName = (value: string) =>
  value
    .normalize('NFC')
    .toLocaleLowerCase('en-US')
    .replace(/\s+/g, ' ')
    .trim()
    .replace(/\.$/, '');

export function normalizeKind(value: string): ActorKind | null {
  const key = value.trim().toUpperCase().replace(/[\s-]+/g, '_');
  return (Object.values(ActorKind) as string[]).includes(key) ? (key as ActorKind) : null;
}
