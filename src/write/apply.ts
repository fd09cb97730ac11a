import { actorEntry, claimEntry, type SlugOf, sourceEntry, statementEntry } from '../bundle/entries.js';
import { type BundleActor, type BundleClaim, BundleError, type BundleIssue, type BundleSource, type BundleStatement, type FactBundle } from '../bundle/format.js';
import { actorSearchText } from '../domain/actors.js';
import { chunk } from '../domain/chunk.js';
import { deriveClaimStatus } from '../domain/claim-status.js';
import { formatIsoDate, parseIsoDate } from '../domain/dates.js';
import { Conflict } from '../domain/errors.js';
import { quoteProblems, textSha256 } from '../domain/quotes.js';
import { topicSlug } from '../domain/topics.js';
import { uuid7 } from '../domain/uuid7.js';
import type { Actor, Affiliation, Claim, Source, Statement } from '../generated/prisma/client.js';
import type { ClaimStatus, StancePosition } from '../generated/prisma/enums.js';
import { deleteRows, insertRows, type Row, updateRows } from '../sql/write/bulk.js';
import { lockClaimsForStatus, lockDescendants, lockKeys, lockQuotedSources, lockRows, lockThreadRows, type ThreadRow } from '../sql/write/locks.js';
import { stancesOf as readStances } from '../sql/write/reads.js';
import { logCreatedStatuses, refreshClaimStatuses, type StatusCause } from '../sql/write/status.js';
import type { PositionChangedEvent } from '../events.js';
import { changesOnClaims } from '../sql/positions/changes.js';
import { appeared } from './positions.js';
import { RaceLost, type Tx } from './transaction.js';

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
  /** Things an editor should look at that did not stop the import, e.g. a new claim worded like a stored one. */
  warnings?: ImportWarning[];
}

export interface ImportWarning {
  /** JSON pointer into the bundle, e.g. /claims/3. */
  path: string;
  message: string;
  /** The stored claim it resembles (null for a warning about the import as a whole). */
  similar: string | null;
  score: number | null;
}

export type RecordType = 'Source' | 'Actor' | 'Claim' | 'Statement';
type Entry = BundleSource | BundleActor | BundleClaim | BundleStatement;

/** A record whose entry changed: created (no before) or updated, with exactly what is now stored. */
export interface Change {
  type: RecordType;
  id: string;
  slug: string;
  before: Entry | null;
  after: Entry;
}

export interface Applied {
  report: ImportReport;
  /** Records updated; records created too when creating (an import does not describe what it creates). */
  changes: Change[];
  /** Statements this write created, by slug: what `statementRecorded` announces once it commits. */
  createdStatements: { id: string; slug: string }[];
  /** Position changes the write made appear: to announce once it commits. */
  positionChanges: PositionChangedEvent[];
  /** Slug to id, per type, of every record the bundle names. */
  ids: { sources: Map<string, string>; actors: Map<string, string>; claims: Map<string, string>; statements: Map<string, string> };
}

export interface ApplyOptions {
  /** `create`: every record must be new, a slug in use is a ConflictError. `upsert`: matched by slug, as imports are. */
  mode: 'create' | 'upsert';
  /** Who writes and why, for the claim status changes the write causes (statusHistory). */
  cause?: StatusCause;
}

const DEFAULT_CAUSE: StatusCause = { action: 'importBundle', writer: 'import' };
const LOOKUP_BATCH = 5_000;
const counts = (): ImportCounts => ({ created: 0, updated: 0, unchanged: 0, deleted: 0 });
const date = (value: string | null) => (value === null ? null : (parseIsoDate(value) ?? null));
/** A stored date against a bundle's YYYY-MM-DD (already checked to be a calendar date). */
const sameDate = (stored: Date | null, iso: string | null) => (stored === null ? iso === null : iso !== null && formatIsoDate(stored) === iso);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);
const canonical = (value: unknown) => JSON.stringify(value);
const bySlug = <T extends { slug: string }>(rows: readonly T[]) => new Map(rows.map((row) => [row.slug, row]));

/** What a failed lock-or-insert means: a ConflictError for a create, another attempt for an import. */
function lost(mode: ApplyOptions['mode'], type: string, slug: string): Error {
  return mode === 'create' ? new Conflict(`A ${type} with slug "${slug}" already exists`, 'slug') : new RaceLost(`${type} "${slug}" was created meanwhile`);
}

function isForeignKeyViolation(error: unknown): boolean {
  const cause = (error as { meta?: { driverAdapterError?: { cause?: { originalCode?: string; kind?: string } } } } | null)?.meta?.driverAdapterError?.cause;
  return cause?.originalCode === '23503' || cause?.kind === 'ForeignKeyConstraintViolation';
}

