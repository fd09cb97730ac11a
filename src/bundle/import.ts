import { actorSearchText } from '../domain/actors.js';
import { chunk } from '../domain/chunk.js';
import { refreshClaimStatuses } from '../domain/claims.js';
import { formatIsoDate, parseIsoDate } from '../domain/dates.js';
import { uuid7 } from '../domain/uuid7.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { type BundleIssue, type BundleStatement, type FactBundle, parseBundle } from './format.js';

export interface ImportCounts {
  created: number;
  updated: number;
  unchanged: number;
  deleted: number;
}

export interface ImportReport {
  dryRun: boolean;
  sources: ImportCounts;
  actors: ImportCounts;
  affiliations: ImportCounts;
  claims: ImportCounts;
  statements: ImportCounts;
  stances: ImportCounts;
}

export class BundleError extends Error {
  constructor(readonly issues: BundleIssue[]) {
    super(`The bundle is invalid: ${issues.length} problem${issues.length === 1 ? '' : 's'}, first at ${issues[0]?.path || '/'}: ${issues[0]?.message ?? ''}`);
    this.name = 'BundleError';
  }
}

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

const BATCH = 1_000;
const LOOKUP_BATCH = 5_000;

const counts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, deleted: 0 });
const date = (value: string | null) => (value === null ? null : (parseIsoDate(value) ?? null));
const sameDate = (a: Date | null, b: Date | null) => (a === null ? b === null : b !== null && formatIsoDate(a) === formatIsoDate(b));
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

type Retraction = NonNullable<BundleStatement['retraction']>;

/** A bundle sets a retraction but never lifts one: an older bundle without it must not revive a retracted statement. */
const retractionData = (retraction: BundleStatement['retraction']) =>
  retraction ? { retractedAt: new Date(retraction.at), retractedBy: retraction.by, retractionReason: retraction.reason } : {};

const sameRetraction = (current: { retractedAt: Date | null; retractedBy: string | null; retractionReason: string | null }, retraction: Retraction | null | undefined) =>
  !retraction ||
  (current.retractedAt?.getTime() === new Date(retraction.at).getTime() && current.retractedBy === retraction.by && current.retractionReason === retraction.reason);

function duplicateSlugs(bundle: FactBundle): BundleIssue[] {
  const issues: BundleIssue[] = [];
  for (const type of ['sources', 'actors', 'claims', 'statements'] as const) {
    const seen = new Map<string, number>();
    bundle[type].forEach((record, index) => {
      const first = seen.get(record.slug);
      if (first === undefined) seen.set(record.slug, index);
      else issues.push({ path: `/${type}/${index}/slug`, message: `duplicate slug "${record.slug}", already used at /${type}/${first}` });
    });
  }
  return issues;
}

async function idsBySlug(
  find: (slugs: string[]) => Promise<{ id: string; slug: string }[]>,
  slugs: Iterable<string>,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  for (const part of chunk([...new Set(slugs)], LOOKUP_BATCH)) {
    for (const row of await find(part)) found.set(row.slug, row.id);
  }
  return found;
}

async function findBySlug<T extends { slug: string }>(find: (slugs: string[]) => Promise<T[]>, slugs: string[]): Promise<Map<string, T>> {
  const found = new Map<string, T>();
  for (const part of chunk(slugs, LOOKUP_BATCH)) for (const row of await find(part)) found.set(row.slug, row);
  return found;
}

async function createInBatches<T>(rows: T[], create: (batch: T[]) => Promise<unknown>) {
  for (const part of chunk(rows, BATCH)) await create(part);
}

function validBundle(input: unknown): FactBundle {
  const parsed = parseBundle(input);
  if (!parsed.ok) throw new BundleError(parsed.issues);
  const duplicates = duplicateSlugs(parsed.bundle);
  if (duplicates.length > 0) throw new BundleError(duplicates);
  return parsed.bundle;
}

export interface ImportOptions {
  dryRun?: boolean;
  timeoutMs?: number;
  /** Runs inside the import's transaction after the writes, e.g. to record an audit entry. */
  afterWrite?: (tx: Prisma.TransactionClient, report: ImportReport) => Promise<void>;
}

