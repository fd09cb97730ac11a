import { typeBrandKey } from '@pothos/core';
import { defaultFieldResolver, type FieldNode, type GraphQLField, type GraphQLFieldResolver, type GraphQLResolveInfo, type GraphQLSchema, getNamedType, isAbstractType, isObjectType } from 'graphql';
import { decodeGlobalId, mayReadNode } from '../../builder.js';
import type { Context } from '../../context.js';
import { badInput } from '../../graphql/errors.js';
import { checkAsOf, notAsOf } from '../../schema/as-of.js';
import { asOfSql } from './as-of.js';
import { type Finisher, knownArgs, type Planned, sameJson } from './compiler.js';
import { plan } from './plan-cache.js';
import { compiledReadStatement } from '../statement-names.js';
import { type Args, type ConnectionSpec, type Model, type ReadSql, table } from './vocabulary.js';

/**
 * Puts the read compiler in front of the schema's resolvers:
 *  - each root read field (`node`, `nodes`, `_entities`, the slug lookups and the lists) plans its whole
 *    selection into ONE SQL statement and returns the subtree as JSON objects;
 *  - every other field first looks for its value in its parent's `__c` (under its response key), and only
 *    when it is not there runs its ordinary resolver (a field or argument the compiler has no declaration for).
 * A root field with an argument the compiler does not know, or arguments its resolver rejects, runs its
 * ordinary resolver entirely.
 */

const FALLBACK = Symbol('fallback');
type Outcome = unknown | typeof FALLBACK;

/** Whether a root handler gave up on a request (its field's own resolver answers it). */
export const isFallback = (outcome: unknown): outcome is typeof FALLBACK => outcome === FALLBACK;

interface Lookup {
  model: Model;
  column: 'id' | 'slug' | 'wikidataId';
  value: string;
}

const NODE_MODELS = new Set<string>(['Actor', 'Affiliation', 'Source', 'Statement', 'Claim', 'Stance', 'Review']);

/** The id a global ID names, if it is one of `model`'s (anything else names no row). */
function idOf(globalId: unknown, model?: string): { model: string; id: string } | null {
  if (typeof globalId !== 'string') return null;
  try {
    const decoded = decodeGlobalId(globalId);
    return model && decoded.typename !== model ? null : { model: decoded.typename, id: decoded.id };
  } catch {
    return null;
  }
}

const brand = (value: unknown, model: string) => {
  if (value && typeof value === 'object') {
    // Pothos's interfaces and unions read the brand; federation's `_Entity` reads `__typename`.
    (value as Record<PropertyKey, unknown>)[typeBrandKey] = model;
    (value as Record<PropertyKey, unknown>).__typename = model;
  }
  return value;
};

/** Runs a planned read; with `asOf`, on the tables as they were at that instant (as-of.ts). */
async function run(ctx: Context, sql: string, params: unknown[], asOf?: Date): Promise<unknown> {
  let statement = compiledReadStatement(sql);
  // With asOf, a copy: a reused plan's parameters must not grow. Without, the hot path copies nothing.
  const bound = asOf ? [...params] : params;
  if (asOf) statement = asOfSql(statement, `$${bound.push(asOf.toISOString())}::timestamptz`);
  const rows = await ctx.prisma.$queryRawUnsafe<{ j: string | null }[]>(statement, ...bound);
  const text = rows[0]?.j;
  return text == null ? null : JSON.parse(text);
}

interface Group {
  lookup: Lookup;
  ordinals: number[];
  values: string[];
}

