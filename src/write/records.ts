import { type BundleActor, type BundleClaim, type BundleSource, emptyBundle, type FactBundle, validBundle } from '../bundle/format.js';
import { actorSearchText } from '../domain/actors.js';
import { formatIsoDate } from '../domain/dates.js';
import { Conflict, NotFound, ValidationFailure } from '../domain/errors.js';
import type { Actor, Affiliation, Claim, PrismaClient, Source } from '../generated/prisma/client.js';
import { lockClaimsForStatus, lockKeys, lockRows, lockStatementsOfActor } from '../sql/write/locks.js';
import { refreshClaimStatuses } from '../sql/write/status.js';
import type { PositionChangedEvent } from '../events.js';
import { changesOnClaims } from '../sql/positions/changes.js';
import { appeared } from './positions.js';
import { applyRecords, type RecordType } from './apply.js';
import { loadActorEntry, loadClaimEntry, loadSourceEntry } from './entries.js';
import { moveReviews } from './reviews.js';
import { audit, correctionNote, type Tx, validInput, write } from './transaction.js';

/** A partial update: undefined leaves a field as it is, null clears it. */
export type Patch<T> = { [K in keyof T]?: T[K] | undefined };

const defined = <T extends object>(patch: Patch<T>) =>
  Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;

const TABLE = { Actor: 'actor', Source: 'source', Claim: 'claim' } as const;
const PART = { Actor: 'actors', Source: 'sources', Claim: 'claims' } as const;

/** The row as the write left it, read inside its transaction: the answer never depends on a later read. */
type ReadBack<R> = (tx: Tx, id: string) => Promise<R>;
const actorRow: ReadBack<Actor> = (tx, id) => tx.actor.findUniqueOrThrow({ where: { id } });
const sourceRow: ReadBack<Source> = (tx, id) => tx.source.findUniqueOrThrow({ where: { id } });
const claimRow: ReadBack<Claim> = (tx, id) => tx.claim.findUniqueOrThrow({ where: { id } });

/** Creates one record through the write engine: a slug in use, now or by a writer racing this one, is a ConflictError. */
async function create<R>(prisma: PrismaClient, writer: string, type: 'Actor' | 'Source' | 'Claim', bundle: FactBundle, readBack: ReadBack<R>): Promise<R> {
  return write(prisma, async (tx) => {
    const applied = await applyRecords(tx, bundle, { mode: 'create', cause: { action: `create${type}`, writer } });
    const change = applied.changes.find((entry) => entry.type === type);
    if (!change) throw new Error(`create${type}: nothing was created`);
    await audit(tx, writer, { action: `create${type}`, targetType: type, targetId: change.id, targetSlug: change.slug, after: change.after });
    return readBack(tx, change.id);
  });
}

/** Locks one record, applies the patch to what it is now, writes it through the engine, and audits exactly what is stored. */
async function update<R, E extends { slug: string }>(
  prisma: PrismaClient,
  writer: string,
  type: 'Actor' | 'Source' | 'Claim',
  id: string,
  load: (tx: Tx, id: string) => Promise<E | null>,
  patch: Patch<Omit<E, 'slug'>>,
  readBack: ReadBack<R>,
  reason?: string | null,
): Promise<R> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const [row] = await lockRows(tx, TABLE[type], 'id', [id], 'NO KEY UPDATE');
    const before = row && (await load(tx, id));
    if (!before) throw new NotFound(type, id);
    const after = { ...before, ...defined(patch) };
    const applied = await applyRecords(tx, validBundle(emptyBundle({ [PART[type]]: [after] })), { mode: 'upsert', cause: { action: `update${type}`, writer } });
    const stored = applied.changes.find((change) => change.type === (type as RecordType))?.after ?? before;
    await audit(tx, writer, { action: `update${type}`, targetType: type, targetId: id, targetSlug: before.slug, before, after: stored, reason: note });
    return readBack(tx, id);
  });
}

export const createActor = (prisma: PrismaClient, writer: string, input: BundleActor) => create(prisma, writer, 'Actor', validInput({ actors: [input] }), actorRow);
export const createSource = (prisma: PrismaClient, writer: string, input: BundleSource) => create(prisma, writer, 'Source', validInput({ sources: [input] }), sourceRow);
export const createClaim = (prisma: PrismaClient, writer: string, input: BundleClaim) => create(prisma, writer, 'Claim', validInput({ claims: [input] }), claimRow);

export const updateActor = (prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleActor, 'slug' | 'affiliations'>>, reason?: string | null) =>
  update(prisma, writer, 'Actor', id, loadActorEntry, patch, actorRow, reason);
export const updateSource = (prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleSource, 'slug'>>, reason?: string | null) =>
  update(prisma, writer, 'Source', id, loadSourceEntry, patch, sourceRow, reason);
export const updateClaim = (prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleClaim, 'slug'>>, reason?: string | null) =>
  update(prisma, writer, 'Claim', id, loadClaimEntry, patch, claimRow, reason);

