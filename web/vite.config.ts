import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const OPERATIONS = fileURLToPath(new URL('./src/gql/persisted-documents.json', import.meta.url));

/**
 * Ships the operations the app sends (hash → text, written by `npm run codegen`) next to the build, so the
 * service that serves this build knows exactly those hashes, whatever its PERSISTED_OPERATIONS mode.
 */
function persistedOperations(): Plugin {
  return {
    name: 'fact-service:persisted-operations',
    apply: 'build',
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: '.vite/persisted-operations.json', source: readFileSync(OPERATIONS) });
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/',
  plugins: [react(), persistedOperations()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // elkjs is one 1.5 MB file; it loads only on the graph page.
    chunkSizeWarningLimit: 2000,
  },
  server: {
    proxy: { '/graphql': { target: 'http://127.0.0.1:4000', ws: true } },
  },
});
