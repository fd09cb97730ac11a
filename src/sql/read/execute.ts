import {
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FieldNode,
  getOperationAST,
  GraphQLEnumType,
  GraphQLInterfaceType,
  GraphQLList,
  GraphQLNonNull,
  GraphQLObjectType,
  type GraphQLOutputType,
  GraphQLScalarType,
  GraphQLUnionType,
  type OperationDefinitionNode,
} from 'graphql';
import { collectFields, collectSubfields } from 'graphql/execution/collectFields.js';
import { buildExecutionContext, buildResolveInfo, type ExecutionContext } from 'graphql/execution/execute.js';
import { getArgumentValues } from 'graphql/execution/values.js';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../../context.js';
import { compiledRoot, isFallback, ResolversNeeded, type RootHandler, runByCompiledExecution } from './install.js';
import type { Args } from './vocabulary.js';

/**
 * Executes a query whose every root field the read compiler plans, without graphql-js's field-by-field
 * execution. Each root field's handler (install.ts) sends its one SQL statement and returns the subtree as
 * JSON, in which every object carries its fields' values under their response keys (`__c`), already
 * serialized. graphql-js would then call a resolver per field of every object only to read that value back
 * (`fromParent`), build a resolve-info and a path for each, and await each; this walks the same selection
 * over the JSON instead: for each field, the value under its key, completed by the rules of
 * https://spec.graphql.org/October2021/#sec-Value-Completion (leaves serialized by their type, lists item by
 * item, abstract types by the object's `__typename`).
 *
 * It answers only what it can answer exactly as graphql-js would. Anything else (a mutation, a root field the
 * compiler does not plan or gives up on, a field that needs its own resolver, a null where the schema says
 * non-null, any error) makes it answer nothing, and graphql-js executes the operation as before: its answers,
 * errors included, are the reference. A field that needs its resolver is known from the root's plan before
 * its SQL is sent (install.ts, ResolversNeeded), and such an operation goes straight to graphql-js afterwards.
 */

/** Why an operation was left to graphql-js (counted; tests and the bench read them). */
type Reason = 'not a query' | 'not compiled' | 'fell back' | 'needs a resolver' | 'null' | 'type' | 'error' | 'invalid' | 'traced';

class Unanswerable extends Error {
  constructor(readonly reason: Reason) {
    super(reason);
  }
}

let enabled = true;

/** Turns the direct execution off (every query then runs through graphql-js) or on: for tests and the bench. */
export function configureCompiledExecution(options: { enabled: boolean }) {
  enabled = options.enabled;
}

const counts = { direct: 0, graphqlJs: 0, reasons: {} as Partial<Record<Reason, number>> };

export const compiledExecutionStats = () => ({ direct: counts.direct, graphqlJs: counts.graphqlJs, reasons: { ...counts.reasons } });

const leftToGraphqlJs = (reason: Reason): undefined => {
  counts.graphqlJs++;
  counts.reasons[reason] = (counts.reasons[reason] ?? 0) + 1;
  return undefined;
};

/** Operations that needed a field resolver, by document: graphql-js executes them from then on. */
const needResolvers = new WeakMap<DocumentNode, Set<OperationDefinitionNode>>();

/** Subfields of one selection, per request, as graphql-js memoises them: once per (type, field nodes), not per object. */
class Selections {
  private readonly memo = new Map<readonly FieldNode[], Map<GraphQLObjectType, Map<string, readonly FieldNode[]>>>();
  constructor(private readonly context: ExecutionContext) {}

  get schema() {
    return this.context.schema;
  }

  of(type: GraphQLObjectType, nodes: readonly FieldNode[]): Map<string, readonly FieldNode[]> {
    let byType = this.memo.get(nodes);
    if (!byType) this.memo.set(nodes, (byType = new Map()));
    let fields = byType.get(type);
    if (!fields) {
      const { schema, fragments, variableValues } = this.context;
      byType.set(type, (fields = collectSubfields(schema, fragments, variableValues, type, nodes)));
    }
    return fields;
  }
}

// The type classes, bound once. `complete` runs for every value of a result, and in the bundle
// (scripts/build.mjs) each use of an import from `graphql` reads it through a getter of esbuild's CommonJS
// interop: calling isNonNullType & co. there cost 2.6% of a 100-entity _entities read's CPU. One `graphql`
// is loaded (its instanceOf checks rely on it too), so instanceof is what those predicates do.
const NonNull = GraphQLNonNull;
const List = GraphQLList;
const ObjectType = GraphQLObjectType;
const Scalar = GraphQLScalarType;
const Enum = GraphQLEnumType;
const Interface = GraphQLInterfaceType;
const Union = GraphQLUnionType;

