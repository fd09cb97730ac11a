import { useApolloInlineTrace } from '@graphql-yoga/plugin-apollo-inline-trace';
import { useCSRFPrevention } from '@graphql-yoga/plugin-csrf-prevention';
import { getOperationAST } from 'graphql';
import { type CORSOptions, createGraphQLError, isAsyncIterable, type Plugin, Repeater, type YogaServerOptions } from 'graphql-yoga';
import type { Context } from '../context.js';
import {
  mergeOperationStores,
  type PersistedOperationsMode,
  useAutomaticPersistedQueries,
  useBundledOperations,
  useKnownOperationsOnly,
} from './persisted-operations.js';

/** How the service meets other tools: federation, GraphQL over HTTP, CORS, persisted operations, live updates. */
export interface IntegrationOptions {
  /** Browser origins allowed besides the service's own: a list of `scheme://host[:port]`, or `*` for any. */
  corsOrigins?: readonly string[] | '*';
  /** Also allow http(s)://localhost, 127.0.0.1 and [::1] on any port: the development default. */
  corsLocalhost?: boolean;
  /** Largest request body, in bytes; a larger one gets 413. */
  maxBodyBytes?: number;
  persistedOperations?: PersistedOperationsMode;
  /** ID → operation text; required when `persistedOperations` is `only`. */
  persistedOperationsStore?: ReadonlyMap<string, string>;
  /** Operations this deployment ships itself (the explorer's build): they run by hash whatever the mode. */
  bundledOperations?: ReadonlyMap<string, string>;
  /** `max-age` of public reads by GET, in seconds (see useHttpCaching). */
  publicCacheMaxAgeSeconds?: number;
  /** When false, subscription operations are refused (SSE and WebSocket alike). */
  subscriptions?: boolean;
  /** Aborted when the service shuts down: open subscriptions then complete, so their connections can drain. */
  stopping?: AbortSignal;
}

export type YogaOptions = Partial<YogaServerOptions<Record<string, unknown>, Context>>;

export const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/** Headers a browser cannot add to a "simple" cross-site request, so their presence proves a CORS preflight passed. */
export const CSRF_HEADERS = ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'x-apollo-operation-name', 'graphql-require-preflight'];

/** GraphiQL runs subscriptions as GET event streams: this header lets them through CSRF prevention. */
export const GRAPHIQL_HEADERS: Record<string, string> = { 'x-graphql-yoga-csrf': 'graphiql' };

const LOCAL_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

/** Whether a browser page at `origin` may call the service (its own origin is always allowed and needs no CORS). */
export function isAllowedOrigin(origin: string, options: IntegrationOptions): boolean {
  if (options.corsOrigins === '*') return true;
  if (options.corsOrigins?.includes(origin)) return true;
  if (options.corsLocalhost ?? true) {
    try {
      const url = new URL(origin);
      return (url.protocol === 'http:' || url.protocol === 'https:') && LOCAL_HOSTNAMES.has(url.hostname);
    } catch {
      return false;
    }
  }
  return false;
}

function corsFor(options: IntegrationOptions) {
  return (request: Request): CORSOptions => {
    const origin = request.headers.get('origin');
    if (!origin || !isAllowedOrigin(origin, options)) return false;
    return {
      origin: [origin],
      methods: ['GET', 'POST', 'OPTIONS'],
      // Bearer tokens, never cookies: a page gets no ambient credentials to abuse.
      credentials: false,
      maxAge: 600,
    };
  };
}