/**
 * Imports a fact bundle in one transaction: all or nothing, matched by slug, idempotent.
 * Lists inside a record (an actor's affiliations, a statement's stances) are the full set: entries
 * missing from the bundle are removed.
 */
export async function importBundle(prisma: PrismaClient, input: unknown, options: ImportOptions = {}): Promise<ImportReport> {
  const bundle = validBundle(input);
  const dryRun = options.dryRun ?? false;
  try {
    return await prisma.$transaction(
      async (tx) => {
        const report = await writeBundle(tx, bundle, false);
        await options.afterWrite?.(tx, report);
        if (dryRun) throw new DryRunRollback({ ...report, dryRun: true });
        return report;
      },
      { maxWait: 10_000, timeout: options.timeoutMs ?? 10 * 60_000 },
    );
  } catch (error) {
    if (error instanceof DryRunRollback) return error.report;
    throw error;
  }
}

/** Writes a bundle inside a transaction the caller owns (the mutations build small bundles). */
export function applyBundle(tx: Prisma.TransactionClient, input: unknown): Promise<ImportReport> {
  return writeBundle(tx, validBundle(input), false);
}

async function writeBundle(tx: Prisma.TransactionClient, bundle: FactBundle, dryRun: boolean): Promise<ImportReport> {
  const report: ImportReport = {
    dryRun,
    sources: counts(),
    actors: counts(),
    affiliations: counts(),
    claims: counts(),
    statements: counts(),
    stances: counts(),
  };
  const issues: BundleIssue[] = [];

  // References may point at records in the bundle or already in the database.
  const sourceIds = await idsBySlug(
    (slugs) => tx.source.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }),
    [
      ...bundle.sources.map((s) => s.slug),
      ...bundle.claims.flatMap((c) => (c.source ? [c.source] : [])),
      ...bundle.statements.map((s) => s.source),
    ],
  );
  const actorIds = await idsBySlug(
    (slugs) => tx.actor.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }),
    [
      ...bundle.actors.flatMap((a) => [a.slug, ...a.affiliations.map((f) => f.actor)]),
      ...bundle.statements.flatMap((s) => (s.onBehalfOf ? [s.speaker, s.onBehalfOf] : [s.speaker])),
    ],
  );
  const claimIds = await idsBySlug(
    (slugs) => tx.claim.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }),
    [...bundle.claims.map((c) => c.slug), ...bundle.statements.flatMap((s) => s.stances.map((st) => st.claim))],
  );
  const statementIds = await idsBySlug(
    (slugs) => tx.statement.findMany({ where: { slug: { in: slugs } }, select: { id: true, slug: true } }),
    bundle.statements.flatMap((s) => (s.respondsTo ? [s.slug, s.respondsTo.statement] : [s.slug])),
  );

  const newSources = new Set(bundle.sources.filter((s) => !sourceIds.has(s.slug)).map((s) => s.slug));
  const newActors = new Set(bundle.actors.filter((a) => !actorIds.has(a.slug)).map((a) => a.slug));
  const newClaims = new Set(bundle.claims.filter((c) => !claimIds.has(c.slug)).map((c) => c.slug));
  const newStatements = new Set(bundle.statements.filter((s) => !statementIds.has(s.slug)).map((s) => s.slug));
  for (const slug of newSources) sourceIds.set(slug, uuid7());
  for (const slug of newActors) actorIds.set(slug, uuid7());
  for (const slug of newClaims) claimIds.set(slug, uuid7());
  for (const slug of newStatements) statementIds.set(slug, uuid7());

  const require = (ids: Map<string, string>, slug: string, path: string, what: string) => {
    const id = ids.get(slug);
    if (id === undefined) issues.push({ path, message: `no ${what} with slug "${slug}" in the bundle or the database` });
    return id ?? '';
  };
  bundle.actors.forEach((actor, a) =>
    actor.affiliations.forEach((affiliation, f) => {
      require(actorIds, affiliation.actor, `/actors/${a}/affiliations/${f}/actor`, 'actor');
      if (affiliation.actor === actor.slug) issues.push({ path: `/actors/${a}/affiliations/${f}/actor`, message: 'an actor cannot be affiliated with itself' });
    }),
  );
  bundle.claims.forEach((claim, c) => {
    if (claim.source) require(sourceIds, claim.source, `/claims/${c}/source`, 'source');
  });
  bundle.statements.forEach((statement, s) => {
    require(actorIds, statement.speaker, `/statements/${s}/speaker`, 'actor');
    if (statement.onBehalfOf) require(actorIds, statement.onBehalfOf, `/statements/${s}/onBehalfOf`, 'actor');
    require(sourceIds, statement.source, `/statements/${s}/source`, 'source');
    if (statement.respondsTo) {
      if (statement.respondsTo.statement === statement.slug) {
        issues.push({ path: `/statements/${s}/respondsTo/statement`, message: 'a statement cannot respond to itself' });
      } else {
        require(statementIds, statement.respondsTo.statement, `/statements/${s}/respondsTo/statement`, 'statement');
      }
    }
    const seen = new Set<string>();
    statement.stances.forEach((stance, t) => {
      require(claimIds, stance.claim, `/statements/${s}/stances/${t}/claim`, 'claim');
      if (seen.has(stance.claim)) issues.push({ path: `/statements/${s}/stances/${t}/claim`, message: `a second stance on claim "${stance.claim}": one per statement and claim` });
      seen.add(stance.claim);
    });
  });
  if (issues.length > 0) throw new BundleError(issues);

  const threads = await resolveThreads(tx, bundle, statementIds);
  if (threads.cycles.length > 0) throw new BundleError(threads.cycles);

  await writeSources(tx, bundle, sourceIds, newSources, report);
  await writeActors(tx, bundle, actorIds, newActors, report);
  await writeAffiliations(tx, bundle, actorIds, report);
  await writeClaims(tx, bundle, claimIds, sourceIds, newClaims, report);
  const { touchedClaims, moved } = await writeStatements(tx, bundle, { actorIds, sourceIds, statementIds, claimIds }, newStatements, threads.threadIds, report);
  await updateDescendantThreads(tx, threads.threadIds, moved);
  await refreshClaimStatuses(tx, touchedClaims);
  return report;
}

