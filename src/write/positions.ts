import type { ChangeRow } from '../sql/positions/changes.js';
import type { PositionChangedEvent } from '../events.js';

/** A change is the same change while the same two statements are its ends on the same claim. */
const key = (row: Pick<ChangeRow, 'claimId' | 'fromStatementId' | 'toStatementId'>) => `${row.claimId}|${row.fromStatementId}|${row.toStatementId}`;

/**
 * The changes a write made appear: in `after` (read once its writes are done) and not in `before` (read
 * under the same locks before it wrote). A change the write removed is not announced; one it brings back
 * (a retraction undone by another statement, say) is announced again.
 */
export function appeared(before: readonly ChangeRow[], after: readonly ChangeRow[]): PositionChangedEvent[] {
  const known = new Set(before.map(key));
  return after.filter((row) => !known.has(key(row))).map(toEvent);
}

export const toEvent = (row: ChangeRow): PositionChangedEvent => ({
  actorId: row.actorId,
  actorSlug: row.actorSlug,
  claimId: row.claimId,
  claimSlug: row.claimSlug,
  from: row.from as PositionChangedEvent['from'],
  to: row.to as PositionChangedEvent['to'],
  fromStatementId: row.fromStatementId,
  toStatementId: row.toStatementId,
  fromStanceId: row.fromStanceId,
  toStanceId: row.toStanceId,
  at: row.at,
});