function complete(selections: Selections, type: GraphQLOutputType, nodes: readonly FieldNode[], value: unknown): unknown {
  if (type instanceof NonNull) {
    if (value === null) throw new Unanswerable('null');
    return complete(selections, type.ofType, nodes, value);
  }
  if (value === null) return null;
  if (type instanceof Scalar || type instanceof Enum) {
    const serialized = type.serialize(value);
    if (serialized === undefined || serialized === null) throw new Unanswerable('type');
    return serialized;
  }
  if (type instanceof List) {
    if (!Array.isArray(value)) throw new Unanswerable('type');
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = complete(selections, type.ofType, nodes, value[i]);
    return items;
  }
  if (typeof value !== 'object') throw new Unanswerable('type');
  let objectType: GraphQLObjectType;
  if (type instanceof ObjectType) objectType = type;
  else if (type instanceof Interface || type instanceof Union) {
    const name = (value as { __typename?: unknown }).__typename;
    const runtime = typeof name === 'string' ? selections.schema.getType(name) : undefined;
    if (!(runtime instanceof ObjectType) || !selections.schema.isSubType(type, runtime)) throw new Unanswerable('type');
    objectType = runtime;
  } else throw new Unanswerable('type');
  const compiled = (value as { __c?: Record<string, unknown> }).__c;
  if (typeof compiled !== 'object' || compiled === null) throw new Unanswerable('needs a resolver');
  const result: Record<string, unknown> = Object.create(null);
  const fields = objectType.getFields();
  for (const [key, fieldNodes] of selections.of(objectType, nodes)) {
    const name = (fieldNodes[0] as FieldNode).name.value;
    if (name === '__typename') {
      result[key] = objectType.name;
      continue;
    }
    const field = fields[name];
    const fieldValue = compiled[key];
    if (!field || fieldValue === undefined) throw new Unanswerable('needs a resolver');
    result[key] = complete(selections, field.type, fieldNodes, fieldValue);
  }
  return result;
}

interface Root {
  key: string;
  type?: GraphQLOutputType;
  nodes: readonly FieldNode[];
  run?: () => Promise<unknown>;
}

/** The operation's result, or undefined when graphql-js must execute it (see above). */
export async function executeCompiled(args: ExecutionArgs): Promise<ExecutionResult | undefined> {
  // A mutation goes to graphql-js before its variables are coerced here (graphql-js coerces them again).
  if (getOperationAST(args.document, args.operationName)?.operation !== 'query') return leftToGraphqlJs('not a query');
  const context = buildExecutionContext(args);
  if (!('schema' in context)) return leftToGraphqlJs('invalid');
  const { schema, operation, fragments, variableValues } = context;
  if (needResolvers.get(args.document)?.has(operation)) return leftToGraphqlJs('needs a resolver');
  const query = schema.getQueryType();
  if (!query) return leftToGraphqlJs('not a query');

  // Every root field first, before any handler starts: one that cannot be planned leaves the whole operation to graphql-js.
  const roots: Root[] = [];
  for (const [key, nodes] of collectFields(schema, fragments, variableValues, query, operation.selectionSet)) {
    const first = nodes[0] as FieldNode;
    if (first.name.value === '__typename') {
      roots.push({ key, nodes });
      continue;
    }
    const field = query.getFields()[first.name.value];
    const handler: RootHandler | undefined = field && compiledRoot(field as never);
    if (!field || !handler) return leftToGraphqlJs('not compiled');
    let fieldArgs: Args;
    try {
      fieldArgs = getArgumentValues(field, first, variableValues) as Args;
    } catch {
      return leftToGraphqlJs('invalid');
    }
    const info = buildResolveInfo(context, field, nodes as FieldNode[], query, { prev: undefined, key, typename: query.name });
    runByCompiledExecution(info);
    roots.push({ key, type: field.type, nodes, run: () => handler(fieldArgs, args.contextValue as Context, info) });
  }

  // The root fields of a query run at once, as graphql-js runs them.
  const outcomes = await Promise.allSettled(roots.map((root) => root.run?.()));
  const selections = new Selections(context);
  const data: Record<string, unknown> = Object.create(null);
  try {
    roots.forEach((root, i) => {
      const outcome = outcomes[i] as PromiseSettledResult<unknown>;
      if (!root.type) {
        data[root.key] = query.name;
        return;
      }
      if (outcome.status === 'rejected') throw new Unanswerable(outcome.reason instanceof ResolversNeeded ? 'needs a resolver' : 'error');
      if (isFallback(outcome.value)) throw new Unanswerable('fell back');
      data[root.key] = complete(selections, root.type, root.nodes, outcome.value);
    });
  } catch (error) {
    if (!(error instanceof Unanswerable)) return leftToGraphqlJs('error');
    // A field needing its resolver is known from the plan, before any SQL: next time, not even the plan is looked up.
    if (error.reason === 'needs a resolver') {
      let operations = needResolvers.get(args.document);
      if (!operations) needResolvers.set(args.document, (operations = new Set()));
      operations.add(operation);
    }
    return leftToGraphqlJs(error.reason);
  }
  counts.direct++;
  return { data };
}

/**
 * Puts executeCompiled in front of Yoga's executor. It goes first among the plugins that replace the
 * executor, so the others (the execution timeout) wrap it. A request for an Apollo federated trace (`ftv1`,
 * built from each field's resolver call) is left to graphql-js.
 */
export function useCompiledExecution(): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      if (!enabled) return;
      const request = (args.contextValue as { request?: Request }).request;
      if (request?.headers.get('apollo-federation-include-trace') === 'ftv1') {
        leftToGraphqlJs('traced');
        return;
      }
      setExecuteFn(async (executionArgs) => (await executeCompiled(executionArgs as ExecutionArgs)) ?? executeFn(executionArgs));
    },
  };
}