async function writeSources(tx: Prisma.TransactionClient, bundle: FactBundle, ids: Map<string, string>, created: Set<string>, report: ImportReport) {
  const existing = await findBySlug((slugs) => tx.source.findMany({ where: { slug: { in: slugs } } }), bundle.sources.filter((s) => !created.has(s.slug)).map((s) => s.slug));
  const toCreate: Prisma.SourceCreateManyInput[] = [];
  for (const source of bundle.sources) {
    const data = { title: source.title, url: source.url, publisher: source.publisher, publishedOn: date(source.publishedOn) };
    const current = existing.get(source.slug);
    if (!current) {
      toCreate.push({ id: ids.get(source.slug) ?? uuid7(), slug: source.slug, ...data });
    } else if (current.title === data.title && current.url === data.url && current.publisher === data.publisher && sameDate(current.publishedOn, data.publishedOn)) {
      report.sources.unchanged += 1;
    } else {
      await tx.source.update({ where: { id: current.id }, data });
      report.sources.updated += 1;
    }
  }
  await createInBatches(toCreate, (data) => tx.source.createMany({ data }));
  report.sources.created += toCreate.length;
}

async function writeActors(tx: Prisma.TransactionClient, bundle: FactBundle, ids: Map<string, string>, created: Set<string>, report: ImportReport) {
  const existing = await findBySlug((slugs) => tx.actor.findMany({ where: { slug: { in: slugs } } }), bundle.actors.filter((a) => !created.has(a.slug)).map((a) => a.slug));
  const toCreate: Prisma.ActorCreateManyInput[] = [];
  for (const actor of bundle.actors) {
    const data = {
      name: actor.name,
      kind: actor.kind,
      aliases: actor.aliases,
      description: actor.description,
      wikidataId: actor.wikidataId,
      searchText: actorSearchText(actor.name, actor.aliases),
    };
    const current = existing.get(actor.slug);
    if (!current) {
      toCreate.push({ id: ids.get(actor.slug) ?? uuid7(), slug: actor.slug, ...data });
    } else if (
      current.name === data.name &&
      current.kind === data.kind &&
      sameList(current.aliases, data.aliases) &&
      current.description === data.description &&
      current.wikidataId === data.wikidataId &&
      current.searchText === data.searchText
    ) {
      report.actors.unchanged += 1;
    } else {
      await tx.actor.update({ where: { id: current.id }, data });
      report.actors.updated += 1;
    }
  }
  await createInBatches(toCreate, (data) => tx.actor.createMany({ data }));
  report.actors.created += toCreate.length;
}

