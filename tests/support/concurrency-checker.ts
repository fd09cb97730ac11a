import { isDeepStrictEqual } from 'node:util';
import { createToken } from '../../src/auth/tokens.js';
import { exportBundle } from '../../src/bundle/export.js';
import type { BundleActor, BundleClaim, BundleStatement, FactBundle } from '../../src/bundle/format.js';
import { importBundle } from '../../src/bundle/import.js';
import type { PrismaClient } from '../../src/db.js';
import { actorSearchText } from '../../src/domain/actors.js';
import { deriveClaimStatus, type StanceFact } from '../../src/domain/claim-status.js';

/**
 * A Jepsen-style checker for the write path: K workers, each a client of its own (its own token, so the
 * audit log names it), run M random writes at once over a small shared set of actors, claims and
 * statements, in rounds: each worker looks up what its next write needs, then all send their writes at the
 * same moment. Every answer is recorded; then the checker asserts:
 *
 *  - every stored derived field equals a fresh recomputation (claim status by deriveClaimStatus, threads by
 *    walking respondsToId, Actor.searchText), and no response cycle exists;
 *  - only typed errors came back (Validation/NotFound/Conflict), or a retryable SERVICE_UNAVAILABLE;
 *  - each worker's acknowledged writes and its audit entries are the same list, in the same order;
 *  - replaying the audit log in `seq` order from the starting state, each entry's before-image is what the
 *    state then held (no lost update) and the replay ends exactly at what is stored (nothing acknowledged
 *    was lost; everything stored was acknowledged);
 *  - a slug was created by at most one recordStatement per life (a delete ends a life).
 */

export interface Client {
  /** Runs one GraphQL operation as `token` and returns its JSON result. */
  execute(token: string | null, query: string, variables?: Record<string, unknown>): Promise<{ data?: Record<string, unknown> | null; errors?: { message: string; extensions?: Record<string, unknown> }[] }>;
}

