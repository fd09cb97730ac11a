import { readFileSync } from 'node:fs';
import {
  type ArgumentNode,
  buildSchema,
  type DocumentNode,
  execute,
  type ExecutionResult,
  GraphQLError,
  type GraphQLNamedType,
  type GraphQLSchema,
  getNamedType,
  isInterfaceType,
  isObjectType,
  isScalarType,
  isUnionType,
  Kind,
  parse,
  TypeInfo,
  type ValueNode,
  validate,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import type { PrismaClient } from '../../../src/generated/prisma/client.js';
import { type Quirks, TODAYS_SERVICE } from './quirks.js';
import { isPlainWrapperType, PLAIN_FIELDS, RESOLVERS, type ReferenceContext } from './resolvers.js';
import { MAX_PAGE_SIZE, type Perturbation } from './semantics.js';
import { loadSnapshot, type Snapshot } from './snapshot.js';

/** The root fields the reference answers: the read API. */
export const REFERENCE_ROOTS = ['node', 'nodes', 'actor', 'actors', 'statement', 'statements', 'claim', 'claims', 'source', 'sources', '_entities'] as const;

const SCHEMA_FILE = new URL('../../../schema.graphql', import.meta.url);

/** What a comparison looks at: the data, and each error's code and path (not its wording). */
export interface Comparable {
  data: unknown;
  errors: { code: string | null; path: (string | number)[] | null }[];
  /** From the reference only: why today's service's answer cannot be predicted (quirks.ts); such a query is not judged. */
  unpredictable?: string;
}

interface ErrorLike {
  path?: readonly (string | number)[] | undefined;
  extensions?: Readonly<Record<string, unknown>> | undefined;
}

export function comparable(result: { data?: unknown; errors?: readonly ErrorLike[] | undefined }): Comparable {
  const errors = (result.errors ?? [])
    .map((error) => ({ code: typeof error.extensions?.code === 'string' ? error.extensions.code : null, path: error.path ? [...error.path] : null }))
    .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  return { data: result.data === undefined ? '(no data)' : JSON.parse(JSON.stringify(result.data)), errors };
}

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

function parseDate(value: unknown): Date {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : undefined;
  if (!date || !date.toISOString().startsWith(value as string)) {
    throw new GraphQLError(`Date must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(value)}`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  return date;
}

function reachableTypes(schema: GraphQLSchema): GraphQLNamedType[] {
  const seen = new Map<string, GraphQLNamedType>();
  const visitType = (type: GraphQLNamedType) => {
    if (seen.has(type.name)) return;
    seen.set(type.name, type);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) visitType(getNamedType(field.type));
    }
    if (isInterfaceType(type)) for (const implementation of schema.getPossibleTypes(type)) visitType(implementation);
    if (isUnionType(type)) for (const member of type.getTypes()) visitType(member);
  };
  const query = schema.getQueryType();
  for (const root of REFERENCE_ROOTS) {
    const field = query?.getFields()[root];
    if (field) visitType(getNamedType(field.type));
  }
  return [...seen.values()];
}

/** The committed SDL with the reference's resolvers; fails loudly if a reachable field has none. */
export function buildReferenceSchema(sdl = readFileSync(SCHEMA_FILE, 'utf8')): GraphQLSchema {
  const schema = buildSchema(sdl);
  const missing: string[] = [];
  const query = schema.getQueryType();
  if (!query) throw new Error('schema.graphql has no Query type');
  for (const root of REFERENCE_ROOTS) {
    const field = query.getFields()[root];
    const resolve = RESOLVERS.Query?.[root];
    if (!field || !resolve) missing.push(`Query.${root}`);
    else field.resolve = resolve;
  }
  for (const type of reachableTypes(schema)) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      const resolve = RESOLVERS[type.name]?.[field.name];
      if (resolve) field.resolve = resolve;
      else if (!(PLAIN_FIELDS[type.name]?.includes(field.name) || isPlainWrapperType(type.name))) missing.push(`${type.name}.${field.name}`);
    }
  }
  if (missing.length > 0) {
    throw new Error(`The reference executor does not implement ${missing.join(', ')}: add it to tests/support/reference/resolvers.ts`);
  }
  const date = schema.getType('Date');
  const dateTime = schema.getType('DateTime');
  if (!isScalarType(date) || !isScalarType(dateTime)) throw new Error('schema.graphql lost its Date or DateTime scalar');
  date.serialize = (value) => (value as Date).toISOString().slice(0, 10);
  date.parseValue = parseDate;
  date.parseLiteral = (node) => parseDate(node.kind === Kind.STRING ? node.value : undefined);
  dateTime.serialize = (value) => (value as Date).toISOString();
  return schema;
}

