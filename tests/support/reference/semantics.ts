import { GraphQLError } from 'graphql';
import type { Actor, Claim, Source, Stance, Statement } from '../../../src/generated/prisma/client.js';
import type { Snapshot } from './snapshot.js';

/**
 * The documented behaviour of the read API, written out plainly: global IDs, cursors, orders, search,
 * claim status and Relay paging. Each rule names where it is documented; where today's service does
 * something else, `Quirks` says so and lets the reference follow it (see quirks.ts).
 */

export const MAX_PAGE_SIZE = 100;
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_SEARCH_LENGTH = 200;

export const badInput = (message: string, code = 'BAD_USER_INPUT') => new GraphQLError(message, { extensions: { code } });

// ---- Global IDs: base64 of `Type:uuid` (README: "every type is a Node with a global ID").

export const NODE_TYPES = ['Actor', 'Affiliation', 'Source', 'Statement', 'Claim', 'Stance', 'AuditEntry', 'Review'] as const;
export type NodeType = (typeof NODE_TYPES)[number];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const globalId = (type: NodeType, id: string) => Buffer.from(`${type}:${id}`, 'utf8').toString('base64');

/** The type and row id a global ID names, or undefined when it is malformed or not one of ours. */
export function parseGlobalId(value: unknown): { type: NodeType; id: string } | undefined {
  if (typeof value !== 'string' || !BASE64.test(value)) return undefined;
  const decoded = Buffer.from(value, 'base64').toString('utf8');
  const separator = decoded.indexOf(':');
  if (separator < 1) return undefined;
  const type = decoded.slice(0, separator);
  const id = decoded.slice(separator + 1);
  if (!(NODE_TYPES as readonly string[]).includes(type) || !UUID.test(id)) return undefined;
  return { type: type as NodeType, id };
}

// ---- Cursors: the service hands out base64 of `GPC:S:<row id>` (plugin-prisma's format on an `id` cursor).

export const cursorOf = (rowId: string) => Buffer.from(`GPC:S:${rowId}`, 'utf8').toString('base64');

export function rowIdOfCursor(cursor: string): string {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (!decoded.startsWith('GPC:S:')) throw badInput(`Invalid cursor: ${cursor}`);
  return decoded.slice('GPC:S:'.length);
}

// ---- Orders. Text compares by code point: both databases under test use the C collation
// (PostgreSQL C.UTF-8, PGlite C), where "A to Z" means code-point order: "Zeta" before "de Gaulle".

