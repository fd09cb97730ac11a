import { type BundleStatement, emptyBundle, validBundle } from '../bundle/format.js';
import { Conflict, type Issue, NotFound, ValidationFailure } from '../domain/errors.js';
import { quoteProblems } from '../domain/quotes.js';
import { uuid7 } from '../domain/uuid7.js';
import type { PrismaClient, Statement } from '../generated/prisma/client.js';
import type { StancePosition } from '../generated/prisma/enums.js';
import { lockClaimsForStatus, lockDescendants, lockRows } from '../sql/write/locks.js';
import { refreshClaimStatuses } from '../sql/write/status.js';
import { type AncestorRow, insertStatement, lockStance, refreshStatusesAndAudit, writeStance } from '../sql/write/statements.js';
import { cutThreadsAt } from '../sql/write/threads.js';
import type { PositionChangedEvent } from '../events.js';
import { changesOnClaims } from '../sql/positions/changes.js';
import { applyRecords } from './apply.js';
import { loadStatementEntry } from './entries.js';
import { appeared, toEvent } from './positions.js';
import type { Patch } from './records.js';
import { audit, correctionNote, MAX_REASON_LENGTH, RaceLost, type Tx, validInput, write } from './transaction.js';

export interface Written {
  id: string;
  speakerSlug: string;
  claimSlugs: string[];
  /** The statement as the write left it, read inside its transaction. */
  statement: Statement;
  /** Position changes the write made appear: to announce once it commits. */
  positionChanges: PositionChangedEvent[];
}

const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((item, i) => item === b[i]);

/** A statement input checked as a bundle entry would be; problems come back at input paths. */
function checked(input: BundleStatement): BundleStatement {
  const [statement] = validInput({ statements: [input] }).statements;
  if (!statement) throw new Error('a one-statement bundle without its statement');
  return statement;
}

/** The thread read from the locked parent must be the chain of its locked ancestors: anything else means it moved as we looked. */
function chainHolds(parent: { respondsToId: string | null; threadIds: string[] } | null, ancestors: readonly AncestorRow[]): boolean {
  if (!parent) return true;
  const byId = new Map(ancestors.map((row) => [row.id, row]));
  const thread = parent.threadIds;
  if ((parent.respondsToId ?? null) !== (thread.at(-1) ?? null)) return false;
  return thread.every((id, i) => {
    const row = byId.get(id);
    return row !== undefined && (row.respondsToId ?? null) === (thread[i - 1] ?? null) && sameList(row.threadIds, thread.slice(0, i));
  });
}

async function lockedEntry(tx: Tx, id: string, lock: 'NO KEY UPDATE' | 'UPDATE'): Promise<BundleStatement> {
  const [row] = await lockRows(tx, 'statement', 'id', [id], lock);
  const entry = row && (await loadStatementEntry(tx, id));
  if (!entry) throw new NotFound('Statement', id);
  return entry;
}

/**
 * Records a statement with its stances and what it responds to. Four statements in all: BEGIN; one that
 * resolves every slug, locks (speaker and onBehalfOf FOR KEY SHARE, source and the parent's chain FOR SHARE,
 * claims FOR NO KEY UPDATE) and inserts, unless the slug is taken (then ConflictError); one that recomputes
 * the claims' status and writes the audit entry; COMMIT.
 */
