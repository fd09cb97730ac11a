import type { BundleStatement } from '../bundle/format.js';
import { applyBundle } from '../bundle/import.js';
import { refreshClaimStatuses } from '../domain/claims.js';
import { Conflict, NotFound, ValidationFailure } from '../domain/errors.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { StancePosition } from '../generated/prisma/enums.js';
import { bundleOf, statementEntry } from './entries.js';
import type { Patch } from './records.js';
import { audit, type Tx, write } from './transaction.js';

export interface Written {
  id: string;
  speakerSlug: string;
  claimSlugs: string[];
}

type Entry = NonNullable<Awaited<ReturnType<typeof statementEntry>>>;

const asBundleStatement = ({ id: _id, retractedAt: _retractedAt, ...statement }: Entry): BundleStatement => statement;

const written = (entry: Entry): Written => ({ id: entry.id, speakerSlug: entry.speaker, claimSlugs: entry.stances.map((stance) => stance.claim) });

async function load(tx: Tx, id: string): Promise<Entry> {
  const entry = await statementEntry(tx, { id });
  if (!entry) throw new NotFound('Statement', id);
  return entry;
}

/** Records a statement with its stances and what it responds to, in one transaction. */
export async function recordStatement(prisma: PrismaClient, writer: string, input: BundleStatement): Promise<Written> {
  return write(prisma, async (tx) => {
    if (await tx.statement.findUnique({ where: { slug: input.slug } })) {
      throw new Conflict(`A statement with slug "${input.slug}" already exists`, 'slug');
    }
    await applyBundle(tx, bundleOf({ statements: [input] }));
    const created = await statementEntry(tx, { slug: input.slug });
    if (!created) throw new NotFound('Statement', input.slug);
    await audit(tx, writer, { action: 'recordStatement', targetType: 'Statement', targetId: created.id, targetSlug: input.slug, after: input });
    return written(created);
  });
}

export async function updateStatement(prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleStatement, 'slug'>>): Promise<Written> {
  return write(prisma, async (tx) => {
    const before = await load(tx, id);
    const after: BundleStatement = { ...asBundleStatement(before) };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) Object.assign(after, { [key]: value });
    await applyBundle(tx, bundleOf({ statements: [after] }));
    await audit(tx, writer, { action: 'updateStatement', targetType: 'Statement', targetId: id, targetSlug: before.slug, before: asBundleStatement(before), after });
    return written(await load(tx, id));
  });
}

/** Deletes a statement for good (admin): responses to it lose their link and their thread is recomputed. */
export async function deleteStatement(prisma: PrismaClient, writer: string, id: string): Promise<string> {
  return write(prisma, async (tx) => {
    const before = await load(tx, id);
    const claimIds = (await tx.stance.findMany({ where: { statementId: id }, select: { claimId: true } })).map((stance) => stance.claimId);
    const descendants = await tx.statement.findMany({ where: { threadIds: { has: id } }, select: { id: true, threadIds: true } });
    await tx.statement.delete({ where: { id } });
    for (const descendant of descendants) {
      await tx.statement.update({ where: { id: descendant.id }, data: { threadIds: descendant.threadIds.slice(descendant.threadIds.indexOf(id) + 1) } });
    }
    await refreshClaimStatuses(tx, claimIds);
    await audit(tx, writer, { action: 'deleteStatement', targetType: 'Statement', targetId: id, targetSlug: before.slug, before: asBundleStatement(before) });
    return id;
  });
}

/** Retraction keeps the record, marks who retracted it, when and why, and takes its stances out of claim status. */
export async function retractStatement(prisma: PrismaClient, writer: string, id: string, reason: string): Promise<string> {
  const trimmed = reason.trim();
  if (!trimmed || trimmed.length > 2_000) {
    throw new ValidationFailure([{ path: ['reason'], message: trimmed ? 'must be at most 2000 characters' : 'must say why the statement is retracted' }]);
  }
  return write(prisma, async (tx) => {
    const before = await load(tx, id);
    if (before.retractedAt) throw new ValidationFailure([{ path: ['id'], message: 'the statement is already retracted' }]);
    const now = new Date();
    await tx.statement.update({ where: { id }, data: { retractedAt: now, retractedBy: writer, retractionReason: trimmed } });
    const claimIds = (await tx.stance.findMany({ where: { statementId: id }, select: { claimId: true } })).map((stance) => stance.claimId);
    await refreshClaimStatuses(tx, claimIds);
    await audit(tx, writer, {
      action: 'retractStatement',
      targetType: 'Statement',
      targetId: id,
      targetSlug: before.slug,
      before: { retracted: false },
      after: { retracted: true, at: now.toISOString(), by: writer, reason: trimmed },
    });
    return id;
  });
}

async function changeStances(
  prisma: PrismaClient,
  writer: string,
  action: 'setStance' | 'removeStance',
  statementId: string,
  claimSlug: string,
  position: StancePosition | null,
): Promise<Written> {
  return write(prisma, async (tx) => {
    const before = await load(tx, statementId);
    if (!(await tx.claim.findUnique({ where: { slug: claimSlug } }))) throw new NotFound('Claim', claimSlug);
    const others = before.stances.filter((stance) => stance.claim !== claimSlug);
    const current = before.stances.find((stance) => stance.claim === claimSlug) ?? null;
    if (action === 'removeStance' && !current) throw new NotFound('Stance', `${before.slug} on ${claimSlug}`);
    const stances = position ? [...others, { claim: claimSlug, position }] : others;
    await applyBundle(tx, bundleOf({ statements: [{ ...asBundleStatement(before), stances }] }));
    await audit(tx, writer, {
      action,
      targetType: 'Stance',
      targetSlug: `${before.slug}/${claimSlug}`,
      before: current,
      after: position ? { claim: claimSlug, position } : null,
    });
    return written(await load(tx, statementId));
  });
}

export const setStance = (prisma: PrismaClient, writer: string, statementId: string, claimSlug: string, position: StancePosition) =>
  changeStances(prisma, writer, 'setStance', statementId, claimSlug, position);

export const removeStance = (prisma: PrismaClient, writer: string, statementId: string, claimSlug: string) =>
  changeStances(prisma, writer, 'removeStance', statementId, claimSlug, null);
