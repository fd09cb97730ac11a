import type { Plugin } from 'graphql-yoga';
import { authenticateRequest } from '../auth/tokens.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { Logger } from '../logger.js';
import { entityLocation, extend, parseExtendQuery, previewHtml, proposeProperties } from '../reconcile/entities.js';
import { badRequest, RequestError } from '../reconcile/errors.js';
import { manifest, RECONCILE_PATHS } from '../reconcile/manifest.js';
import { TYPES } from '../reconcile/model.js';
import { parseBatch, parseJsonParameter } from '../reconcile/query.js';
import { reconcile } from '../reconcile/reconcile.js';
import { parseSuggestParams, suggestEntity, suggestProperty, suggestType } from '../reconcile/suggest.js';
import { classifyDatabaseError } from './database-errors.js';
import { type EndpointRateLimit, spendOnEndpoint } from './endpoint-rate-limit.js';

export interface ReadEndpointOptions {
  prisma: PrismaClient;
  logger: Logger;
  /** When false, requests need a token with the `read` scope, as GraphQL queries do. */
  publicReads: boolean;
  /** Largest form body accepted, in bytes. */
  maxBodyBytes?: number;
  /** The GraphQL endpoint's rate limit: these endpoints draw from the same buckets. */
  rateLimit?: EndpointRateLimit | undefined;
}

const DEFAULT_MAX_BODY_BYTES = 1_048_576;

/**
 * Reconciliation and feeds are read-only and take credentials only from the Authorization header (never
 * cookies), and JSONP would get around any origin list anyway: so any origin may call them, as the
 * reconciliation spec requires.
 */
export const OPEN_CORS_HEADERS: Record<string, string> = {
  'access-control-allow-origin': '*',
  'access-control-allow-methods': 'GET, POST, OPTIONS',
  'access-control-allow-headers': 'Authorization, Content-Type, If-None-Match, If-Modified-Since',
  'access-control-expose-headers': 'ETag, Last-Modified, X-Request-Id',
  'access-control-max-age': '600',
};

/** Yoga's CORS plugin answers by the configured origin list; these endpoints answer any origin instead. */
export function openCors(response: Response) {
  response.headers.delete('access-control-allow-credentials');
  for (const [name, value] of Object.entries(OPEN_CORS_HEADERS)) response.headers.set(name, value);
  const vary = response.headers.get('vary');
  if (vary) {
    const kept = vary
      .split(',')
      .map((name) => name.trim())
      .filter((name) => name && !/^(origin|access-control-request-headers)$/i.test(name));
    if (kept.length) response.headers.set('vary', kept.join(', '));
    else response.headers.delete('vary');
  }
}

/** With private reads, a token with the `read` scope: 401 without one (or with a bad one), 403 without the scope. */
export async function checkReadAccess(prisma: PrismaClient, publicReads: boolean, request: Request): Promise<void> {
  if (publicReads) return;
  const result = await authenticateRequest(prisma, request);
  if (!result.ok) throw new RequestError(401, 'UNAUTHENTICATED', result.reason);
  if (!result.principal) throw new RequestError(401, 'UNAUTHENTICATED', 'This needs a token with the "read" scope: send "Authorization: Bearer <token>"');
  if (!result.principal.scopes.has('read')) throw new RequestError(403, 'FORBIDDEN', `The token "${result.principal.name}" does not have the "read" scope`);
}

/** Unexpected failures become 503 (database unreachable) or 500, with a message that names nothing internal. */
export function failureResponse(error: unknown, logger: Logger): RequestError {
  if (error instanceof RequestError) return error;
  const failure = classifyDatabaseError(error);
  if (failure === 'unavailable' || failure === 'timeout') {
    logger.warn({ failure }, `database error: ${failure}`);
    return new RequestError(503, 'SERVICE_UNAVAILABLE', 'The service cannot reach its database right now; retry shortly');
  }
  logger.error({ err: error }, 'unexpected error in a read endpoint');
  return new RequestError(500, 'INTERNAL_SERVER_ERROR', 'Unexpected error');
}

const JSONP_CALLBACK = /^[A-Za-z_$][\w$]{0,63}(?:\.[A-Za-z_$][\w$]{0,63}){0,4}$/;

