import type { DocumentNode, GraphQLSchema } from 'graphql';

/**
 * Memoises what depends only on a schema and a parsed document. Yoga's parse cache hands out the same
 * DocumentNode for the same query text, so a repeated query is analysed once; the entries are held weakly,
 * so they live exactly as long as that (size-bounded) cache keeps the document.
 */
export function perDocument<T>(analyse: (schema: GraphQLSchema, document: DocumentNode) => T): (schema: GraphQLSchema, document: DocumentNode) => T {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, T>>();
  return (schema, document) => {
    let byDocument = bySchema.get(schema);
    if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
    let analysed = byDocument.get(document);
    if (analysed === undefined) byDocument.set(document, (analysed = analyse(schema, document)));
    return analysed;
  };
}
