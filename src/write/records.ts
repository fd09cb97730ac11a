import type { BundleActor, BundleClaim, BundleSource } from '../bundle/format.js';
import { applyBundle } from '../bundle/import.js';
import { actorSearchText } from '../domain/actors.js';
import { refreshClaimStatuses } from '../domain/claims.js';
import { formatIsoDate } from '../domain/dates.js';
import { Conflict, NotFound, ValidationFailure } from '../domain/errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { actorEntry, bundleOf, claimEntry, sourceEntry, withoutId } from './entries.js';
import { audit, type Tx, write } from './transaction.js';

/** A partial update: undefined leaves a field as it is, null clears it. */
export type Patch<T> = { [K in keyof T]?: T[K] | undefined };

const defined = <T extends object>(patch: Patch<T>) =>
  Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;

async function mustBeNew(exists: Promise<unknown>, type: string, slug: string) {
  if (await exists) throw new Conflict(`A ${type} with slug "${slug}" already exists`, 'slug');
}

export async function createActor(prisma: PrismaClient, writer: string, input: BundleActor): Promise<string> {
  return write(prisma, async (tx) => {
    await mustBeNew(tx.actor.findUnique({ where: { slug: input.slug } }), 'actor', input.slug);
    await applyBundle(tx, bundleOf({ actors: [input] }));
    const created = await actorEntry(tx, { slug: input.slug });
    await audit(tx, writer, { action: 'createActor', targetType: 'Actor', targetId: created?.id, targetSlug: input.slug, after: input });
    return created?.id ?? '';
  });
}

export async function updateActor(prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleActor, 'slug' | 'affiliations'>>): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await actorEntry(tx, { id });
    if (!before) throw new NotFound('Actor', id);
    const after = { ...withoutId(before), ...defined(patch) };
    await applyBundle(tx, bundleOf({ actors: [after] }));
    await audit(tx, writer, { action: 'updateActor', targetType: 'Actor', targetId: id, targetSlug: before.slug, before: withoutId(before), after });
    return id;
  });
}

export async function deleteActor(prisma: PrismaClient, writer: string, id: string): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await actorEntry(tx, { id });
    if (!before) throw new NotFound('Actor', id);
    const statements = await tx.statement.count({ where: { OR: [{ speakerId: id }, { onBehalfOfId: id }] } });
    if (statements > 0) {
      throw new Conflict(`Actor "${before.slug}" is named in ${statements} statement(s): merge it into another actor instead of deleting it`);
    }
    await tx.actor.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteActor', targetType: 'Actor', targetId: id, targetSlug: before.slug, before: withoutId(before) });
    return id;
  });
}

/**
 * Folds a duplicate actor into another: its statements, spoken or represented, and its affiliations
 * move over; its slug, name and aliases become aliases of the survivor; then it is deleted.
 */
export async function mergeActors(prisma: PrismaClient, writer: string, intoId: string, fromId: string): Promise<string> {
  if (intoId === fromId) throw new ValidationFailure([{ path: ['from'], message: 'an actor cannot be merged into itself' }]);
  return write(prisma, async (tx) => {
    const [into, from] = await Promise.all([tx.actor.findUnique({ where: { id: intoId } }), tx.actor.findUnique({ where: { id: fromId } })]);
    if (!into) throw new NotFound('Actor', intoId);
    if (!from) throw new NotFound('Actor', fromId);
    const [intoBefore, fromBefore] = await Promise.all([actorEntry(tx, { id: intoId }), actorEntry(tx, { id: fromId })]);
    const claims = await tx.stance.findMany({
      where: { statement: { OR: [{ speakerId: fromId }, { onBehalfOfId: fromId }] } },
      select: { claimId: true },
    });
    await tx.statement.updateMany({ where: { speakerId: fromId }, data: { speakerId: intoId } });
    await tx.statement.updateMany({ where: { onBehalfOfId: fromId }, data: { onBehalfOfId: intoId } });
    await tx.statement.updateMany({ where: { speakerId: intoId, onBehalfOfId: intoId }, data: { onBehalfOfId: null } });
    await moveAffiliations(tx, fromId, intoId);
    const aliases = [...new Set([...into.aliases, from.name, from.slug, ...from.aliases])].filter((alias) => alias !== into.name);
    const wikidataId = into.wikidataId ?? from.wikidataId;
    await tx.actor.delete({ where: { id: fromId } });
    await tx.actor.update({ where: { id: intoId }, data: { aliases, wikidataId, searchText: actorSearchText(into.name, aliases) } });
    await refreshClaimStatuses(tx, claims.map((stance) => stance.claimId));
    await audit(tx, writer, {
      action: 'mergeActors',
      targetType: 'Actor',
      targetId: intoId,
      targetSlug: into.slug,
      before: { into: intoBefore && withoutId(intoBefore), from: fromBefore && withoutId(fromBefore) },
      after: { ...(intoBefore && withoutId(intoBefore)), aliases, wikidataId },
    });
    return intoId;
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

export async function createAffiliation(prisma: PrismaClient, writer: string, input: AffiliationInput): Promise<string> {
  checkAffiliation(input);
  return write(prisma, async (tx) => {
    const [actor, organization] = await Promise.all([
      tx.actor.findUnique({ where: { slug: input.actor } }),
      tx.actor.findUnique({ where: { slug: input.organization } }),
    ]);
    if (!actor) throw new NotFound('Actor', input.actor);
    if (!organization) throw new NotFound('Actor', input.organization);
    if (actor.id === organization.id) throw new ValidationFailure([{ path: ['input', 'organization'], message: 'an actor cannot be affiliated with itself' }]);
    const created = await tx.affiliation.create({
      data: { actorId: actor.id, organizationId: organization.id, role: input.role.trim(), from: input.from, until: input.until },
    });
    await audit(tx, writer, { action: 'createAffiliation', targetType: 'Affiliation', targetId: created.id, after: affiliationAudit(created, actor.slug, organization.slug) });
    return created.id;
  });
}

export async function updateAffiliation(
  prisma: PrismaClient,
  writer: string,
  id: string,
  patch: Patch<Pick<AffiliationInput, 'role' | 'from' | 'until'>>,
): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await tx.affiliation.findUnique({ where: { id }, include: { actor: true, organization: true } });
    if (!before) throw new NotFound('Affiliation', id);
    const after = { role: before.role, from: before.from, until: before.until, ...defined(patch) };
    checkAffiliation(after);
    await tx.affiliation.update({ where: { id }, data: { ...after, role: after.role.trim() } });
    await audit(tx, writer, {
      action: 'updateAffiliation',
      targetType: 'Affiliation',
      targetId: id,
      before: affiliationAudit(before, before.actor.slug, before.organization.slug),
      after: affiliationAudit(after, before.actor.slug, before.organization.slug),
    });
    return id;
  });
}

