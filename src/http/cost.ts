import {
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  getNamedType,
  getNullableType,
  getOperationAST,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLSchema,
  isCompositeType,
  isInterfaceType,
  isListType,
  isObjectType,
  Kind,
  type SelectionSetNode,
  type ValueNode,
} from 'graphql';

/**
 * How much a query may cost, before it runs. An object (a row, a lookup) costs 1 and a scalar 0;
 * a connection multiplies what one of its nodes costs by `first`/`last`, so pages inside pages
 * multiply: `first: 100` three levels deep costs about two million.
 */
export interface CostModel {
  /** The rows a connection returns when the query gives neither `first` nor `last`. */
  defaultPageSize: number;
  /** The length assumed for a list that is not a connection (a statement's stances, an actor's affiliations). */
  listSize: number;
  /** What a mutation field costs by itself: a transaction and an audit entry. */
  mutationCost: number;
  /** Fields that cost more than their shape says, by `Type.field`. */
  fieldCosts: Readonly<Record<string, number>>;
}

export const DEFAULT_COST_MODEL: CostModel = {
  defaultPageSize: 20,
  listSize: 10,
  mutationCost: 10,
  fieldCosts: {
    'Query.exportBundle': 500,
    'Query.claimsJsonLd': 200,
    'Mutation.importBundle': 500,
    // Computes the whole history of the actor (or claim) it is given to find the changes, whatever the page size.
    'Query.positionChanges': 25,
  },
};

/** Types that are only wrappers around rows or page metadata: no query of their own. */
const isFreeType = (name: string) => name.endsWith('Edge') || name === 'PageInfo';

const isConnectionField = (field: GraphQLField<unknown, unknown>) =>
  getNamedType(field.type).name.endsWith('Connection') && field.args.some((arg) => arg.name === 'first' || arg.name === 'last');

function integerValue(node: ValueNode, variables: Readonly<Record<string, unknown>>): number | undefined {
  if (node.kind === Kind.INT) return Number(node.value);
  if (node.kind === Kind.VARIABLE) {
    const value = variables[node.name.value];
    return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
  }
  return undefined;
}

/** Computes the cost of the operation `operationName` (or the only one) in `document`; 0 if there is none. */
export function queryCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>>,
  model: CostModel = DEFAULT_COST_MODEL,
): number {
  const operation = getOperationAST(document, operationName);
  if (!operation) return 0;
  const rootType = schema.getRootType(operation.operation);
  if (!rootType) return 0;
  const mutationType = schema.getMutationType();

  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  // A fragment spread a thousand times costs one computation, and a cycle costs nothing rather than forever.
  const fragmentCosts = new Map<string, number>();
  const visiting = new Set<string>();

  const pageSize = (field: FieldNode): number => {
    const sizes = (field.arguments ?? [])
      .filter((argument) => argument.name.value === 'first' || argument.name.value === 'last')
      .map((argument) => integerValue(argument.value, variables))
      .filter((size): size is number => size !== undefined);
    return sizes.length === 0 ? model.defaultPageSize : Math.max(0, ...sizes);
  };

  /** A list field that takes a list of keys (`nodes(ids:)`) returns as many items as it is given. */
  const keyCount = (node: FieldNode): number | undefined => {
    const counts = (node.arguments ?? []).map(({ value }) => {
      if (value.kind === Kind.LIST) return value.values.length;
      const given = value.kind === Kind.VARIABLE ? variables[value.name.value] : undefined;
      return Array.isArray(given) ? given.length : undefined;
    });
    const known = counts.filter((count): count is number => count !== undefined);
    return known.length === 0 ? undefined : Math.max(...known);
  };

  const fieldCost = (node: FieldNode, parent: GraphQLCompositeType, page: number | undefined): number => {
    if (node.name.value.startsWith('__') || !(isObjectType(parent) || isInterfaceType(parent))) return 0;
    const field = parent.getFields()[node.name.value];
    if (!field) return 0;
    const type = getNamedType(field.type);
    const coordinate = `${parent.name}.${field.name}`;
    const own =
      model.fieldCosts[coordinate] ??
      (parent === mutationType ? model.mutationCost : field.name === 'totalCount' ? 1 : isCompositeType(type) && !isFreeType(type.name) ? 1 : 0);
    const children = node.selectionSet && isCompositeType(type) ? selectionCost(node.selectionSet, type, isConnectionField(field) ? pageSize(node) : undefined) : 0;
    const times = isListType(getNullableType(field.type)) ? (page ?? keyCount(node) ?? model.listSize) : 1;
    return times * (own + children);
  };

  const fragmentCost = (name: string, page: number | undefined): number => {
    const key = `${name}/${page ?? ''}`;
    const known = fragmentCosts.get(key);
    if (known !== undefined) return known;
    const fragment = fragments.get(name);
    const type = fragment ? schema.getType(fragment.typeCondition.name.value) : undefined;
    if (!fragment || !isCompositeType(type) || visiting.has(key)) return 0;
    visiting.add(key);
    const cost = selectionCost(fragment.selectionSet, type, page);
    visiting.delete(key);
    fragmentCosts.set(key, cost);
    return cost;
  };

  const selectionCost = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, page: number | undefined): number => {
    let total = 0;
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) total += fieldCost(selection, parent, page);
      else if (selection.kind === Kind.FRAGMENT_SPREAD) total += fragmentCost(selection.name.value, page);
      else {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (isCompositeType(type)) total += selectionCost(selection.selectionSet, type, page);
      }
    }
    return total;
  };

  return selectionCost(operation.selectionSet, rootType, undefined);
}
