import { chunk } from '../domain/chunk.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { actorEntry, claimEntry, slugLookup, sourceEntry, statementEntry } from './entries.js';
import { BUNDLE_FORMAT, type FactBundle } from './format.js';

/**
 * What to export: the subgraph around these records, or everything when no slug is given.
 *
 * - around an actor: the statements it made or that were made on its behalf;
 * - around a source: the statements it reports and the claims it narrates;
 * - around a claim: the claim and the statements that take a stance on it.
 *
 * Every record is exported whole and with everything it references, so that the bundle imports cleanly
 * into an empty database and re-imports into this one as all unchanged (an actor's affiliations and a
 * statement's stances are full sets on import: a partial list would delete the rest):
 * the thread a statement answers (every ancestor, up to its root), the speaker, onBehalfOf actor and
 * source of each statement, the claims of its stances, the source of each claim, and the organisations
 * an included actor is affiliated with, transitively. Members of an included organisation are not
 * pulled in.
 */
export interface BundleSelection {
  actors?: readonly string[] | undefined;
  sources?: readonly string[] | undefined;
  claims?: readonly string[] | undefined;
}

export class SelectionError extends Error {
  constructor(readonly missing: { type: 'actor' | 'source' | 'claim'; slug: string }[]) {
    super(missing.map(({ type, slug }) => `no ${type} with slug "${slug}"`).join('; '));
    this.name = 'SelectionError';
  }
}

type Db = Prisma.TransactionClient;

export const EXPORT_PAGE = 1_000;

const sourceSelect = { id: true, slug: true, title: true, url: true, publisher: true, publishedOn: true, text: true } satisfies Prisma.SourceSelect;
const actorSelect = {
  id: true,
  slug: true,
  name: true,
  kind: true,
  aliases: true,
  description: true,
  wikidataId: true,
  affiliations: { select: { organizationId: true, role: true, from: true, until: true } },
} satisfies Prisma.ActorSelect;
const claimSelect = { id: true, slug: true, text: true, topics: true, sourceId: true } satisfies Prisma.ClaimSelect;
const statementSelect = {
  id: true,
  seq: true,
  slug: true,
  text: true,
  kind: true,
  saidOn: true,
  venue: true,
  speakerId: true,
  onBehalfOfId: true,
  sourceId: true,
  respondsToId: true,
  responseKind: true,
  threadIds: true,
  retractedAt: true,
  retractedBy: true,
  retractionReason: true,
  quoteStart: true,
  quoteEnd: true,
  stances: { select: { id: true, claimId: true, position: true }, orderBy: { id: 'asc' } },
} satisfies Prisma.StatementSelect;

type SourceRow = Prisma.SourceGetPayload<{ select: typeof sourceSelect }>;
type ActorRow = Prisma.ActorGetPayload<{ select: typeof actorSelect }>;
type ClaimRow = Prisma.ClaimGetPayload<{ select: typeof claimSelect }>;
type StatementRow = Prisma.StatementGetPayload<{ select: typeof statementSelect }>;

interface Rows {
  sources: Map<string, SourceRow>;
  actors: Map<string, ActorRow>;
  claims: Map<string, ClaimRow>;
  statements: Map<string, StatementRow>;
}

/** The records a selection names directly, before references are followed. */
export interface SelectionSeeds {
  actorIds: Set<string>;
  sourceIds: Set<string>;
  claimIds: Set<string>;
  statementIds: Set<string>;
}

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export const isEmptySelection = (selection: BundleSelection | undefined) =>
  !selection || [selection.actors, selection.sources, selection.claims].every((slugs) => !slugs || slugs.length === 0);

export interface Page<K> {
  take: number;
  skip: number;
  cursor?: K;
}

/** Pages through a query with a cursor on a unique key (spread `page` into findMany), `EXPORT_PAGE` rows at a time. */
export async function* pages<T, K>(fetch: (page: Page<K>) => Promise<T[]>, keyOf: (row: T) => K): AsyncGenerator<T[]> {
  let page: Page<K> = { take: EXPORT_PAGE, skip: 0 };
  for (;;) {
    const rows = await fetch(page);
    if (rows.length > 0) yield rows;
    const last = rows.at(-1);
    if (rows.length < EXPORT_PAGE || last === undefined) return;
    page = { take: EXPORT_PAGE, skip: 1, cursor: keyOf(last) };
  }
}

export const byId = (row: { id: string }) => ({ id: row.id });

async function idsBySlug(
  find: (slugs: string[]) => Promise<{ id: string; slug: string }[]>,
  slugs: readonly string[] | undefined,
  type: 'actor' | 'source' | 'claim',
  missing: { type: 'actor' | 'source' | 'claim'; slug: string }[],
): Promise<Set<string>> {
  const found = new Map<string, string>();
  for (const part of chunk([...new Set(slugs ?? [])], EXPORT_PAGE)) for (const row of await find(part)) found.set(row.slug, row.id);
  for (const slug of new Set(slugs ?? [])) if (!found.has(slug)) missing.push({ type, slug });
  return new Set(found.values());
}

