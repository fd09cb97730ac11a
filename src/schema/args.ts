import { z } from 'zod';

export const MAX_SEARCH_LENGTH = 200;

/** A search argument: too long is an error rather than a slow scan; blank means no filter. */
export const SEARCH = z.string().max(MAX_SEARCH_LENGTH, `must be at most ${MAX_SEARCH_LENGTH} characters`);

export const searchTerm = (value: string | null | undefined) => value?.trim() || undefined;

/** `from` and `to` bound a date range; a reversed range is a mistake, not an empty answer. */
export const DATE_RANGE = z.looseObject({ from: z.date().nullish(), to: z.date().nullish() }).refine(
  (args) => !(args.from && args.to && args.from > args.to),
  { message: 'must not be after `to`', path: ['from'] },
);

/** Prisma passes `contains` into LIKE as is: escape its wildcards so they match themselves. */
export const likeLiteral = (term: string) => term.replace(/[\\%_]/g, (character) => `\\${character}`);

/** The optional correction note of an update, deletion or stance change. */
export const REASON_DESCRIPTION =
  'A correction note: why the record changes (trimmed, 1 to 2,000 characters; blank is an error, leave it out for none). It shows in `history` and, for claims and their statements, as `correction` in the JSON-LD export.';
