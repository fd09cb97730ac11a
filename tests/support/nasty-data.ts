import type { FactBundle } from '../../src/bundle/format.js';
import type { App } from '../../src/server.js';
import { executeAs, type Tokens } from './auth.js';
import { createRandom, type Random } from './random.js';

/**
 * A small fact graph meant to break a read path: undated statements and date ties, retractions,
 * merged actors (their slugs live on as aliases), statements on behalf of others, deep and re-parented
 * response threads, claims with stances of every position, affiliations both ways, sources with and
 * without claims, and text full of unicode and LIKE metacharacters. Everything is written through the
 * service's own write path (the importBundle mutation, then the other mutations), from a seed.
 */
export interface NastyDataOptions {
  seed: number;
  actors?: number;
  sources?: number;
  claims?: number;
  statements?: number;
}

export interface NastyDataReport {
  /** What the write path was asked to do, for the test's log. */
  writes: Record<string, number>;
  /** Slugs that no longer name anything (merged actors, deleted statements and claims). */
  goneSlugs: { actors: string[]; statements: string[]; claims: string[] };
  /** Their global IDs. */
  goneIds: string[];
  /** Milliseconds spent importing bundles and running the other mutations. */
  timings: { imports: number; mutations: number };
}

/** Names that sort, fold and match in awkward ways (code-point order, final sigma, dotted I, astral planes, wildcards). */
const NASTY_NAMES = [
  'Émile Durand',
  'émile durand',
  'EMILE DURAND',
  'ΣΟΦΟΚΛΗΣ Παπαδόπουλος',
  'Οδυσσέας Ελύτης',
  'İlhan Öztürk',
  'de Gaulle Institute',
  'Zoë Ärger',
  '北京外交部',
  '😀 Emoji Collective',
  'ｱｲｳ Fullwidth Club',
  '100% Truth Party',
  'under_score Org',
  'Back\\slash Unit',
  "O'Brien Associates",
  'Dup Name',
  'Dup Name',
  'Ångström Lab',
  'zeta group',
  'Zeta Group',
  'Straße Office',
  'K\u212Aelvin Works',
  'İstanbul Bureau',
  'ΟΔΟΣΟ Group',
];

const PLAIN_FIRST = ['Alice', 'Bora', 'Chen', 'Dmitri', 'Ewa', 'Farid', 'Grace', 'Hiro', 'Ines', 'Jonas', 'Kira', 'Luis', 'Mina', 'Nuno', 'Olga', 'Pavel'];
const PLAIN_LAST = ['Anders', 'Brook', 'Costa', 'Dahl', 'Evans', 'Fischer', 'Garcia', 'Hale', 'Ito', 'Jensen'];
const KINDS = ['PERSON', 'STATE', 'GOVERNMENT_BODY', 'ORGANIZATION', 'MILITARY', 'GROUP'] as const;
const STATEMENT_KINDS = ['DIRECT_QUOTE', 'PARAPHRASE', 'REPORTED'] as const;
const RESPONSE_KINDS = ['ANSWERS', 'REBUTS', 'CRITICIZES', 'DEFLECTS', 'ENDORSES', 'CLARIFIES'] as const;
const POSITIONS = ['ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS', 'DECLINES_TO_CONFIRM'] as const;
const ROLES = ['Spokesperson', 'spokesperson', 'Member', 'Ädviser', 'Adviser', 'Chair', 'Zeta envoy', 'Envoy_to_UN', '50% owner', 'Observer'];
// Slugs and labels as people type them (README "Topics"): "Varna dam" is filtered by "varna-dam" too.
const TOPICS = ['troops', 'sanctions', 'nuclear', 'trade', 'diplomacy', 'kursk', 'ukraine-war', 'a', 'z-last', 'x100', 'Varna dam', 'Černá Hora', 'Nuclear Talks', 'ΟΔΟΣ Ελλάδα'];

const WORDS = [
  'troops', 'Troops', 'TROOPS', 'deployed', 'border', 'Kursk', 'neutrality', 'sanctions', 'missile', 'talks',
  '50%', '100%', 'under_score', 'a_b', '\\', 'C:\\path', 'back\\slash', '%_%', 'naïve', 'Ελλάδα', 'ΟΔΟΣ', 'οδος',
  'İstanbul', 'istanbul', 'straße', 'STRASSE', '北京', '😀', 'ｱｲｳ', '\u212Aelvin', 'kelvin', "O'Brien", '"quoted"',
  'Ünited', 'ünited', 'résumé', 'RÉSUMÉ', 'percent', 'wildcard', 'tab\there', 'peace', 'war', 'ceasefire', 'aid',
];

