import { createHash } from 'node:crypto';
import type { Plugin } from 'graphql-yoga';
import { renderFeed } from '../feeds/atom.js';
import { FEED_PATHS, loadFeed, parseFeedQuery } from '../feeds/feeds.js';
import { RequestError } from '../reconcile/errors.js';
import { spendOnEndpoint } from './endpoint-rate-limit.js';
import { checkReadAccess, failureResponse, openCors, type ReadEndpointOptions } from './reconcile.js';
import { matchesETag } from './static-assets.js';

const isFeedPath = (path: string) => path === '/feeds' || path.startsWith('/feeds/');

/** If-None-Match wins; If-Modified-Since counts only without it (RFC 9110 §13.2.2). */
function notModified(request: Request, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers.get('if-none-match');
  if (ifNoneMatch !== null) return matchesETag(ifNoneMatch, etag);
  const ifModifiedSince = request.headers.get('if-modified-since');
  if (ifModifiedSince === null) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

async function serveFeed(R: typeof Response, request: Request, url: URL, options: ReadEndpointOptions, serverContext: unknown): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') throw new RequestError(405, 'METHOD_NOT_ALLOWED', 'Feeds are read with GET');
  const kind = url.pathname === FEED_PATHS.statements ? 'statements' : url.pathname === FEED_PATHS.claims ? 'claims' : null;
  if (!kind) throw new RequestError(404, 'NOT_FOUND', `No feed here: the feeds are ${Object.values(FEED_PATHS).join(' and ')}`);
  await checkReadAccess(options.prisma, options.publicReads, request);
  const query = parseFeedQuery(kind, url.searchParams);
  // A page costs the entries it may hold, as a GraphQL page of the same rows would.
  await spendOnEndpoint(options.rateLimit, options.prisma, request, serverContext, query.limit);
  const feed = await loadFeed(options.prisma, query, url.origin);
  const body = renderFeed({ ...feed, selfUrl: url.href });
  const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
  const headers: Record<string, string> = {
    etag,
    'last-modified': feed.updated.toUTCString(),
    'cache-control': options.publicReads ? 'public, max-age=60' : 'private, no-cache',
    ...(options.publicReads ? {} : { vary: 'Authorization' }),
  };
  if (notModified(request, etag, feed.updated)) return new R(null, { status: 304, headers });
  return new R(request.method === 'HEAD' ? null : body, { headers: { ...headers, 'content-type': 'application/atom+xml; charset=utf-8', 'x-content-type-options': 'nosniff' } });
}

/** Atom 1.0 feeds of saved searches under /feeds: statements by actor, claim or source, and claims by topic. */
export function useFeeds(options: ReadEndpointOptions): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI, serverContext }) {
      if (!isFeedPath(url.pathname)) return;
      try {
        endResponse(await serveFeed(fetchAPI.Response, request, url, options, serverContext));
      } catch (error) {
        const failure = failureResponse(error, options.logger);
        const response = fetchAPI.Response.json(failure.toJSON(), { status: failure.status, headers: failure.headers });
        if (failure.status === 401) response.headers.set('www-authenticate', 'Bearer');
        if (failure.status === 405) response.headers.set('allow', 'GET, HEAD, OPTIONS');
        if (failure.status === 503) response.headers.set('retry-after', '2');
        endResponse(response);
      }
    },
    onResponse({ request, response }) {
      if (isFeedPath(new URL(request.url).pathname)) openCors(response);
    },
  };
}