async function collect(into: Set<string>, fetch: (page: Page<{ id: string }>) => Promise<{ id: string }[]>) {
  for await (const rows of pages(fetch, byId)) for (const row of rows) into.add(row.id);
}

/** Resolves a selection's slugs and finds the statements and claims it is about; throws SelectionError for unknown slugs. */
export async function resolveSelection(db: Db, selection: BundleSelection, options: { statementsOnClaims?: boolean } = {}): Promise<SelectionSeeds> {
  const missing: { type: 'actor' | 'source' | 'claim'; slug: string }[] = [];
  const actorIds = await idsBySlug((slugs) => db.actor.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }), selection.actors, 'actor', missing);
  const sourceIds = await idsBySlug((slugs) => db.source.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }), selection.sources, 'source', missing);
  const claimIds = await idsBySlug((slugs) => db.claim.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }), selection.claims, 'claim', missing);
  if (missing.length > 0) throw new SelectionError(missing);

  const statementIds = new Set<string>();
  for (const part of chunk([...actorIds], EXPORT_PAGE)) {
    const where = { OR: [{ speakerId: { in: part } }, { onBehalfOfId: { in: part } }] };
    await collect(statementIds, (page) => db.statement.findMany({ where, select: { id: true }, orderBy: { id: 'asc' }, ...page }));
  }
  for (const part of options.statementsOnClaims === false ? [] : chunk([...claimIds], EXPORT_PAGE)) {
    for await (const batch of pages(
      (page) => db.stance.findMany({ where: { claimId: { in: part } }, select: { id: true, statementId: true }, orderBy: { id: 'asc' }, ...page }),
      byId,
    )) {
      for (const stance of batch) statementIds.add(stance.statementId);
    }
  }
  for (const part of chunk([...sourceIds], EXPORT_PAGE)) {
    const where = { sourceId: { in: part } };
    await collect(statementIds, (page) => db.statement.findMany({ where, select: { id: true }, orderBy: { id: 'asc' }, ...page }));
    await collect(claimIds, (page) => db.claim.findMany({ where, select: { id: true }, orderBy: { id: 'asc' }, ...page }));
  }
  return { actorIds, sourceIds, claimIds, statementIds };
}

async function loadByIds<T extends { id: string }>(into: Map<string, T>, ids: Iterable<string>, fetch: (ids: string[]) => Promise<T[]>): Promise<T[]> {
  const loaded: T[] = [];
  for (const part of chunk([...new Set(ids)].filter((id) => !into.has(id)), EXPORT_PAGE)) {
    for (const row of await fetch(part)) {
      into.set(row.id, row);
      loaded.push(row);
    }
  }
  return loaded;
}

async function loadAll(db: Db): Promise<Rows> {
  const rows: Rows = { sources: new Map(), actors: new Map(), claims: new Map(), statements: new Map() };
  for await (const batch of pages((page) => db.source.findMany({ select: sourceSelect, orderBy: { id: 'asc' }, ...page }), byId)) {
    for (const row of batch) rows.sources.set(row.id, row);
  }
  for await (const batch of pages((page) => db.actor.findMany({ select: actorSelect, orderBy: { id: 'asc' }, ...page }), byId)) {
    for (const row of batch) rows.actors.set(row.id, row);
  }
  for await (const batch of pages((page) => db.claim.findMany({ select: claimSelect, orderBy: { id: 'asc' }, ...page }), byId)) {
    for (const row of batch) rows.claims.set(row.id, row);
  }
  for await (const batch of pages(
    (page: Page<{ seq: number }>) =>
      db.statement.findMany({
        select: statementSelect,
        orderBy: { seq: 'asc' },
        ...page,
      }),
    (row) => ({ seq: row.seq }),
  )) {
    for (const row of batch) rows.statements.set(row.id, row);
  }
  return rows;
}

async function loadSubgraph(db: Db, seeds: SelectionSeeds): Promise<Rows> {
  const rows: Rows = { sources: new Map(), actors: new Map(), claims: new Map(), statements: new Map() };
  const requested = new Set<string>();
  let pending = [...seeds.statementIds];
  while (pending.length > 0) {
    for (const id of pending) requested.add(id);
    const loaded = await loadByIds(rows.statements, pending, (ids) => db.statement.findMany({ where: { id: { in: ids } }, select: statementSelect }));
    // threadIds gets the whole ancestry in one round; respondsToId covers a thread the write path left stale.
    pending = [...new Set(loaded.flatMap((row) => [...row.threadIds, ...(row.respondsToId ? [row.respondsToId] : [])]))].filter((id) => !requested.has(id));
  }
  const statements = [...rows.statements.values()];

  const claimIds = new Set([...seeds.claimIds, ...statements.flatMap((s) => s.stances.map((stance) => stance.claimId))]);
  const claims = await loadByIds(rows.claims, claimIds, (ids) => db.claim.findMany({ where: { id: { in: ids } }, select: claimSelect }));

  let actorIds = [...new Set([...seeds.actorIds, ...statements.flatMap((s) => (s.onBehalfOfId ? [s.speakerId, s.onBehalfOfId] : [s.speakerId]))])];
  while (actorIds.length > 0) {
    const loaded = await loadByIds(rows.actors, actorIds, (ids) => db.actor.findMany({ where: { id: { in: ids } }, select: actorSelect }));
    actorIds = [...new Set(loaded.flatMap((actor) => actor.affiliations.map((f) => f.organizationId)))].filter((id) => !rows.actors.has(id));
  }

  const sourceIds = [...seeds.sourceIds, ...statements.map((s) => s.sourceId), ...claims.flatMap((c) => (c.sourceId ? [c.sourceId] : []))];
  await loadByIds(rows.sources, sourceIds, (ids) => db.source.findMany({ where: { id: { in: ids } }, select: sourceSelect }));
  return rows;
}