/** Lookups grouped by model and column, in order of first appearance: one index probe per value of each. */
function groupLookups(lookups: readonly (Lookup | null)[]): Group[] {
  const groups = new Map<string, Group>();
  lookups.forEach((lookup, ordinal) => {
    if (!lookup) return;
    const key = `${lookup.model}.${lookup.column}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { lookup, ordinals: [], values: [] }));
    group.ordinals.push(ordinal);
    group.values.push(lookup.value);
  });
  return [...groups.values()];
}

/** Rows found by (model, column, value), each at its place in a list of `count` (null where none). */
async function readLookups(ctx: Context, info: GraphQLResolveInfo, lookups: (Lookup | null)[], asOf?: Date): Promise<unknown[]> {
  const results: unknown[] = lookups.map(() => null);
  const planned = plan(info, 'lookups', lookups, (planner) => {
    const groups = planner.slot((replay) => groupLookups(replay.root as (Lookup | null)[]));
    // The SQL has one part per group: which groups there are, in which order, is what it depends on.
    const shape = planner.fact((replay) => groups(replay).map(({ lookup }) => ({ model: lookup.model, column: lookup.column })), sameJson);
    if (shape.length === 0) return { sql: undefined, models: [], finishers: [], current: [], resolvers: false };
    const finishers: (Finisher | undefined)[] = [];
    const models: Model[] = [];
    const parts = shape.map((lookup, i) => {
      const row = planner.alias();
      const object = planner.object(lookup.model, lookup.model, row, info.fieldNodes);
      const cast = lookup.column === 'id' ? 'uuid[]' : 'text[]';
      finishers.push(object.finish);
      models.push(lookup.model);
      const values = planner.param((replay) => groups(replay)[i]?.values, cast);
      const ordinals = planner.param((replay) => groups(replay)[i]?.ordinals, 'int[]');
      // One probe of the unique index per value, as a correlated subquery: as a join, the planner hashes the
      // values and reads the whole table once there are a hundred of them (federation's _entities).
      return (
        `(SELECT json_agg(json_build_array(x.o, (SELECT ${object.sql} FROM ${table(lookup.model)} ${row} WHERE ${row}."${lookup.column}" = x.v))) ` +
        `FROM unnest(${values}, ${ordinals}) AS x(v, o))`
      );
    });
    return { sql: `json_build_array(${parts.join(', ')})`, models, finishers, current: [...planner.current], resolvers: planner.resolvers };
  });
  if (!planned?.value.sql) return results;
  const { sql, models, finishers, current, resolvers } = planned.value;
  if (asOf) notAsOf(current, `Query.${info.fieldName}`);
  if (resolvers) resolversRun(info);
  const found = (await run(ctx, sql, planned.params, asOf)) as ([number, unknown][] | null)[];
  models.forEach((model, i) => {
    for (const [ordinal, value] of found[i] ?? []) {
      if (value === null) continue;
      const finish = finishers[i];
      results[ordinal] = brand(finish ? finish(value) : value, model);
    }
  });
  return results;
}

export type RootHandler = (args: Args, ctx: Context, info: GraphQLResolveInfo) => Promise<Outcome>;

/**
 * Resolve-infos of root fields run by the compiled execution (execute.ts), which cannot run field resolvers:
 * a plan that leaves a field to its resolver throws ResolversNeeded there, before its SQL is sent, and
 * graphql-js executes the operation instead.
 */
const compiledExecution = new WeakSet<GraphQLResolveInfo>();

export class ResolversNeeded extends Error {}

export const runByCompiledExecution = (info: GraphQLResolveInfo) => compiledExecution.add(info);

function resolversRun(info: GraphQLResolveInfo) {
  if (compiledExecution.has(info)) throw new ResolversNeeded('a field of this selection needs its resolver');
}

/** The compiler's handler of each Query field it plans (execute.ts runs them without graphql-js's resolvers). */
const compiledRoots = new WeakMap<GraphQLField<unknown, unknown>, RootHandler>();

export const compiledRoot = (field: GraphQLField<unknown, unknown>): RootHandler | undefined => compiledRoots.get(field);

const lookupBySlug =
  (model: Model): RootHandler =>
  async (args, ctx, info) => {
    if (!knownArgs(args, ['slug', 'asOf'])) return FALLBACK;
    const asOf = args.asOf == null ? undefined : checkAsOf(args.asOf, `Query.${info.fieldName}`);
    const [found] = await readLookups(ctx, info, [{ model, column: 'slug', value: String(args.slug) }], asOf);
    return found;
  };

/** Global IDs to lookups: FALLBACK when one is malformed (the resolver reports INVALID_ID) or names a type the compiler has no SQL for. */
async function nodeLookups(ids: unknown[], ctx: Context): Promise<(Lookup | null)[] | typeof FALLBACK> {
  const lookups: (Lookup | null)[] = [];
  for (const id of ids) {
    let decoded: { typename: string; id: string };
    try {
      decoded = decodeGlobalId(String(id));
    } catch {
      return FALLBACK;
    }
    // The same rule as the node fields' own resolvers (audit entries are the admin's): null, as if there were none.
    if (!(await mayReadNode(ctx, decoded.typename))) lookups.push(null);
    else if (NODE_MODELS.has(decoded.typename)) lookups.push({ model: decoded.typename as Model, column: 'id', value: decoded.id });
    // A node type the compiler has no SQL for (an audit entry an admin may read): its own resolver loads it.
    else return FALLBACK;
  }
  return lookups;
}

const ENTITY_MODELS = new Set(['Actor', 'Statement', 'Claim', 'Source']);

const ROOTS: Record<string, RootHandler> = {
  actor: lookupBySlug('Actor'),
  statement: lookupBySlug('Statement'),
  claim: lookupBySlug('Claim'),
  source: lookupBySlug('Source'),
  node: async (args, ctx, info) => {
    if (!knownArgs(args, ['id'])) return FALLBACK;
    const lookups = await nodeLookups([args.id], ctx);
    if (lookups === FALLBACK) return FALLBACK;
    return (await readLookups(ctx, info, lookups))[0];
  },
  nodes: async (args, ctx, info) => {
    if (!knownArgs(args, ['ids']) || !Array.isArray(args.ids)) return FALLBACK;
    const lookups = await nodeLookups(args.ids, ctx);
    if (lookups === FALLBACK) return FALLBACK;
    return readLookups(ctx, info, lookups);
  },
  _entities: async (args, ctx, info) => {
    if (!knownArgs(args, ['representations']) || !Array.isArray(args.representations)) return FALLBACK;
    const lookups: (Lookup | null)[] = [];
    for (const representation of args.representations as unknown[]) {
      if (typeof representation !== 'object' || representation === null) return FALLBACK;
      const fields = representation as Record<string, unknown>;
      const typename = fields.__typename;
      if (typeof typename !== 'string' || !ENTITY_MODELS.has(typename)) return FALLBACK;
      const model = typename as Model;
      if (model === 'Actor' && typeof fields.id !== 'string') {
        if (typeof fields.slug === 'string') lookups.push({ model, column: 'slug', value: fields.slug });
        else if (typeof fields.wikidataId === 'string') lookups.push({ model, column: 'wikidataId', value: fields.wikidataId });
        else lookups.push(null);
        continue;
      }
      const found = idOf(fields.id, model);
      lookups.push(found ? { model, column: 'id', value: found.id } : null);
    }
    return readLookups(ctx, info, lookups);
  },
};

const rootConnection =
  (spec: ConnectionSpec): RootHandler =>
  async (args, ctx, info) => {
    const typeName = getNamedType(info.returnType).name;
    const { asOf: asOfArg, ...rest } = args;
    const asOf = asOfArg == null ? undefined : checkAsOf(asOfArg, `Query.${info.fieldName}`);
    // The plan never sees `asOf`: it is applied to the planned SQL when it runs (run), so one plan serves both.
    const planned = plan(info, 'connection', asOf ? rest : args, (planner) => {
      const connection = planner.connection(spec, typeName, info.fieldNodes, (replay) => replay.root as Args, null);
      return connection && { ...connection, current: [...planner.current], resolvers: planner.resolvers };
    });
    if (!planned) return FALLBACK;
    const { sql, finish, current, resolvers } = planned.value;
    if (asOf) notAsOf(current, `Query.${info.fieldName}`);
    if (resolvers) resolversRun(info);
    const value = await run(ctx, sql, planned.params, asOf);
    return finish ? finish(value) : value;
  };

/** Reads the value of a compiled field from its parent, or runs the field's own resolver. */
const fromParent =
  (resolve: GraphQLFieldResolver<unknown, Context>): GraphQLFieldResolver<unknown, Context> =>
  (parent, args, ctx, info) => {
    const compiled = (parent as { __c?: Record<string, unknown> } | null)?.__c;
    if (compiled !== undefined) {
      const value = compiled[info.path.key as string];
      if (value !== undefined) return value;
    }
    return resolve(parent, args, ctx, info);
  };

export function installReadCompiler(schema: GraphQLSchema): GraphQLSchema {
  const roots = new Set([schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]);
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || type.name.startsWith('__') || roots.has(type)) continue;
    for (const field of Object.values(type.getFields())) field.resolve = fromParent(field.resolve ?? defaultFieldResolver);
  }
  const query = schema.getQueryType();
  for (const field of Object.values(query?.getFields() ?? {})) {
    const declaration = field.extensions?.sql as ReadSql | undefined;
    const handler = ROOTS[field.name] ?? (declaration?.kind === 'connection' ? rootConnection(declaration.spec) : undefined);
    if (!handler) continue;
    compiledRoots.set(field, handler);
    const original = field.resolve ?? defaultFieldResolver;
    field.resolve = async (root, args, ctx: Context, info) => {
      const outcome = await handler(args as Args, ctx, info);
      if (outcome !== FALLBACK) return outcome;
      const answer = await original(root, args, ctx, info);
      // The resolvers read the current database: an as-of read they would answer is one the compiler could not plan.
      if ((args as Args).asOf != null) throw badInput('this `asOf` read cannot be planned with these arguments', { argument: 'asOf', field: `Query.${info.fieldName}` });
      return answer;
    };
  }
  return schema;
}


/**
 * A mutation's or subscription's payload, read by the compiler: the row of `model` with this id, with what
 * the field selects beneath it (through the Pothos errors plugin's `… on XSuccess { data { … } }` when the
 * field's type is a result union). Null when there is no such row.
 */
export async function readById(ctx: Context, info: GraphQLResolveInfo, model: Model, id: string): Promise<unknown> {
  const planned = plan(info, `byId ${model}`, id, (planner): Planned => {
    let nodes: readonly FieldNode[] = info.fieldNodes;
    const returned = getNamedType(info.returnType);
    if (returned.name !== model) {
      const success = isAbstractType(returned) ? info.schema.getPossibleTypes(returned).find((type) => getNamedType(type.getFields().data?.type ?? returned).name === model) : undefined;
      if (!success) throw new Error(`readById: ${returned.name} has no ${model}`);
      nodes = [...planner.collect(info.fieldNodes.map((node) => node.selectionSet), success.name).entries()].flatMap(([, fieldNodes]) =>
        fieldNodes.filter((node) => node.name.value === 'data'),
      );
    }
    const row = planner.alias();
    const object = planner.object(model, model, row, nodes);
    return { sql: `SELECT ${object.sql} FROM ${table(model)} ${row} WHERE ${row}."id" = ${planner.param((replay) => replay.root, 'uuid')}`, finish: object.finish };
  });
  if (!planned) return null;
  const found = await run(ctx, planned.value.sql, planned.params);
  const { finish } = planned.value;
  return found === null ? null : finish ? finish(found) : found;
}