export async function recordStatement(prisma: PrismaClient, writer: string, input: BundleStatement): Promise<Written> {
  const statement = checked(input);
  const early: Issue[] = [];
  if (statement.respondsTo?.statement === statement.slug) early.push({ path: ['input', 'respondsTo', 'statement'], message: 'a statement cannot respond to itself' });
  const seen = new Set<string>();
  statement.stances.forEach((stance, i) => {
    if (seen.has(stance.claim)) early.push({ path: ['input', 'stances', String(i), 'claim'], message: `a second stance on claim "${stance.claim}": one per statement and claim` });
    seen.add(stance.claim);
  });
  if (early.length > 0) throw new ValidationFailure(early);

  return write(prisma, async (tx) => {
    const id = uuid7();
    const stanceRows = statement.stances.map((stance) => ({ id: uuid7(), claim: stance.claim, position: stance.position }));
    const quote = statement.quote ?? null;
    const result = await insertStatement(tx, {
      id,
      slug: statement.slug,
      text: statement.text,
      kind: statement.kind,
      saidOn: statement.saidOn,
      venue: statement.venue,
      speaker: statement.speaker,
      onBehalfOf: statement.onBehalfOf,
      source: statement.source,
      respondsTo: statement.respondsTo,
      stances: stanceRows,
      quote,
    });
    const issues: Issue[] = [];
    const missing = (path: string[], what: string, slug: string) => issues.push({ path: ['input', ...path], message: `no ${what} with slug "${slug}"` });
    if (!result.speaker) missing(['speaker'], 'actor', statement.speaker);
    if (statement.onBehalfOf && !result.onBehalfOf) missing(['onBehalfOf'], 'actor', statement.onBehalfOf);
    if (!result.source) missing(['source'], 'source', statement.source);
    if (statement.respondsTo && !result.parent) missing(['respondsTo', 'statement'], 'statement', statement.respondsTo.statement);
    const found = new Set(result.claims.map((claim) => claim.slug));
    statement.stances.forEach((stance, i) => {
      if (!found.has(stance.claim)) missing(['stances', String(i), 'claim'], 'claim', stance.claim);
    });
    if (issues.length > 0) throw new ValidationFailure(issues);
    if (!result.inserted) throw new Conflict(`A statement with slug "${statement.slug}" already exists`, 'slug');
    if (quote && result.source) {
      const problems = quoteProblems(quote, result.source.text, statement);
      if (problems.length > 0) throw new ValidationFailure(problems.map((problem) => ({ path: ['input', 'quote', ...(problem.field ? [problem.field] : [])], message: problem.message })));
    }
    if (!chainHolds(result.parent, result.ancestors)) throw new RaceLost('the thread above the parent moved');
    const { retraction: _retraction, ...stored } = statement;
    const { statement: row, positionChanges } = await refreshStatusesAndAudit(
      tx,
      {
        id: uuid7(),
        writer,
        action: 'recordStatement',
        targetType: 'Statement',
        targetId: id,
        targetSlug: statement.slug,
        before: null,
        after: { ...stored, quote },
        // The claims it took a stance on, and the stances it created: each shows this entry in its history.
        related: [...result.claims.map((claim) => claim.id), ...stanceRows.map((stance) => stance.id)],
      },
      id,
    );
    return { id, speakerSlug: statement.speaker, claimSlugs: statement.stances.map((stance) => stance.claim), statement: row, positionChanges: positionChanges.map(toEvent) };
  });
}

/** Changes a statement through the write engine (locks, thread, claim status), auditing before and after. */
export async function updateStatement(prisma: PrismaClient, writer: string, id: string, patch: Patch<Omit<BundleStatement, 'slug'>>, reason?: string | null): Promise<Written> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const before = await lockedEntry(tx, id, 'NO KEY UPDATE');
    const after: BundleStatement = { ...before };
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) Object.assign(after, { [key]: value });
    const applied = await applyRecords(tx, validBundle(emptyBundle({ statements: [after] })), { mode: 'upsert', cause: { action: 'updateStatement', writer, statementId: id } });
    const stored = (applied.changes[0]?.after as BundleStatement | undefined) ?? before;
    const changedStances = [...before.stances, ...stored.stances].filter(
      (stance) => !before.stances.some((was) => was.claim === stance.claim && was.position === stance.position) || !stored.stances.some((is) => is.claim === stance.claim && is.position === stance.position),
    );
    await audit(tx, writer, {
      action: 'updateStatement',
      targetType: 'Statement',
      targetId: id,
      targetSlug: before.slug,
      before,
      after: stored,
      reason: note,
      related: changedStances.flatMap((stance) => applied.ids.claims.get(stance.claim) ?? []),
    });
    return {
      id,
      speakerSlug: stored.speaker,
      claimSlugs: stored.stances.map((stance) => stance.claim),
      statement: await tx.statement.findUniqueOrThrow({ where: { id } }),
      positionChanges: applied.positionChanges,
    };
  });
}

