import {
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  getDirectiveValues,
  GraphQLIncludeDirective,
  type GraphQLObjectType,
  type GraphQLResolveInfo,
  type GraphQLSchema,
  GraphQLSkipDirective,
  getNamedType,
  isAbstractType,
  isObjectType,
  Kind,
  type SelectionSetNode,
} from 'graphql';
import { getArgumentValues } from 'graphql/execution/values.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../../builder.js';
import { isUuid } from '../../domain/uuid7.js';
import { type Args, COLUMNS, type ConnectionSpec, col, type Model, type OrderKey, Params, type ReadSql, table } from './vocabulary.js';

/**
 * The selection compiler: plans a root field's whole selection (fragments, aliases, variables,
 * `@include`/`@skip`, arguments) into one SQL expression that returns the subtree as JSON.
 *
 * Every object in that JSON is `{ id, __c: { <response key>: value } }`: `__c` holds each compiled field's
 * value under its response key, already serialized (global IDs, cursors, ISO dates), and the schema's field
 * resolvers read it from there (install.ts) without another query. A field the compiler has no declaration
 * for (or whose arguments it does not know) is left out of `__c`; the object then also carries every scalar
 * column of its row under Prisma's field name, typed as Prisma returns them (DateTime and Date columns as
 * `Date` objects, by `finish`), so that field's ordinary resolver works on it as on a Prisma row.
 */

/** Turns the parsed JSON of one planned value into what the resolvers read (in place where it can). */
export type Finisher = (value: unknown) => unknown;

export interface Planned {
  sql: string;
  finish?: Finisher | undefined;
}

/**
 * One request as the planner reads it: the operation's variables and fragments, and what the root field's
 * handler passes (its arguments, its lookups, an id). A plan is replayed against each request that reuses it.
 */
export class Replay {
  readonly params = new Params();
  readonly slots: unknown[] = [];
  constructor(
    readonly info: GraphQLResolveInfo,
    readonly root: unknown,
  ) {}
}

/** One read of the request during planning, replayed on reuse: false when the request differs in it. */
type Step = (replay: Replay) => boolean;

/** A request value read through a slot: the planner never sees it, only steps do. */
export type Input<T> = (replay: Replay) => T;

export const sameJson = (a: unknown, b: unknown) => a === b || JSON.stringify(a) === JSON.stringify(b);

export class Planner {
  /** Every read of the request so far, in order: replaying them on another request gives its parameters, or tells it apart. */
  readonly steps: Step[] = [];
  readonly live: Replay;
  /**
   * `Type.field` of every selected field that reads the database as it is now: one without a declaration (its
   * resolver runs on the row) or declared over a table without revisions. What an as-of read must refuse.
   * It depends only on the selection, which a reused plan shares, so it is kept with the plan.
   */
  readonly current: string[] = [];
  /**
   * Whether some object of the plan leaves a field to its resolver (no declaration, or arguments the SQL does
   * not read): the compiled execution (execute.ts) then leaves the operation to graphql-js before any SQL is sent.
   * Like `current`, it depends only on what a reused plan shares.
   */
  resolvers = false;
  private aliases = 0;
  private slotCount = 0;
  /** The schema only: the request (variables, fragments, arguments) is read through steps. */
  readonly schema: GraphQLSchema;
  constructor(info: GraphQLResolveInfo, root: unknown = undefined) {
    this.schema = info.schema;
    this.live = new Replay(info, root);
  }

  alias(prefix = 't'): string {
    return `${prefix}${++this.aliases}`;
  }

  /**
   * A fact of the request that the plan depends on (an `@include` outcome, whether an argument is given, a
   * declaration's SQL text): read now, and read again on every reuse of the plan, which must give the same.
   */
  fact<T>(read: (replay: Replay) => T, same: (a: T, b: T) => boolean = Object.is): T {
    const value = read(this.live);
    this.steps.push((replay) => same(read(replay), value));
    return value;
  }

  /** A value of the request kept for later steps (a field's arguments), without deciding anything. */
  slot<T>(read: (replay: Replay) => T): Input<T> {
    const index = this.slotCount++;
    const step: Step = (replay) => {
      replay.slots[index] = read(replay);
      return true;
    };
    step(this.live);
    this.steps.push(step);
    return (replay) => replay.slots[index] as T;
  }

