import {
  type ArgumentNode,
  type DocumentNode,
  getNamedType,
  type GraphQLError,
  type GraphQLSchema,
  Kind,
  TypeInfo,
  visit,
  visitWithTypeInfo,
} from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { perDocument } from './per-document.js';
import { variablesWithDefaults } from './variables.js';

const PAGE_ARGUMENTS = new Set(['first', 'last']);

/** A `first`/`last` argument on a connection field: its literal value, or the variable that gives it. */
interface PageArgument {
  node: ArgumentNode;
  /** `Type.field` of the connection. */
  where: string;
  literal?: number;
  variable?: string;
}

/** The page arguments of a document, in document order; the same for every request that sends the same text. */
const pageArguments = perDocument((schema, document): readonly PageArgument[] => {
  const found: PageArgument[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        if (!PAGE_ARGUMENTS.has(node.name.value)) return;
        const field = typeInfo.getFieldDef();
        if (!field || !getNamedType(field.type).name.endsWith('Connection')) return;
        const where = `${typeInfo.getParentType()?.name ?? '?'}.${field.name}`;
        const { value } = node;
        if (value.kind === Kind.VARIABLE) found.push({ node, where, variable: value.name.value });
        else if (value.kind === Kind.INT) found.push({ node, where, literal: Number(value.value) });
      },
    }),
  );
  return found;
});

/** Finds `first`/`last` arguments on connection fields that ask for more than `max` rows (or fewer than 0). */
export function findPageSizeErrors(schema: GraphQLSchema, document: DocumentNode, variables: Readonly<Record<string, unknown>>, max: number): GraphQLError[] {
  const errors: GraphQLError[] = [];
  for (const { node, where, literal, variable } of pageArguments(schema, document)) {
    const size = variable === undefined ? literal : variables[variable];
    if (typeof size !== 'number' || (size >= 0 && size <= max)) continue;
    errors.push(
      createGraphQLError(
        size < 0
          ? `\`${node.name.value}\` on ${where} must not be negative (got ${size})`
          : `\`${node.name.value}\` on ${where} must be at most ${max} (got ${size}); page through the rest with the cursors in pageInfo`,
        { nodes: [node], extensions: { code: 'BAD_USER_INPUT', argument: node.name.value, field: where, max } },
      ),
    );
  }
  return errors;
}

/** Refuses oversized pages before any resolver runs: never a silent clamp. */
export function usePageSizeLimit(max: number): Plugin {
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const variables = variablesWithDefaults(args.document, args.operationName, args.variableValues);
      const errors = findPageSizeErrors(args.schema, args.document, variables, max);
      if (errors.length > 0) setResultAndStopExecution({ errors });
    },
  };
}
