import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FactBundle } from '../src/bundle/format.js';
import { importBundle } from '../src/bundle/import.js';
import { deriveClaimStatus, type StanceFact } from '../src/domain/claim-status.js';
import { mulberry32 } from './support/concurrency-checker.js';
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

describe(`the status the write path stores is deriveClaimStatus of the stances (${databaseLabel()})`, () => {
  let test: TestDatabase;
  beforeAll(async () => {
    test = await createTestDatabase('claim_status_random');
  });
  afterAll(() => test?.close());

  // Claims created by the same import as their stances get their status from deriveClaimStatus itself;
  // claims that already existed are recomputed in SQL. Both ways must agree with a recomputation from rows.
  it.each([
    ['claims created with their stances', false],
    ['claims that existed before their stances (the SQL rule)', true],
  ])('on 120 claims with random stances, speakers, representations, dates (shared, missing) and retractions: %s', async (_name, claimsFirst) => {
    await test.db.prisma.$executeRawUnsafe('TRUNCATE "Stance", "Statement", "Claim", "Actor", "Source" CASCADE');
    const random = mulberry32(7);
    const int = (below: number) => Math.floor(random() * below);
    const positions = ['ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS', 'DECLINES_TO_CONFIRM'] as const;
    const actors = Array.from({ length: 6 }, (_, i) => `actor-${i}`);
    const bundle: FactBundle = {
      format: 'fact-bundle/v1',
      sources: [{ slug: 'src', title: 'A source', url: null, publisher: null, publishedOn: null }],
      actors: actors.map((slug) => ({ slug, name: slug, kind: 'STATE', aliases: [], description: null, wikidataId: null, affiliations: [] })),
      claims: Array.from({ length: 120 }, (_, i) => ({ slug: `claim-${i}`, text: `Claim ${i}.`, topics: [], source: null })),
      statements: Array.from({ length: 160 }, (_, i) => ({
        slug: `statement-${i}`,
        speaker: actors[int(actors.length)] ?? 'actor-0',
        onBehalfOf: random() < 0.3 ? (actors[int(2)] ?? null) : null,
        text: `Statement ${i}.`,
        kind: 'REPORTED' as const,
        saidOn: random() < 0.25 ? null : `2024-0${1 + int(3)}-0${1 + int(3)}`,
        venue: null,
        source: 'src',
        respondsTo: null,
        stances: [...new Set([int(120), int(120)])].map((claim) => ({ claim: `claim-${claim}`, position: positions[int(positions.length)] ?? 'ASSERTS' })),
        ...(random() < 0.1 ? { retraction: { at: '2024-12-01T00:00:00.000Z', by: 'desk', reason: 'wrong' } } : {}),
      })),
    };
    if (claimsFirst) await importBundle(test.db.prisma, { ...bundle, statements: [] });
    await importBundle(test.db.prisma, bundle);
    const claims = await test.db.prisma.claim.findMany({ include: { stances: { include: { statement: true } } } });
    const statuses = new Map<string, number>();
    let tieBreaks = 0;
    for (const claim of claims) {
      const counted = claim.stances.filter((stance) => stance.statement.retractedAt === null);
      counted.sort((a, b) => (a.statement.saidOn?.getTime() ?? -Infinity) - (b.statement.saidOn?.getTime() ?? -Infinity) || a.statement.seq - b.statement.seq);
      const facts = counted.map((stance, order) => ({ position: stance.position, actorId: stance.statement.onBehalfOfId ?? stance.statement.speakerId, order }));
      expect(claim.status, claim.slug).toBe(deriveClaimStatus(facts));
      statuses.set(claim.status, (statuses.get(claim.status) ?? 0) + 1);
      const sides = facts.filter((fact) => fact.position !== 'DECLINES_TO_CONFIRM');
      const pro = sides.some((fact) => fact.position === 'ASSERTS' || fact.position === 'SUPPORTS');
      const con = sides.some((fact) => fact.position === 'DENIES' || fact.position === 'QUESTIONS');
      if (pro && con && new Set(sides.map((fact) => fact.actorId)).size === 1) tieBreaks += 1;
    }
    // Every status occurs, and so does the tie-break (one actor on both sides: its latest statement wins).
    expect([...statuses.keys()].sort()).toEqual(['ASSERTED', 'CONTESTED', 'DENIED', 'UNRESOLVED']);
    expect(tieBreaks).toBeGreaterThan(0);
  });
});