const slugify = (text: string, index: number) => `${text.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'x'}-${index}`;

function sentence(random: Random, min: number, max: number): string {
  const words = Array.from({ length: random.between(min, max) }, () => random.pick(WORDS));
  return words.join(' ');
}

/** Dates with many ties, around month and year edges and a leap day. */
function dateFrom(random: Random, dates: readonly string[]): string {
  return random.pick(dates);
}

const DATES = ['2023-12-31', '2024-01-01', '2024-02-28', '2024-02-29', '2024-03-01', '2024-10-31', '2024-11-01', '2024-11-01', '2024-11-02', '2025-01-15'];

interface Plan {
  bundle: FactBundle;
  later: FactBundle;
}

function planBundles(random: Random, options: Required<NastyDataOptions>): Plan {
  const sources: FactBundle['sources'] = Array.from({ length: options.sources }, (_, index) => ({
    slug: `src-${index}`,
    title: index % 3 === 0 ? `Źródło ${index} – ${sentence(random, 1, 3)}` : `Source ${index}`,
    url: index % 2 === 0 ? `https://example.org/${index}` : null,
    publisher: index % 4 === 0 ? null : random.pick(['Agence', 'Reuters-like', 'Ελληνικά Νέα', '北京日报']),
    publishedOn: index % 3 === 1 ? null : dateFrom(random, DATES),
  }));

  const names = [...NASTY_NAMES];
  while (names.length < options.actors) names.push(`${random.pick(PLAIN_FIRST)} ${random.pick(PLAIN_LAST)}`);
  const actors: FactBundle['actors'] = names.slice(0, options.actors).map((name, index) => ({
    slug: slugify(name, index),
    name,
    kind: KINDS[index % KINDS.length] ?? 'PERSON',
    aliases: random.chance(0.4) ? random.sample(['Beijing', 'ΑΘΗΝΑ', 'Ankara', '100%', 'u_s', 'the\\unit', 'Émile', 'zed', 'Kelvin'], random.between(1, 3)) : [],
    description: random.chance(0.5) ? sentence(random, 2, 8) : null,
    wikidataId: index % 5 === 0 ? `Q${1000 + index}` : null,
    affiliations: [],
  }));

  // Every affiliation's role is distinct, so the documented order (from, then role) never ties:
  // the service leaves ties in an unspecified order (see the report in tests/differential.test.ts).
  let roleCounter = 0;
  for (const actor of actors) {
    const count = random.weighted([
      [5, 0],
      [3, 1],
      [2, 3],
    ] as const);
    for (const organization of random.sample(actors.filter((other) => other !== actor), count)) {
      actor.affiliations.push({
        actor: organization.slug,
        role: `${random.pick(ROLES)} ${roleCounter++}`,
        from: random.chance(0.5) ? null : dateFrom(random, DATES),
        until: random.chance(0.7) ? null : '2025-06-30',
      });
    }
  }
  // Affiliation targets must come first in the bundle: import actors without affiliations, then again with them.
  const claims: FactBundle['claims'] = Array.from({ length: options.claims }, (_, index) => ({
    slug: `claim-${index}`,
    text: `${sentence(random, 3, 9)} (#${index})`,
    topics: random.sample(TOPICS, random.weighted([
      [2, 0],
      [5, 1],
      [3, 3],
    ] as const)),
    source: random.chance(0.25) ? random.pick(sources.slice(0, Math.max(1, sources.length - 2))).slug : null,
  }));
  // A few claims draw most stances, so some claims have every position many times over.
  const hotClaims = claims.slice(0, 6);

  const statements: FactBundle['statements'] = [];
  const tips: string[] = [];
  for (let index = 0; index < options.statements; index++) {
    const speaker = random.pick(actors);
    const onBehalfOf = random.chance(0.3) ? random.pick(actors.filter((actor) => actor !== speaker)) : null;
    let respondsTo: FactBundle['statements'][number]['respondsTo'] = null;
    if (statements.length > 0 && random.chance(0.45)) {
      // Answering the newest reply of a thread again and again is what makes threads deep.
      const target = tips.length > 0 && random.chance(0.6) ? random.pick(tips) : random.pick(statements).slug;
      respondsTo = { statement: target, kind: random.pick(RESPONSE_KINDS) };
    }
    const slug = `st-${index}`;
    if (respondsTo) {
      const at = tips.indexOf(respondsTo.statement);
      if (at >= 0) tips.splice(at, 1);
    }
    tips.push(slug);
    if (tips.length > 12) tips.shift();
    const stanceClaims = random.sample(random.chance(0.5) ? hotClaims : claims, random.weighted([
      [3, 0],
      [4, 1],
      [2, 2],
      [1, 4],
    ] as const));
    statements.push({
      slug,
      speaker: speaker.slug,
      onBehalfOf: onBehalfOf?.slug ?? null,
      text: `${sentence(random, 2, 12)} [${index}]`,
      kind: random.pick(STATEMENT_KINDS),
      saidOn: random.chance(0.3) ? null : dateFrom(random, DATES),
      venue: random.chance(0.3) ? random.pick(['press briefing', 'Press Briefing', 'UN_HQ', '100% online']) : null,
      source: random.pick(sources.slice(0, sources.length - 1)).slug,
      respondsTo,
      stances: stanceClaims.map((claim) => ({ claim: claim.slug, position: random.pick(POSITIONS) })),
      ...(random.chance(0.04) ? { retraction: { at: '2024-12-01T10:00:00.000Z', by: 'bundle-editor', reason: 'Imported as retracted' } } : {}),
    });
  }

  const bundle: FactBundle = {
    format: 'fact-bundle/v1',
    sources,
    actors: actors.map((actor) => ({ ...actor, affiliations: [] })),
    claims,
    statements: statements.slice(0, Math.floor(statements.length * 0.8)),
  };
  // The second import updates records in place (aliases, dates, affiliations) and adds the rest.
  const updated = statements.slice(0, 30).map((statement, index) => (index % 3 === 0 ? { ...statement, saidOn: statement.saidOn ? null : '2024-11-01' } : statement));
  const later: FactBundle = {
    format: 'fact-bundle/v1',
    sources: [],
    actors: actors.map((actor, index) => (index % 7 === 0 ? { ...actor, aliases: [...actor.aliases, `alias ${index} ΣΟΦΟΣ`] } : actor)),
    claims: [],
    statements: [...updated, ...statements.slice(Math.floor(statements.length * 0.8))],
  };
  return { bundle, later };
}

