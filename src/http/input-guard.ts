import {
  type ASTNode,
  type DocumentNode,
  getNamedType,
  type GraphQLSchema,
  isUnionType,
  Kind,
  TypeInfo,
  type ValueNode,
  valueFromASTUntyped,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { perDocument } from '../graphql/per-document.js';

const NUL = '\u0000';

/** Where the first NUL character is in the variables (walked without recursion: they may nest deep), if anywhere. */
function nulInVariables(variables: Readonly<Record<string, unknown>>): string | undefined {
  const pending: [unknown, string][] = Object.entries(variables).map(([name, value]) => [value, `$${name}`]);
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [value, path] = next;
    if (typeof value === 'string') {
      if (value.includes(NUL)) return `variable ${path}`;
    } else if (Array.isArray(value)) {
      value.forEach((item, index) => pending.push([item, `${path}.${index}`]));
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (key.includes(NUL)) return `a key in variable ${path}`;
        pending.push([item, `${path}.${key}`]);
      }
    }
  }
  return undefined;
}

/** Whether the variables hold a NUL character anywhere: the common answer (no) without building a path per value. */
function hasNul(variables: Readonly<Record<string, unknown>>): boolean {
  const pending: unknown[] = [variables];
  while (pending.length > 0) {
    const value = pending.pop();
    if (typeof value === 'string') {
      if (value.includes(NUL)) return true;
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) pending.push(value[i]);
    } else if (typeof value === 'object' && value !== null) {
      for (const key of Object.keys(value)) {
        if (key.includes(NUL)) return true;
        pending.push((value as Record<string, unknown>)[key]);
      }
    }
  }
  return false;
}

/** Every cursor this service hands out is base64 of `GPC:S:<uuid>` (plugin-prisma's format, on `id` columns). */
const OUR_CURSOR = /^GPC:S:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

export const isOurCursor = (cursor: string) => cursor.length <= 100 && BASE64.test(cursor) && OUR_CURSOR.test(Buffer.from(cursor, 'base64').toString('utf8'));

function stringValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): unknown {
  if (node.kind === Kind.VARIABLE) return variables[node.name.value];
  return node.kind === Kind.STRING ? node.value : undefined;
}

/** The entity types `_entities` accepts, by schema. */
const entityTypes = new WeakMap<GraphQLSchema, readonly string[]>();

/** Federation's `_entities` takes any JSON; a representation must name an entity type, or the resolver fails unexpectedly. */
function representationProblem(schema: GraphQLSchema, representations: unknown): string | undefined {
  let entities = entityTypes.get(schema);
  if (!entities) {
    const union = schema.getType('_Entity');
    entityTypes.set(schema, (entities = isUnionType(union) ? union.getTypes().map((type) => type.name) : []));
  }
  const names = entities;
  const list = Array.isArray(representations) ? representations : [representations];
  const index = list.findIndex(
    (item) => typeof item !== 'object' || item === null || !('__typename' in item) || typeof item.__typename !== 'string' || !names.includes(item.__typename),
  );
  return index < 0 ? undefined : `representations[${index}] must be an object whose __typename is an entity type: ${names.join(', ')}`;
}

interface Problem {
  message: string;
  node?: ASTNode;
  /** The response path of the field, when it is in the operation itself (not in a fragment). */
  path?: string[];
}

/** One place in a document that can hold a problem, given the request's variables; undefined when it holds none. */
type Check = (schema: GraphQLSchema, variables: Readonly<Record<string, unknown>>) => Problem | undefined;

/** The checks a document needs, in document order (the first problem found is the one reported), found once per document. */
const documentChecks = perDocument((schema, document): readonly Check[] => {
  const checks: Check[] = [];
  const typeInfo = new TypeInfo(schema);
  const keys: string[] = [];
  let inOperation = false;
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      OperationDefinition() {
        inOperation = true;
      },
      FragmentDefinition() {
        inOperation = false;
      },
      Field: {
        enter(node) {
          keys.push(node.alias?.value ?? node.name.value);
        },
        leave() {
          keys.pop();
        },
      },
      StringValue(node) {
        if (!node.value.includes(NUL)) return;
        const problem = { message: `The string at line ${node.loc?.startToken.line ?? '?'} contains the NUL character (U+0000), which no text field can hold`, node };
        checks.push(() => problem);
      },
      Argument(node) {
        const at = inOperation ? { path: [...keys] } : {};
        if (node.name.value === 'representations' && typeInfo.getFieldDef()?.name === '_entities') {
          checks.push((schema, variables) => {
            const message = representationProblem(schema, valueFromASTUntyped(node.value, variables));
            return message ? { message, node, ...at } : undefined;
          });
        }
        if (node.name.value !== 'after' && node.name.value !== 'before') return;
        const field = typeInfo.getFieldDef();
        if (!field || !getNamedType(field.type).name.endsWith('Connection')) return;
        const message = `\`${node.name.value}\` on ${typeInfo.getParentType()?.name ?? '?'}.${field.name} is not a cursor from this service: pass an edge's \`cursor\` or pageInfo's \`endCursor\`/\`startCursor\` as given`;
        checks.push((_schema, variables) => {
          const cursor = stringValue(node.value, variables);
          return typeof cursor === 'string' && !isOurCursor(cursor) ? { message, node, ...at } : undefined;
        });
      },
    }),
  );
  return checks;
});

/** The first problem with the text in an operation: a NUL character, or a cursor this service never made. */
function findProblem(schema: GraphQLSchema, document: DocumentNode, variables: Readonly<Record<string, unknown>>): Problem | undefined {
  const inVariables = hasNul(variables) ? nulInVariables(variables) : undefined;
  if (inVariables) return { message: `${inVariables[0]?.toUpperCase()}${inVariables.slice(1)} contains the NUL character (U+0000), which no text field can hold` };
  for (const check of documentChecks(schema, document)) {
    const problem = check(schema, variables);
    if (problem) return problem;
  }
  return undefined;
}

/**
 * Refuses, before anything runs, text the database cannot hold (PostgreSQL has no NUL in text), cursors
 * that were not handed out here (they would reach the database as malformed keys), and federation
 * representations of no entity type.
 */
export function useInputGuard(): Plugin {
  const check = (schema: GraphQLSchema, document: DocumentNode, variables: Readonly<Record<string, unknown>> | null | undefined) => {
    const problem = findProblem(schema, document, variables ?? {});
    return problem
      ? createGraphQLError(problem.message, { ...(problem.node ? { nodes: [problem.node] } : {}), ...(problem.path ? { path: problem.path } : {}), extensions: { code: 'BAD_USER_INPUT' } })
      : undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.schema, args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.schema, args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
