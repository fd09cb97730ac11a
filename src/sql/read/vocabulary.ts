/**
 * The vocabulary a field of the read API uses to say how it is read in SQL (`extensions: { sql: … }` on the
 * Pothos field). The read compiler (compiler.ts) plans a root field's whole selection into one SQL statement
 * from these declarations; a field without one is resolved by its ordinary Pothos resolver instead.
 *
 * Identifiers here come from this fixed vocabulary only (table and column names written in the code), never
 * from a request; every value from a request is a bound parameter (`$n`), through `Params.add`.
 */

export type Model = 'Actor' | 'Affiliation' | 'Source' | 'Statement' | 'Claim' | 'Stance' | 'Review' | 'RatingScale' | 'AuditEntry' | 'ClaimStatusChange';

export type ColumnType = 'text' | 'uuid' | 'int' | 'float' | 'bool' | 'enum' | 'array' | 'date' | 'timestamp' | 'json';

/** Every scalar column of each model, under Prisma's field name: what a fallback resolver may read from its parent. */
export const COLUMNS: Record<Model, Record<string, ColumnType>> = {
  Actor: { id: 'uuid', slug: 'text', name: 'text', kind: 'enum', aliases: 'array', description: 'text', wikidataId: 'text', searchText: 'text', createdAt: 'timestamp', updatedAt: 'timestamp' },
  Affiliation: { id: 'uuid', actorId: 'uuid', organizationId: 'uuid', role: 'text', from: 'date', until: 'date', createdAt: 'timestamp', updatedAt: 'timestamp' },
  Source: { id: 'uuid', slug: 'text', title: 'text', url: 'text', publisher: 'text', publishedOn: 'date', text: 'text', textSha256: 'text', createdAt: 'timestamp', updatedAt: 'timestamp' },
  Statement: {
    id: 'uuid', seq: 'int', slug: 'text', text: 'text', kind: 'enum', saidOn: 'date', venue: 'text', speakerId: 'uuid', onBehalfOfId: 'uuid', sourceId: 'uuid',
    respondsToId: 'uuid', responseKind: 'enum', threadIds: 'array', retractedAt: 'timestamp', retractedBy: 'text', retractionReason: 'text', quoteStart: 'int',
    quoteEnd: 'int', createdAt: 'timestamp', updatedAt: 'timestamp',
  },
  Claim: { id: 'uuid', slug: 'text', text: 'text', topics: 'array', topicSlugs: 'array', status: 'enum', sourceId: 'uuid', createdAt: 'timestamp', updatedAt: 'timestamp' },
  Stance: { id: 'uuid', statementId: 'uuid', claimId: 'uuid', position: 'enum', createdAt: 'timestamp', updatedAt: 'timestamp' },
  Review: {
    id: 'uuid', claimId: 'uuid', reviewerId: 'uuid', scaleId: 'uuid', ratingLabel: 'text', ratingValue: 'float', normalizedRating: 'float', explanation: 'text', url: 'text',
    publishedOn: 'date', language: 'text', createdAt: 'timestamp', updatedAt: 'timestamp',
  },
  RatingScale: {
    id: 'uuid', slug: 'text', name: 'text', description: 'text', labels: 'array', values: 'array', worstRating: 'float', bestRating: 'float', builtIn: 'bool',
    createdAt: 'timestamp', updatedAt: 'timestamp',
  },
  AuditEntry: { id: 'uuid', at: 'timestamp', writer: 'text', action: 'text', targetType: 'text', targetId: 'text', targetSlug: 'text', before: 'json', after: 'json', reason: 'text', related: 'array' },
  ClaimStatusChange: { id: 'uuid', claimId: 'uuid', at: 'timestamp', from: 'enum', to: 'enum', action: 'text', writer: 'text', statementId: 'uuid' },
};

export const table = (model: Model) => `"${model}"`;
export const col = (alias: string, name: string) => `${alias}."${name}"`;