const sizeText = (bytes: number) => (bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(bytes % (1024 * 1024) ? 1 : 0)} MiB` : `${Math.round(bytes / 1024)} KiB`);

function tooLarge(limit: number) {
  return createGraphQLError(`The request body is larger than this server accepts (${sizeText(limit)}, ${limit} bytes)`, {
    extensions: { code: 'PAYLOAD_TOO_LARGE', limitBytes: limit, http: { status: 413 } },
  });
}

/** The CORS answer depends on the Origin header, so a shared cache must key on it. */
function useVaryOrigin(): Plugin {
  return {
    onResponse({ request, response }) {
      if (!request.headers.has('origin')) return;
      const vary = response.headers.get('vary');
      if (!vary?.split(',').some((name) => name.trim().toLowerCase() === 'origin')) response.headers.set('vary', vary ? `${vary}, Origin` : 'Origin');
    },
  };
}

/** Refuses an oversized body before reading it when Content-Length says so, and while reading it otherwise. */
function useBodyLimit(limit: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser }) {
      const length = request.headers.get('content-length');
      const declared = Number(length);
      if (Number.isFinite(declared) && declared > limit) throw tooLarge(limit);
      // Node's HTTP parser reads exactly Content-Length bytes of body, so a declared length within the limit
      // needs no counting; the copy below (a second Request) cost more than the rest of parsing a small query.
      if ((length !== null && /^\d+$/.test(length)) || !requestParser || !request.body) return;
      const parse = requestParser;
      setRequestParser(async (incoming) => {
        const reader = incoming.body?.getReader();
        const chunks: Uint8Array[] = [];
        let size = 0;
        for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
          size += chunk.value.byteLength;
          if (size > limit) {
            await reader?.cancel();
            throw tooLarge(limit);
          }
          chunks.push(chunk.value);
        }
        return parse(new Request(incoming.url, { method: incoming.method, headers: incoming.headers, body: Buffer.concat(chunks) }));
      });
    },
  };
}

function useSubscriptionsOff(): Plugin {
  return {
    onSubscribe({ args, setResultAndStopExecution }) {
      if (getOperationAST(args.document, args.operationName)?.operation !== 'subscription') return;
      setResultAndStopExecution({
        errors: [createGraphQLError('Subscriptions are turned off on this server', { extensions: { code: 'SUBSCRIPTIONS_DISABLED' } })],
      });
    },
  };
}

/** The same events until `signal` aborts, then the end of the stream (and of the source's subscription). */
function endWhenAborted<T>(source: AsyncIterable<T>, signal: AbortSignal): AsyncIterableIterator<T> {
  return new Repeater<T>(async (push, stop) => {
    const iterator = source[Symbol.asyncIterator]();
    const end = () => stop();
    signal.addEventListener('abort', end, { once: true });
    if (signal.aborted) stop();
    const stopped = stop.then(() => ({ done: true as const, value: undefined }));
    try {
      for (;;) {
        const next = await Promise.race([iterator.next(), stopped]);
        if (next.done) break;
        await push(next.value);
      }
    } finally {
      signal.removeEventListener('abort', end);
      stop();
      await iterator.return?.();
    }
  });
}

function useSubscriptionsEndOn(signal: AbortSignal): Plugin {
  return {
    onSubscribe: () => ({
      onSubscribeResult({ result, setResult }) {
        if (isAsyncIterable(result)) setResult(endWhenAborted(result, signal));
      },
    }),
  };
}

/** Records errors on the root node when the path they name was never traced (see useFederatedTracing). */
function tracedOnRootIfUnknown(plugin: Plugin): Plugin {
  const record = plugin.onExecutionResult;
  if (!record) return plugin;
  return {
    ...plugin,
    onExecutionResult(payload) {
      try {
        return record(payload);
      } catch (error) {
        const { result } = payload;
        if (!result || isAsyncIterable(result) || !result.errors?.length) throw error;
        const errors = result.errors.map((failure) => createGraphQLError(failure.message, { extensions: failure.extensions }));
        return record({ ...payload, result: { ...result, errors } });
      }
    },
  };
}

/**
 * Federated tracing (ftv1), only when a gateway asks with `apollo-federation-include-trace: ftv1`. An error
 * raised before execution can still name a field path the trace has no node for; the plugin would then fail
 * the whole response, so such errors are traced on the root instead, as Apollo Server does.
 */
function useFederatedTracing(): Plugin {
  const tracing = useApolloInlineTrace();
  return {
    ...tracing,
    onPluginInit: (payload) => tracing.onPluginInit?.({ ...payload, addPlugin: (plugin) => payload.addPlugin(tracedOnRootIfUnknown(plugin)) }),
  };
}

function persistedOperationPlugins(options: IntegrationOptions): Plugin[] {
  const mode = options.persistedOperations ?? 'apq';
  const bundled = options.bundledOperations;
  if (mode === 'off') return bundled?.size ? [useBundledOperations(bundled)] : [];
  if (mode === 'apq') return [useAutomaticPersistedQueries(bundled)];
  if (!options.persistedOperationsStore) throw new Error('persistedOperations "only" needs persistedOperationsStore');
  return [useKnownOperationsOnly(mergeOperationStores(options.persistedOperationsStore, bundled))];
}

/** Yoga options (plugins included) for integration; server.ts spreads them into createYoga. */
export function integrationYogaOptions(options: IntegrationOptions = {}): YogaOptions {
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  return {
    cors: corsFor(options),
    // useBodyLimit does Yoga's job with a message that gives the limit.
    maxRequestBodySize: false,
    ...(options.persistedOperations === 'only' ? { extraParamNames: ['documentId'] } : {}),
    plugins: [
      useVaryOrigin(),
      useBodyLimit(maxBodyBytes),
      useCSRFPrevention({ requestHeaders: CSRF_HEADERS }),
      ...persistedOperationPlugins(options),
      ...(options.subscriptions === false ? [useSubscriptionsOff()] : []),
      ...(options.stopping ? [useSubscriptionsEndOn(options.stopping)] : []),
      useFederatedTracing(),
    ],
  };
}