export async function deleteAffiliation(prisma: PrismaClient, writer: string, id: string): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await tx.affiliation.findUnique({ where: { id }, include: { actor: true, organization: true } });
    if (!before) throw new NotFound('Affiliation', id);
    await tx.affiliation.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteAffiliation', targetType: 'Affiliation', targetId: id, before: affiliationAudit(before, before.actor.slug, before.organization.slug) });
    return id;
  });
}

export async function createSource(prisma: PrismaClient, writer: string, input: BundleSource): Promise<string> {
  return write(prisma, async (tx) => {
    await mustBeNew(tx.source.findUnique({ where: { slug: input.slug } }), 'source', input.slug);
    await applyBundle(tx, bundleOf({ sources: [input] }));
    const created = await sourceEntry(tx, { slug: input.slug });
    await audit(tx, writer, { action: 'createSource', targetType: 'Source', targetId: created?.id, targetSlug: input.slug, after: input });
    return created?.id ?? '';
  });
}

export async function updateSource(prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleSource, 'slug'>>): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await sourceEntry(tx, { id });
    if (!before) throw new NotFound('Source', id);
    const after = { ...withoutId(before), ...defined(patch) };
    await applyBundle(tx, bundleOf({ sources: [after] }));
    await audit(tx, writer, { action: 'updateSource', targetType: 'Source', targetId: id, targetSlug: before.slug, before: withoutId(before), after });
    return id;
  });
}

export async function deleteSource(prisma: PrismaClient, writer: string, id: string): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await sourceEntry(tx, { id });
    if (!before) throw new NotFound('Source', id);
    const statements = await tx.statement.count({ where: { sourceId: id } });
    if (statements > 0) throw new Conflict(`Source "${before.slug}" carries ${statements} statement(s): delete or move them first`);
    await tx.source.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteSource', targetType: 'Source', targetId: id, targetSlug: before.slug, before: withoutId(before) });
    return id;
  });
}

export async function createClaim(prisma: PrismaClient, writer: string, input: BundleClaim): Promise<string> {
  return write(prisma, async (tx) => {
    await mustBeNew(tx.claim.findUnique({ where: { slug: input.slug } }), 'claim', input.slug);
    await applyBundle(tx, bundleOf({ claims: [input] }));
    const created = await claimEntry(tx, { slug: input.slug });
    await audit(tx, writer, { action: 'createClaim', targetType: 'Claim', targetId: created?.id, targetSlug: input.slug, after: input });
    return created?.id ?? '';
  });
}

export async function updateClaim(prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleClaim, 'slug'>>): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await claimEntry(tx, { id });
    if (!before) throw new NotFound('Claim', id);
    const after = { ...withoutId(before), ...defined(patch) };
    await applyBundle(tx, bundleOf({ claims: [after] }));
    await audit(tx, writer, { action: 'updateClaim', targetType: 'Claim', targetId: id, targetSlug: before.slug, before: withoutId(before), after });
    return id;
  });
}

export async function deleteClaim(prisma: PrismaClient, writer: string, id: string): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await claimEntry(tx, { id });
    if (!before) throw new NotFound('Claim', id);
    const stances = await tx.stance.count({ where: { claimId: id } });
    await tx.claim.delete({ where: { id } });
    await audit(tx, writer, { action: 'deleteClaim', targetType: 'Claim', targetId: id, targetSlug: before.slug, before: { ...withoutId(before), stances } });
    return id;
  });
}
