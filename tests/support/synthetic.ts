import type { FactBundle } from '../../src/bundle/format.js';

/**
 * A fact graph of `actors` actors, each with `statementsPerActor` statements; every statement gets
 * `responsesPerStatement` responses from the next actor and takes a stance on `stancesPerStatement`
 * claims. Deterministic: the same arguments give the same bundle.
 */
export function syntheticBundle(options: { actors: number; statementsPerActor: number; responsesPerStatement: number; stancesPerStatement: number; prefix?: string }): FactBundle {
  const prefix = options.prefix ?? 'syn';
  const positions = ['ASSERTS', 'DENIES', 'SUPPORTS', 'QUESTIONS', 'DECLINES_TO_CONFIRM'] as const;
  const bundle: FactBundle = {
    format: 'fact-bundle/v1',
    sources: [{ slug: `${prefix}-source`, title: 'Synthetic source', url: null, publisher: null, publishedOn: '2024-11-01' }],
    actors: [],
    claims: [],
    statements: [],
  };
  const claimCount = Math.max(options.stancesPerStatement * 2, options.actors);
  for (let c = 0; c < claimCount; c++) {
    bundle.claims.push({ slug: `${prefix}-claim-${c}`, text: `Synthetic claim ${c}`, topics: ['synthetic'], source: null });
  }
  for (let a = 0; a < options.actors; a++) {
    bundle.actors.push({
      slug: `${prefix}-actor-${a}`,
      name: `Actor ${String(a).padStart(4, '0')}`,
      kind: a % 2 === 0 ? 'PERSON' : 'STATE',
      aliases: [],
      description: null,
      wikidataId: null,
      affiliations: a % 2 === 0 && a + 1 < options.actors ? [{ actor: `${prefix}-actor-${a + 1}`, role: 'Spokesperson', from: null, until: null }] : [],
    });
  }
  // Affiliation targets must come first in the bundle.
  bundle.actors.reverse();
  let day = 0;
  for (let a = 0; a < options.actors; a++) {
    for (let s = 0; s < options.statementsPerActor; s++) {
      const slug = `${prefix}-statement-${a}-${s}`;
      day += 1;
      bundle.statements.push({
        slug,
        speaker: `${prefix}-actor-${a}`,
        onBehalfOf: a + 1 < options.actors && a % 2 === 0 ? `${prefix}-actor-${a + 1}` : null,
        text: `Statement ${s} by actor ${a}`,
        kind: 'DIRECT_QUOTE',
        saidOn: new Date(Date.UTC(2024, 0, 1 + (day % 300))).toISOString().slice(0, 10),
        venue: null,
        source: `${prefix}-source`,
        respondsTo: null,
        stances: Array.from({ length: options.stancesPerStatement }, (_, k) => ({
          claim: `${prefix}-claim-${(a + s + k) % claimCount}`,
          position: positions[(a + k) % positions.length] ?? 'ASSERTS',
        })),
      });
      for (let r = 0; r < options.responsesPerStatement; r++) {
        bundle.statements.push({
          slug: `${slug}-response-${r}`,
          speaker: `${prefix}-actor-${(a + 1 + r) % options.actors}`,
          onBehalfOf: null,
          text: `Response ${r} to ${slug}`,
          kind: 'PARAPHRASE',
          saidOn: null,
          venue: null,
          source: `${prefix}-source`,
          respondsTo: { statement: slug, kind: r % 2 === 0 ? 'REBUTS' : 'ENDORSES' },
          stances: [{ claim: `${prefix}-claim-${(a + r) % claimCount}`, position: 'DENIES' }],
        });
      }
    }
  }
  return bundle;
}
