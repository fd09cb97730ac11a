import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { type DocumentNode, type ExecutionArgs, GraphQLError } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer } from 'ws';
import type { Logger } from '../logger.js';
import type { App } from '../server.js';
import { DEFAULT_MAX_BODY_BYTES, type IntegrationOptions, isAllowedOrigin } from './integration.js';
import { knownOperations } from './persisted-operations.js';

type Enveloped = ReturnType<App['getEnveloped']>;
type RootValue = { execute: Enveloped['execute']; subscribe: Enveloped['subscribe'] };

const isRoot = (value: unknown): value is RootValue => typeof value === 'object' && value !== null && 'execute' in value && 'subscribe' in value;

function rootOf(args: ExecutionArgs): RootValue {
  if (!isRoot(args.rootValue)) throw new Error('WebSocket operation without its enveloped executor');
  return args.rootValue;
}

function refuse(socket: Duplex, status: string, message: string) {
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

/** A browser on another site may not open a socket unless CORS would let it call; other clients send no Origin. */
function originAllowed(request: IncomingMessage, options: IntegrationOptions): boolean {
  const origin = request.headers.origin;
  if (!origin) return true;
  try {
    if (new URL(origin).host === request.headers.host) return true;
  } catch {
    return false;
  }
  return isAllowedOrigin(origin, options);
}

function authorizationOf(connectionParams: Readonly<Record<string, unknown>> | undefined, request: IncomingMessage): string | null {
  const fromParams = connectionParams?.authorization ?? connectionParams?.Authorization;
  if (typeof fromParams === 'string') return fromParams;
  return request.headers.authorization ?? null;
}

/**
 * GraphQL over WebSocket (`graphql-transport-ws`, the graphql-ws protocol) on the GraphQL path, run through
 * the same Yoga plugins as HTTP, so auth, error masking and limits apply alike. Tokens go in `connectionParams.authorization`.
 */
export function serveGraphQLOverWebSocket(server: Server, app: App, options: IntegrationOptions & { logger: Logger }) {
  const sockets = new WebSocketServer({ noServer: true, maxPayload: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES });
  const onUpgrade = (request: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (path !== app.graphqlEndpoint) return refuse(socket, '404 Not Found', `WebSockets are served at ${app.graphqlEndpoint}\n`);
    if (!originAllowed(request, options)) return refuse(socket, '403 Forbidden', 'This origin may not open a WebSocket to this service\n');
    sockets.handleUpgrade(request, socket, head, (ws) => sockets.emit('connection', ws, request));
  };
  server.on('upgrade', onUpgrade);

  const known = options.persistedOperations === 'only' && options.persistedOperationsStore ? knownOperations(options.persistedOperationsStore) : null;
  const protocol = useServer(
    {
      execute: (args) => rootOf(args).execute(args),
      subscribe: (args) => rootOf(args).subscribe(args),
      onSubscribe: async (ctx, _id, payload) => {
        const query = known ? known(payload) : payload.query;
        if (query === null) {
          return [new GraphQLError('This server runs only known operations: send a known operation or its ID in extensions.persistedQuery.sha256Hash', { extensions: { code: 'PERSISTED_QUERY_ONLY' } })];
        }
        const authorization = authorizationOf(ctx.connectionParams, ctx.extra.request);
        // POST, because Yoga refuses mutations that come by GET.
        const request = new Request(`http://localhost${app.graphqlEndpoint}`, {
          method: 'POST',
          headers: authorization ? { authorization } : {},
        });
        const params = { query, operationName: payload.operationName ?? undefined, variables: payload.variables ?? undefined, extensions: payload.extensions ?? undefined };
        // `req` is the upgrade request: the rate limit keys an anonymous client by its address (or X-Forwarded-For), as over HTTP.
        const { schema, execute, subscribe, contextFactory, parse, validate } = app.getEnveloped({ request, req: ctx.extra.request, params, socket: ctx.extra.socket });
        let document: DocumentNode;
        try {
          document = parse(query);
        } catch (error) {
          if (error instanceof GraphQLError) return [error];
          throw error;
        }
        const errors = validate(schema, document);
        if (errors.length) return errors;
        return {
          schema,
          document,
          operationName: params.operationName,
          variableValues: params.variables,
          contextValue: await contextFactory(),
          rootValue: { execute, subscribe } satisfies RootValue,
        };
      },
      onError: (_ctx, _id, _payload, errors) => {
        options.logger.debug({ errors: errors.map((error) => error.message) }, 'WebSocket operation failed');
      },
    },
    sockets,
  );

  return {
    async close() {
      server.off('upgrade', onUpgrade);
      await protocol.dispose();
      await new Promise<void>((resolve) => sockets.close(() => resolve()));
    },
  };
}