async function writeAffiliations(tx: Prisma.TransactionClient, bundle: FactBundle, actorIds: Map<string, string>, report: ImportReport) {
  const memberIds = bundle.actors.map((a) => actorIds.get(a.slug) ?? '');
  const existing = new Map<string, { id: string; from: Date | null; until: Date | null }>();
  for (const part of chunk(memberIds, LOOKUP_BATCH)) {
    for (const row of await tx.affiliation.findMany({ where: { actorId: { in: part } } })) {
      existing.set(`${row.actorId}|${row.organizationId}|${row.role}`, row);
    }
  }
  const toCreate: Prisma.AffiliationCreateManyInput[] = [];
  const kept = new Set<string>();
  for (const actor of bundle.actors) {
    const actorId = actorIds.get(actor.slug) ?? '';
    for (const affiliation of actor.affiliations) {
      const organizationId = actorIds.get(affiliation.actor) ?? '';
      const key = `${actorId}|${organizationId}|${affiliation.role}`;
      if (kept.has(key)) continue;
      kept.add(key);
      const data = { from: date(affiliation.from), until: date(affiliation.until) };
      const current = existing.get(key);
      if (!current) {
        toCreate.push({ id: uuid7(), actorId, organizationId, role: affiliation.role, ...data });
      } else if (sameDate(current.from, data.from) && sameDate(current.until, data.until)) {
        report.affiliations.unchanged += 1;
      } else {
        await tx.affiliation.update({ where: { id: current.id }, data });
        report.affiliations.updated += 1;
      }
    }
  }
  const removed = [...existing].filter(([key]) => !kept.has(key)).map(([, row]) => row.id);
  for (const part of chunk(removed, BATCH)) await tx.affiliation.deleteMany({ where: { id: { in: part } } });
  report.affiliations.deleted += removed.length;
  await createInBatches(toCreate, (data) => tx.affiliation.createMany({ data }));
  report.affiliations.created += toCreate.length;
}

async function writeClaims(
  tx: Prisma.TransactionClient,
  bundle: FactBundle,
  ids: Map<string, string>,
  sourceIds: Map<string, string>,
  created: Set<string>,
  report: ImportReport,
) {
  const existing = await findBySlug((slugs) => tx.claim.findMany({ where: { slug: { in: slugs } } }), bundle.claims.filter((c) => !created.has(c.slug)).map((c) => c.slug));
  const toCreate: Prisma.ClaimCreateManyInput[] = [];
  for (const claim of bundle.claims) {
    const data = { text: claim.text, topics: claim.topics, sourceId: claim.source ? (sourceIds.get(claim.source) ?? null) : null };
    const current = existing.get(claim.slug);
    if (!current) {
      toCreate.push({ id: ids.get(claim.slug) ?? uuid7(), slug: claim.slug, ...data });
    } else if (current.text === data.text && sameList(current.topics, data.topics) && current.sourceId === data.sourceId) {
      report.claims.unchanged += 1;
    } else {
      await tx.claim.update({ where: { id: current.id }, data });
      report.claims.updated += 1;
    }
  }
  await createInBatches(toCreate, (data) => tx.claim.createMany({ data }));
  report.claims.created += toCreate.length;
}

interface Ids {
  actorIds: Map<string, string>;
  sourceIds: Map<string, string>;
  statementIds: Map<string, string>;
  claimIds: Map<string, string>;
}

/**
 * Returns the ids of every claim whose stances (or whose stances' actors) may have changed, and of
 * every existing statement whose thread changed.
 */