async function findAll<T>(ids: readonly string[], find: (part: string[]) => Promise<T[]>): Promise<T[]> {
  const found: T[] = [];
  for (const part of chunk([...new Set(ids)], LOOKUP_BATCH)) found.push(...(await find(part)));
  return found;
}

/**
 * Locks the statements above each parent (FOR SHARE), following `respondsToId` and jumping ahead along
 * `threadIds`, until every chain ends at a root or at a statement of the bundle. Locked rows cannot move
 * until commit, so the chains read here stay true.
 */
async function lockChains(tx: Tx, parentSlugs: readonly string[], inBundle: ReadonlySet<string>): Promise<Map<string, ThreadRow>> {
  const rows = new Map<string, ThreadRow>();
  const asked = new Set<string>();
  for (const row of await lockThreadRows(tx, 'slug', parentSlugs)) rows.set(row.id, row);
  for (;;) {
    const wanted = new Set<string>();
    for (const row of rows.values()) {
      for (const id of [row.respondsToId, ...row.threadIds]) if (id && !rows.has(id) && !inBundle.has(id) && !asked.has(id)) wanted.add(id);
    }
    if (wanted.size === 0) return rows;
    for (const id of wanted) asked.add(id);
    for (const row of await lockThreadRows(tx, 'id', [...wanted])) rows.set(row.id, row);
  }
}

/** Each bundle statement's thread (ids it answers, root first), and the response cycles it would close. */
function resolveThreads(bundle: FactBundle, statementIds: Map<string, string>, chains: Map<string, ThreadRow>) {
  const parentOf = new Map<string, string | null>();
  for (const row of chains.values()) parentOf.set(row.id, row.respondsToId);
  const indexOf = new Map<string, number>();
  bundle.statements.forEach((statement, index) => {
    const id = statementIds.get(statement.slug) ?? '';
    indexOf.set(id, index);
    parentOf.set(id, statement.respondsTo ? (statementIds.get(statement.respondsTo.statement) ?? null) : null);
  });
  const threadIds = new Map<string, string[]>();
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
  const cycles: BundleIssue[] = [];
  for (const [id, index] of indexOf) {
    if (threadOf(id) === undefined) {
      cycles.push({ path: `/statements/${index}/respondsTo/statement`, message: 'this response closes a cycle: a statement would answer itself through its thread' });
    }
  }
  return { threadIds, cycles };
}

/** Slugs of records a before-image names but the bundle does not (an old speaker, say). Slugs never change. */
async function slugsOf(tx: Tx, known: Map<string, string>, ids: Iterable<string>, table: 'actor' | 'source' | 'statement' | 'claim'): Promise<SlugOf> {
  const missing = [...new Set(ids)].filter((id) => !known.has(id));
  const find = (part: string[]) => {
    const args = { where: { id: { in: part } }, select: { id: true, slug: true } };
    switch (table) {
      case 'actor':
        return tx.actor.findMany(args);
      case 'source':
        return tx.source.findMany(args);
      case 'statement':
        return tx.statement.findMany(args);
      case 'claim':
        return tx.claim.findMany(args);
    }
  };
  for (const row of await findAll(missing, find)) known.set(row.id, row.slug);
  return (id) => known.get(id) ?? id;
}

const invert = (ids: Map<string, string>) => new Map([...ids].map(([slug, id]) => [id, slug]));

/**
 * Writes a bundle's records inside the caller's transaction, correct under concurrent writers: every row it
 * reads to decide is locked first (actors, sources, statements, claims), creates insert and let the unique
 * index decide, thread paths are computed from locked chains and claim statuses recomputed in a later
 * statement than their locks. Lists inside a record (affiliations, stances) are the full set. Throws a
 * BundleError listing every problem, with its JSON path, before writing anything.
 */