/** Members after the organisations they are affiliated with (where affiliations do not form a cycle), else creation order. */
function orderActors(actors: Map<string, ActorRow>): ActorRow[] {
  const byCreation = [...actors.values()].sort((a, b) => compare(a.id, b.id));
  const seen = new Set<string>();
  const ordered: ActorRow[] = [];
  const visit = (actor: ActorRow) => {
    if (seen.has(actor.id)) return;
    seen.add(actor.id);
    for (const organizationId of actor.affiliations.map((f) => f.organizationId).sort(compare)) {
      const organization = actors.get(organizationId);
      if (organization) visit(organization);
    }
    ordered.push(actor);
  };
  for (const actor of byCreation) visit(actor);
  return ordered;
}

function assemble(rows: Rows): FactBundle {
  const byCreation = <T extends { id: string }>(map: Map<string, T>) => [...map.values()].sort((a, b) => compare(a.id, b.id));
  const actor = slugLookup(rows.actors, 'actor');
  const slugs = { actor, source: slugLookup(rows.sources, 'source'), statement: slugLookup(rows.statements, 'statement'), claim: slugLookup(rows.claims, 'claim') };
  return {
    format: BUNDLE_FORMAT,
    sources: byCreation(rows.sources).map(sourceEntry),
    actors: orderActors(rows.actors).map((row) => actorEntry(row, row.affiliations, actor)),
    claims: byCreation(rows.claims).map((row) => claimEntry(row, slugs.source)),
    statements: [...rows.statements.values()].sort((a, b) => a.seq - b.seq).map((row) => statementEntry(row, row.stances, slugs)),
  };
}

/** Reads inside one REPEATABLE READ transaction, so that a long export sees one consistent snapshot. */
export function readSnapshot<T>(prisma: PrismaClient, work: (db: Db) => Promise<T>): Promise<T> {
  return prisma.$transaction(work, { isolationLevel: 'RepeatableRead', maxWait: 10_000, timeout: 60 * 60_000 });
}

/**
 * Exports the database, or the subgraph around a selection (see BundleSelection), as a fact bundle.
 *
 * Order, stable across export -> import -> export: sources and claims in creation order (ids are
 * UUIDv7, and the importer creates records in bundle order); actors in creation order except that an
 * actor comes after the organisations it is affiliated with; statements by `seq`, their insertion
 * order, so a response follows the statement it answers wherever it did on import; stances in creation
 * order; affiliations by the organisation's slug, then role. Aliases and topics keep their stored order.
 * Reads page through each table with a cursor, EXPORT_PAGE rows at a time.
 */
export async function exportBundle(prisma: PrismaClient, selection?: BundleSelection): Promise<FactBundle> {
  return readSnapshot(prisma, async (db) => {
    const rows = selection && !isEmptySelection(selection) ? await loadSubgraph(db, await resolveSelection(db, selection)) : await loadAll(db);
    return assemble(rows);
  });
}

/**
 * The text of `JSON.stringify(document, null, 2)`, in pieces: the elements of top-level arrays one at a
 * time, so that a large export can be written without building one string of its full size.
 */
export function* jsonChunks(document: object): Generator<string> {
  const entries = Object.entries(document).filter(([, value]) => value !== undefined);
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  const indent = (text: string, by: string) => text.replaceAll('\n', `\n${by}`);
  yield '{\n';
  for (const [index, [key, value]] of entries.entries()) {
    yield `  ${JSON.stringify(key)}: `;
    if (Array.isArray(value) && value.length > 0) {
      yield '[\n';
      for (const [i, item] of value.entries()) yield `    ${indent(JSON.stringify(item, null, 2) ?? 'null', '    ')}${i < value.length - 1 ? ',' : ''}\n`;
      yield '  ]';
    } else {
      yield indent(JSON.stringify(value, null, 2) ?? 'null', '  ');
    }
    yield index < entries.length - 1 ? ',\n' : '\n';
  }
  yield '}';
}
