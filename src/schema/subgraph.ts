// The federation subgraph schema, built as @pothos/plugin-federation's `builder.toSubGraphSchema()` builds it
// (same types, same `_entities` and `_service` fields, same sorting), minus two costs every start paid:
// - the plugin finds the federation directives in use by building the whole schema once more (its default
//   `federationDirectives` argument); here they are listed (FEDERATION_DIRECTIVES), and tests/federation.test.ts
//   checks the result against the plugin's own, so a directive added to the schema but not here fails a test;
// - the plugin prints and validates the subgraph SDL for `_service { sdl }` while building (~0.25 s of CPU);
//   here it is printed on the first `_service` request, once.
import { printSubgraphSchema } from '@apollo/subgraph';
import { EntityType, entitiesField, serviceField } from '@apollo/subgraph/dist/types.js';
import { hasResolvableKey } from '@pothos/plugin-federation';
import { GraphQLList, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLUnionType, isObjectType, lexicographicSortSchema } from 'graphql';
import type { builder as Builder } from '../builder.js';

/** The federation directives the schema uses, as the plugin would find them (its `getUsedDirectives`). */
export const FEDERATION_DIRECTIVES = ['@key'];
export const FEDERATION_LINK = 'https://specs.apollo.dev/federation/v2.6';

export function buildSubgraphSchema(builder: typeof Builder): GraphQLSchema {
  const schema = builder.toSchema({
    sortSchema: true,
    extensions: { directives: [{ name: 'link', args: { url: FEDERATION_LINK, import: FEDERATION_DIRECTIVES } }] },
  });
  const queryType = schema.getQueryType();
  const types = schema.getTypeMap();
  const entityTypes = Object.values(types).filter((type) => isObjectType(type) && hasResolvableKey(type)) as GraphQLObjectType[];
  let sdl: string | undefined;
  const newQuery: GraphQLObjectType = new GraphQLObjectType({
    name: queryType?.name ?? 'Query',
    description: queryType?.description,
    astNode: queryType?.astNode,
    extensions: queryType?.extensions,
    fields: () => {
      const entity = new GraphQLUnionType({ ...EntityType.toConfig(), types: entityTypes.map((type) => (type === queryType ? newQuery : type)) });
      return {
        ...(entityTypes.length > 0 && { _entities: { ...entitiesField, type: new GraphQLNonNull(new GraphQLList(entity)) } }),
        _service: { ...serviceField, resolve: () => ({ sdl: (sdl ??= printSubgraphSchema(sorted)) }) },
        ...queryType?.toConfig().fields,
      };
    },
  });
  const sorted = lexicographicSortSchema(
    new GraphQLSchema({
      query: newQuery,
      mutation: schema.getMutationType(),
      subscription: schema.getSubscriptionType(),
      extensions: schema.extensions,
      directives: schema.getDirectives(),
      extensionASTNodes: schema.extensionASTNodes,
      types: [...Object.values(types).filter((type) => type.name !== 'Query'), newQuery],
    }),
  );
  return sorted;
}