/** Deletes a statement for good (admin): responses to it lose their link, and every thread below it is cut. */
export async function deleteStatement(prisma: PrismaClient, writer: string, id: string, reason?: string | null): Promise<{ id: string; positionChanges: PositionChangedEvent[] }> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const before = await lockedEntry(tx, id, 'UPDATE');
    await lockDescendants(tx, [id]);
    const claimIds = await lockClaimsForStatus(tx, [], [id]);
    const changesBefore = await changesOnClaims(tx, claimIds);
    await tx.statement.delete({ where: { id } });
    await cutThreadsAt(tx, id);
    await refreshClaimStatuses(tx, claimIds, { action: 'deleteStatement', writer, statementId: id });
    await audit(tx, writer, { action: 'deleteStatement', targetType: 'Statement', targetId: id, targetSlug: before.slug, before, reason: note, related: claimIds });
    return { id, positionChanges: appeared(changesBefore, await changesOnClaims(tx, claimIds)) };
  });
}

/** Retraction keeps the record, marks who retracted it, when and why, and takes its stances out of claim status. */
export async function retractStatement(prisma: PrismaClient, writer: string, id: string, reason: string): Promise<{ statement: Statement; positionChanges: PositionChangedEvent[] }> {
  const trimmed = reason.trim();
  if (!trimmed || trimmed.length > MAX_REASON_LENGTH) {
    throw new ValidationFailure([{ path: ['reason'], message: trimmed ? `must be at most ${MAX_REASON_LENGTH} characters` : 'must say why the statement is retracted' }]);
  }
  return write(prisma, async (tx) => {
    const before = await lockedEntry(tx, id, 'NO KEY UPDATE');
    if (before.retraction) throw new ValidationFailure([{ path: ['id'], message: 'the statement is already retracted' }]);
    const claimIds = await lockClaimsForStatus(tx, [], [id]);
    const changesBefore = await changesOnClaims(tx, claimIds);
    const now = new Date();
    const row = await tx.statement.update({ where: { id }, data: { retractedAt: now, retractedBy: writer, retractionReason: trimmed } });
    await refreshClaimStatuses(tx, claimIds, { action: 'retractStatement', writer, statementId: id });
    await audit(tx, writer, {
      action: 'retractStatement',
      targetType: 'Statement',
      targetId: id,
      targetSlug: before.slug,
      reason: trimmed,
      related: claimIds,
      before: { retracted: false },
      after: { retracted: true, at: now.toISOString(), by: writer, reason: trimmed },
    });
    return { statement: row, positionChanges: appeared(changesBefore, await changesOnClaims(tx, claimIds)) };
  });
}

/**
 * Sets or removes one stance. Four statements: BEGIN; lock the statement (FOR SHARE) and the claim (FOR NO
 * KEY UPDATE); read the stance as it now is, write it, recompute the claim's status and audit, in one
 * statement on a snapshot taken after the locks; COMMIT.
 */
async function changeStance(prisma: PrismaClient, writer: string, statementId: string, claimSlug: string, position: StancePosition | null, reason?: string | null): Promise<Written> {
  const note = correctionNote(reason);
  return write(prisma, async (tx) => {
    const locked = await lockStance(tx, statementId, claimSlug);
    if (!locked.statement) throw new NotFound('Statement', statementId);
    if (!locked.claimId) throw new NotFound('Claim', claimSlug);
    const result = await writeStance(tx, {
      statementId,
      claimId: locked.claimId,
      claimSlug,
      stanceId: uuid7(),
      position,
      auditId: uuid7(),
      writer,
      action: position === null ? 'removeStance' : 'setStance',
      reason: note,
    });
    if (position === null && result.before === null) throw new NotFound('Stance', `${locked.statement} on ${claimSlug}`);
    return { id: statementId, speakerSlug: result.speaker, claimSlugs: result.claims, statement: result.statement, positionChanges: result.positionChanges.map(toEvent) };
  });
}

export const setStance = (prisma: PrismaClient, writer: string, statementId: string, claimSlug: string, position: StancePosition, reason?: string | null) =>
  changeStance(prisma, writer, statementId, claimSlug, position, reason);

export const removeStance = (prisma: PrismaClient, writer: string, statementId: string, claimSlug: string, reason?: string | null) =>
  changeStance(prisma, writer, statementId, claimSlug, null, reason);
