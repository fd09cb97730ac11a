import type { PrismaClient } from '../generated/prisma/client.js';
import { badRequest, RequestError } from './errors.js';
import { type EntityRef, type EntityType, entityId, PROPERTIES, parseEntityId, propertyById } from './model.js';
import { LIMITS, parseTypes } from './query.js';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character] ?? character);

const humanize = (value: string) => value.toLowerCase().replaceAll('_', ' ');

function parseRef(id: string | null, path: string): EntityRef {
  if (!id) throw badRequest('id is required: an entity identifier such as actor:china', path);
  const ref = parseEntityId(id);
  if (!ref) throw badRequest('not an entity identifier of this service (actor:<slug> or claim:<slug>)', path);
  return ref;
}

const notFound = (id: string) => new RequestError(404, 'NOT_FOUND', `no entity ${id.slice(0, 200)}`);

/** Where an entity's page is in the web app (`/actors/<slug>`, `/claims/<slug>`). */
export const webPath = (ref: EntityRef) => `/${ref.type === 'Actor' ? 'actors' : 'claims'}/${ref.slug}`;

/** The view template's target: the entity's page in the web app, once we know the entity exists. */
export async function entityLocation(prisma: PrismaClient, id: string): Promise<string> {
  const ref = parseRef(id, '/id');
  const exists = ref.type === 'Actor' ? await prisma.actor.findUnique({ where: { slug: ref.slug }, select: { id: true } }) : await prisma.claim.findUnique({ where: { slug: ref.slug }, select: { id: true } });
  if (!exists) throw notFound(id);
  return webPath(ref);
}

const PREVIEW_STYLE =
  'body{margin:0;font:14px/1.4 system-ui,sans-serif;color:#1b1b1b}main{padding:8px 12px}h1{font-size:16px;margin:0 0 4px}' +
  'p{margin:2px 0}.meta{color:#555;font-size:12px}.quote{border-left:3px solid #999;padding-left:8px}';

const page = (title: string, body: string) =>
  `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><style>${PREVIEW_STYLE}</style></head><body><main>${body}</main></body></html>`;

/** A small HTML card for OpenRefine's preview pane; every value from the database is escaped. */
export async function previewHtml(prisma: PrismaClient, id: string | null): Promise<string> {
  const ref = parseRef(id, '/id');
  if (ref.type === 'Actor') {
    const actor = await prisma.actor.findUnique({
      where: { slug: ref.slug },
      include: { affiliations: { include: { organization: { select: { name: true } } }, orderBy: { createdAt: 'asc' }, take: 5 }, _count: { select: { statements: true } } },
    });
    if (!actor) throw notFound(entityId(ref.type, ref.slug));
    const lines = [
      `<h1>${escapeHtml(actor.name)}</h1>`,
      `<p class="meta">${escapeHtml(humanize(actor.kind))}${actor.wikidataId ? ` · Wikidata ${escapeHtml(actor.wikidataId)}` : ''} · ${actor._count.statements} statement${actor._count.statements === 1 ? '' : 's'}</p>`,
      actor.description ? `<p>${escapeHtml(actor.description)}</p>` : '',
      actor.aliases.length ? `<p class="meta">Also: ${escapeHtml(actor.aliases.join(', '))}</p>` : '',
      ...actor.affiliations.map((affiliation) => `<p class="meta">${escapeHtml(affiliation.role)}, ${escapeHtml(affiliation.organization.name)}</p>`),
    ];
    return page(actor.name, lines.join(''));
  }
  const claim = await prisma.claim.findUnique({ where: { slug: ref.slug }, include: { _count: { select: { stances: true } } } });
  if (!claim) throw notFound(entityId(ref.type, ref.slug));
  const lines = [
    `<p class="quote">${escapeHtml(claim.text)}</p>`,
    `<p class="meta">Claim · ${escapeHtml(humanize(claim.status))} · ${claim._count.stances} stance${claim._count.stances === 1 ? '' : 's'}</p>`,
    claim.topics.length ? `<p class="meta">Topics: ${escapeHtml(claim.topics.join(', '))}</p>` : '',
  ];
  return page(claim.text.slice(0, 80), lines.join(''));
}

/** Properties data extension can fetch for a type (all types when none is given). */
export function proposeProperties(params: URLSearchParams) {
  const type = params.get('type');
  const rawLimit = params.get('limit');
  const types = parseTypes(type || undefined, '/type');
  let limit: number | undefined;
  if (rawLimit !== null && rawLimit !== '') {
    limit = Number(rawLimit);
    if (!Number.isInteger(limit) || limit < 1) throw badRequest('limit is a positive integer', '/limit');
  }
  const properties = PROPERTIES.filter((property) => property.extend && (types.length === 0 || types.includes(property.type)))
    .slice(0, limit)
    .map(({ id, name, description }) => ({ id, name, description }));
  return { ...(type ? { type } : {}), ...(limit === undefined ? {} : { limit }), properties };
}