  /** A bound parameter whose value comes from the request: recomputed on every reuse. */
  param(read: (replay: Replay) => unknown, cast?: string): string {
    let placeholder = '';
    const step: Step = (replay) => {
      placeholder = replay.params.add(read(replay), cast);
      return true;
    };
    step(this.live);
    this.steps.push(step);
    return placeholder;
  }

  /**
   * SQL a declaration builds from the request's arguments (vocabulary.ts: filters and conditions, which add
   * their own parameters): its text is a fact, as it says which filters apply and numbers their parameters.
   */
  declared<T extends string | string[] | undefined>(build: (replay: Replay) => T): T {
    // With the number of parameters it added: one it added without using would shift the numbers after it.
    const [sql] = this.fact((replay): [T, number] => {
      const before = replay.params.values.length;
      const built = build(replay);
      return [built, replay.params.values.length - before];
    }, sameJson);
    return sql;
  }

  /** The fields a selection asks of an object of type `typeName`, by response key. */
  collect(selectionSets: readonly (SelectionSetNode | undefined)[], typeName: string, into = new Map<string, FieldNode[]>()): Map<string, FieldNode[]> {
    for (const set of selectionSets) {
      if (!set) continue;
      for (const selection of set.selections) {
        if (selection.directives?.length && !this.fact((replay) => included(selection, replay.info.variableValues))) continue;
        if (selection.kind === Kind.FIELD) {
          const key = selection.alias?.value ?? selection.name.value;
          const list = into.get(key);
          if (list) list.push(selection);
          else into.set(key, [selection]);
        } else if (selection.kind === Kind.INLINE_FRAGMENT) {
          if (!selection.typeCondition || this.applies(selection.typeCondition.name.value, typeName)) this.collect([selection.selectionSet], typeName, into);
        } else {
          const name = selection.name.value;
          const fragment = this.fact((replay): FragmentDefinitionNode | undefined => replay.info.fragments[name]);
          if (fragment && this.applies(fragment.typeCondition.name.value, typeName)) this.collect([fragment.selectionSet], typeName, into);
        }
      }
    }
    return into;
  }

  private applies(condition: string, typeName: string): boolean {
    if (condition === typeName) return true;
    const schema = this.schema;
    const conditionType = schema.getType(condition);
    const type = schema.getType(typeName);
    return !!conditionType && isAbstractType(conditionType) && isObjectType(type) && schema.isSubType(conditionType, type);
  }

  /** A field's arguments in this request (variables filled in). */
  args(field: GraphQLField<unknown, unknown>, node: FieldNode): Input<Args> {
    return this.slot((replay) => getArgumentValues(field, node, replay.info.variableValues) as Args);
  }

  objectType(name: string): GraphQLObjectType {
    const type = this.schema.getType(name);
    if (!isObjectType(type)) throw new Error(`read compiler: ${name} is not an object type`);
    return type;
  }

  /** The JSON object for the row `row` of `model`, as GraphQL type `typeName`, with the fields of `nodes`. */
  object(model: Model | null, typeName: string, row: string, nodes: readonly FieldNode[]): Planned {
    const type = this.objectType(typeName);
    const fields = this.collect(
      nodes.map((node) => node.selectionSet),
      typeName,
    );
    const pairs: string[] = [];
    const finishers: [string, Finisher][] = [];
    let fallback = false;
    for (const [key, fieldNodes] of fields) {
      const first = fieldNodes[0] as FieldNode;
      const name = first.name.value;
      if (name === '__typename') continue;
      const field = type.getFields()[name];
      if (!field) return { sql: 'NULL' };
      let planned: Planned | undefined;
      if (name === 'id' && model && typeName === model) planned = { sql: globalIdSql(model, row) };
      else {
        const declaration = field.extensions?.sql as ReadSql | undefined;
        if (!declaration || declaration.currentOnly) this.current.push(`${typeName}.${name}`);
        planned = declaration ? this.field(declaration, field, fieldNodes, row) : undefined;
      }
      if (!planned) {
        fallback = true;
        this.resolvers = true;
        continue;
      }
      pairs.push(quote(key), planned.sql);
      if (planned.finish) finishers.push([key, planned.finish]);
    }
    const parts = model ? [`'id'`, col(row, 'id'), `'__c'`, buildObject(pairs)] : [`'__c'`, buildObject(pairs)];
    const dated: string[] = [];
    if (fallback && model) {
      for (const [name, columnType] of Object.entries(COLUMNS[model])) {
        if (name === 'id') continue;
        parts.push(quote(name), col(row, name));
        if (columnType === 'date' || columnType === 'timestamp') dated.push(name);
      }
    }
    const finish =
      finishers.length === 0 && dated.length === 0
        ? undefined
        : (value: unknown) => {
            if (value === null || typeof value !== 'object') return value;
            const object = value as Record<string, unknown> & { __c: Record<string, unknown> };
            for (const name of dated) if (typeof object[name] === 'string') object[name] = new Date(object[name] as string);
            for (const [key, finisher] of finishers) object.__c[key] = finisher(object.__c[key]);
            return object;
          };
    return { sql: buildObject(parts), finish };
  }

