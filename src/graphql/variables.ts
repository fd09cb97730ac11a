import { type DocumentNode, getOperationAST, valueFromASTUntyped } from 'graphql';

/**
 * The variables an operation will run with, as far as limits are concerned: the request's values, plus
 * each declared default the request left out. `query($n: Int = 500) { actors(first: $n) { … } }` asks
 * for 500 rows even when the request sends no variables, so the page-size and cost checks must see 500.
 * (A variable sent as `null` stays null: GraphQL does not replace an explicit null by the default.)
 */
export function variablesWithDefaults(
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Readonly<Record<string, unknown>> | null | undefined,
): Readonly<Record<string, unknown>> {
  const given = variables ?? {};
  const operation = getOperationAST(document, operationName);
  const definitions = operation?.variableDefinitions ?? [];
  if (!definitions.some((definition) => definition.defaultValue && !(definition.variable.name.value in given))) return given;
  const merged: Record<string, unknown> = { ...given };
  for (const definition of definitions) {
    const name = definition.variable.name.value;
    if (definition.defaultValue && !(name in given)) merged[name] = valueFromASTUntyped(definition.defaultValue);
  }
  return merged;
}
