import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';

/** off: every operation as sent; apq: also Apollo's automatic persisted queries; only: nothing but the operations in the store. */
export type PersistedOperationsMode = 'off' | 'apq' | 'only';

export const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');

const APQ_CACHE_ENTRIES = 1000;

/** codegen writes `sha256:<hex>`, Apollo clients send the bare hex: both name the same operation. */
const normalizedId = (id: string) => id.replace(/^sha256:/i, '').toLowerCase();

const normalizedStore = (store: ReadonlyMap<string, string>) => new Map([...store].map(([id, text]) => [normalizedId(id), text]));

/** `documentId` (GraphQL over HTTP persisted documents) or Apollo's `extensions.persistedQuery.sha256Hash`. */
export function persistedOperationId(params: Pick<GraphQLParams, 'extensions'> & { documentId?: unknown }): string | null {
  if (typeof params.documentId === 'string' && params.documentId) return normalizedId(params.documentId);
  const persisted: unknown = params.extensions?.persistedQuery;
  if (persisted && typeof persisted === 'object' && 'sha256Hash' in persisted && typeof persisted.sha256Hash === 'string') return normalizedId(persisted.sha256Hash);
  return null;
}

/** Reads a JSON object of `{ "<id>": "<operation text>" }`, the file `npm run codegen` writes. `label` names it in errors. */
export async function loadPersistedOperations(file: string, label = 'PERSISTED_OPERATIONS_FILE'): Promise<Map<string, string>> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(await readFile(file, 'utf8'));
  } catch (error) {
    const reason = error instanceof SyntaxError ? 'it is not valid JSON' : 'it cannot be read';
    throw new Error(`${label} ${file}: ${reason}`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new Error(`${label} ${file}: expected a JSON object of {"<sha256 hash>": "<operation text>"}`);
  }
  const entries = Object.entries(parsed);
  const bad = entries.find(([, text]) => typeof text !== 'string' || !text.trim());
  if (bad) throw new Error(`${label} ${file}: the operation for "${bad[0].slice(0, 80)}" is not a non-empty string`);
  if (entries.length === 0) throw new Error(`${label} ${file}: lists no operations, so every request would be refused`);
  return normalizedStore(new Map(entries.map(([id, text]) => [id, String(text)])));
}

/** One store holding the operations of all the given ones. */
export function mergeOperationStores(...stores: (ReadonlyMap<string, string> | undefined | null)[]): Map<string, string> {
  return new Map(stores.flatMap((store) => (store ? [...normalizedStore(store)] : [])));
}

/**
 * Runs operations this deployment ships itself (the explorer's) when a client names them by hash: in every
 * mode, without letting anything else in. A request that sends text, or a hash it does not know, passes on
 * unchanged to whatever the mode does with it.
 */
export function useBundledOperations(store: ReadonlyMap<string, string>): Plugin {
  const known = normalizedStore(store);
  return {
    onParams({ params, setParams }) {
      if (params.query) return;
      const id = persistedOperationId(params as GraphQLParams & { documentId?: unknown });
      const query = id ? known.get(id) : undefined;
      if (query) setParams({ ...params, query });
    },
  };
}

/**
 * Apollo's automatic persisted queries: a client sends the hash alone, and the full text once when the server
 * does not know it yet. `bundled` operations are known from the start and never forgotten.
 */
export function useAutomaticPersistedQueries(bundled?: ReadonlyMap<string, string>): Plugin {
  const shipped = normalizedStore(bundled ?? new Map<string, string>());
  const known = new Map<string, string>();
  const remember = (hash: string, query: string) => {
    known.delete(hash);
    known.set(hash, query);
    if (known.size > APQ_CACHE_ENTRIES) known.delete(known.keys().next().value ?? '');
  };
  return {
    onParams({ params, setParams }) {
      const persisted: unknown = params.extensions?.persistedQuery;
      if (persisted === undefined || persisted === null) return;
      if (typeof persisted !== 'object' || !('version' in persisted) || persisted.version !== 1 || !('sha256Hash' in persisted) || typeof persisted.sha256Hash !== 'string') {
        throw createGraphQLError('extensions.persistedQuery must be {"version": 1, "sha256Hash": "<hex>"}', {
          extensions: { code: 'PERSISTED_QUERY_INVALID', http: { status: 400 } },
        });
      }
      const hash = normalizedId(persisted.sha256Hash);
      if (params.query) {
        if (sha256(params.query) !== hash) {
          throw createGraphQLError('extensions.persistedQuery.sha256Hash is not the SHA-256 of the query', {
            extensions: { code: 'PERSISTED_QUERY_HASH_MISMATCH', http: { status: 400 } },
          });
        }
        remember(hash, params.query);
        return;
      }
      const shippedQuery = shipped.get(hash);
      if (shippedQuery) {
        setParams({ ...params, query: shippedQuery });
        return;
      }
      const query = known.get(hash);
      // Apollo clients look for this exact message and code, then retry with the full text.
      if (!query) throw createGraphQLError('PersistedQueryNotFound', { extensions: { code: 'PERSISTED_QUERY_NOT_FOUND' } });
      remember(hash, query);
      setParams({ ...params, query });
    },
  };
}

/** Only the operations in `store` run: what a public deployment serving its own frontend wants. */
export function useKnownOperationsOnly(store: ReadonlyMap<string, string>): Plugin {
  const known = normalizedStore(store);
  return usePersistedOperations({
    getPersistedOperation: (id) => known.get(id) ?? null,
    extractPersistedOperationId: (params) => persistedOperationId(params as GraphQLParams & { documentId?: unknown }),
    allowArbitraryOperations: false,
    customErrors: {
      persistedQueryOnly: {
        message: 'This server runs only known operations: send the operation\'s hash as "documentId" (or extensions.persistedQuery.sha256Hash) instead of its text',
        extensions: { code: 'PERSISTED_QUERY_ONLY', http: { status: 400 } },
      },
      keyNotFound: {
        message: 'Send "documentId" (or extensions.persistedQuery.sha256Hash) naming a known operation',
        extensions: { code: 'PERSISTED_QUERY_ID_REQUIRED', http: { status: 400 } },
      },
      notFound: {
        message: 'No known operation has this ID',
        extensions: { code: 'PERSISTED_QUERY_NOT_IN_LIST', http: { status: 400 } },
      },
    },
  });
}

/** For WebSocket operations when only known operations may run: the stored text, named by ID or quoted in full, or null. */
export function knownOperations(store: ReadonlyMap<string, string>) {
  const known = normalizedStore(store);
  return (params: { query?: string; extensions?: Record<string, unknown> | null }): string | null => {
    const id = persistedOperationId({ extensions: params.extensions ?? undefined });
    if (id) return known.get(id) ?? null;
    if (params.query && known.has(sha256(params.query))) return params.query;
    return null;
  };
}
