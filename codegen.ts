import type { CodegenConfig } from '@graphql-codegen/cli';
import { addTypenameSelectionDocumentTransform } from '@graphql-codegen/client-preset';

const scalars = { Date: 'string', DateTime: 'string', JSON: 'unknown', _Any: 'unknown' };
const typescript = { useTypeImports: true, emitLegacyCommonJSImports: false, enumsAsTypes: true, strictScalars: true, scalars };

/**
 * `npm run codegen` types the GraphQL documents of the example client (examples/client/generated/) and of
 * the explorer web app (web/src/gql/) from schema.graphql, and writes each one's persisted-documents.json:
 * the hash → operation text list the server runs when clients send hashes only.
 */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  ignoreNoDocuments: false,
  generates: {
    'examples/client/generated/': {
      documents: ['examples/client/**/*.ts', '!examples/client/generated/**'],
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: typescript,
    },
    // Fragments stay masked: a component sees only the fields its own fragment asks for. urql's document
    // cache adds __typename to what it sends, so the stored operations carry it too and the texts agree.
    'web/src/gql/': {
      documents: ['web/src/**/*.{ts,tsx}', '!web/src/gql/**'],
      preset: 'client',
      presetConfig: {
        fragmentMasking: { unmaskFunctionName: 'getFragmentData' },
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      documentTransforms: [addTypenameSelectionDocumentTransform],
      config: typescript,
    },
  },
};

export default config;
