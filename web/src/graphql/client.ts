import { persistedExchange } from '@urql/exchange-persisted';
import type { DocumentNode } from 'graphql';
import { cacheExchange, Client, fetchExchange } from 'urql';

/** Any of the headers the service's CSRF prevention accepts: a cross-site page cannot send it without a CORS preflight. */
const PREFLIGHT_HEADER = { 'graphql-require-preflight': '1' };

/**
 * The hash `npm run codegen` embeds in each document (`sha256:<hex>`). The service knows the same hashes from
 * this build's persisted-operations.json, so the text of an operation never travels.
 */
function persistedHash(document: DocumentNode): string {
  const hash = (document as DocumentNode & { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== 'string') throw new Error('A GraphQL document without a persisted hash: write it with graphql() from src/gql and run npm run codegen');
  return hash.replace(/^sha256:/, '');
}

/**
 * Queries go by GET (`?operationName=…&variables=…&extensions={"persistedQuery":…}`), so the browser and any CDN
 * can cache them (the service answers with Cache-Control and an ETag); subscriptions stream over Server-Sent
 * Events on a POST. A build sends every operation as its hash alone and never falls back to text; the dev server
 * (`npm run dev:web`) may, since the service it talks to knows the operations of the last build, not of the
 * sources being edited.
 */
export function createClient(token: string | null): Client {
  return new Client({
    url: '/graphql',
    fetchSubscriptions: true,
    exchanges: [
      cacheExchange,
      persistedExchange({
        enforcePersistedQueries: !import.meta.env.DEV,
        enableForMutation: true,
        enableForSubscriptions: true,
        preferGetForPersistedQueries: 'within-url-limit',
        generateHash: async (_text, document) => persistedHash(document),
      }),
      fetchExchange,
    ],
    fetch: (input, init) => {
      const headers = new Headers(init?.headers);
      for (const [name, value] of Object.entries(PREFLIGHT_HEADER)) headers.set(name, value);
      if (token) headers.set('authorization', `Bearer ${token}`);
      return fetch(input, { ...init, headers });
    },
  });
}

/**
 * Run a query again past every cache: urql's, and the browser's HTTP cache, which revalidates with
 * If-None-Match and gets a 304 when nothing changed. Used when a live update says the page is out of date.
 */
export const REVALIDATE = { requestPolicy: 'network-only', fetchOptions: { cache: 'no-cache' } } as const;