  private field(declaration: ReadSql, field: GraphQLField<unknown, unknown>, nodes: FieldNode[], row: string): Planned | undefined {
    const typeName = getNamedType(field.type).name;
    const first = nodes[0] as FieldNode;
    if (declaration.kind !== 'list' && declaration.kind !== 'connection' && declaration.kind !== 'elements' && field.args.length > 0) {
      const args = this.args(field, first);
      if (!this.fact((replay) => knownArgs(args(replay), []))) return undefined;
    }
    switch (declaration.kind) {
      case 'value':
        return { sql: declaration.sql(row) };
      case 'embedded': {
        const inner = this.object(null, typeName, row, nodes);
        return { sql: `CASE WHEN ${declaration.when(row)} THEN ${inner.sql} END`, finish: inner.finish };
      }
      case 'one': {
        const child = this.alias();
        const inner = this.object(declaration.model, typeName, child, nodes);
        return { sql: `(SELECT ${inner.sql} FROM ${table(declaration.model)} ${child} WHERE ${col(child, 'id')} = ${col(row, declaration.fk)})`, finish: inner.finish };
      }
      case 'list': {
        const child = this.alias();
        const args = this.args(field, first);
        const known = declaration.args ?? [];
        if (!this.fact((replay) => knownArgs(args(replay), known))) return undefined;
        const inner = this.object(declaration.model, typeName, child, nodes);
        const where = this.declared((replay) => declaration.where(row, child, args(replay), replay.params));
        return {
          sql: `(SELECT coalesce(json_agg(${inner.sql} ORDER BY ${declaration.order(child)}), '[]'::json) FROM ${table(declaration.model)} ${child} WHERE ${where})`,
          finish: eachOf(inner.finish),
        };
      }
      case 'thread': {
        const child = this.alias();
        const path = this.alias('x');
        const inner = this.object('Statement', typeName, child, nodes);
        return {
          sql: `(SELECT coalesce(json_agg(${inner.sql} ORDER BY ${path}.o), '[]'::json) FROM unnest(${col(row, 'threadIds')}) WITH ORDINALITY ${path}(id, o) JOIN "Statement" ${child} ON ${col(child, 'id')} = ${path}.id)`,
          finish: eachOf(inner.finish),
        };
      }
      case 'elements': {
        const element = this.alias('x');
        const args = this.args(field, first);
        if (!this.fact((replay) => knownArgs(args(replay), declaration.args ?? []))) return undefined;
        const from = this.declared((replay) => declaration.from(row, element, args(replay), replay.params));
        if (from === undefined) return undefined;
        const inner = this.object(null, typeName, element, nodes);
        return {
          sql: `(SELECT coalesce(json_agg(${inner.sql} ORDER BY ${element}.o), '[]'::json) FROM ${from})`,
          finish: eachOf(inner.finish),
        };
      }
      case 'connection':
        return this.connection(declaration.spec, typeName, nodes, this.args(field, first), row);
    }
  }

