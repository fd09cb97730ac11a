import { badInput } from '../graphql/errors.js';

export const MAX_SEARCH_LENGTH = 200;

/** A search argument: trimmed; blank means no filter; too long is an error rather than a slow scan. */
export function searchTerm(value: string | null | undefined, argument = 'search'): string | undefined {
  const term = value?.trim();
  if (!term) return undefined;
  if (term.length > MAX_SEARCH_LENGTH) {
    throw badInput(`${argument} must be at most ${MAX_SEARCH_LENGTH} characters`, { argument });
  }
  return term;
}