/** Locked FOR UPDATE first: a statement naming the actor (it holds FOR KEY SHARE) is either seen here or waits and then fails. */
export async function deleteActor(prisma: PrismaClient, writer: string, id: string, reason?: string | null): Promise<string> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const [row] = await lockRows(tx, 'actor', 'id', [id], 'UPDATE');
    const before = row && (await loadActorEntry(tx, id));
    if (!before) throw new NotFound('Actor', id);
    const statements = await tx.statement.count({ where: { OR: [{ speakerId: id }, { onBehalfOfId: id }] } });
    if (statements > 0) {
      throw new Conflict(`Actor "${before.slug}" is named in ${statements} statement(s): merge it into another actor instead of deleting it`);
    }
    const reviews = await tx.review.count({ where: { reviewerId: id } });
    if (reviews > 0) throw new Conflict(`Actor "${before.slug}" wrote ${reviews} review(s): merge it into another actor instead of deleting it`);
    await tx.actor.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteActor', targetType: 'Actor', targetId: id, targetSlug: before.slug, before, reason: note });
    return id;
  });
}

/**
 * Folds a duplicate actor into another: its statements, spoken or represented, and its affiliations
 * move over; its slug, name and aliases become aliases of the survivor; then it is deleted. Both actors are
 * locked FOR UPDATE (no statement can come to name the duplicate meanwhile), then its statements, then the
 * claims they take a stance on, whose status is recomputed last.
 */
export async function mergeActors(
  prisma: PrismaClient,
  writer: string,
  intoId: string,
  fromId: string,
  reason?: string | null,
): Promise<{ actor: Actor; positionChanges: PositionChangedEvent[] }> {
  const note = correctionNote(reason);
  if (intoId === fromId) throw new ValidationFailure([{ path: ['from'], message: 'an actor cannot be merged into itself' }]);
  return write(prisma, async (tx) => {
    const locked = await lockRows(tx, 'actor', 'id', [intoId, fromId], 'UPDATE');
    const into = locked.find((row) => row.id === intoId);
    const from = locked.find((row) => row.id === fromId);
    if (!into) throw new NotFound('Actor', intoId);
    if (!from) throw new NotFound('Actor', fromId);
    const [intoBefore, fromBefore] = [await loadActorEntry(tx, intoId), await loadActorEntry(tx, fromId)];
    const moved = (await lockStatementsOfActor(tx, fromId)).map((row) => row.id);
    const claimIds = await lockClaimsForStatus(tx, [], moved);
    const changesBefore = await changesOnClaims(tx, claimIds);
    await tx.statement.updateMany({ where: { id: { in: moved }, speakerId: fromId }, data: { speakerId: intoId } });
    await tx.statement.updateMany({ where: { id: { in: moved }, onBehalfOfId: fromId }, data: { onBehalfOfId: intoId } });
    await tx.statement.updateMany({ where: { id: { in: moved }, speakerId: intoId, onBehalfOfId: intoId }, data: { onBehalfOfId: null } });
    await moveAffiliations(tx, fromId, intoId);
    const aliases = [...new Set([...into.aliases, from.name, from.slug, ...from.aliases])].filter((alias) => alias !== into.name);
    const wikidataId = into.wikidataId ?? from.wikidataId;
    await moveReviews(tx, fromId, intoId);
    await tx.actor.delete({ where: { id: fromId } });
    const merged = await tx.actor.update({ where: { id: intoId }, data: { aliases, wikidataId, searchText: actorSearchText(into.name, aliases) } });
    await refreshClaimStatuses(tx, claimIds, { action: 'mergeActors', writer });
    await audit(tx, writer, {
      action: 'mergeActors',
      targetType: 'Actor',
      targetId: intoId,
      targetSlug: into.slug,
      reason: note,
      related: [fromId],
      before: { into: intoBefore, from: fromBefore },
      after: await loadActorEntry(tx, intoId),
    });
    return { actor: merged, positionChanges: appeared(changesBefore, await changesOnClaims(tx, claimIds)) };
  });
}

async function moveAffiliations(tx: Tx, fromId: string, intoId: string) {
  for (const side of ['actorId', 'organizationId'] as const) {
    const other = side === 'actorId' ? 'organizationId' : 'actorId';
    const moving = await tx.affiliation.findMany({ where: { [side]: fromId } });
    for (const affiliation of moving) {
      const duplicate = await tx.affiliation.findFirst({
        where: { [side]: intoId, [other]: affiliation[other], role: affiliation.role },
      });
      if (duplicate || affiliation[other] === intoId) await tx.affiliation.delete({ where: { id: affiliation.id } });
      else await tx.affiliation.update({ where: { id: affiliation.id }, data: { [side]: intoId } });
    }
  }
}

export interface AffiliationInput {
  actor: string;
  organization: string;
  role: string;
  from: Date | null;
  until: Date | null;
}