  /**
   * A Relay connection. The page is read in its own subquery (`ORDER BY … LIMIT n+1` in the direction of
   * paging, per parent), the cursor row's sort key looked up in the whole table, so a cursor whose row has
   * left the list (retracted, filtered out) pages from its position. Returns undefined when the arguments
   * are invalid: the field's resolver then reports the error as it always has.
   */
  connection(spec: ConnectionSpec, typeName: string, nodes: readonly FieldNode[], args: Input<Args>, parent: string | null): Planned | undefined {
    const known = [...PAGING, ...(spec.args ?? [])];
    if (!this.fact((replay) => knownArgs(args(replay), known))) return undefined;
    const paging = this.slot((replay) => pagingOf(args(replay)));
    // What paging decides about the SQL and pageInfo; the size and the cursor's row are parameters.
    const shape = this.fact((replay) => pagingShape(paging(replay)), sameJson);
    if (!shape) return undefined;
    // Arguments the filter rejects, before any parameter is added: one added and left unused breaks the statement.
    const filter = spec.filter;
    if (filter && !this.fact((replay) => filter('e', 'n', args(replay), new Params()) !== undefined)) return undefined;
    const { backward, hasCursor, after, before, last } = shape;
    const connectionType = this.objectType(typeName);
    const fields = this.collect(
      nodes.map((node) => node.selectionSet),
      typeName,
    );
    const from = (edge: string, node: string) =>
      spec.node ? `${table(spec.edges)} ${edge} JOIN ${table(spec.node.model)} ${node} ON ${col(node, 'id')} = ${col(edge, spec.node.fk)}` : `${table(spec.edges)} ${edge}`;
    const conditions = (edge: string, node: string): string[] | undefined => {
      const filter = spec.filter;
      const filters = filter ? this.declared((replay) => filter(edge, node, args(replay), replay.params)) : [];
      if (!filters) return undefined;
      return [...(spec.parent && parent ? [spec.parent(parent, edge)] : []), ...filters];
    };
    const sizeParam = this.param((replay) => paging(replay)?.size, 'int');
    const outerEdge = this.alias('e');
    const outerNode = spec.node ? this.alias('n') : outerEdge;
    const pairs: string[] = [`'f'`, `count(*) > ${sizeParam}`];
    const built: { key: string; kind: 'edges' | 'pageInfo' | 'totalCount'; index: number; finish?: Finisher | undefined; pageInfo?: Map<string, FieldNode[]> }[] = [];
    const cursorSql = (edge: string) => `encode(convert_to('GPC:S:' || ${col(edge, 'id')}, 'UTF8'), 'base64')`;
    const rank = `${outerEdge}."__rn"`;
    const kept = (direction: string) => `ORDER BY ${rank} ${direction}) FILTER (WHERE ${rank} <= ${sizeParam})`;
    const responseOrder = backward ? 'DESC' : 'ASC';
    let wantsCursors = false;
    let index = 0;
    for (const [key, fieldNodes] of fields) {
      const name = (fieldNodes[0] as FieldNode).name.value;
      if (name === '__typename') continue;
      if (name === 'edges') {
        const edgeTypeName = getNamedType(connectionType.getFields().edges?.type ?? connectionType).name;
        const edgeFields = this.collect(
          fieldNodes.map((node) => node.selectionSet),
          edgeTypeName,
        );
        const edgePairs: string[] = [];
        let nodeFinish: [string, Finisher] | undefined;
        for (const [edgeKey, edgeNodes] of edgeFields) {
          const edgeName = (edgeNodes[0] as FieldNode).name.value;
          if (edgeName === '__typename') continue;
          if (edgeName === 'cursor') edgePairs.push(quote(edgeKey), cursorSql(outerEdge));
          else if (edgeName === 'node') {
            const nodeModel = spec.node?.model ?? spec.edges;
            const nodeType = getNamedType(this.objectType(edgeTypeName).getFields().node?.type ?? connectionType).name;
            const inner = this.object(nodeModel, nodeType, outerNode, edgeNodes);
            edgePairs.push(quote(edgeKey), inner.sql);
            if (inner.finish) nodeFinish = [edgeKey, inner.finish];
          } else if (spec.edgeFields?.[edgeName]) edgePairs.push(quote(edgeKey), (spec.edgeFields[edgeName] as (edge: string) => string)(outerEdge));
          else return undefined;
        }
        const i = index++;
        pairs.push(`'e${i}'`, `coalesce(json_agg(json_build_object('__c', ${buildObject(edgePairs)}) ${kept(responseOrder)}, '[]'::json)`);
        const finish = nodeFinish
          ? (() => {
              const [nodeKey, finisher] = nodeFinish;
              return (edges: unknown) => {
                for (const edge of edges as { __c: Record<string, unknown> }[]) edge.__c[nodeKey] = finisher(edge.__c[nodeKey]);
                return edges;
              };
            })()
          : undefined;
        built.push({ key, kind: 'edges', index: i, finish });
      } else if (name === 'pageInfo') {
        const pageFields = this.collect(
          fieldNodes.map((node) => node.selectionSet),
          'PageInfo',
        );
        for (const [, pageNodes] of pageFields) {
          const pageName = (pageNodes[0] as FieldNode).name.value;
          if (pageName === 'startCursor' || pageName === 'endCursor') wantsCursors = true;
          else if (pageName !== 'hasNextPage' && pageName !== 'hasPreviousPage' && pageName !== '__typename') return undefined;
        }
        built.push({ key, kind: 'pageInfo', index: -1, pageInfo: pageFields });
      } else if (name === 'totalCount') {
        built.push({ key, kind: 'totalCount', index: -1 });
      } else return undefined;
    }
    if (wantsCursors) pairs.push(`'c'`, `json_agg(${cursorSql(outerEdge)} ${kept(responseOrder)}`);
    if (built.some((entry) => entry.kind === 'totalCount')) {
      const edge = this.alias('e');
      const node = spec.node ? this.alias('n') : edge;
      const where = conditions(edge, node);
      if (!where) return undefined;
      pairs.push(`'t'`, `(SELECT count(*)::int FROM ${from(edge, node)}${whereSql(where)})`);
    }

    // The page: the edge rows in the order of paging, n+1 of them, numbered; read once, in the scan that
    // orders them (no second lookup of each row by its id).
    const edge = this.alias('e');
    const node = spec.node ? this.alias('n') : edge;
    const where = conditions(edge, node);
    if (!where) return undefined;
    const keys = spec.order(edge, node);
    let cursorJoin = '';
    if (hasCursor) {
      const cursorEdge = this.alias('c');
      const cursorNode = spec.node ? this.alias('cn') : cursorEdge;
      const cursorKeys = spec.order(cursorEdge, cursorNode);
      const position = this.alias('k');
      cursorJoin = ` CROSS JOIN (SELECT ${cursorKeys.map((key, i) => `${key.key} AS k${i}`).join(', ')} FROM ${from(cursorEdge, cursorNode)} WHERE ${col(cursorEdge, 'id')} = ${this.param((replay) => paging(replay)?.cursor, 'uuid')}) ${position}`;
      where.push(beyond(keys, position, after));
    }
    const fetchOrder = keys.map((key) => orderBy(key, backward)).join(', ');
    const rankOrder = keys.map((_key, i) => `"__s${i}" ${keys[i]?.desc !== backward ? 'DESC' : 'ASC'}`).join(', ');
    const page =
      `(SELECT q.*, row_number() OVER (ORDER BY ${rankOrder}) AS "__rn" FROM (SELECT ${edge}.*, ${keys.map((key, i) => `${key.key} AS "__s${i}"`).join(', ')} ` +
      `FROM ${from(edge, node)}${cursorJoin}${whereSql(where)} ORDER BY ${fetchOrder} LIMIT ${sizeParam} + 1) q) ${outerEdge}`;
    const nodeJoin = spec.node ? ` JOIN ${table(spec.node.model)} ${outerNode} ON ${col(outerNode, 'id')} = ${col(outerEdge, spec.node.fk)}` : '';
    const sql = `(SELECT ${buildObject(pairs)} FROM ${page}${nodeJoin})`;

    const finish: Finisher = (value) => {
      const raw = value as { f: boolean; t?: number; c?: string[] | null } & Record<string, unknown>;
      const full = raw.f;
      const out: Record<string, unknown> = {};
      for (const entry of built) {
        if (entry.kind === 'edges') {
          const edges = raw[`e${entry.index}`];
          out[entry.key] = entry.finish ? entry.finish(edges) : edges;
        } else if (entry.kind === 'totalCount') out[entry.key] = raw.t;
        else {
          const cursors = raw.c ?? [];
          const info: Record<string, unknown> = {};
          for (const [pageKey, pageNodes] of entry.pageInfo ?? []) {
            const pageName = (pageNodes[0] as FieldNode).name.value;
            if (pageName === 'hasNextPage') info[pageKey] = before ? true : last ? false : full;
            else if (pageName === 'hasPreviousPage') info[pageKey] = after ? true : backward ? full : false;
            else if (pageName === 'startCursor') info[pageKey] = cursors[0] ?? null;
            else if (pageName === 'endCursor') info[pageKey] = cursors[cursors.length - 1] ?? null;
          }
          out[entry.key] = { __c: info };
        }
      }
      return { __c: out };
    };
    return { sql, finish };
  }
}