/** A column's value as the API serializes it (DateTime: ISO 8601 in UTC with milliseconds; Date: YYYY-MM-DD). */
export function serialized(alias: string, name: string, type: ColumnType): string {
  const ref = col(alias, name);
  if (type === 'timestamp') return `to_char(${ref} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
  if (type === 'date') return `to_char(${ref}, 'YYYY-MM-DD')`;
  return ref;
}

/** Bound parameters of one statement. */
export class Params {
  readonly values: unknown[] = [];
  add(value: unknown, cast?: string): string {
    this.values.push(value);
    return `$${this.values.length}${cast ? `::${cast}` : ''}`;
  }
}

export type Args = Record<string, unknown>;

/** One key of a list's order: `key` is never null (so cursors compare as rows), `sort` is what ORDER BY uses. */
export interface OrderKey {
  key: string;
  sort: string;
  desc: boolean;
  nulls?: 'first' | 'last';
}

export interface ConnectionSpec {
  /** The arguments the SQL reads besides first/last/after/before; any other argument leaves the field to its resolver. */
  args?: readonly string[];
  /** The table whose rows are the edges (their ids are the cursors). */
  edges: Model;
  /** When the nodes are another table's rows, reached from the edge row by this foreign key. */
  node?: { model: Model; fk: string };
  /** The join to the parent row (absent at the root). */
  parent?: (parent: string, edge: string) => string;
  /** The list's filters; `undefined` when an argument is invalid (the field's resolver then reports it). */
  filter?: (edge: string, node: string, args: Args, params: Params) => string[] | undefined;
  /** The list's order, total. */
  order: (edge: string, node: string) => OrderKey[];
  /** Fields of the edge besides cursor and node. */
  edgeFields?: Record<string, (edge: string) => string>;
}

export type ReadSql = (
  | { kind: 'value'; sql: (row: string) => string }
  | { kind: 'one'; model: Model; fk: string }
  | { kind: 'list'; model: Model; args?: readonly string[]; where: (parent: string, child: string, args: Args, params: Params) => string; order: (child: string) => string }
  | { kind: 'embedded'; when: (row: string) => string }
  | { kind: 'connection'; spec: ConnectionSpec }
  | { kind: 'thread' }
  | { kind: 'elements'; args?: readonly string[]; from: (row: string, element: string, args: Args, params: Params) => string | undefined }
) & {
  /**
   * Answered only from the database as it is now (its rows keep no revisions, as reviews; or it is not offered
   * as of a past instant): an `asOf` read refuses the field rather than answer with today's data.
   */
  currentOnly?: true;
};

/** A column, read as is. */
export const column = (name: string, type: ColumnType = 'text'): ReadSql => ({ kind: 'value', sql: (row) => serialized(row, name, type) });

/** A value computed from the row's columns (a JSON value). */
export const computed = (sql: (row: string) => string): ReadSql => ({ kind: 'value', sql });

/** The row another table's id in this row's `fk` names (null when `fk` is null). */
export const one = (model: Model, fk: string): ReadSql => ({ kind: 'one', model, fk });

/** Every row of `model` matching `where`, in `order`. */
export const list = (model: Model, where: Extract<ReadSql, { kind: 'list' }>['where'], order: (child: string) => string, args: readonly string[] = []): ReadSql => ({
  kind: 'list',
  model,
  where,
  order,
  args,
});

/** An object built from the same row (null unless `when` holds). */
export const embedded = (when: (row: string) => string): ReadSql => ({ kind: 'embedded', when });

/** A Relay connection: per-parent `LIMIT n+1` pages, cursors both ways, `totalCount` when selected. */
export const connection = (spec: ConnectionSpec): ReadSql => ({ kind: 'connection', spec });

/** A statement's thread, from its materialized path `threadIds`, root first. */
export const thread = (): ReadSql => ({ kind: 'thread' });

/**
 * One object per row of `from`, a FROM item over the row (unnest … WITH ORDINALITY of its arrays, or a
 * subquery) aliased `element` with its order as column `o`, in that order. The objects' fields read its
 * columns (`element`). `from` reads the arguments named in `args` and returns undefined when they are
 * invalid (the field's resolver then reports them).
 */
export const elements = (from: Extract<ReadSql, { kind: 'elements' }>['from'], args: readonly string[] = []): ReadSql => ({ kind: 'elements', from, args });

/** A field of an object of `elements`: the column `name` of its element. */
export const element = (name: string): ReadSql => ({ kind: 'value', sql: (element) => col(element, name) });

/** The same declaration, refused by an as-of read (see `currentOnly`). */
export const currentOnly = (declaration: ReadSql): ReadSql => ({ ...declaration, currentOnly: true });

export const read = { column, computed, one, list, embedded, connection, thread, elements, element, currentOnly };

// ---- Orders and filters shared by several fields.

const NEVER = `'-infinity'::date`;

/** Statements newest first, undated last, later-recorded first among equals. */
export const newestFirst = (statement: string): OrderKey[] => [
  { key: `coalesce(${col(statement, 'saidOn')}, ${NEVER})`, sort: col(statement, 'saidOn'), desc: true, nulls: 'last' },
  { key: col(statement, 'seq'), sort: col(statement, 'seq'), desc: true },
];

/** Conversation order: the exact reverse of newest first. */
export const oldestFirst = (statement: string): OrderKey[] => newestFirst(statement).map((key) => ({ ...key, desc: !key.desc, nulls: key.nulls === 'last' ? 'first' : undefined }));

export const byId = (row: string): OrderKey[] => [{ key: col(row, 'id'), sort: col(row, 'id'), desc: false }];

export const hideRetracted = (statement: string, args: Args) => (args.includeRetracted === true ? [] : [`${col(statement, 'retractedAt')} IS NULL`]);

/** A statement connection hanging from a parent by one of the statement's foreign keys. */
export const statementsBy = (fk: string, order: (statement: string) => OrderKey[] = newestFirst): ConnectionSpec => ({
  edges: 'Statement',
  args: ['includeRetracted'],
  parent: (parent, statement) => `${col(statement, fk)} = ${col(parent, 'id')}`,
  filter: (statement, _node, args) => hideRetracted(statement, args),
  order: (statement) => order(statement),
});