export async function applyRecords(tx: Tx, bundle: FactBundle, options: ApplyOptions): Promise<Applied> {
  const { mode } = options;
  const report: ImportReport = { dryRun: false, sources: counts(), actors: counts(), affiliations: counts(), claims: counts(), statements: counts(), stances: counts() };
  const issues: BundleIssue[] = [];
  const refuseExisting = (type: string, rows: readonly { slug: string }[]) => {
    const [first] = rows;
    if (mode === 'create' && first) throw new Conflict(`A ${type} with slug "${first.slug}" already exists`, 'slug');
  };

  // Actors: the bundle's own, to be written; the ones it names, kept from deletion and merges.
  const ownActors = new Set(bundle.actors.map((actor) => actor.slug));
  const lockedActors = bySlug<Actor>(await lockRows(tx, 'actor', 'slug', [...ownActors], 'NO KEY UPDATE'));
  refuseExisting('actor', [...lockedActors.values()]);
  const actorRefs = [
    ...bundle.actors.flatMap((actor) => actor.affiliations.map((affiliation) => affiliation.actor)),
    ...bundle.statements.flatMap((statement) => (statement.onBehalfOf ? [statement.speaker, statement.onBehalfOf] : [statement.speaker])),
  ].filter((slug) => !ownActors.has(slug));
  const actorIds = new Map<string, string>([...lockedActors.values()].map((row) => [row.slug, row.id]));
  for (const row of await lockKeys(tx, 'actor', 'slug', actorRefs, 'KEY SHARE')) actorIds.set(row.slug, row.id);
  const existingAffiliations = await findAll([...lockedActors.values()].map((row) => row.id), (part) => tx.affiliation.findMany({ where: { actorId: { in: part } }, orderBy: { id: 'asc' } }));

  // Sources: quoted ones FOR SHARE, so their text holds still while quotes are checked against it.
  const ownSources = new Set(bundle.sources.map((source) => source.slug));
  const lockedSources = bySlug<Source>(await lockRows(tx, 'source', 'slug', [...ownSources], 'NO KEY UPDATE'));
  refuseExisting('source', [...lockedSources.values()]);
  const sourceIds = new Map<string, string>([...lockedSources.values()].map((row) => [row.slug, row.id]));
  const storedText = new Map<string, string | null>([...lockedSources.values()].map((row) => [row.slug, row.text]));
  const quotedRefs = new Set(bundle.statements.filter((statement) => statement.quote && !ownSources.has(statement.source)).map((statement) => statement.source));
  for (const row of await lockQuotedSources(tx, 'slug', [...quotedRefs])) {
    sourceIds.set(row.slug, row.id);
    storedText.set(row.slug, row.text);
  }
  const sourceRefs = [
    ...bundle.claims.flatMap((claim) => (claim.source ? [claim.source] : [])),
    ...bundle.statements.map((statement) => statement.source),
  ].filter((slug) => !ownSources.has(slug) && !quotedRefs.has(slug));
  for (const row of await lockKeys(tx, 'source', 'slug', sourceRefs, 'KEY SHARE')) sourceIds.set(row.slug, row.id);

  // Statements: the bundle's own (and, read after their locks, their stances), then the chains above new parents.
  const ownStatements = new Set(bundle.statements.map((statement) => statement.slug));
  const lockedStatements = bySlug<Statement>(await lockRows(tx, 'statement', 'slug', [...ownStatements], 'NO KEY UPDATE'));
  refuseExisting('statement', [...lockedStatements.values()]);
  const lockedStatementIds = [...lockedStatements.values()].map((row) => row.id);
  const existingStances = await readStances(tx, lockedStatementIds);
  const statementIds = new Map<string, string>([...lockedStatements.values()].map((row) => [row.slug, row.id]));
  const newStatementIds = new Map<string, string>();
  for (const statement of bundle.statements) {
    if (!statementIds.has(statement.slug)) {
      const id = uuid7();
      statementIds.set(statement.slug, id);
      newStatementIds.set(statement.slug, id);
    }
  }
  const inBundle = new Set(bundle.statements.map((statement) => statementIds.get(statement.slug) ?? ''));
  const parentSlugs = bundle.statements.flatMap((statement) => (statement.respondsTo && !ownStatements.has(statement.respondsTo.statement) ? [statement.respondsTo.statement] : []));
  const chains = await lockChains(tx, parentSlugs, inBundle);
  for (const row of chains.values()) statementIds.set(row.slug, row.id);

  // A stored quote kept by a bundle that leaves `quote` out still has to match: lock its source too.
  const lateQuoted = bundle.statements
    .filter((statement) => statement.quote === undefined && lockedStatements.get(statement.slug)?.quoteStart != null && !storedText.has(statement.source) && !ownSources.has(statement.source))
    .map((statement) => statement.source);
  for (const row of await lockQuotedSources(tx, 'slug', lateQuoted)) storedText.set(row.slug, row.text);

  const threads = resolveThreads(bundle, statementIds, chains);
  const moved = [...lockedStatements.values()].filter((row) => !sameList(row.threadIds, threads.threadIds.get(row.id) ?? [])).map((row) => row.id);
  const descendants = (await lockDescendants(tx, moved)).filter((row) => !inBundle.has(row.id));

  // Claims: the bundle's own, the ones its stances name, and those of the stances already on its statements.
  const ownClaims = new Set(bundle.claims.map((claim) => claim.slug));
  const lockedClaims = bySlug<Claim>(await lockRows(tx, 'claim', 'slug', [...ownClaims], 'NO KEY UPDATE'));
  refuseExisting('claim', [...lockedClaims.values()]);
  const claimIds = new Map<string, string>([...lockedClaims.values()].map((row) => [row.slug, row.id]));
  const claimRefs = bundle.statements.flatMap((statement) => statement.stances.map((stance) => stance.claim)).filter((slug) => !ownClaims.has(slug));
  for (const row of await lockKeys(tx, 'claim', 'slug', claimRefs, 'NO KEY UPDATE')) claimIds.set(row.slug, row.id);
  await lockClaimsForStatus(tx, [], lockedStatementIds);

  // New records get their ids in bundle order (UUIDv7: creation order is id order).
  for (const source of bundle.sources) if (!sourceIds.has(source.slug)) sourceIds.set(source.slug, uuid7());
  for (const actor of bundle.actors) if (!actorIds.has(actor.slug)) actorIds.set(actor.slug, uuid7());
  for (const claim of bundle.claims) if (!claimIds.has(claim.slug)) claimIds.set(claim.slug, uuid7());

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
  const bundleSource = bySlug(bundle.sources);
  const textOfSource = (slug: string): string | null => {
    const own = bundleSource.get(slug);
    if (own && own.text !== undefined) return own.text;
    return storedText.get(slug) ?? null;
  };
  const effectiveQuote = (statement: BundleStatement) => {
    if (statement.quote !== undefined) return statement.quote;
    const stored = lockedStatements.get(statement.slug);
    return stored?.quoteStart != null && stored.quoteEnd != null ? { start: stored.quoteStart, end: stored.quoteEnd } : null;
  };
  bundle.statements.forEach((statement, s) => {
    require(actorIds, statement.speaker, `/statements/${s}/speaker`, 'actor');
    if (statement.onBehalfOf) require(actorIds, statement.onBehalfOf, `/statements/${s}/onBehalfOf`, 'actor');
    const sourceFound = sourceIds.has(statement.source);
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
    const quote = effectiveQuote(statement);
    if (quote && sourceFound) {
      for (const problem of quoteProblems(quote, textOfSource(statement.source), statement)) {
        issues.push({ path: `/statements/${s}/quote${problem.field ? `/${problem.field}` : ''}`, message: problem.message });
      }
    }
  });

  // A source whose text changes must still hold the quotes of statements the bundle does not rewrite.
  const retexted = bundle.sources
    .map((source, index) => ({ source, index, row: lockedSources.get(source.slug) }))
    .filter((entry) => entry.row && entry.source.text !== undefined && entry.source.text !== entry.row.text);
  if (retexted.length > 0) {
    const quoting = await tx.statement.findMany({
      where: { sourceId: { in: retexted.map((entry) => entry.row?.id ?? '') }, quoteStart: { not: null }, slug: { notIn: [...ownStatements] } },
      select: { slug: true, sourceId: true, kind: true, text: true, quoteStart: true, quoteEnd: true },
      orderBy: { seq: 'asc' },
    });
    for (const { source, index, row } of retexted) {
      for (const statement of quoting.filter((candidate) => candidate.sourceId === row?.id)) {
        const problems = quoteProblems({ start: statement.quoteStart ?? 0, end: statement.quoteEnd ?? 0 }, source.text ?? null, statement);
        if (problems.length > 0) {
          issues.push({ path: `/sources/${index}/text`, message: `statement "${statement.slug}" quotes this source: with the new text, its quote ${problems[0]?.field ? `${problems[0]?.field} ` : ''}${problems[0]?.message}` });
        }
      }
    }
  }
  issues.push(...threads.cycles);
  if (issues.length > 0) throw new BundleError(issues);

  const changes: Change[] = [];
  const idsBySlug = { sources: sourceIds, actors: actorIds, claims: claimIds, statements: statementIds };
  const slugs = {
    actor: invert(actorIds),
    source: invert(sourceIds),
    statement: invert(statementIds),
    claim: invert(claimIds),
  };

  // Sources.
  const sourcesToCreate: Row<'Source'>[] = [];
  const sourcesToUpdate: Row<'Source'>[] = [];
  for (const source of bundle.sources) {
    const current = lockedSources.get(source.slug);
    const text = source.text !== undefined ? source.text : (current?.text ?? null);
    const data = {
      title: source.title,
      url: source.url,
      publisher: source.publisher,
      publishedOn: source.publishedOn,
      text,
      textSha256: text === null ? null : current && current.text === text && current.textSha256 ? current.textSha256 : textSha256(text),
    };
    const after: BundleSource = { ...source, text };
    const id = sourceIds.get(source.slug) ?? '';
    if (!current) {
      sourcesToCreate.push({ id, slug: source.slug, ...data });
      changes.push({ type: 'Source', id, slug: source.slug, before: null, after });
    } else if (current.title === data.title && current.url === data.url && current.publisher === data.publisher && sameDate(current.publishedOn, data.publishedOn) && current.text === text) {
      report.sources.unchanged += 1;
    } else {
      sourcesToUpdate.push({ id, ...data });
      report.sources.updated += 1;
      changes.push({ type: 'Source', id, slug: source.slug, before: sourceEntry(current), after });
    }
  }
  await insertOwn(tx, 'Source', sourcesToCreate, mode, 'source');
  report.sources.created += sourcesToCreate.length;
  await updateRows(tx, 'Source', sourcesToUpdate);

  // Actors and their affiliations.
  const organizationSlug = await slugsOf(tx, slugs.actor, existingAffiliations.map((row) => row.organizationId), 'actor');
  const affiliationsOf = new Map<string, Affiliation[]>();
  for (const row of existingAffiliations) {
    const list = affiliationsOf.get(row.actorId);
    if (list) list.push(row);
    else affiliationsOf.set(row.actorId, [row]);
  }
  const actorsToCreate: Row<'Actor'>[] = [];
  const actorsToUpdate: Row<'Actor'>[] = [];
  for (const actor of bundle.actors) {
    const data = {
      name: actor.name,
      kind: actor.kind,
      aliases: actor.aliases,
      description: actor.description,
      wikidataId: actor.wikidataId,
      searchText: actorSearchText(actor.name, actor.aliases),
    };
    const current = lockedActors.get(actor.slug);
    const id = actorIds.get(actor.slug) ?? '';
    const after = actorEntry(
      { slug: actor.slug, ...data },
      actor.affiliations.map((affiliation) => ({ organizationId: actorIds.get(affiliation.actor) ?? '', role: affiliation.role, from: date(affiliation.from), until: date(affiliation.until) })),
      (organizationId) => slugs.actor.get(organizationId) ?? organizationId,
    );
    if (!current) {
      actorsToCreate.push({ id, slug: actor.slug, ...data });
      changes.push({ type: 'Actor', id, slug: actor.slug, before: null, after });
      continue;
    }
    if (
      current.name === data.name &&
      current.kind === data.kind &&
      sameList(current.aliases, data.aliases) &&
      current.description === data.description &&
      current.wikidataId === data.wikidataId &&
      current.searchText === data.searchText
    ) {
      report.actors.unchanged += 1;
    } else {
      actorsToUpdate.push({ id, ...data });
      report.actors.updated += 1;
    }
    const before = actorEntry(current, affiliationsOf.get(current.id) ?? [], organizationSlug);
    if (canonical(before) !== canonical(after)) changes.push({ type: 'Actor', id, slug: actor.slug, before, after });
  }
  await insertOwn(tx, 'Actor', actorsToCreate, mode, 'actor');
  report.actors.created += actorsToCreate.length;
  await updateRows(tx, 'Actor', actorsToUpdate);

  const existingByKey = new Map(existingAffiliations.map((row) => [`${row.actorId}|${row.organizationId}|${row.role}`, row]));
  const affiliationsToCreate: Row<'Affiliation'>[] = [];
  const affiliationsToUpdate: Row<'Affiliation'>[] = [];
  const keptAffiliations = new Set<string>();
  for (const actor of bundle.actors) {
    const actorId = actorIds.get(actor.slug) ?? '';
    for (const affiliation of actor.affiliations) {
      const organizationId = actorIds.get(affiliation.actor) ?? '';
      const key = `${actorId}|${organizationId}|${affiliation.role}`;
      if (keptAffiliations.has(key)) continue;
      keptAffiliations.add(key);
      const current = existingByKey.get(key);
      if (!current) {
        affiliationsToCreate.push({ id: uuid7(), actorId, organizationId, role: affiliation.role, from: affiliation.from, until: affiliation.until });
      } else if (sameDate(current.from, affiliation.from) && sameDate(current.until, affiliation.until)) {
        report.affiliations.unchanged += 1;
      } else {
        affiliationsToUpdate.push({ id: current.id, from: affiliation.from, until: affiliation.until });
        report.affiliations.updated += 1;
      }
    }
  }
  const affiliationsRemoved = [...existingByKey].filter(([key]) => !keptAffiliations.has(key)).map(([, row]) => row.id);
  await deleteRows(tx, 'Affiliation', affiliationsRemoved);
  report.affiliations.deleted += affiliationsRemoved.length;
  await updateRows(tx, 'Affiliation', affiliationsToUpdate);
  await insertRows(tx, 'Affiliation', affiliationsToCreate);
  report.affiliations.created += affiliationsToCreate.length;

  // Claims. A claim this bundle creates has no stance but the bundle's: its status is derived here, by the
  // rule itself, and inserted with it; the claims that existed are recomputed in SQL after the writes.
  const createdClaims = new Set(bundle.claims.filter((claim) => !lockedClaims.has(claim.slug)).map((claim) => claimIds.get(claim.slug) ?? ''));
  const statusOfCreated = createdClaimStatuses(bundle, createdClaims, { actorIds, claimIds, lockedStatements });
  const claimSourceSlug = await slugsOf(tx, slugs.source, [...lockedClaims.values()].flatMap((row) => (row.sourceId ? [row.sourceId] : [])), 'source');
  const claimsToCreate: Row<'Claim'>[] = [];
  const claimsToUpdate: Row<'Claim'>[] = [];
  for (const claim of bundle.claims) {
    const data = { text: claim.text, topics: claim.topics, topicSlugs: claim.topics.map(topicSlug), sourceId: claim.source ? (sourceIds.get(claim.source) ?? null) : null };
    const current = lockedClaims.get(claim.slug);
    const id = claimIds.get(claim.slug) ?? '';
    if (!current) {
      claimsToCreate.push({ id, slug: claim.slug, ...data, status: statusOfCreated.get(id) ?? 'UNRESOLVED' });
      changes.push({ type: 'Claim', id, slug: claim.slug, before: null, after: claim });
    } else if (current.text === data.text && sameList(current.topics, data.topics) && current.sourceId === data.sourceId) {
      report.claims.unchanged += 1;
    } else {
      claimsToUpdate.push({ id, ...data });
      report.claims.updated += 1;
      changes.push({ type: 'Claim', id, slug: claim.slug, before: claimEntry(current, claimSourceSlug), after: claim });
    }
  }
  await insertOwn(tx, 'Claim', claimsToCreate, mode, 'claim');
  await logCreatedStatuses(tx, claimsToCreate.map((row) => ({ id: String(row.id), status: String(row.status) })), options.cause ?? DEFAULT_CAUSE);
  report.claims.created += claimsToCreate.length;
  await updateRows(tx, 'Claim', claimsToUpdate);

  // Statements and their stances.
  const stancesOf = new Map<string, typeof existingStances>();
  for (const stance of existingStances) {
    const list = stancesOf.get(stance.statementId);
    if (list) list.push(stance);
    else stancesOf.set(stance.statementId, [stance]);
  }
  const beforeSlugs = {
    actor: await slugsOf(tx, slugs.actor, [...lockedStatements.values()].flatMap((row) => (row.onBehalfOfId ? [row.speakerId, row.onBehalfOfId] : [row.speakerId])), 'actor'),
    source: await slugsOf(tx, slugs.source, [...lockedStatements.values()].map((row) => row.sourceId), 'source'),
    statement: await slugsOf(tx, slugs.statement, [...lockedStatements.values()].flatMap((row) => (row.respondsToId ? [row.respondsToId] : [])), 'statement'),
    claim: await slugsOf(tx, slugs.claim, existingStances.map((stance) => stance.claimId), 'claim'),
  };
  const touchedClaims = new Set<string>();
  const statementsToCreate: Row<'Statement'>[] = [];
  const statementsToUpdate: Row<'Statement'>[] = [];
  const stancesToCreate: Row<'Stance'>[] = [];
  const stancesToUpdate: Row<'Stance'>[] = [];
  const stancesToDelete: string[] = [];
  const newPosition = new Map<string, number>(bundle.statements.filter((statement) => newStatementIds.has(statement.slug)).map((statement, index) => [newStatementIds.get(statement.slug) ?? '', index]));
  const deferredResponses: Row<'Statement'>[] = [];

  for (const statement of bundle.statements) {
    const id = statementIds.get(statement.slug) ?? '';
    const current = lockedStatements.get(statement.slug);
    const quote = effectiveQuote(statement);
    const retraction = statement.retraction
      ? { retractedAt: new Date(statement.retraction.at), retractedBy: statement.retraction.by, retractionReason: statement.retraction.reason }
      : { retractedAt: current?.retractedAt ?? null, retractedBy: current?.retractedBy ?? null, retractionReason: current?.retractionReason ?? null };
    const data = {
      text: statement.text,
      kind: statement.kind,
      saidOn: statement.saidOn,
      venue: statement.venue,
      speakerId: actorIds.get(statement.speaker) ?? '',
      onBehalfOfId: statement.onBehalfOf ? (actorIds.get(statement.onBehalfOf) ?? null) : null,
      sourceId: sourceIds.get(statement.source) ?? '',
      respondsToId: statement.respondsTo ? (statementIds.get(statement.respondsTo.statement) ?? null) : null,
      responseKind: statement.respondsTo?.kind ?? null,
      threadIds: threads.threadIds.get(id) ?? [],
      quoteStart: quote?.start ?? null,
      quoteEnd: quote?.end ?? null,
      retractedAt: retraction.retractedAt?.toISOString() ?? null,
      retractedBy: retraction.retractedBy,
      retractionReason: retraction.retractionReason,
    };
    const currentStances = new Map((current ? (stancesOf.get(current.id) ?? []) : []).map((stance) => [stance.claimId, stance]));
    let coreChanged = !current;
    if (!current) {
      const parentAt = data.respondsToId ? newPosition.get(data.respondsToId) : undefined;
      const at = newPosition.get(id) ?? 0;
      if (data.respondsToId && parentAt !== undefined && parentAt > at) {
        statementsToCreate.push({ id, slug: statement.slug, ...data, respondsToId: null });
        deferredResponses.push({ id, respondsToId: data.respondsToId });
      } else {
        statementsToCreate.push({ id, slug: statement.slug, ...data });
      }
    } else {
      const sameRetraction = current.retractedAt?.getTime() === retraction.retractedAt?.getTime() && current.retractedBy === retraction.retractedBy && current.retractionReason === retraction.retractionReason;
      const sameCore =
        current.text === data.text &&
        current.kind === data.kind &&
        sameDate(current.saidOn, data.saidOn) &&
        current.venue === data.venue &&
        current.speakerId === data.speakerId &&
        current.onBehalfOfId === data.onBehalfOfId &&
        current.sourceId === data.sourceId &&
        current.respondsToId === data.respondsToId &&
        current.responseKind === data.responseKind &&
        current.quoteStart === data.quoteStart &&
        current.quoteEnd === data.quoteEnd &&
        sameRetraction;
      coreChanged = !sameCore;
      if (sameCore && sameList(current.threadIds, data.threadIds)) {
        report.statements.unchanged += 1;
      } else {
        statementsToUpdate.push({ id, ...data });
        report.statements.updated += 1;
        if (current.speakerId !== data.speakerId || current.onBehalfOfId !== data.onBehalfOfId || !sameDate(current.saidOn, data.saidOn) || !sameRetraction) {
          for (const claimId of currentStances.keys()) touchedClaims.add(claimId);
        }
      }
    }

    const stanceWritesBefore = stancesToCreate.length + stancesToUpdate.length + stancesToDelete.length;
    const wanted = new Set<string>();
    const stored: { id: string; claimId: string; position: StancePosition }[] = [];
    const added: { claimId: string; position: StancePosition }[] = [];
    for (const stance of statement.stances) {
      const claimId = claimIds.get(stance.claim) ?? '';
      wanted.add(claimId);
      const have = currentStances.get(claimId);
      if (!have) {
        stancesToCreate.push({ id: uuid7(), statementId: id, claimId, position: stance.position });
        added.push({ claimId, position: stance.position });
        touchedClaims.add(claimId);
      } else if (have.position === stance.position) {
        report.stances.unchanged += 1;
      } else {
        stancesToUpdate.push({ id: have.id, position: stance.position });
        report.stances.updated += 1;
        touchedClaims.add(claimId);
      }
    }
    for (const [claimId, stance] of currentStances) {
      if (wanted.has(claimId)) stored.push({ ...stance, position: statement.stances.find((s) => claimIds.get(s.claim) === claimId)?.position ?? stance.position });
      else {
        stancesToDelete.push(stance.id);
        touchedClaims.add(claimId);
      }
    }

    // What is stored afterwards, stances in creation order: those kept, then those added. Only built for
    // what changed (and, creating, for what was created): a large re-import compares, it does not describe.
    const stancesChanged = stancesToCreate.length + stancesToUpdate.length + stancesToDelete.length > stanceWritesBefore;
    if (!(coreChanged || stancesChanged) || (!current && mode !== 'create')) continue;
    const afterSlugs = { actor: (actorId: string) => slugs.actor.get(actorId) ?? actorId, source: (sourceId: string) => slugs.source.get(sourceId) ?? sourceId, statement: (statementId: string) => slugs.statement.get(statementId) ?? statementId, claim: (claimId: string) => slugs.claim.get(claimId) ?? claimId };
    const after = statementEntry(
      { slug: statement.slug, ...data, saidOn: date(data.saidOn), retractedAt: retraction.retractedAt },
      [...stored, ...added],
      afterSlugs,
    );
    const before = current ? statementEntry(current, stancesOf.get(current.id) ?? [], beforeSlugs) : null;
    changes.push({ type: 'Statement', id, slug: statement.slug, before, after });
  }

  // Every claim whose stances change is locked by now and none of them has changed yet: the changes before.
  const changesBefore = await changesOnClaims(tx, [...touchedClaims].filter((id) => !createdClaims.has(id)));
  try {
    await insertOwn(tx, 'Statement', statementsToCreate, mode, 'statement');
  } catch (error) {
    // A response inserted beside a statement whose slug someone else took meanwhile: its parent is missing.
    if (isForeignKeyViolation(error)) throw mode === 'create' ? new Conflict('A statement with one of these slugs was created meanwhile', 'slug') : new RaceLost('a statement was created meanwhile');
    throw error;
  }
  report.statements.created += statementsToCreate.length;
  await updateRows(tx, 'Statement', statementsToUpdate);
  await updateRows(tx, 'Statement', deferredResponses);

  // Statements outside the bundle below one whose thread changed inherit the new thread.
  const rethreaded: Row<'Statement'>[] = [];
  for (const descendant of descendants) {
    const cut = descendant.threadIds.findLastIndex((id) => threads.threadIds.has(id));
    const ancestor = descendant.threadIds[cut];
    if (ancestor === undefined) continue;
    const updated = [...(threads.threadIds.get(ancestor) ?? []), ...descendant.threadIds.slice(cut)];
    if (!sameList(updated, descendant.threadIds)) rethreaded.push({ id: descendant.id, threadIds: updated });
  }
  await updateRows(tx, 'Statement', rethreaded);

  await deleteRows(tx, 'Stance', stancesToDelete);
  report.stances.deleted += stancesToDelete.length;
  await updateRows(tx, 'Stance', stancesToUpdate);
  await insertRows(tx, 'Stance', stancesToCreate);
  report.stances.created += stancesToCreate.length;
  await refreshClaimStatuses(tx, [...touchedClaims].filter((id) => !createdClaims.has(id)), options.cause ?? DEFAULT_CAUSE);
  const positionChanges = appeared(changesBefore, await changesOnClaims(tx, touchedClaims));
  return { report, changes, createdStatements: statementsToCreate.map((row) => ({ id: String(row.id), slug: String(row.slug) })), positionChanges, ids: idsBySlug };
}