const PAGING = ['first', 'last', 'after', 'before'];

/** Whether every argument given is one the SQL reads (a new argument leaves the field to its resolver). */
export const knownArgs = (args: Args, known: readonly string[]) => Object.keys(args).every((name) => args[name] === undefined || known.includes(name));

interface Paging {
  size: number;
  /** Whether `last` was given (pageInfo.hasNextPage is then false). */
  last: boolean;
  backward: boolean;
  cursor: string | undefined;
  after: string | undefined;
  before: string | undefined;
}

/** Relay paging as plugin-prisma reads it; undefined for arguments it rejects (its resolver reports them). */
function pagingOf(args: Args): Paging | undefined {
  const first = args.first as number | null | undefined;
  const last = args.last as number | null | undefined;
  const afterArg = args.after as string | null | undefined;
  const beforeArg = args.before as string | null | undefined;
  if ((first != null && first < 0) || (last != null && last < 0)) return undefined;
  if (beforeArg != null && afterArg != null) return undefined;
  if (beforeArg != null && first != null) return undefined;
  if (afterArg != null && last != null) return undefined;
  const after = afterArg == null ? undefined : rowIdOfCursor(afterArg);
  const before = beforeArg == null ? undefined : rowIdOfCursor(beforeArg);
  if (after === null || before === null) return undefined;
  const size = Math.min(first ?? last ?? DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE);
  return { size, last: last != null, backward: beforeArg != null || last != null, cursor: after ?? before, after, before };
}

