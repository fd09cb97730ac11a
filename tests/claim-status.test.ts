import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactBundle } from '../src/bundle/format.js';
import { importBundle } from '../src/bundle/import.js';
import { deriveClaimStatus, type StanceFact } from '../src/domain/claim-status.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';

const stance = (position: StanceFact['position'], actorId: string, order = 0): StanceFact => ({ position, actorId, order });

describe('the claim status rule', () => {
  it.each([
    ['no stances', [], 'UNRESOLVED'],
    ['only declines to confirm', [stance('DECLINES_TO_CONFIRM', 'a')], 'UNRESOLVED'],
    ['asserts', [stance('ASSERTS', 'a')], 'ASSERTED'],
    ['supports, and a decline elsewhere', [stance('SUPPORTS', 'a'), stance('DECLINES_TO_CONFIRM', 'b')], 'ASSERTED'],
    ['denies', [stance('DENIES', 'a')], 'DENIED'],
    ['questions', [stance('QUESTIONS', 'b')], 'DENIED'],
    ['asserted by one actor, denied by another', [stance('ASSERTS', 'a'), stance('DENIES', 'b')], 'CONTESTED'],
    ['supported by one, questioned by another', [stance('SUPPORTS', 'a'), stance('QUESTIONS', 'b')], 'CONTESTED'],
    ['one actor changing its mind to a denial', [stance('ASSERTS', 'a', 1), stance('DENIES', 'a', 2)], 'DENIED'],
    ['one actor changing its mind to an assertion', [stance('DENIES', 'a', 1), stance('SUPPORTS', 'a', 2)], 'ASSERTED'],
  ] as const)('%s: %s', (_label, stances, expected) => {
    expect(deriveClaimStatus([...stances])).toBe(expected);
  });
});

describe(`claim status kept by the write path (${databaseLabel()})`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase('claim_status');
  });
  afterAll(() => test?.close());

  const bundle = (stances: { statement: string; speaker: string; onBehalfOf?: string; position: string }[]): FactBundle => ({
    format: 'fact-bundle/v1',
    sources: [{ slug: 'src', title: 'A source', url: null, publisher: null, publishedOn: null }],
    actors: ['state-a', 'state-b', 'spokesperson-a'].map((slug) => ({ slug, name: slug, kind: 'STATE', aliases: [], description: null, wikidataId: null, affiliations: [] })),
    claims: [{ slug: 'the-claim', text: 'Something checkable.', topics: [], source: null }],
    statements: stances.map((entry) => ({
      slug: entry.statement,
      speaker: entry.speaker,
      onBehalfOf: entry.onBehalfOf ?? null,
      text: entry.statement,
      kind: 'PARAPHRASE',
      saidOn: null,
      venue: null,
      source: 'src',
      respondsTo: null,
      stances: [{ claim: 'the-claim', position: entry.position as 'ASSERTS' }],
    })),
  });
  const status = async () => (await test.db.prisma.claim.findUniqueOrThrow({ where: { slug: 'the-claim' } })).status;

  it('follows the stances as they are added, changed and removed', async () => {
    await importBundle(test.db.prisma, bundle([]));
    expect(await status()).toBe('UNRESOLVED');
    await importBundle(test.db.prisma, bundle([{ statement: 's1', speaker: 'state-a', position: 'ASSERTS' }]));
    expect(await status()).toBe('ASSERTED');
    await importBundle(test.db.prisma, bundle([{ statement: 's2', speaker: 'state-b', position: 'DENIES' }]));
    expect(await status()).toBe('CONTESTED');
    // A spokesperson speaking for state-a counts as state-a: still both sides from two actors.
    await importBundle(test.db.prisma, bundle([{ statement: 's1', speaker: 'spokesperson-a', onBehalfOf: 'state-b', position: 'ASSERTS' }]));
    expect(await status()).toBe('DENIED');
    await importBundle(test.db.prisma, bundle([{ statement: 's2', speaker: 'state-b', position: 'DECLINES_TO_CONFIRM' }]));
    expect(await status()).toBe('ASSERTED');
  });
});
