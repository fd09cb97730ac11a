import type { CodegenConfig } from '@graphql-codegen/cli';

/** Types the example client's operations from schema.graphql; `npm run codegen` rewrites examples/client/generated/. */
const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['examples/client/**/*.ts', '!examples/client/generated/**'],
  ignoreNoDocuments: false,
  generates: {
    'examples/client/generated/': {
      preset: 'client',
      presetConfig: {
        fragmentMasking: false,
        persistedDocuments: { mode: 'embedHashInDocument', hashAlgorithm: 'sha256' },
      },
      config: {
        useTypeImports: true,
        emitLegacyCommonJSImports: false,
        enumsAsTypes: true,
        strictScalars: true,
        scalars: { Date: 'string', DateTime: 'string', JSON: 'unknown', _Any: 'unknown' },
      },
    },
  },
};

export default config;