function intValue(node: ValueNode, variables: Record<string, unknown>, defaults: Map<string, ValueNode>, quirks: Quirks): number | undefined {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind !== Kind.VARIABLE) return undefined;
  const name = node.name.value;
  if (name in variables) return typeof variables[name] === 'number' ? (variables[name] as number) : undefined;
  const fallback = defaults.get(name);
  return !quirks.pageSizeDefaultsUnchecked && fallback?.kind === Kind.INT ? Number(fallback.value) : undefined;
}

/** README: "A page is 20 by default and 100 at most; asking for more is an error (BAD_USER_INPUT), not a silent clamp." */
function pageSizeErrors(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown>, quirks: Quirks): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const defaults = new Map<string, ValueNode>();
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const variable of definition.variableDefinitions ?? []) if (variable.defaultValue) defaults.set(variable.variable.name.value, variable.defaultValue);
  }
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node: ArgumentNode) {
        if (node.name.value !== 'first' && node.name.value !== 'last') return;
        const field = typeInfo.getFieldDef();
        if (!field || !getNamedType(field.type).name.endsWith('Connection')) return;
        const size = intValue(node.value, variables, defaults, quirks);
        if (size !== undefined && (size < 0 || size > MAX_PAGE_SIZE)) {
          errors.push(new GraphQLError(`\`${node.name.value}\` must be between 0 and ${MAX_PAGE_SIZE}`, { extensions: { code: 'BAD_USER_INPUT' } }));
        }
      },
    }),
  );
  return errors;
}

export interface ReferenceExecutor {
  /** Reads the database again (the reference answers from what it read last). */
  refresh(): Promise<void>;
  execute(query: string, variables?: Record<string, unknown>): Promise<Comparable>;
  /** The rows the reference read, for generators that draw values from the data. */
  snapshot(): Snapshot;
}

/**
 * A plain executor of the read API: the committed schema.graphql, graphql-js, and resolvers over rows
 * read through the Prisma client. It shares no code with src/schema; `quirks` says which known
 * departures of today's service from its documentation it should follow.
 */
export function createReferenceExecutor(
  prisma: PrismaClient,
  options: { quirks?: Quirks; schema?: GraphQLSchema; perturbation?: Perturbation } = {},
): ReferenceExecutor {
  const schema = options.schema ?? buildReferenceSchema();
  const quirks = options.quirks ?? TODAYS_SERVICE;
  let data: Snapshot | undefined;
  const current = () => {
    if (!data) throw new Error('call refresh() before using the reference executor');
    return data;
  };
  return {
    async refresh() {
      data = await loadSnapshot(prisma);
    },
    snapshot: current,
    async execute(query, variables = {}) {
      const document = parse(query);
      const invalid = validate(schema, document);
      if (invalid.length > 0) return comparable({ errors: invalid.map(() => ({ extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } })) });
      const tooLarge = pageSizeErrors(schema, document, variables, quirks);
      if (tooLarge.length > 0) return comparable({ errors: tooLarge });
      const context: ReferenceContext = { data: current(), quirks, perturbation: options.perturbation, unpredictable: [] };
      const result = (await execute({ schema, document, variableValues: variables, contextValue: context })) as ExecutionResult;
      const answer = comparable(result);
      return context.unpredictable.length > 0 ? { ...answer, unpredictable: context.unpredictable[0] } : answer;
    },
  };
}