type Cell = { id: string; name: string } | { str: string };

export interface ExtendQuery {
  ids: string[];
  properties: { id: string }[];
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

export function parseExtendQuery(input: unknown): ExtendQuery {
  if (!isRecord(input)) throw badRequest('"extend" is a JSON object {"ids": [...], "properties": [{"id": ...}]}', '/extend');
  const { ids, properties } = input;
  if (!Array.isArray(ids) || ids.some((id) => typeof id !== 'string')) throw badRequest('ids is an array of entity identifiers', '/extend/ids');
  if (ids.length > LIMITS.extendIds) throw new RequestError(413, 'BATCH_TOO_LARGE', `at most ${LIMITS.extendIds} ids per data extension request`, '/extend/ids');
  if (!Array.isArray(properties)) throw badRequest('properties is an array of {"id": ...}', '/extend/properties');
  if (properties.length > LIMITS.extendProperties) throw badRequest(`at most ${LIMITS.extendProperties} properties per request`, '/extend/properties');
  const parsed = properties.map((property: unknown, index) => {
    if (!isRecord(property) || typeof property.id !== 'string') throw badRequest('a property is {"id": string}', `/extend/properties/${index}`);
    if (!propertyById.get(property.id)?.extend) {
      const known = PROPERTIES.filter((p) => p.extend).map((p) => p.id);
      throw badRequest(`unknown property "${property.id.slice(0, 50)}" (data extension has ${known.join(', ')})`, `/extend/properties/${index}/id`);
    }
    return { id: property.id };
  });
  return { ids: ids.map((id: string) => id.slice(0, 300)), properties: parsed };
}

/** Values of the requested properties for each id; ids that name nothing (or a property of another type) get no values. */
export async function extend(prisma: PrismaClient, query: ExtendQuery) {
  const refs = new Map<string, EntityRef>();
  for (const id of query.ids) {
    const ref = parseEntityId(id);
    if (ref) refs.set(id, ref);
  }
  const slugsOf = (type: EntityType) => [...refs.values()].filter((ref) => ref.type === type).map((ref) => ref.slug);
  const [actors, claims] = await Promise.all([
    slugsOf('Actor').length
      ? prisma.actor.findMany({
          where: { slug: { in: slugsOf('Actor') } },
          include: {
            affiliations: {
              include: { organization: { select: { slug: true, name: true } } },
              orderBy: [{ from: { sort: 'asc', nulls: 'first' } }, { createdAt: 'asc' }],
            },
          },
        })
      : [],
    slugsOf('Claim').length ? prisma.claim.findMany({ where: { slug: { in: slugsOf('Claim') } } }) : [],
  ]);
  const actorBySlug = new Map(actors.map((actor) => [actor.slug, actor]));
  const claimBySlug = new Map(claims.map((claim) => [claim.slug, claim]));

  const values = (ref: EntityRef | undefined, property: string): Cell[] => {
    if (ref?.type === 'Actor') {
      const actor = actorBySlug.get(ref.slug);
      if (!actor) return [];
      const { affiliations } = actor;
      switch (property) {
        case 'kind':
          return [{ str: actor.kind }];
        case 'wikidataId':
          return actor.wikidataId ? [{ str: actor.wikidataId }] : [];
        case 'aliases':
          return actor.aliases.map((alias) => ({ str: alias }));
        case 'description':
          return actor.description ? [{ str: actor.description }] : [];
        case 'affiliations': {
          const seen = new Set<string>();
          return affiliations.flatMap((affiliation) =>
            seen.has(affiliation.organization.slug) ? [] : (seen.add(affiliation.organization.slug), [{ id: entityId('Actor', affiliation.organization.slug), name: affiliation.organization.name }]),
          );
        }
        case 'affiliationRoles':
          return affiliations.map((affiliation) => ({ str: `${affiliation.role}, ${affiliation.organization.name}` }));
        default:
          return [];
      }
    }
    if (ref?.type === 'Claim') {
      const claim = claimBySlug.get(ref.slug);
      if (!claim) return [];
      if (property === 'status') return [{ str: claim.status }];
      if (property === 'topics') return claim.topics.map((topic) => ({ str: topic }));
    }
    return [];
  };

  const rows: Record<string, Record<string, Cell[]>> = {};
  for (const id of query.ids) {
    rows[id] = Object.fromEntries(query.properties.map((property) => [property.id, values(refs.get(id), property.id)]));
  }
  const meta = query.properties.map(({ id }) => {
    const info = propertyById.get(id);
    return { id, name: info?.name ?? id, ...(id === 'affiliations' ? { type: { id: 'Actor', name: 'Actor' } } : {}) };
  });
  return { meta, rows };
}
