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
import { variablesWithDefaults } from './variables.js';

const PAGE_ARGUMENTS = new Set(['first', 'last']);

function pageArgumentValue(node: ArgumentNode, variables: Readonly<Record<string, unknown>>): unknown {
  const { value } = node;
  if (value.kind === Kind.VARIABLE) return variables[value.name.value];
  if (value.kind === Kind.INT) return Number(value.value);
  return undefined;
}

/** Finds `first`/`last` arguments on connection fields that ask for more than `max` rows (or fewer than 0). */
export function findPageSizeErrors(schema: GraphQLSchema, document: DocumentNode, variables: Readonly<Record<string, unknown>>, max: number): GraphQLError[] {
  const errors: GraphQLError[] = [];
  const typeInfo = new TypeInfo(schema);
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Argument(node) {
        if (!PAGE_ARGUMENTS.has(node.name.value)) return;
        const field = typeInfo.getFieldDef();
        const parent = typeInfo.getParentType();
        if (!field || !getNamedType(field.type).name.endsWith('Connection')) return;
        const size = pageArgumentValue(node, variables);
        if (typeof size !== 'number' || (size >= 0 && size <= max)) return;
        const where = `${parent?.name ?? '?'}.${field.name}`;
        errors.push(
          createGraphQLError(
            size < 0
              ? `\`${node.name.value}\` on ${where} must not be negative (got ${size})`
              : `\`${node.name.value}\` on ${where} must be at most ${max} (got ${size}); page through the rest with the cursors in pageInfo`,
            { nodes: [node], extensions: { code: 'BAD_USER_INPUT', argument: node.name.value, field: where, max } },
          ),
        );
      },
    }),
  );
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