/** JSON, or JSONP when a GET names a `callback` (the reconciliation spec allows it; OpenRefine falls back to it). */
function reply(R: typeof Response, body: unknown, request: Request, url: URL, status = 200, headers: Record<string, string> = {}): Response {
  const json = JSON.stringify(body);
  const callback = request.method === 'GET' ? url.searchParams.get('callback') : null;
  if (callback !== null) {
    if (!JSONP_CALLBACK.test(callback)) {
      return R.json(badRequest('callback must be a JavaScript identifier path such as jQuery123_456', '/callback').toJSON(), { status: 400 });
    }
    // The comment keeps a response starting with attacker-chosen bytes from being read as another file type.
    return new R(`/**/${callback}(${json.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029')});`, {
      status,
      headers: { 'content-type': 'application/javascript; charset=utf-8', 'x-content-type-options': 'nosniff', ...headers },
    });
  }
  return new R(json, { status, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
}

const errorResponse = (R: typeof Response, error: RequestError, request: Request, url: URL) =>
  reply(R, error.toJSON(), request, url, error.status, { ...error.headers, ...(error.status === 401 ? { 'www-authenticate': 'Bearer' } : {}) });

/** GET query parameters, or a form-encoded POST body (bounded), as one set of parameters. */
async function parameters(request: Request, url: URL, maxBodyBytes: number): Promise<URLSearchParams> {
  if (request.method === 'GET') return url.searchParams;
  const type = (request.headers.get('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') {
    throw new RequestError(415, 'UNSUPPORTED_MEDIA_TYPE', 'POST a form (application/x-www-form-urlencoded) with "queries" or "extend", as the reconciliation API specifies');
  }
  const declared = Number(request.headers.get('content-length'));
  const tooLarge = () => new RequestError(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${maxBodyBytes} bytes`);
  if (Number.isFinite(declared) && declared > maxBodyBytes) throw tooLarge();
  const reader = request.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (let chunk = await reader?.read(); chunk && !chunk.done; chunk = await reader?.read()) {
    size += chunk.value.byteLength;
    if (size > maxBodyBytes) {
      await reader?.cancel();
      throw tooLarge();
    }
    chunks.push(chunk.value);
  }
  const form = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
  for (const [name, value] of url.searchParams) if (!form.has(name)) form.set(name, value);
  return form;
}

const isReconcilePath = (path: string) => path === RECONCILE_PATHS.endpoint || path.startsWith(`${RECONCILE_PATHS.endpoint}/`);

async function route(R: typeof Response, request: Request, url: URL, options: ReadEndpointOptions, serverContext: unknown): Promise<Response> {
  const path = url.pathname.replace(/\/$/, '') || '/';
  const { prisma } = options;
  const spend = (cost: number) => spendOnEndpoint(options.rateLimit, prisma, request, serverContext, cost);
  if (request.method !== 'GET' && !(request.method === 'POST' && path === RECONCILE_PATHS.endpoint)) {
    const allow = path === RECONCILE_PATHS.endpoint ? 'GET, POST, OPTIONS' : 'GET, OPTIONS';
    throw new RequestError(405, 'METHOD_NOT_ALLOWED', `Use ${allow.replace(', OPTIONS', '')} here`, undefined);
  }
  const base = url.origin;
  if (path === RECONCILE_PATHS.endpoint) {
    const params = await parameters(request, url, options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES);
    const queries = params.get('queries');
    const extension = params.get('extend');
    if (queries === null && extension === null) {
      await spend(1);
      return reply(R, manifest(base, { privateReads: !options.publicReads }), request, url);
    }
    await checkReadAccess(prisma, options.publicReads, request);
    if (queries !== null && extension !== null) throw badRequest('send either "queries" or "extend", not both');
    if (queries !== null) {
      const batch = parseBatch(parseJsonParameter(queries, 'queries'));
      // Each query may return up to its `limit` candidates.
      await spend(batch.reduce((sum, query) => sum + query.limit, 0));
      return reply(R, await reconcile(prisma, batch), request, url);
    }
    const extendQuery = parseExtendQuery(parseJsonParameter(extension ?? '', 'extend'));
    await spend(extendQuery.ids.length * Math.max(1, extendQuery.properties.length));
    return reply(R, await extend(prisma, extendQuery), request, url);
  }
  if (path === RECONCILE_PATHS.schema) {
    await spend(1);
    return reply(R, { schemaSpace: `${base}${RECONCILE_PATHS.schema}`, types: TYPES }, request, url);
  }
  await checkReadAccess(prisma, options.publicReads, request);
  await spend(1);
  if (path.startsWith(RECONCILE_PATHS.entity)) {
    const id = decodeURIComponent(path.slice(RECONCILE_PATHS.entity.length));
    return new R(null, { status: 302, headers: { location: `${base}${await entityLocation(prisma, id)}` } });
  }
  switch (path) {
    case RECONCILE_PATHS.preview:
      return new R(await previewHtml(prisma, url.searchParams.get('id')), {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors *",
          'x-content-type-options': 'nosniff',
        },
      });
    case RECONCILE_PATHS.suggestEntity:
      return reply(R, await suggestEntity(prisma, parseSuggestParams(url.searchParams)), request, url);
    case RECONCILE_PATHS.suggestProperty:
      return reply(R, suggestProperty(parseSuggestParams(url.searchParams)), request, url);
    case RECONCILE_PATHS.suggestType:
      return reply(R, suggestType(parseSuggestParams(url.searchParams)), request, url);
    case RECONCILE_PATHS.properties:
      return reply(R, proposeProperties(url.searchParams), request, url);
    default:
      throw new RequestError(404, 'NOT_FOUND', `Nothing at ${path.slice(0, 200)}: the reconciliation service is at ${RECONCILE_PATHS.endpoint}`);
  }
}

/** The W3C Entity Reconciliation API (v0.2, which OpenRefine speaks) under /reconcile. */
export function useReconciliation(options: ReadEndpointOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (!isReconcilePath(url.pathname)) return;
      try {
        endResponse(await route(fetchAPI.Response, request, url, options, serverContext));
      } catch (error) {
        const failure = failureResponse(error, options.logger);
        const response = errorResponse(fetchAPI.Response, failure, request, url);
        if (failure.status === 405) response.headers.set('allow', url.pathname.replace(/\/$/, '') === RECONCILE_PATHS.endpoint ? 'GET, POST, OPTIONS' : 'GET, OPTIONS');
        if (failure.status === 503) response.headers.set('retry-after', '2');
        endResponse(response);
      }
    },
    onResponse({ request, response }) {
      if (isReconcilePath(new URL(request.url).pathname)) openCors(response);
    },
  };
}