export function compareText(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

const compareNullableTime = (a: Date | null, b: Date | null, nulls: 'first' | 'last', direction: 1 | -1) => {
  if (a === null || b === null) {
    if (a === b) return 0;
    return (a === null) === (nulls === 'first') ? -1 : 1;
  }
  return direction * (a.getTime() - b.getTime());
};

/** Statements: newest first, undated last, later-recorded first among equals (`seq` desc). */
export const newestFirst = (a: Statement, b: Statement) => compareNullableTime(a.saidOn, b.saidOn, 'last', -1) || b.seq - a.seq;

export function newestFirstUnder(perturbation: Perturbation | undefined): (a: Statement, b: Statement) => number {
  if (perturbation === 'ties-oldest-first') return (a, b) => compareNullableTime(a.saidOn, b.saidOn, 'last', -1) || a.seq - b.seq;
  if (perturbation === 'undated-first') return (a, b) => compareNullableTime(a.saidOn, b.saidOn, 'first', -1) || b.seq - a.seq;
  return newestFirst;
}

/** Responses: conversation order, the exact reverse of newest first (undated count as oldest). */
export const oldestFirst = (a: Statement, b: Statement) => -newestFirst(a, b);

/** Actors "by name (A to Z)", the id breaking ties between equal names. */
export const actorOrder = (a: Actor, b: Actor) => compareText(a.name, b.name) || compareText(a.id, b.id);

/** Sources "most recently published first", unpublished last, then by id. */
export const sourceOrder = (a: Source, b: Source) => compareNullableTime(a.publishedOn, b.publishedOn, 'last', -1) || compareText(a.id, b.id);

/** Claims "in the order they were recorded": ids are UUIDv7, monotonic in the writing process. */
export const byId = (a: { id: string }, b: { id: string }) => compareText(a.id, b.id);

/**
 * Affiliations: earliest start first (unknown start first), then role. The service gives no order
 * between two affiliations with the same start and role; the reference breaks such ties by id, and
 * the generated data set has none (an unspecified order cannot be compared).
 */
export const affiliationOrder = (
  a: { from: Date | null; role: string; id: string },
  b: { from: Date | null; role: string; id: string },
) => compareNullableTime(a.from, b.from, 'first', 1) || compareText(a.role, b.role) || compareText(a.id, b.id);

// ---- Search: "case-insensitive substring". Case is folded one code point at a time with Unicode's
// simple lowercase mapping, as PostgreSQL's lower()/ILIKE do (so "İ" folds to "i" and "Σ" always to "σ").

export const foldCase = (text: string) => Array.from(text, (character) => (character === '\u0130' ? 'i' : character.toLowerCase())).join('');

/** Blank search means no filter; surrounding whitespace is ignored (src/schema/args.ts). */
export const searchTermOf = (value: string | null | undefined) => value?.trim() || undefined;

export function checkSearchLength(value: string | null | undefined) {
  if (typeof value === 'string' && value.length > MAX_SEARCH_LENGTH) {
    throw badInput(`Invalid argument search: must be at most ${MAX_SEARCH_LENGTH} characters`);
  }
}

export const containsFolded = (haystack: string, term: string) => foldCase(haystack).includes(foldCase(term));

// ---- Claim status (schema.graphql, ClaimStatus): derived from the stances, recomputed here from scratch.

const PRO = new Set(['ASSERTS', 'SUPPORTS']);
const CON = new Set(['DENIES', 'QUESTIONS']);

const statuses = new WeakMap<Snapshot, Map<string, Claim['status']>>();

/** The status of every claim is worked out once per snapshot: `claims(status:)` asks for all of them on every call. */
export function claimStatus(claim: Claim, data: Snapshot, perturbation?: Perturbation): Claim['status'] {
  let known = statuses.get(data);
  if (!known) statuses.set(data, (known = new Map()));
  const key = `${claim.id} ${perturbation ?? ''}`;
  const cached = known.get(key);
  if (cached) return cached;
  const status = deriveStatus(claim, data, perturbation);
  known.set(key, status);
  return status;
}

function deriveStatus(claim: Claim, data: Snapshot, perturbation?: Perturbation): Claim['status'] {
  const counted = data.stances
    .filter((stance) => stance.claimId === claim.id)
    .map((stance) => ({ stance, statement: data.statementById.get(stance.statementId) }))
    .filter(
      (entry): entry is { stance: Stance; statement: Statement } =>
        entry.statement !== undefined && (entry.statement.retractedAt === null || perturbation === 'status-counts-retracted'),
    )
    .filter(({ stance }) => PRO.has(stance.position) || CON.has(stance.position));
  if (counted.length === 0) return 'UNRESOLVED';
  const pro = counted.filter(({ stance }) => PRO.has(stance.position));
  if (pro.length === counted.length) return 'ASSERTED';
  if (pro.length === 0) return 'DENIED';
  const actors = new Set(counted.map(({ statement }) => statement.onBehalfOfId ?? statement.speakerId));
  if (actors.size > 1) return 'CONTESTED';
  // "An actor alone on both sides yields the side of its latest statement": latest as in newest first.
  const latest = [...counted].sort((a, b) => newestFirst(a.statement, b.statement))[0];
  return latest && PRO.has(latest.stance.position) ? 'ASSERTED' : 'DENIED';
}

// ---- Relay paging, with plugin-prisma's page-info rules (node_modules/@pothos/plugin-prisma/src/util/cursors.ts).

export interface PageArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface Edge<Row> {
  cursor: string;
  node: Row;
}

export interface Page<Row> {
  /** Set when today's service gives no answer the reference can predict (see quirks.ts). */
  unpredictable?: string;
  edges: Edge<Row>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  totalCount: number;
}

/**
 * What a page does when its cursor's row exists but is not in the list (filtered out, retracted since
 * the cursor was handed out, another parent's row). Documented (Relay): the page starts from the
 * cursor row's position in the list's order. Today's service, depending on the connection: see quirks.ts.
 */
export type ForeignCursor = 'position' | 'drops-a-row' | 'empty-page' | 'depends-on-the-plan';

/** How the object a nested connection hangs from was read: by itself (a root lookup), or inside a larger read. */
export type Origin = 'alone' | 'nested';

export interface PagingQuirks {
  foreignCursor(connection: string, parent: Origin): ForeignCursor;
}

export interface PageSpec<Row> {
  /** `Type.field` of the connection. */
  connection: string;
  parent: Origin;
  /** The row id a cursor carries for this row. */
  rowId(row: Row): string;
  /** The list's order, total. */
  compare(a: Row, b: Row): number;
  /** The cursor's row wherever it is (the whole table, not just this list), or undefined if there is none. */
  find(rowId: string): Row | undefined;
}

/** Deliberate mistakes, to show that the comparison catches a wrong reference (tests/differential.test.ts). */
export type Perturbation =
  | 'ties-oldest-first'
  | 'undated-first'
  | 'retracted-always-hidden'
  | 'search-case-sensitive'
  | 'status-counts-retracted'
  | 'before-page-without-next'
  | 'after-includes-cursor-row';

export const PERTURBATIONS: readonly Perturbation[] = [
  'ties-oldest-first',
  'undated-first',
  'retracted-always-hidden',
  'search-case-sensitive',
  'status-counts-retracted',
  'before-page-without-next',
  'after-includes-cursor-row',
];

export function paginate<Row>(all: readonly Row[], args: PageArgs, spec: PageSpec<Row>, quirks: PagingQuirks, perturbation?: Perturbation): Page<Row> {
  const { first, last, after, before } = args;
  if (first != null && first < 0) throw badInput('Argument "first" must be a non-negative integer');
  if (last != null && last < 0) throw badInput('Argument "last" must be a non-negative integer');
  if (before && after) throw badInput('Arguments "before" and "after" are not supported at the same time');
  if (before != null && first != null) throw badInput('Arguments "before" and "first" are not supported at the same time');
  if (after != null && last != null) throw badInput('Arguments "after" and "last" are not supported at the same time');

  // Quirk of today's service, kept: with both `first` and `last` (and no cursor) the page is the
  // last `first` rows, where Relay would take the first `first` and then the last `last` of those.
  const size = Math.min(first ?? last ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  const backward = before != null || last != null;
  const cursor = after ?? before;

  let window: Row[];
  if (cursor == null) {
    window = backward ? all.slice(Math.max(0, all.length - (size + 1))) : all.slice(0, size + 1);
  } else {
    const cursorRow = spec.find(rowIdOfCursor(cursor));
    const member = cursorRow !== undefined && all.some((row) => spec.rowId(row) === spec.rowId(cursorRow));
    const foreign = member ? 'position' : quirks.foreignCursor(spec.connection, spec.parent);
    if (cursorRow === undefined || foreign === 'empty-page') {
      window = [];
    } else if (after != null) {
      const inclusive = perturbation === 'after-includes-cursor-row';
      let rest = all.filter((row) => spec.compare(row, cursorRow) > (inclusive ? -1 : 0));
      if (foreign === 'drops-a-row') rest = rest.slice(1);
      window = rest.slice(0, size + 1);
    } else {
      let rest = all.filter((row) => spec.compare(row, cursorRow) < 0);
      if (foreign === 'drops-a-row') rest = rest.slice(0, -1);
      window = rest.slice(Math.max(0, rest.length - (size + 1)));
    }
  }
  const unpredictable = cursor != null && quirks.foreignCursor(spec.connection, spec.parent) === 'depends-on-the-plan' && !all.some((row) => spec.rowId(row) === rowIdOfCursor(cursor));
  const full = window.length === size + 1;
  const rows = full ? (backward ? window.slice(1) : window.slice(0, -1)) : window;
  const edges = rows.map((row) => ({ cursor: cursorOf(spec.rowId(row)), node: row }));
  return {
    ...(unpredictable ? { unpredictable: `${spec.connection} paged from a cursor of a row not in it` } : {}),
    edges,
    pageInfo: {
      // plugin-prisma: a `before` page always says there is a next page, an `after` page always
      // that there is a previous one; a `last` page without `before` never has a next page.
      hasNextPage: before != null ? perturbation !== 'before-page-without-next' : last != null ? false : full,
      hasPreviousPage: after != null ? true : backward ? full : false,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
    totalCount: all.length,
  };
}
