import { badInput } from '../graphql/errors.js';

/** The description of the `asOf` argument of the root reads that take it. */
export const AS_OF_DESCRIPTION =
  'Read what the service held at this instant (ISO 8601): records created later are absent, later edits undone, later retractions not applied, claim status as it was, and every field beneath as of the same instant. Not in the future; before the epoch (1970) is an error, and an instant before the first write finds nothing.';

/** Fields an as-of read cannot serve: they read the current database outside the read compiler. */
export const NOT_AS_OF = new Set(['Actor.positions', 'Claim.similar', 'Claim.reviews']);

/**
 * An `asOf` argument checked: a DateTime (the scalar has parsed it), not in the future (nothing is known
 * about it yet), not before the epoch. Errors are BAD_USER_INPUT naming the argument and the field.
 */
export function checkAsOf(asOf: unknown, field: string): Date {
  if (!(asOf instanceof Date) || Number.isNaN(asOf.getTime())) throw badInput('`asOf` must be an ISO 8601 timestamp', { argument: 'asOf', field });
  if (asOf.getTime() > Date.now()) throw badInput('`asOf` is in the future: the service can only say what it held up to now', { argument: 'asOf', field });
  if (asOf.getTime() < 0) throw badInput('`asOf` is before the epoch (1970-01-01T00:00:00Z)', { argument: 'asOf', field });
  return asOf;
}

export function notAsOf(fields: readonly string[], field: string): void {
  const refused = [...new Set(fields.filter((name) => NOT_AS_OF.has(name)))];
  if (refused.length > 0) throw badInput(`${refused.join(', ')} cannot be read as of a past instant: leave ${refused.length === 1 ? 'it' : 'them'} out of an \`asOf\` read`, { argument: 'asOf', field });
}
