import { BundleError, type BundleIssue, emptyBundle, type FactBundle, validBundle } from '../bundle/format.js';
import { checkDeadline } from '../domain/deadline.js';
import { Conflict, ValidationFailure, WriteContention } from '../domain/errors.js';
import { uuid7 } from '../domain/uuid7.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';
import { insertAuditEntry } from '../sql/write/audit.js';

export type Tx = Prisma.TransactionClient;

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId?: string | null;
  targetSlug?: string | null;
  before?: unknown;
  after?: unknown;
  /** The writer's correction note. */
  reason?: string | null;
  /** Other records whose history shows this entry (database ids). */
  related?: readonly string[];
}

const json = (value: unknown) => (value === undefined || value === null ? null : JSON.stringify(value));

/** Write the audit entry last, after every lock is held: its `seq` then orders it after the writes it waited for. */
export async function audit(tx: Tx, writer: string, record: AuditRecord): Promise<void> {
  await insertAuditEntry(tx, uuid7(), {
    writer,
    action: record.action,
    targetType: record.targetType,
    targetId: record.targetId ?? null,
    targetSlug: record.targetSlug ?? null,
    before: json(record.before),
    after: json(record.after),
    reason: record.reason ?? null,
    related: [...new Set(record.related ?? [])],
  });
}

export const MAX_REASON_LENGTH = 2_000;

/**
 * A correction note as stored: trimmed; absent stays null. Given but blank, or longer than 2,000
 * characters, it is a ValidationFailure at `path`, before any transaction starts.
 */
export function correctionNote(reason: string | null | undefined, path: readonly string[] = ['reason']): string | null {
  if (reason === undefined || reason === null) return null;
  const trimmed = reason.trim();
  if (!trimmed) throw new ValidationFailure([{ path: [...path], message: 'a correction note must say something (leave it out for none)' }]);
  if (trimmed.length > MAX_REASON_LENGTH) throw new ValidationFailure([{ path: [...path], message: `must be at most ${MAX_REASON_LENGTH} characters` }]);
  return trimmed;
}

/** Bundle paths such as /statements/0/stances/1/claim become input paths: input.stances.1.claim. */
export function bundleIssuesToInput(issues: readonly BundleIssue[], prefix: readonly string[] = ['input']): ValidationFailure {
  return new ValidationFailure(issues.map((issue) => ({ path: [...prefix, ...issue.path.split('/').slice(3)], message: issue.message })));
}

/** A mutation's input, checked as a bundle is, before any transaction starts; problems at input paths. */
export function validInput(parts: Partial<Omit<FactBundle, 'format'>>): FactBundle {
  try {
    return validBundle(emptyBundle(parts));
  } catch (error) {
    if (error instanceof BundleError) throw bundleIssuesToInput(error.issues);
    throw error;
  }
}

/**
 * Thrown inside a transaction that lost a race it can only see after the fact (another writer created a
 * slug this one meant to create): the whole transaction runs again and sees the winner's row.
 */
export class RaceLost extends Error {
  constructor(what: string) {
    super(`lost a race: ${what}`);
    this.name = 'RaceLost';
  }
}

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined);
const adapterCause = (error: unknown) => field(field(field(error, 'meta'), 'driverAdapterError'), 'cause');

/** Deadlock (40P01) or serialization failure (40001; Prisma's P2034): worth running the whole transaction again. */
export function isRetryable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current; depth++) {
    if (current instanceof RaceLost) return true;
    if (field(current, 'code') === 'P2034') return true;
    const cause = adapterCause(current);
    const state = field(cause, 'originalCode') ?? field(cause, 'code');
    if (state === '40P01' || state === '40001' || field(cause, 'kind') === 'TransactionWriteConflict') return true;
    current = field(current, 'cause');
  }
  return false;
}

interface UniqueConstraint {
  fields?: unknown;
  index?: unknown;
}

/** The field a unique violation is about: adapters name it by fields, or by Prisma's index name `Model_field_key`. */
function uniqueViolation(error: unknown): string | null | undefined {
  const code = field(error, 'code');
  const cause = adapterCause(error) as { kind?: unknown; originalCode?: unknown; constraint?: UniqueConstraint } | undefined;
  const unique = code === 'P2002' || (code === 'P2010' && (cause?.kind === 'UniqueConstraintViolation' || cause?.originalCode === '23505'));
  if (!unique) return undefined;
  const meta = (field(error, 'meta') ?? {}) as Record<string, unknown>;
  const constraint = cause?.constraint;
  const target = meta.target ?? constraint?.fields;
  const fields = (Array.isArray(target) ? target.map(String) : typeof target === 'string' ? [target] : []).map((name) => name.replaceAll('"', ''));
  if (fields.length === 0 && typeof constraint?.index === 'string') {
    const match = /^[A-Za-z]+_(.+)_key$/.exec(constraint.index);
    if (match?.[1]) fields.push(...match[1].split('_'));
  }
  return fields.find((name) => name !== 'id') ?? null;
}

/** A unique violation as the ConflictError clients see; anything else unchanged. */
export function asConflict(error: unknown): unknown {
  const conflicting = uniqueViolation(error);
  if (conflicting === undefined) return error;
  return new Conflict(conflicting ? `Another record already has this ${conflicting}` : 'A record like this already exists', conflicting);
}

export interface TransactOptions {
  timeoutMs?: number;
  attempts?: number;
}

const ATTEMPTS = 6;
const BACKOFF_BASE_MS = 5;
const BACKOFF_CAP_MS = 200;

/** Retries and give-ups since the process started, for benchmarks and metrics. */
export const retryCounts = { retries: 0, exhausted: 0 };

const pause = (attempt: number) =>
  new Promise<void>((resolve) => setTimeout(resolve, Math.random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** attempt)));

/**
 * Runs `work` in one READ COMMITTED transaction, again from the start (with jittered exponential backoff)
 * when it deadlocks, fails to serialize or lost a create race; after the last attempt, a WriteContention.
 * `work` must have no effect outside the transaction: it may run more than once.
 * Inside a GraphQL operation whose time limit passes, the transaction does not start, or is rolled back
 * instead of committed (DeadlinePassed): the client told TIMEOUT finds nothing written (src/domain/deadline.ts).
 */
export async function transact<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<T>, options: TransactOptions = {}): Promise<T> {
  const attempts = options.attempts ?? ATTEMPTS;
  const beforeCommit = async (tx: Tx) => {
    const result = await work(tx);
    checkDeadline();
    return result;
  };
  for (let attempt = 1; ; attempt++) {
    checkDeadline();
    try {
      return await prisma.$transaction(beforeCommit, { maxWait: 10_000, timeout: options.timeoutMs ?? 60_000 });
    } catch (error) {
      if (!isRetryable(error)) throw error;
      if (attempt >= attempts) {
        retryCounts.exhausted += 1;
        throw new WriteContention(attempt, { cause: error });
      }
      retryCounts.retries += 1;
      await pause(attempt);
    }
  }
}

/**
 * A mutation's transaction: all of it lands, audit entry included, or none of it does. Bundle issues become
 * input paths and unique violations ConflictErrors: the typed errors clients see.
 */
export async function write<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<T>, options: TransactOptions = {}): Promise<T> {
  try {
    return await transact(prisma, work, options);
  } catch (error) {
    if (error instanceof BundleError) throw bundleIssuesToInput(error.issues);
    throw asConflict(error);
  }
}
