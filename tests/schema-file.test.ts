import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printedSchema, SCHEMA_FILE } from '../scripts/print-schema.js';

describe('schema.graphql', () => {
  it('is the printed, sorted schema: run `npm run schema:print` after changing the API', async () => {
    expect(await readFile(SCHEMA_FILE, 'utf8')).toBe(printedSchema());
  });

  it('documents the claim status rule where clients look for it', () => {
    expect(printedSchema()).toMatch(/enum ClaimStatus[\s\S]*/);
    expect(printedSchema()).toContain('DECLINES_TO_CONFIRM and retracted statements count for neither side');
  });
});