/**
 * deriveClaimStatus for the claims a bundle creates, from the bundle's statements: their actor, date and
 * retraction as they will be stored, in the order they will have (statements already stored by their `seq`,
 * new ones after them, in bundle order, as they are inserted).
 */
function createdClaimStatuses(
  bundle: FactBundle,
  created: ReadonlySet<string>,
  known: { actorIds: Map<string, string>; claimIds: Map<string, string>; lockedStatements: Map<string, Statement> },
): Map<string, ClaimStatus> {
  const facts = new Map<string, { position: StancePosition; actorId: string; saidOn: number; order: number }[]>();
  if (created.size === 0) return new Map();
  let after = 1;
  for (const row of known.lockedStatements.values()) after = Math.max(after, row.seq + 1);
  bundle.statements.forEach((statement, index) => {
    const stored = known.lockedStatements.get(statement.slug);
    if (statement.retraction || stored?.retractedAt) return;
    const actorId = known.actorIds.get(statement.onBehalfOf ?? statement.speaker) ?? '';
    const saidOn = statement.saidOn === null ? -Infinity : (date(statement.saidOn)?.getTime() ?? -Infinity);
    const order = stored ? stored.seq : after + index;
    for (const stance of statement.stances) {
      const claimId = known.claimIds.get(stance.claim) ?? '';
      if (!created.has(claimId)) continue;
      const list = facts.get(claimId) ?? [];
      list.push({ position: stance.position, actorId, saidOn, order });
      facts.set(claimId, list);
    }
  });
  const statuses = new Map<string, ClaimStatus>();
  for (const [claimId, list] of facts) {
    list.sort((a, b) => a.saidOn - b.saidOn || a.order - b.order);
    statuses.set(claimId, deriveClaimStatus(list.map((fact, order) => ({ position: fact.position, actorId: fact.actorId, order }))));
  }
  return statuses;
}

/** Inserts records that were not there when locked; one taken meanwhile is a conflict (create) or another attempt (import). */
async function insertOwn<T extends 'Source' | 'Actor' | 'Claim' | 'Statement'>(tx: Tx, table: T, rows: Row<T>[], mode: ApplyOptions['mode'], type: string) {
  if (rows.length === 0) return;
  const inserted = new Set(await insertRows(tx, table, rows, { onSlugConflict: 'skip' }));
  const missing = rows.find((row) => !inserted.has(String(row.slug)));
  if (missing) throw lost(mode, type, String(missing.slug));
}