async function writeStatements(
  tx: Prisma.TransactionClient,
  bundle: FactBundle,
  ids: Ids,
  created: Set<string>,
  threadIds: Map<string, string[]>,
  report: ImportReport,
): Promise<{ touchedClaims: Set<string>; moved: string[] }> {
  const touchedClaims = new Set<string>();
  const existing = await findBySlug(
    (slugs) => tx.statement.findMany({ where: { slug: { in: slugs } }, include: { stances: { select: { id: true, claimId: true, position: true } } } }),
    bundle.statements.filter((s) => !created.has(s.slug)).map((s) => s.slug),
  );
  const toCreate: Prisma.StatementCreateManyInput[] = [];
  const stancesToCreate: Prisma.StanceCreateManyInput[] = [];
  const stancesToDelete: string[] = [];
  const deferredResponses: { id: string; respondsToId: string }[] = [];
  // Updates wait until new statements exist: an existing statement may come to answer a new one.
  const updates: { id: string; data: Prisma.StatementUncheckedUpdateInput }[] = [];
  const moved: string[] = [];

  for (const statement of bundle.statements) {
    const id = ids.statementIds.get(statement.slug) ?? '';
    const respondsToId = statement.respondsTo ? (ids.statementIds.get(statement.respondsTo.statement) ?? null) : null;
    const data = {
      text: statement.text,
      kind: statement.kind,
      saidOn: date(statement.saidOn),
      venue: statement.venue,
      speakerId: ids.actorIds.get(statement.speaker) ?? '',
      onBehalfOfId: statement.onBehalfOf ? (ids.actorIds.get(statement.onBehalfOf) ?? null) : null,
      sourceId: ids.sourceIds.get(statement.source) ?? '',
      respondsToId,
      responseKind: statement.respondsTo?.kind ?? null,
      threadIds: threadIds.get(id) ?? [],
      ...retractionData(statement.retraction),
    };
    const current = existing.get(statement.slug);
    const currentStances = new Map((current?.stances ?? []).map((stance) => [stance.claimId, stance]));
    if (!current) {
      toCreate.push({ id, slug: statement.slug, ...data });
    } else if (
      current.text === data.text &&
      current.kind === data.kind &&
      sameDate(current.saidOn, data.saidOn) &&
      current.venue === data.venue &&
      current.speakerId === data.speakerId &&
      current.onBehalfOfId === data.onBehalfOfId &&
      current.sourceId === data.sourceId &&
      current.respondsToId === data.respondsToId &&
      current.responseKind === data.responseKind &&
      sameList(current.threadIds, data.threadIds) &&
      sameRetraction(current, statement.retraction)
    ) {
      report.statements.unchanged += 1;
    } else {
      updates.push({ id, data });
      report.statements.updated += 1;
      if (!sameList(current.threadIds, data.threadIds)) moved.push(id);
      if (
        current.speakerId !== data.speakerId ||
        current.onBehalfOfId !== data.onBehalfOfId ||
        !sameDate(current.saidOn, data.saidOn) ||
        !sameRetraction(current, statement.retraction)
      ) {
        for (const claimId of currentStances.keys()) touchedClaims.add(claimId);
      }
    }

    const wanted = new Set<string>();
    for (const stance of statement.stances) {
      const claimId = ids.claimIds.get(stance.claim) ?? '';
      wanted.add(claimId);
      const have = currentStances.get(claimId);
      if (!have) {
        stancesToCreate.push({ id: uuid7(), statementId: id, claimId, position: stance.position });
        touchedClaims.add(claimId);
      } else if (have.position === stance.position) {
        report.stances.unchanged += 1;
      } else {
        await tx.stance.update({ where: { id: have.id }, data: { position: stance.position } });
        report.stances.updated += 1;
        touchedClaims.add(claimId);
      }
    }
    for (const [claimId, stance] of currentStances) {
      if (!wanted.has(claimId)) {
        stancesToDelete.push(stance.id);
        touchedClaims.add(claimId);
      }
    }
  }

  // A response to a statement inserted in a later batch is linked once both rows exist.
  const batchOf = new Map(toCreate.map((row, index) => [row.id, Math.floor(index / BATCH)]));
  toCreate.forEach((row, index) => {
    const parentBatch = row.respondsToId ? batchOf.get(row.respondsToId) : undefined;
    if (row.id && row.respondsToId && parentBatch !== undefined && parentBatch > Math.floor(index / BATCH)) {
      deferredResponses.push({ id: row.id, respondsToId: row.respondsToId });
      row.respondsToId = null;
    }
  });
  await createInBatches(toCreate, (data) => tx.statement.createMany({ data }));
  report.statements.created += toCreate.length;
  for (const { id, respondsToId } of deferredResponses) {
    await tx.statement.update({ where: { id }, data: { respondsToId } });
  }
  for (const { id, data } of updates) await tx.statement.update({ where: { id }, data });
  for (const part of chunk(stancesToDelete, BATCH)) await tx.stance.deleteMany({ where: { id: { in: part } } });
  report.stances.deleted += stancesToDelete.length;
  await createInBatches(stancesToCreate, (data) => tx.stance.createMany({ data }));
  report.stances.created += stancesToCreate.length;
  return { touchedClaims, moved };
}

