import { parseIsoDate } from '../domain/dates.js';
import type { IngestInput, KnownActor } from './types.js';

/** The largest article the engine reads: 1 MiB of UTF-8, like the service's request limit. */
export const MAX_TEXT_BYTES = 1_048_576;

export interface IngestIssue {
  path: string[];
  message: string;
}

/** Bad input to the engine: a code a caller can switch on, and every problem with its field path. */
export class IngestInputError extends Error {
  readonly code = 'VALIDATION';
  constructor(readonly issues: IngestIssue[]) {
    super(issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; '));
    this.name = 'IngestInputError';
  }
}

const UNPAIRED_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export function validateInput(input: IngestInput): { text: string; publishedOn: string | null; actors: readonly KnownActor[] } {
  const text: unknown = input.text;
  if (typeof text !== 'string') throw new IngestInputError([{ path: ['text'], message: 'must be a string' }]);
  const issues: IngestIssue[] = [];
  if (text.trim().length === 0) issues.push({ path: ['text'], message: 'must not be empty' });
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_TEXT_BYTES) issues.push({ path: ['text'], message: `is ${bytes} bytes; the limit is ${MAX_TEXT_BYTES} (1 MiB)` });
  if (text.includes('\u0000')) issues.push({ path: ['text'], message: 'must not contain U+0000 (PostgreSQL cannot store it)' });
  if (UNPAIRED_SURROGATE.test(text)) issues.push({ path: ['text'], message: 'contains an unpaired UTF-16 surrogate' });
  const publishedOn = input.publishedOn ?? null;
  if (publishedOn !== null && parseIsoDate(publishedOn) === undefined) issues.push({ path: ['publishedOn'], message: 'must be a calendar date as YYYY-MM-DD' });
  if (issues.length > 0) throw new IngestInputError(issues);
  return { text, publishedOn, actors: input.actors ?? [] };
}
