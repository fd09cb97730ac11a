import { BundleError } from '../bundle/import.js';
import { Conflict, ValidationFailure } from '../domain/errors.js';
import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

export type Tx = Prisma.TransactionClient;

export interface AuditRecord {
  action: string;
  targetType: string;
  targetId?: string | null;
  targetSlug?: string | null;
  before?: unknown;
  after?: unknown;
}

const json = (value: unknown) => (value === undefined || value === null ? undefined : (JSON.parse(JSON.stringify(value)) as Prisma.InputJsonValue));

export async function audit(tx: Tx, writer: string, record: AuditRecord): Promise<void> {
  await tx.auditEntry.create({
    data: {
      writer,
      action: record.action,
      targetType: record.targetType,
      targetId: record.targetId ?? null,
      targetSlug: record.targetSlug ?? null,
      before: json(record.before),
      after: json(record.after),
    },
  });
}

/** Bundle paths such as /statements/0/stances/1/claim become input paths: input.stances.1.claim. */
export function bundleIssuesToInput(error: BundleError): ValidationFailure {
  return new ValidationFailure(error.issues.map((issue) => ({ path: ['input', ...issue.path.split('/').slice(3)], message: issue.message })));
}

interface UniqueConstraint {
  fields?: unknown;
  index?: unknown;
}

/** The field a unique violation is about: adapters name it by fields, or by Prisma's index name `Model_field_key`. */
function uniqueViolation(error: unknown): string | null | undefined {
  if (typeof error !== 'object' || error === null || !('code' in error) || error.code !== 'P2002') return undefined;
  const meta = 'meta' in error && typeof error.meta === 'object' && error.meta !== null ? (error.meta as Record<string, unknown>) : {};
  const constraint = (meta.driverAdapterError as { cause?: { constraint?: UniqueConstraint } } | undefined)?.cause?.constraint;
  const target = meta.target ?? constraint?.fields;
  const fields = (Array.isArray(target) ? target.map(String) : typeof target === 'string' ? [target] : []).map((field) => field.replaceAll('"', ''));
  if (fields.length === 0 && typeof constraint?.index === 'string') {
    const match = /^[A-Za-z]+_(.+)_key$/.exec(constraint.index);
    if (match?.[1]) fields.push(...match[1].split('_'));
  }
  return fields.find((field) => field !== 'id') ?? null;
}

/**
 * Runs a write in one transaction: all of it lands, audit entry included, or none of it does.
 * Validation and uniqueness failures become the typed errors clients see.
 */
export async function write<T>(prisma: PrismaClient, work: (tx: Tx) => Promise<T>): Promise<T> {
  try {
    return await prisma.$transaction(work, { maxWait: 10_000, timeout: 60_000 });
  } catch (error) {
    if (error instanceof BundleError) throw bundleIssuesToInput(error);
    const field = uniqueViolation(error);
    if (field !== undefined) throw new Conflict(field ? `Another record already has this ${field}` : 'A record like this already exists', field);
    throw error;
  }
}