function checkAffiliation(input: Pick<AffiliationInput, 'role' | 'from' | 'until'>) {
  const issues = [];
  if (!input.role.trim()) issues.push({ path: ['input', 'role'], message: 'must not be empty' });
  if (input.role.length > 200) issues.push({ path: ['input', 'role'], message: 'must be at most 200 characters' });
  if (input.from && input.until && input.from > input.until) issues.push({ path: ['input', 'until'], message: 'must not be before `from`' });
  if (issues.length > 0) throw new ValidationFailure(issues);
}

const affiliationAudit = (row: { role: string; from: Date | null; until: Date | null }, actor: string, organization: string) => ({
  actor,
  organization,
  role: row.role,
  from: row.from && formatIsoDate(row.from),
  until: row.until && formatIsoDate(row.until),
});

/** An actor's affiliations change under its lock (FOR NO KEY UPDATE), as an import replacing them takes it. */
export async function createAffiliation(prisma: PrismaClient, writer: string, input: AffiliationInput): Promise<Affiliation> {
  checkAffiliation(input);
  if (input.actor === input.organization) throw new ValidationFailure([{ path: ['input', 'organization'], message: 'an actor cannot be affiliated with itself' }]);
  return write(prisma, async (tx) => {
    const [actor] = await lockKeys(tx, 'actor', 'slug', [input.actor], 'NO KEY UPDATE');
    const [organization] = await lockKeys(tx, 'actor', 'slug', [input.organization], 'KEY SHARE');
    if (!actor) throw new NotFound('Actor', input.actor);
    if (!organization) throw new NotFound('Actor', input.organization);
    const created = await tx.affiliation.create({
      data: { actorId: actor.id, organizationId: organization.id, role: input.role.trim(), from: input.from, until: input.until },
    });
    await audit(tx, writer, { action: 'createAffiliation', targetType: 'Affiliation', targetId: created.id, after: affiliationAudit(created, actor.slug, organization.slug) });
    return created;
  });
}

async function lockedAffiliation(tx: Tx, id: string) {
  const found = await tx.affiliation.findUnique({ where: { id }, select: { actorId: true } });
  if (!found) throw new NotFound('Affiliation', id);
  await lockRows(tx, 'actor', 'id', [found.actorId], 'NO KEY UPDATE');
  const affiliation = await tx.affiliation.findUnique({ where: { id }, include: { actor: true, organization: true } });
  if (!affiliation) throw new NotFound('Affiliation', id);
  return affiliation;
}

export async function updateAffiliation(
  prisma: PrismaClient,
  writer: string,
  id: string,
  patch: Patch<Pick<AffiliationInput, 'role' | 'from' | 'until'>>,
  reason?: string | null,
): Promise<Affiliation> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const before = await lockedAffiliation(tx, id);
    const after = { role: before.role, from: before.from, until: before.until, ...defined(patch) };
    checkAffiliation(after);
    const updated = await tx.affiliation.update({ where: { id }, data: { ...after, role: after.role.trim() } });
    await audit(tx, writer, {
      action: 'updateAffiliation',
      targetType: 'Affiliation',
      targetId: id,
      before: affiliationAudit(before, before.actor.slug, before.organization.slug),
      after: affiliationAudit(after, before.actor.slug, before.organization.slug),
      reason: note,
    });
    return updated;
  });
}

export async function deleteAffiliation(prisma: PrismaClient, writer: string, id: string, reason?: string | null): Promise<string> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const before = await lockedAffiliation(tx, id);
    await tx.affiliation.delete({ where: { id } });
    await audit(tx, writer, {
      action: 'deleteAffiliation',
      targetType: 'Affiliation',
      targetId: id,
      before: affiliationAudit(before, before.actor.slug, before.organization.slug),
      reason: note,
    });
    return id;
  });
}

/** Locked FOR UPDATE first: a statement being recorded on the source (FOR KEY SHARE or SHARE) is counted or fails. */
export async function deleteSource(prisma: PrismaClient, writer: string, id: string, reason?: string | null): Promise<string> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const [row] = await lockRows(tx, 'source', 'id', [id], 'UPDATE');
    const before = row && (await loadSourceEntry(tx, id));
    if (!before) throw new NotFound('Source', id);
    const statements = await tx.statement.count({ where: { sourceId: id } });
    if (statements > 0) throw new Conflict(`Source "${before.slug}" carries ${statements} statement(s): delete or move them first`);
    await tx.source.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteSource', targetType: 'Source', targetId: id, targetSlug: before.slug, before, reason: note });
    return id;
  });
}

export async function deleteClaim(prisma: PrismaClient, writer: string, id: string, reason?: string | null): Promise<string> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const [row] = await lockRows(tx, 'claim', 'id', [id], 'UPDATE');
    const before = row && (await loadClaimEntry(tx, id));
    if (!before) throw new NotFound('Claim', id);
    const stances = await tx.stance.count({ where: { claimId: id } });
    await tx.claim.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteClaim', targetType: 'Claim', targetId: id, targetSlug: before.slug, before: { ...before, stances }, reason: note });
    return id;
  });
}