/**
 * Works out each bundle statement's thread (the ids it answers, root first) from the bundle's links
 * and the database's, and reports any response cycle the bundle would close.
 */
async function resolveThreads(tx: Prisma.TransactionClient, bundle: FactBundle, statementIds: Map<string, string>) {
  const parentOf = new Map<string, string | null>();
  const indexOf = new Map<string, number>();
  bundle.statements.forEach((statement, index) => {
    const id = statementIds.get(statement.slug) ?? '';
    indexOf.set(id, index);
    parentOf.set(id, statement.respondsTo ? (statementIds.get(statement.respondsTo.statement) ?? null) : null);
  });
  let frontier = [...new Set([...parentOf.values()].filter((id): id is string => id !== null && !parentOf.has(id)))];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const part of chunk(frontier, LOOKUP_BATCH)) {
      for (const row of await tx.statement.findMany({ where: { id: { in: part } }, select: { id: true, respondsToId: true } })) {
        parentOf.set(row.id, row.respondsToId);
        if (row.respondsToId && !parentOf.has(row.respondsToId)) next.push(row.respondsToId);
      }
    }
    frontier = [...new Set(next)];
  }

  const threadIds = new Map<string, string[]>();
  const cycles: BundleIssue[] = [];
  const threadOf = (start: string): string[] | undefined => {
    const known = threadIds.get(start);
    if (known) return known;
    const chain: string[] = [];
    const seen = new Set<string>([start]);
    let cursor = parentOf.get(start) ?? null;
    while (cursor !== null) {
      if (seen.has(cursor)) return undefined;
      seen.add(cursor);
      const cached = threadIds.get(cursor);
      if (cached) {
        chain.push(cursor, ...[...cached].reverse());
        break;
      }
      chain.push(cursor);
      cursor = parentOf.get(cursor) ?? null;
    }
    const thread = chain.reverse();
    threadIds.set(start, thread);
    return thread;
  };
  for (const [id, index] of indexOf) {
    if (threadOf(id) === undefined) {
      cycles.push({ path: `/statements/${index}/respondsTo/statement`, message: 'this response closes a cycle: a statement would answer itself through its thread' });
    }
  }
  return { threadIds, cycles };
}

/** Statements outside the bundle that answer a statement whose thread changed inherit the new thread. */
async function updateDescendantThreads(tx: Prisma.TransactionClient, threadIds: Map<string, string[]>, moved: string[]) {
  for (const part of chunk(moved, LOOKUP_BATCH)) {
    const descendants = await tx.statement.findMany({ where: { threadIds: { hasSome: part } }, select: { id: true, threadIds: true } });
    for (const descendant of descendants) {
      if (threadIds.has(descendant.id)) continue;
      const cut = descendant.threadIds.findLastIndex((id) => threadIds.has(id));
      const ancestor = descendant.threadIds[cut];
      if (ancestor === undefined) continue;
      const updated = [...(threadIds.get(ancestor) ?? []), ...descendant.threadIds.slice(cut)];
      if (!sameList(updated, descendant.threadIds)) {
        await tx.statement.update({ where: { id: descendant.id }, data: { threadIds: updated } });
      }
    }
  }
}