export async function writeNastyData(app: App, tokens: Tokens, options: NastyDataOptions): Promise<NastyDataReport> {
  const settings: Required<NastyDataOptions> = { actors: 44, sources: 12, claims: 60, statements: 240, ...options };
  const random = createRandom(`nasty:${settings.seed}`);
  const writes: Record<string, number> = {};
  const goneSlugs: NastyDataReport['goneSlugs'] = { actors: [], statements: [], claims: [] };
  const goneIds: string[] = [];

  const run = async (name: string, token: string, query: string, variables: Record<string, unknown>) => {
    const result = await executeAs(app, token, query, variables);
    const payload = result.data ? (Object.values(result.data)[0] as { __typename?: string } | undefined) : undefined;
    if (result.errors?.length || !payload?.__typename?.endsWith('Success')) {
      throw new Error(`${name} failed while writing the data set: ${JSON.stringify(result).slice(0, 2000)}`);
    }
    writes[name] = (writes[name] ?? 0) + 1;
    return payload as { __typename: string; data?: unknown };
  };
  const importBundle = (bundle: FactBundle) =>
    run('importBundle', tokens.write, `mutation($b: JSON!) { importBundle(bundle: $b) { __typename ... on ValidationError { issues { path message } } } }`, { b: bundle });

  const { bundle, later } = planBundles(random.fork('plan'), settings);
  const started = performance.now();
  await importBundle(bundle);
  await importBundle(later);
  const imported = performance.now();

  // Verdicts: two reviewers and a scale of their own; reviews on about a third of the claims, by label or by value.
  await run('createRatingScale', tokens.write, `mutation($i: CreateRatingScaleInput!) { createRatingScale(input: $i) { __typename ... on Error { message } } }`, {
    i: { slug: 'nasty-scale', name: 'Nasty scale', labels: ['Wrong', 'Shaky', 'right'], values: [-5, 0, 5] },
  });
  const reviewers = ['checker-one', 'checker-two'];
  for (const slug of reviewers) {
    await run('createActor', tokens.write, `mutation($i: CreateActorInput!) { createActor(input: $i) { __typename ... on Error { message } } }`, { i: { slug, name: slug.replace('-', ' '), kind: 'ORGANIZATION' } });
  }
  const reviewRandom = random.fork('reviews');
  const SCALES: Record<string, string[]> = {
    politifact: ['Pants on Fire', 'False', 'Mostly False', 'Half True', 'Mostly True', 'True'],
    'true-mixed-false': ['FALSE', 'MIXED', 'TRUE'],
    'nasty-scale': ['Wrong', 'Shaky', 'right'],
  };
  for (const claim of [...bundle.claims, ...later.claims]) {
    for (const reviewer of reviewers) {
      if (!reviewRandom.chance(0.12)) continue;
      const scale = reviewRandom.pick(Object.keys(SCALES));
      const label = reviewRandom.pick(SCALES[scale] ?? []);
      await run('createReview', tokens.write, `mutation($i: CreateReviewInput!) { createReview(input: $i) { __typename ... on Error { message } } }`, {
        i: { claim: claim.slug, reviewer, scale, ...(reviewRandom.chance(0.5) ? { rating: label.toLowerCase() } : { rating: label }), ...(reviewRandom.chance(0.5) ? { explanation: `Because ${claim.slug}`, publishedOn: '2024-11-05', language: 'en' } : {}) },
      });
    }
  }

  const ids = async (type: 'actors' | 'statements' | 'claims', extra = '') => {
    const found = new Map<string, string>();
    let after: string | null = null;
    for (;;) {
      const result = await executeAs(app, null, `query($a: String) { ${type}(first: 100, after: $a${extra}) { pageInfo { hasNextPage endCursor } edges { node { id slug } } } }`, { a: after });
      const connection = result.data?.[type] as { pageInfo: { hasNextPage: boolean; endCursor: string }; edges: { node: { id: string; slug: string } }[] };
      for (const edge of connection.edges) found.set(edge.node.slug, edge.node.id);
      // Sorted by slug: the API's order breaks ties by id, and ids differ from run to run.
      if (!connection.pageInfo.hasNextPage) return new Map([...found].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
      after = connection.pageInfo.endCursor;
    }
  };
  const statementIds = await ids('statements', ', includeRetracted: true');
  const actorIds = await ids('actors');
  const claimIds = await ids('claims');
  const statementSlugs = [...statementIds.keys()];
  const sourceSlugs = later.statements.map((statement) => statement.source);
  const actorSlugs = [...actorIds.keys()];

  // recordStatement: new statements answering deep in threads, some on behalf of others, some undated.
  const recorded: string[] = [];
  for (let index = 0; index < 12; index++) {
    const slug = `rec-${index}`;
    const respondsTo = index % 2 === 0 ? (recorded[recorded.length - 1] ?? random.pick(statementSlugs)) : random.pick(statementSlugs);
    const [speaker, onBehalfOf] = random.sample(actorSlugs, 2);
    await run(
      'recordStatement',
      tokens.write,
      `mutation($i: RecordStatementInput!) { recordStatement(input: $i) { __typename ... on ValidationError { issues { path message } } ... on Error { message } } }`,
      {
        i: {
          slug,
          speaker,
          ...(index % 3 === 0 ? { onBehalfOf } : {}),
          text: `Recorded ${sentence(random, 2, 6)} ${index}`,
          kind: random.pick(STATEMENT_KINDS),
          ...(index % 4 === 0 ? {} : { saidOn: random.pick(DATES) }),
          source: random.pick(sourceSlugs),
          respondsTo: { statement: respondsTo, kind: random.pick(RESPONSE_KINDS) },
          stances: random.sample(claimIds.size ? [...claimIds.keys()].slice(0, 10) : [], random.between(0, 3)).map((claim) => ({ claim, position: random.pick(POSITIONS) })),
        },
      },
    );
    recorded.push(slug);
  }
  for (const [slug, id] of await ids('statements', ', includeRetracted: true')) statementIds.set(slug, id);

  const RETRACT = `mutation($id: ID!, $r: String!) { retractStatement(id: $id, reason: $r) { __typename ... on Error { message } } }`;
  const retracted = new Set<string>();
  for (const slug of random.sample([...statementIds.keys()], 22)) {
    const result = await executeAs(app, tokens.write, RETRACT, { id: statementIds.get(slug), r: random.pick(['Misattributed', 'Wrong date – ΛΑΘΟΣ', 'dup_entry 100%']) });
    const payload = result.data?.retractStatement as { __typename: string } | undefined;
    if (payload?.__typename === 'MutationRetractStatementSuccess') {
      retracted.add(slug);
      writes.retractStatement = (writes.retractStatement ?? 0) + 1;
    }
  }

  // Merges: one chain (a into b, then b into c), and a merge of an actor that others spoke for.
  const MERGE = `mutation($into: ID!, $from: ID!) { mergeActors(into: $into, from: $from) { __typename ... on Error { message } } }`;
  const mergeable = random.sample(actorSlugs.slice(1), 6);
  const pairs: [string, string][] = [
    [mergeable[1] ?? '', mergeable[0] ?? ''],
    [mergeable[2] ?? '', mergeable[1] ?? ''],
    [mergeable[3] ?? '', mergeable[4] ?? ''],
    [actorSlugs[0] ?? '', mergeable[5] ?? ''],
  ];
  for (const [into, from] of pairs) {
    await run('mergeActors', tokens.admin, MERGE, { into: actorIds.get(into), from: actorIds.get(from) });
    goneSlugs.actors.push(from);
    goneIds.push(actorIds.get(from) ?? '');
    actorIds.delete(from);
  }

  const UPDATE_ACTOR = `mutation($id: ID!, $i: UpdateActorInput!) { updateActor(id: $id, input: $i) { __typename ... on Error { message } } }`;
  for (const slug of random.sample([...actorIds.keys()], 3)) {
    await run('updateActor', tokens.write, UPDATE_ACTOR, { id: actorIds.get(slug), i: { aliases: ['Renamed ΣΟΦΟΣ', `n_${slug.slice(0, 6)}`, 'ODOS'] } });
  }

  // Re-parent statements in the middle of threads, and move some dates (status "latest" changes with them).
  const UPDATE_STATEMENT = `mutation($id: ID!, $i: UpdateStatementInput!) { updateStatement(id: $id, input: $i) { __typename ... on Error { message } } }`;
  const live = [...statementIds.keys()].filter((slug) => !retracted.has(slug));
  for (let index = 0; index < 6; index++) {
    const slug = random.pick(live);
    const target = random.pick(live.filter((other) => other !== slug));
    const input = index % 2 === 0 ? { respondsTo: { statement: target, kind: random.pick(RESPONSE_KINDS) } } : { saidOn: index % 3 === 0 ? null : random.pick(DATES) };
    const result = await executeAs(app, tokens.write, UPDATE_STATEMENT, { id: statementIds.get(slug), i: input });
    const payload = result.data?.updateStatement as { __typename: string } | undefined;
    // A re-parent that would close a cycle is refused; that is the write path working, so it is skipped.
    if (payload?.__typename === 'MutationUpdateStatementSuccess') writes.updateStatement = (writes.updateStatement ?? 0) + 1;
  }

  const SET = `mutation($s: ID!, $c: String!, $p: StancePosition!) { setStance(statement: $s, claim: $c, position: $p) { __typename ... on Error { message } } }`;
  const REMOVE = `mutation($s: ID!, $c: String!) { removeStance(statement: $s, claim: $c) { __typename ... on Error { message } } }`;
  const claimSlugs = [...claimIds.keys()];
  for (let index = 0; index < 12; index++) {
    const statement = random.pick(live);
    const claim = random.pick(claimSlugs.slice(0, 8));
    await run('setStance', tokens.write, SET, { s: statementIds.get(statement), c: claim, p: random.pick(POSITIONS) });
    if (index % 3 === 0) {
      await run('removeStance', tokens.write, REMOVE, { s: statementIds.get(statement), c: claim });
    }
  }

  // Deletions: a statement in the middle of a deep thread, and a claim with stances.
  const DELETE_STATEMENT = `mutation($id: ID!) { deleteStatement(id: $id) { __typename ... on Error { message } } }`;
  const threaded = (await executeAs(app, null, `{ statements(first: 100, includeRetracted: true) { edges { node { slug thread { slug } } } } }`)).data?.statements as {
    edges: { node: { slug: string; thread: { slug: string }[] } }[];
  };
  const deepest = [...threaded.edges].sort((a, b) => b.node.thread.length - a.node.thread.length)[0]?.node;
  const middle = deepest?.thread[Math.floor(deepest.thread.length / 2)]?.slug;
  for (const slug of [middle, random.pick(live)]) {
    if (!slug || !statementIds.has(slug) || goneSlugs.statements.includes(slug)) continue;
    await run('deleteStatement', tokens.admin, DELETE_STATEMENT, { id: statementIds.get(slug) });
    goneSlugs.statements.push(slug);
    goneIds.push(statementIds.get(slug) ?? '');
  }
  const DELETE_CLAIM = `mutation($id: ID!) { deleteClaim(id: $id) { __typename ... on Error { message } } }`;
  const doomed = claimSlugs[claimSlugs.length - 1];
  if (doomed) {
    await run('deleteClaim', tokens.admin, DELETE_CLAIM, { id: claimIds.get(doomed) });
    goneSlugs.claims.push(doomed);
    goneIds.push(claimIds.get(doomed) ?? '');
  }
  return { writes, goneSlugs, goneIds: goneIds.filter(Boolean), timings: { imports: Math.round(imported - started), mutations: Math.round(performance.now() - imported) } };
}
