import type { FactBundle } from '../bundle/format.js';
import { uuid7 } from '../domain/uuid7.js';
import type { PositionChangedEvent } from '../events.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { insertRows, type Row } from '../sql/write/bulk.js';
import { similarClaimRows } from '../sql/similarity/claims.js';
import { type Applied, applyRecords, type ImportReport, type ImportWarning } from './apply.js';
import { transact } from './transaction.js';

export interface ImportOptions {
  dryRun?: boolean;
  timeoutMs?: number;
  /** Who imports: given, the import is audited (one entry for the bundle, one per record it updated). */
  writer?: string;
  /** Told, once the import has committed (never on a dry run), of each statement it created and each position change it made appear. */
  onCommitted?: (created: CreatedStatement[], positionChanges: PositionChangedEvent[]) => void;
}

export interface CreatedStatement {
  id: string;
  speakerSlug: string;
  claimSlugs: string[];
}

class DryRunRollback extends Error {
  constructor(readonly report: ImportReport) {
    super('dry run');
  }
}

/**
 * One audit entry per record an import created or changed (before and after: each record's history shows
 * the import), then the bundle's with the counts. A statement's entry also belongs to the claims whose
 * stance it took or changed.
 */
async function auditImport(tx: Parameters<Parameters<typeof transact>[1]>[0], writer: string, applied: Applied, bundle: FactBundle): Promise<void> {
  const entries: Row<'AuditEntry'>[] = applied.changes.map((change) => ({
    id: uuid7(),
    writer,
    action: 'importBundle',
    targetType: change.type,
    targetId: change.id,
    targetSlug: change.slug,
    before: change.before,
    after: change.after,
    related: change.type === 'Statement' ? stanceClaimIds(change.before, change.after, applied.ids.claims) : [],
  }));
  // Statements an import creates are not described in `changes` (a large import compares, it does not describe): the bundle's entry is what it stored.
  const described = new Set(applied.changes.map((change) => change.id));
  const bySlug = new Map(bundle.statements.map((statement) => [statement.slug, statement]));
  for (const { id, slug } of applied.createdStatements) {
    if (described.has(id)) continue;
    const after = bySlug.get(slug) ?? null;
    entries.push({ id: uuid7(), writer, action: 'importBundle', targetType: 'Statement', targetId: id, targetSlug: slug, before: null, after, related: stanceClaimIds(null, after, applied.ids.claims) });
  }
  entries.push({ id: uuid7(), writer, action: 'importBundle', targetType: 'Bundle', targetId: null, targetSlug: null, before: null, after: applied.report, related: [] });
  await insertRows(tx, 'AuditEntry', entries);
}

type Stances = { stances?: { claim: string; position: string }[] } | null;

/** The ids of the claims whose stance differs between two statement entries. */
function stanceClaimIds(before: unknown, after: unknown, claimIds: Map<string, string>): string[] {
  const positions = (entry: unknown) => new Map(((entry as Stances)?.stances ?? []).map((stance) => [stance.claim, stance.position]));
  const [was, is] = [positions(before), positions(after)];
  const slugs = [...new Set([...was.keys(), ...is.keys()])].filter((slug) => was.get(slug) !== is.get(slug));
  return slugs.flatMap((slug) => {
    const id = claimIds.get(slug);
    return id ? [id] : [];
  });
}

/** A new claim this much like a stored one (trigram similarity) gets a warning. */
export const NEAR_DUPLICATE_SCORE = 0.5;
const MAX_CLAIMS_CHECKED = 2_000;

/**
 * Warnings for the bundle's new claims (slugs not stored yet) worded like stored ones: the import goes
 * ahead and never merges them; an editor decides. Read before the import's transaction, so the claims
 * compared with are the ones stored before it.
 */
export async function nearDuplicateWarnings(prisma: PrismaClient, bundle: FactBundle): Promise<ImportWarning[]> {
  if (bundle.claims.length === 0) return [];
  if (bundle.claims.length > MAX_CLAIMS_CHECKED) {
    return [{ path: '/claims', message: `near-duplicate check skipped: over ${MAX_CLAIMS_CHECKED} claims (use similarClaims)`, similar: null, score: null }];
  }
  const stored = new Set((await prisma.claim.findMany({ where: { slug: { in: bundle.claims.map((claim) => claim.slug) } }, select: { slug: true } })).map((row) => row.slug));
  const searches = bundle.claims.flatMap((claim, i) => (stored.has(claim.slug) ? [] : [{ key: String(i), text: claim.text, limit: 3 }]));
  const rows = (await similarClaimRows(prisma, searches)).filter((row) => row.score >= NEAR_DUPLICATE_SCORE);
  const slugs = new Map((await prisma.claim.findMany({ where: { id: { in: rows.map((row) => row.id) } }, select: { id: true, slug: true } })).map((row) => [row.id, row.slug]));
  return rows.flatMap((row) => {
    const similar = slugs.get(row.id);
    const claim = bundle.claims[Number(row.key)];
    if (!similar || !claim) return [];
    return [{ path: `/claims/${row.key}`, message: `new claim "${claim.slug}" is worded like stored claim "${similar}" (similarity ${row.score}): imported as a separate claim`, similar, score: row.score }];
  });
}

/**
 * Imports a validated bundle in one transaction: all or nothing, matched by slug, idempotent; run again
 * from the start when it deadlocks or loses a create race. A dry run writes everything, reports, and rolls back.
 */
export async function importRecords(prisma: PrismaClient, bundle: FactBundle, options: ImportOptions = {}): Promise<ImportReport> {
  const dryRun = options.dryRun ?? false;
  let created: Applied['createdStatements'] = [];
  let positionChanges: PositionChangedEvent[] = [];
  const warnings = await nearDuplicateWarnings(prisma, bundle);
  try {
    const report = await transact(
      prisma,
      async (tx) => {
        const applied = await applyRecords(tx, bundle, { mode: 'upsert', cause: { action: 'importBundle', writer: options.writer ?? 'import' } });
        if (options.writer) await auditImport(tx, options.writer, applied, bundle);
        if (dryRun) throw new DryRunRollback({ ...applied.report, dryRun: true });
        created = applied.createdStatements;
        positionChanges = applied.positionChanges;
        return applied.report;
      },
      { timeoutMs: options.timeoutMs ?? 10 * 60_000 },
    );
    if (options.onCommitted && (created.length > 0 || positionChanges.length > 0)) {
      const bySlug = new Map(bundle.statements.map((statement) => [statement.slug, statement]));
      options.onCommitted(
        created.flatMap(({ id, slug }) => {
          const statement = bySlug.get(slug);
          return statement ? [{ id, speakerSlug: statement.speaker, claimSlugs: statement.stances.map((stance) => stance.claim) }] : [];
        }),
        positionChanges,
      );
    }
    return { ...report, warnings };
  } catch (error) {
    if (error instanceof DryRunRollback) return { ...error.report, warnings };
    throw error;
  }
}