/** What paging decides beyond its size and cursor row (undefined: arguments its resolver rejects). */
function pagingShape(paging: Paging | undefined) {
  if (!paging) return undefined;
  return { backward: paging.backward, hasCursor: paging.cursor !== undefined, after: paging.after !== undefined, before: paging.before !== undefined, last: paging.last };
}

/** The row id of a cursor (base64 of `GPC:S:<uuid>`, plugin-prisma's format), or null if it is not one. */
function rowIdOfCursor(cursor: string): string | null {
  const decoded = Buffer.from(cursor, 'base64').toString('utf8');
  if (!decoded.startsWith('GPC:S:')) return null;
  const id = decoded.slice('GPC:S:'.length);
  return isUuid(id) ? id : null;
}

const orderBy = (key: OrderKey, reversed: boolean) => {
  const desc = key.desc !== reversed;
  const nulls = key.nulls ? (reversed ? (key.nulls === 'last' ? 'FIRST' : 'LAST') : key.nulls.toUpperCase()) : undefined;
  return `${key.sort} ${desc ? 'DESC' : 'ASC'}${nulls ? ` NULLS ${nulls}` : ''}`;
};

/** Rows strictly after (or before) the cursor's position in the list's order, comparing the non-null keys. */
function beyond(keys: OrderKey[], position: string, after: boolean): string {
  const alternatives = keys.map((key, i) => {
    const equal = keys.slice(0, i).map((earlier, j) => `${earlier.key} = ${position}.k${j}`);
    const operator = key.desc === after ? '<' : '>';
    return [...equal, `${key.key} ${operator} ${position}.k${i}`].join(' AND ');
  });
  return `(${alternatives.map((alternative) => `(${alternative})`).join(' OR ')})`;
}

const whereSql = (conditions: string[]) => (conditions.length === 0 ? '' : ` WHERE ${conditions.join(' AND ')}`);

export const quote = (text: string) => `'${text.replace(/'/g, "''")}'`;

/** json_build_object takes at most 100 arguments: larger objects are built in parts and joined as jsonb. */
export function buildObject(pairs: string[]): string {
  if (pairs.length <= 100) return `json_build_object(${pairs.join(', ')})`;
  const parts: string[] = [];
  for (let i = 0; i < pairs.length; i += 100) parts.push(`jsonb_build_object(${pairs.slice(i, i + 100).join(', ')})`);
  return `(${parts.join(' || ')})`;
}

export const globalIdSql = (model: Model, row: string) => `encode(convert_to(${quote(`${model}:`)} || ${col(row, 'id')}, 'UTF8'), 'base64')`;

const eachOf =
  (finish: Finisher | undefined): Finisher | undefined =>
    finish &&
    ((value) => {
      const list = value as unknown[];
      for (let i = 0; i < list.length; i++) list[i] = finish(list[i]);
      return list;
    });


/** Whether `@skip`/`@include` keep a selection, with these variables. */
function included(node: Parameters<typeof getDirectiveValues>[1], variables: GraphQLResolveInfo['variableValues']): boolean {
  if (getDirectiveValues(GraphQLSkipDirective, node, variables)?.if === true) return false;
  if (getDirectiveValues(GraphQLIncludeDirective, node, variables)?.if === false) return false;
  return true;
}