export function mulberry32(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SENTENCES = [
  'The ministry said the troops were on an exercise.',
  'Officials denied any transfer of weapons.',
  'The envoy called the talks “constructive and frank”.',
  'Observers counted more than 200 vehicles near the border.',
  'A spokesperson declined to confirm the figures.',
  'Ministers will meet again next month.',
];
export const ARTICLE = SENTENCES.join(' ');
const ACTORS = ['a0', 'a1', 'a2', 'a3', 'a4', 'a5', 'a6', 'a7'];
const CLAIMS = Array.from({ length: 16 }, (_, i) => `c${i}`);
/** Claims the starting bundle has; imports may create the rest. Many claims, few stances each: statuses stay varied, so a lost stance shows. */
const STARTING_CLAIMS = CLAIMS.slice(0, 12);
const STATEMENTS = ['s0', 's1', 's2', 's3', 's4', 's5', 's6', 's7', 'n0', 'n1', 'n2', 'n3', 'n4', 'n5', 'n6', 'n7', 'n8', 'n9'];
const NEW_SLUGS = STATEMENTS.filter((slug) => slug.startsWith('n'));
const POSITIONS = ['ASSERTS', 'SUPPORTS', 'DENIES', 'QUESTIONS', 'DECLINES_TO_CONFIRM'] as const;
const KINDS = ['DIRECT_QUOTE', 'PARAPHRASE', 'REPORTED'] as const;
const RESPONSES = ['ANSWERS', 'REBUTS', 'CLARIFIES'] as const;
const SOURCE = 'cc-source';

const actor = (slug: string, name = `Actor ${slug}`, aliases: string[] = []): BundleActor => ({ slug, name, kind: 'STATE', aliases, description: null, wikidataId: null, affiliations: [] });
const claim = (slug: string, text = `Claim ${slug}.`): BundleClaim => ({ slug, text, topics: [], source: null });

/** Six actors, six claims, eight statements (two short threads, some stances): the shared ground the workers fight over. */
export function startingBundle(): FactBundle {
  const statement = (slug: string, speaker: string, respondsTo: string | null, stances: [string, (typeof POSITIONS)[number]][]): BundleStatement => ({
    slug,
    speaker,
    onBehalfOf: null,
    text: `Statement ${slug}.`,
    kind: 'REPORTED',
    saidOn: null,
    venue: null,
    source: SOURCE,
    respondsTo: respondsTo ? { statement: respondsTo, kind: 'ANSWERS' } : null,
    stances: stances.map(([claimSlug, position]) => ({ claim: claimSlug, position })),
    quote: null,
  });
  return {
    format: 'fact-bundle/v1',
    sources: [{ slug: SOURCE, title: 'Concurrency source', url: null, publisher: null, publishedOn: null, text: ARTICLE }],
    actors: ACTORS.slice(0, 6).map((slug) => actor(slug)),
    claims: STARTING_CLAIMS.map((slug) => claim(slug)),
    statements: [
      statement('s0', 'a0', null, [['c0', 'ASSERTS']]),
      statement('s1', 'a1', 's0', [['c0', 'DENIES']]),
      statement('s2', 'a2', 's1', [['c1', 'SUPPORTS']]),
      statement('s3', 'a3', null, [['c1', 'QUESTIONS'], ['c2', 'ASSERTS']]),
      statement('s4', 'a4', 's3', []),
      statement('s5', 'a5', null, [['c3', 'DENIES']]),
      statement('s6', 'a0', 's5', [['c4', 'ASSERTS']]),
      statement('s7', 'a1', null, []),
    ],
  };
}

type Op =
  | { kind: 'setStance'; statement: string; claim: string; position: string }
  | { kind: 'removeStance'; statement: string; claim: string }
  | { kind: 'recordStatement'; input: Record<string, unknown> }
  | { kind: 'updateStatement'; statement: string; input: Record<string, unknown> }
  | { kind: 'retractStatement'; statement: string }
  | { kind: 'deleteStatement'; statement: string }
  | { kind: 'mergeActors'; into: string; from: string }
  | { kind: 'importBundle'; bundle: FactBundle };

export interface Outcome {
  worker: number;
  index: number;
  op: Op;
  /** skipped: a record it needed was gone when looked up, so nothing was sent. */
  result: 'ok' | 'typed-error' | 'unavailable' | 'unexpected' | 'skipped';
  typename?: string;
  data?: Record<string, unknown>;
  detail?: string;
}

/** In every round, half the writes go to one claim and two statements that all workers pick alike: races on purpose. */
function hotSpots(seed: number, round: number) {
  const at = (items: readonly string[], salt: number) => items[Math.abs(Math.imul(seed + salt, 2654435761) ^ Math.imul(round + 1, 40503)) % items.length] as string;
  return { claim: at(STARTING_CLAIMS, 1), statements: [at(STATEMENTS, 2), at(STATEMENTS, 3)] };
}

function randomOp(random: () => number, worker: number, index: number, seed: number): Op {
  const int = (below: number) => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const maybe = (p: number) => random() < p;
  const hot = hotSpots(seed, index);
  const aClaim = () => (maybe(0.5) ? hot.claim : pick(STARTING_CLAIMS));
  const aStatement = () => (maybe(0.5) ? pick(hot.statements) : pick(STATEMENTS));
  const stances = () => [...new Set(Array.from({ length: int(3) }, () => aClaim()))].map((claimSlug) => ({ claim: claimSlug, position: pick(POSITIONS) }));
  const date = () => (maybe(0.3) ? null : `2024-0${1 + int(9)}-1${int(9)}`);
  const text = () => `Said by worker ${worker} in op ${index}.`;
  const roll = random();
  if (roll < 0.22) return { kind: 'setStance', statement: aStatement(), claim: aClaim(), position: pick(POSITIONS) };
  if (roll < 0.3) return { kind: 'removeStance', statement: aStatement(), claim: aClaim() };
  if (roll < 0.47) {
    const quoted = maybe(0.25);
    const sentence = int(SENTENCES.length);
    const start = SENTENCES.slice(0, sentence).reduce((sum, s) => sum + s.length + 1, 0);
    const body = SENTENCES[sentence] ?? '';
    return {
      kind: 'recordStatement',
      input: {
        slug: pick(NEW_SLUGS),
        speaker: pick(ACTORS.slice(0, 6)),
        onBehalfOf: maybe(0.3) ? pick(ACTORS.slice(0, 6)) : null,
        text: quoted ? body : text(),
        kind: quoted ? 'DIRECT_QUOTE' : pick(KINDS.slice(1)),
        saidOn: date(),
        source: SOURCE,
        respondsTo: maybe(0.5) ? { statement: aStatement(), kind: pick(RESPONSES) } : null,
        stances: stances(),
        quote: quoted ? { start, end: start + body.length + (maybe(0.2) ? 1 : 0) } : null,
      },
    };
  }
  if (roll < 0.64) {
    const input: Record<string, unknown> = {};
    if (maybe(0.6)) input.respondsTo = maybe(0.2) ? null : { statement: aStatement(), kind: pick(RESPONSES) };
    if (maybe(0.3)) input.speaker = pick(ACTORS.slice(0, 6));
    if (maybe(0.2)) input.onBehalfOf = maybe(0.5) ? null : pick(ACTORS.slice(0, 6));
    if (maybe(0.3)) input.saidOn = date();
    if (maybe(0.3)) input.text = text();
    if (maybe(0.3)) input.stances = stances();
    if (Object.keys(input).length === 0) input.venue = `venue ${worker}-${index}`;
    return { kind: 'updateStatement', statement: aStatement(), input };
  }
  if (roll < 0.69) return { kind: 'retractStatement', statement: aStatement() };
  if (roll < 0.73) return { kind: 'deleteStatement', statement: aStatement() };
  if (roll < 0.76) {
    const into = pick(ACTORS);
    return { kind: 'mergeActors', into, from: pick(ACTORS.filter((slug) => slug !== into)) };
  }
  const bundle: FactBundle = { format: 'fact-bundle/v1', sources: [], actors: [], claims: [], statements: [] };
  if (maybe(0.5)) bundle.actors.push(actor(pick(ACTORS), `Actor named by ${worker}-${index}`, maybe(0.5) ? [`alias ${worker}-${index}`] : []));
  if (maybe(0.5)) bundle.claims.push(claim(pick(CLAIMS), `Claim text by ${worker}-${index}.`));
  const speakers = [...ACTORS.slice(0, 6), ...bundle.actors.map((entry) => entry.slug)];
  const claimSlugs = new Set([...STARTING_CLAIMS, ...bundle.claims.map((entry) => entry.slug)]);
  for (const slug of new Set(Array.from({ length: 1 + int(2) }, () => aStatement()))) {
    bundle.statements.push({
      slug,
      speaker: pick(speakers),
      onBehalfOf: null,
      text: text(),
      kind: pick(KINDS.slice(1)),
      saidOn: date(),
      venue: null,
      source: SOURCE,
      respondsTo: maybe(0.5) ? { statement: aStatement(), kind: pick(RESPONSES) } : null,
      stances: [...new Set(Array.from({ length: int(3) }, () => pick([...claimSlugs])))].map((claimSlug) => ({ claim: claimSlug, position: pick(POSITIONS) })),
      quote: null,
    });
  }
  return { kind: 'importBundle', bundle };
}

const ERRORS = `__typename ... on Error { message } ... on ConflictError { field }`;
const MUTATIONS = {
  setStance: `mutation($id: ID!, $c: String!, $p: StancePosition!) { setStance(statement: $id, claim: $c, position: $p) { ${ERRORS} ... on MutationSetStanceSuccess { data { slug } } } }`,
  removeStance: `mutation($id: ID!, $c: String!) { removeStance(statement: $id, claim: $c) { ${ERRORS} ... on MutationRemoveStanceSuccess { data { slug } } } }`,
  recordStatement: `mutation($i: RecordStatementInput!) { recordStatement(input: $i) { ${ERRORS} ... on MutationRecordStatementSuccess { data { slug text } } } }`,
  updateStatement: `mutation($id: ID!, $i: UpdateStatementInput!) { updateStatement(id: $id, input: $i) { ${ERRORS} ... on MutationUpdateStatementSuccess { data { slug } } } }`,
  retractStatement: `mutation($id: ID!) { retractStatement(id: $id, reason: "checker") { ${ERRORS} ... on MutationRetractStatementSuccess { data { slug } } } }`,
  deleteStatement: `mutation($id: ID!) { deleteStatement(id: $id) { ${ERRORS} ... on MutationDeleteStatementSuccess { data } } }`,
  mergeActors: `mutation($a: ID!, $b: ID!) { mergeActors(into: $a, from: $b) { ${ERRORS} ... on MutationMergeActorsSuccess { data { slug } } } }`,
  importBundle: `mutation($b: JSON!) { importBundle(bundle: $b) { ${ERRORS} ... on MutationImportBundleSuccess { data { actors { created updated unchanged deleted } claims { created updated unchanged deleted } statements { created updated unchanged deleted } stances { created updated unchanged deleted } } } } }`,
} as const;
const TYPED_ERRORS = new Set(['ValidationError', 'NotFoundError', 'ConflictError']);

async function idOf(client: Client, type: 'statement' | 'actor', slug: string): Promise<string | null> {
  const result = await client.execute(null, `query($s: String!) { ${type}(slug: $s) { id } }`, { s: slug });
  const found = result.data?.[type] as { id: string } | null | undefined;
  return found?.id ?? null;
}

/** Looks up the ids an operation needs (before the round's barrier), then returns the request to send, or null if a record is gone. */
async function prepare(client: Client, op: Op): Promise<Record<string, unknown> | null> {
  switch (op.kind) {
    case 'setStance':
    case 'removeStance':
    case 'updateStatement':
    case 'retractStatement':
    case 'deleteStatement': {
      const id = await idOf(client, 'statement', op.statement);
      if (!id) return null;
      return op.kind === 'setStance' ? { id, c: op.claim, p: op.position } : op.kind === 'removeStance' ? { id, c: op.claim } : op.kind === 'updateStatement' ? { id, i: op.input } : { id };
    }
    case 'mergeActors': {
      const [a, b] = [await idOf(client, 'actor', op.into), await idOf(client, 'actor', op.from)];
      return a && b ? { a, b } : null;
    }
    case 'recordStatement':
      return { i: op.input };
    case 'importBundle':
      return { b: op.bundle };
  }
}

async function send(client: Client, token: string, op: Op, variables: Record<string, unknown>): Promise<Omit<Outcome, 'worker' | 'index' | 'op'>> {
  const answer = await client.execute(token, MUTATIONS[op.kind], variables);
  const error = answer.errors?.[0];
  if (error) {
    const code = error.extensions?.code;
    return code === 'SERVICE_UNAVAILABLE' ? { result: 'unavailable', detail: error.message } : { result: 'unexpected', detail: `${String(code)}: ${error.message}` };
  }
  const payload = answer.data?.[op.kind] as { __typename: string; data?: Record<string, unknown> } | undefined;
  if (!payload) return { result: 'unexpected', detail: 'no payload' };
  if (payload.__typename.endsWith('Success')) return { result: 'ok', typename: payload.__typename, ...(payload.data === undefined ? {} : { data: payload.data }) };
  if (TYPED_ERRORS.has(payload.__typename)) return { result: 'typed-error', typename: payload.__typename, detail: JSON.stringify(payload) };
  return { result: 'unexpected', detail: JSON.stringify(payload) };
}

/**
 * Releases everyone at once when the last of `parties` arrives (writes that overlap are what the checker is
 * for), after the last one has run `action`: the moment nobody writes.
 */
function barrier(parties: number, action: () => Promise<void> = async () => {}) {
  let waiting: (() => void)[] = [];
  return () =>
    new Promise<void>((resolve, reject) => {
      waiting.push(resolve);
      if (waiting.length === parties) {
        const release = waiting;
        waiting = [];
        action().then(() => {
          for (const go of release) go();
        }, reject);
      }
    });
}

export interface RunOptions {
  workers: number;
  operations: number;
  seed: number;
  /** Check derived data at the quiet moment after every round (default), not only at the end. */
  checkEveryRound?: boolean;
}

export interface Run {
  outcomes: Outcome[];
  writers: string[];
  seconds: number;
  /** Derived data found stale at the quiet moment after a round (a later write could have healed it). */
  betweenRounds: string[];
}

/** Seeds the shared ground, makes one token per worker, and runs the workers side by side. */
export async function runWorkers(prisma: PrismaClient, client: Client, options: RunOptions): Promise<Run> {
  await importBundle(prisma, startingBundle());
  const tag = `${options.seed}-${Date.now().toString(36)}`;
  const writers = Array.from({ length: options.workers }, (_, k) => `checker-${tag}-w${k}`);
  const tokens = await Promise.all(writers.map((name) => createToken(prisma, name, ['admin'])));
  const outcomes: Outcome[] = [];
  const betweenRounds: string[] = [];
  let rounds = 0;
  const go = barrier(options.workers);
  const done = barrier(options.workers, async () => {
    rounds += 1;
    if (options.checkEveryRound ?? true) for (const problem of await derivedProblems(prisma)) betweenRounds.push(`after round ${rounds}: ${problem}`);
  });
  const started = performance.now();
  await Promise.all(
    tokens.map(async (token, worker) => {
      const random = mulberry32(options.seed * 1_000 + worker);
      for (let index = 0; index < options.operations; index++) {
        const op = randomOp(random, worker, index, options.seed);
        const variables = await prepare(client, op);
        await go();
        outcomes.push({ worker, index, op, ...(variables ? await send(client, token, op, variables) : { result: 'skipped' as const }) });
        await done();
      }
    }),
  );
  return { outcomes, writers, seconds: (performance.now() - started) / 1000, betweenRounds };
}

type Stance = BundleStatement['stances'][number];
const byClaim = (a: Stance, b: Stance) => (a.claim < b.claim ? -1 : a.claim > b.claim ? 1 : 0);
const normal = (statement: BundleStatement) => ({ ...statement, stances: [...statement.stances].sort(byClaim), quote: statement.quote ?? null, retraction: statement.retraction ?? null });
const same = (a: BundleStatement, b: BundleStatement) => isDeepStrictEqual(normal(a), normal(b));

interface AuditRow {
  seq: bigint;
  writer: string;
  action: string;
  targetType: string;
  targetSlug: string | null;
  before: unknown;
  after: unknown;
}

interface State {
  actors: Map<string, BundleActor>;
  claims: Map<string, BundleClaim>;
  statements: Map<string, BundleStatement>;
}

const stateOf = (bundle: FactBundle): State => ({
  actors: new Map(bundle.actors.map((entry) => [entry.slug, structuredClone(entry)])),
  claims: new Map(bundle.claims.map((entry) => [entry.slug, structuredClone(entry)])),
  statements: new Map(bundle.statements.map((entry) => [entry.slug, structuredClone(entry)])),
});

/** Applies one audited write to the model of the database; returns what did not match. */
function replay(state: State, entry: AuditRow, imported: FactBundle | undefined, problems: string[]) {
  const where = `audit #${entry.seq} (${entry.writer} ${entry.action} ${entry.targetType} ${entry.targetSlug ?? ''})`;
  const expectStatement = (slug: string, before: BundleStatement) => {
    const current = state.statements.get(slug);
    if (!current || !same(current, before)) problems.push(`${where}: before-image ${JSON.stringify(normal(before))} but the writes before it left ${current ? JSON.stringify(normal(current)) : 'nothing'}`);
  };
  switch (entry.action) {
    case 'recordStatement': {
      const after = entry.after as BundleStatement;
      if (state.statements.has(after.slug)) problems.push(`${where}: created a statement whose slug was already taken`);
      state.statements.set(after.slug, after);
      return;
    }
    case 'updateStatement':
      expectStatement(entry.targetSlug ?? '', entry.before as BundleStatement);
      state.statements.set(entry.targetSlug ?? '', entry.after as BundleStatement);
      return;
    case 'setStance':
    case 'removeStance': {
      const [statementSlug = '', claimSlug = ''] = (entry.targetSlug ?? '').split('/');
      const current = state.statements.get(statementSlug);
      if (!current) {
        problems.push(`${where}: no such statement at that point`);
        return;
      }
      const had = current.stances.find((stance) => stance.claim === claimSlug) ?? null;
      if (!isDeepStrictEqual(had, entry.before ?? null)) problems.push(`${where}: before-image ${JSON.stringify(entry.before)} but the stance was ${JSON.stringify(had)}`);
      const others = current.stances.filter((stance) => stance.claim !== claimSlug);
      state.statements.set(statementSlug, { ...current, stances: entry.after ? [...others, entry.after as Stance] : others });
      return;
    }
    case 'retractStatement': {
      const current = state.statements.get(entry.targetSlug ?? '');
      const after = entry.after as { at: string; by: string; reason: string };
      if (!current || current.retraction) problems.push(`${where}: retracted ${current ? 'twice' : 'a missing statement'}`);
      if (current) state.statements.set(current.slug, { ...current, retraction: { at: after.at, by: after.by, reason: after.reason } });
      return;
    }
    case 'deleteStatement': {
      expectStatement(entry.targetSlug ?? '', entry.before as BundleStatement);
      state.statements.delete(entry.targetSlug ?? '');
      for (const [slug, statement] of state.statements) if (statement.respondsTo?.statement === entry.targetSlug) state.statements.set(slug, { ...statement, respondsTo: null });
      return;
    }
    case 'mergeActors': {
      const before = entry.before as { into: BundleActor; from: BundleActor };
      for (const side of [before.into, before.from]) {
        if (!isDeepStrictEqual(state.actors.get(side.slug), side)) problems.push(`${where}: before-image of ${side.slug} is not what the writes before it left`);
      }
      state.actors.delete(before.from.slug);
      state.actors.set(before.into.slug, entry.after as BundleActor);
      for (const [slug, statement] of state.statements) {
        if (statement.speaker !== before.from.slug && statement.onBehalfOf !== before.from.slug) continue;
        const speaker = statement.speaker === before.from.slug ? before.into.slug : statement.speaker;
        const onBehalfOf = statement.onBehalfOf === before.from.slug ? before.into.slug : statement.onBehalfOf;
        state.statements.set(slug, { ...statement, speaker, onBehalfOf: speaker === onBehalfOf ? null : onBehalfOf });
      }
      return;
    }
    case 'importBundle': {
      if (entry.targetType === 'Bundle') {
        // Records the import created or left as they were have no entry of their own: they come from the bundle sent.
        for (const sent of imported?.actors ?? []) {
          const current = state.actors.get(sent.slug);
          if (!current) state.actors.set(sent.slug, sent);
          else if (!isDeepStrictEqual(current, sent)) problems.push(`${where}: actor ${sent.slug} neither created, updated nor as sent`);
        }
        for (const sent of imported?.claims ?? []) {
          const current = state.claims.get(sent.slug);
          if (!current) state.claims.set(sent.slug, sent);
          else if (!isDeepStrictEqual(current, sent)) problems.push(`${where}: claim ${sent.slug} neither created, updated nor as sent`);
        }
        for (const sent of imported?.statements ?? []) {
          const current = state.statements.get(sent.slug);
          if (!current) state.statements.set(sent.slug, sent);
          else if (!same(current, { ...sent, ...(current.retraction ? { retraction: current.retraction } : {}) })) problems.push(`${where}: statement ${sent.slug} neither created, updated nor as sent`);
        }
        return;
      }
      // A record the import created: its entry (for its history) says what the bundle sent; the bundle's own entry models it.
      if (entry.before === null) return;
      const slug = entry.targetSlug ?? '';
      if (entry.targetType === 'Statement') {
        expectStatement(slug, entry.before as BundleStatement);
        state.statements.set(slug, entry.after as BundleStatement);
      } else if (entry.targetType === 'Actor' || entry.targetType === 'Claim') {
        const map = (entry.targetType === 'Actor' ? state.actors : state.claims) as Map<string, unknown>;
        if (!isDeepStrictEqual(map.get(slug), entry.before)) problems.push(`${where}: before-image is not what the writes before it left`);
        map.set(slug, entry.after);
      }
      return;
    }
    default:
      problems.push(`${where}: an action the checker does not model`);
  }
}

/** Derived data against a recomputation from the rows: claim status and its history, threads (and cycles), actor search text. */
export async function derivedProblems(prisma: PrismaClient): Promise<string[]> {
  const problems: string[] = [];
  const statements = await prisma.statement.findMany({ select: { id: true, slug: true, seq: true, speakerId: true, onBehalfOfId: true, saidOn: true, retractedAt: true, respondsToId: true, responseKind: true, threadIds: true } });
  const byId = new Map(statements.map((row) => [row.id, row]));
  for (const row of statements) {
    const thread: string[] = [];
    const seen = new Set([row.id]);
    let cursor = row.respondsToId;
    while (cursor) {
      if (seen.has(cursor)) {
        problems.push(`statement ${row.slug} is on a response cycle`);
        break;
      }
      seen.add(cursor);
      thread.unshift(cursor);
      cursor = byId.get(cursor)?.respondsToId ?? null;
    }
    if (!isDeepStrictEqual(thread, row.threadIds)) problems.push(`statement ${row.slug}: stored thread ${row.threadIds.map((id) => byId.get(id)?.slug ?? id).join('>')} but it answers ${thread.map((id) => byId.get(id)?.slug ?? id).join('>')}`);
    if ((row.respondsToId === null) !== (row.responseKind === null)) problems.push(`statement ${row.slug}: respondsTo and responseKind disagree`);
  }
  const claims = await prisma.claim.findMany({ select: { id: true, slug: true, status: true, stances: { select: { position: true, statementId: true } } } });
  for (const row of claims) {
    const counted = row.stances.flatMap((stance) => {
      const statement = byId.get(stance.statementId);
      return statement && statement.retractedAt === null ? [{ stance, statement }] : [];
    });
    counted.sort((a, b) => (a.statement.saidOn?.getTime() ?? -Infinity) - (b.statement.saidOn?.getTime() ?? -Infinity) || a.statement.seq - b.statement.seq);
    const facts: StanceFact[] = counted.map(({ stance, statement }, order) => ({ position: stance.position, actorId: statement.onBehalfOfId ?? statement.speakerId, order }));
    const derived = deriveClaimStatus(facts);
    if (derived !== row.status) problems.push(`claim ${row.slug}: stored ${row.status}, its stances say ${derived}`);
  }
  // The stored status history replayed: it starts UNRESOLVED, each change starts where the one before ended
  // (no change lost or written twice by racing writers), and it ends at the recomputed status checked above.
  const changes = await prisma.claimStatusChange.findMany({ orderBy: { seq: 'asc' }, select: { claimId: true, from: true, to: true } });
  const replayed = new Map<string, string>();
  for (const change of changes) {
    const at = replayed.get(change.claimId) ?? 'UNRESOLVED';
    if (change.from !== at || change.from === change.to) problems.push(`claim ${change.claimId}: a status change ${change.from} -> ${change.to} after ${at}`);
    replayed.set(change.claimId, change.to);
  }
  for (const row of claims) {
    const at = replayed.get(row.id) ?? 'UNRESOLVED';
    if (at !== row.status) problems.push(`claim ${row.slug}: its status history ends at ${at}, its status is ${row.status}`);
  }
  for (const row of await prisma.actor.findMany()) {
    if (row.searchText !== actorSearchText(row.name, row.aliases)) problems.push(`actor ${row.slug}: searchText is stale`);
  }
  return problems;
}

const expectedAction = (op: Op) => op.kind;

export interface Verdict {
  problems: string[];
  counts: Record<string, number>;
}

/** Checks every invariant against what the database holds after the run. */
export async function check(prisma: PrismaClient, run: Run): Promise<Verdict> {
  const problems: string[] = [];
  const counts: Record<string, number> = {};
  for (const outcome of run.outcomes) {
    const key = `${outcome.op.kind} ${outcome.result}${outcome.typename && outcome.result !== 'ok' ? ` (${outcome.typename})` : ''}`;
    counts[key] = (counts[key] ?? 0) + 1;
    if (outcome.result === 'unexpected') problems.push(`worker ${outcome.worker} op ${outcome.index} (${outcome.op.kind}): not a typed error: ${outcome.detail}`);
    if (outcome.op.kind === 'recordStatement' && outcome.typename === 'ConflictError' && !outcome.detail?.includes('"field":"slug"')) {
      problems.push(`worker ${outcome.worker} op ${outcome.index}: a recordStatement conflict not about the slug: ${outcome.detail}`);
    }
  }

  problems.push(...run.betweenRounds, ...(await derivedProblems(prisma)));

  // Each worker's acknowledged writes are its audit entries, one to one and in order.
  const audit = (await prisma.auditEntry.findMany({ where: { writer: { in: run.writers } }, orderBy: { seq: 'asc' } })) as AuditRow[];
  const importOf = new Map<bigint, FactBundle>();
  run.writers.forEach((writer, worker) => {
    const mine = audit.filter((entry) => entry.writer === writer && !(entry.action === 'importBundle' && entry.targetType !== 'Bundle'));
    const acknowledged = run.outcomes.filter((outcome) => outcome.worker === worker && outcome.result === 'ok').sort((a, b) => a.index - b.index);
    if (mine.length !== acknowledged.length) problems.push(`worker ${worker}: ${acknowledged.length} acknowledged writes but ${mine.length} audit entries`);
    acknowledged.forEach((outcome, i) => {
      const entry = mine[i];
      if (!entry) return;
      if (entry.action !== expectedAction(outcome.op)) problems.push(`worker ${worker}: acknowledged write ${i} was ${outcome.op.kind}, its audit entry ${entry.action}`);
      if (outcome.op.kind === 'recordStatement' && (entry.after as BundleStatement | null)?.text !== (outcome.data as { text?: string } | undefined)?.text) {
        problems.push(`worker ${worker} op ${outcome.index}: answered one text, audited another`);
      }
      if (outcome.op.kind === 'importBundle') {
        importOf.set(entry.seq, outcome.op.bundle);
        const report = entry.after as Record<string, unknown>;
        for (const [type, answered] of Object.entries(outcome.data ?? {})) {
          if (!isDeepStrictEqual(report[type], answered)) problems.push(`worker ${worker} op ${outcome.index}: import answered ${type} ${JSON.stringify(answered)}, audited ${JSON.stringify(report[type])}`);
        }
      }
    });
  });

  // Replay the audit log from the start; it must end at what is stored.
  const state = stateOf(startingBundle());
  for (const entry of audit) replay(state, entry, importOf.get(entry.seq), problems);
  const stored = await exportBundle(prisma);
  const storedActors = new Map(stored.actors.map((entry) => [entry.slug, entry]));
  const storedClaims = new Map(stored.claims.map((entry) => [entry.slug, entry]));
  const storedStatements = new Map(stored.statements.map((entry) => [entry.slug, entry]));
  for (const slug of new Set([...state.actors.keys(), ...storedActors.keys()])) {
    if (!isDeepStrictEqual(state.actors.get(slug), storedActors.get(slug))) problems.push(`actor ${slug}: the audit log ends at ${JSON.stringify(state.actors.get(slug))}, stored ${JSON.stringify(storedActors.get(slug))}`);
  }
  for (const slug of new Set([...state.claims.keys(), ...storedClaims.keys()])) {
    if (!isDeepStrictEqual(state.claims.get(slug), storedClaims.get(slug))) problems.push(`claim ${slug}: the audit log ends at ${JSON.stringify(state.claims.get(slug))}, stored ${JSON.stringify(storedClaims.get(slug))}`);
  }
  for (const slug of new Set([...state.statements.keys(), ...storedStatements.keys()])) {
    const expected = state.statements.get(slug);
    const actual = storedStatements.get(slug);
    if (!expected || !actual || !same(expected, actual)) problems.push(`statement ${slug}: the audit log ends at ${JSON.stringify(expected && normal(expected))}, stored ${JSON.stringify(actual && normal(actual))}`);
  }

  // One successful create per slug per life.
  for (const slug of NEW_SLUGS) {
    const created = run.outcomes.filter((outcome) => outcome.result === 'ok' && outcome.op.kind === 'recordStatement' && outcome.op.input.slug === slug).length;
    const lives = 1 + audit.filter((entry) => entry.action === 'deleteStatement' && entry.targetSlug === slug).length;
    if (created > lives) problems.push(`slug ${slug}: created ${created} times in ${lives} life(s)`);
  }
  return { problems, counts };
}
