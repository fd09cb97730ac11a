import { isAsyncIterable, type Plugin } from 'graphql-yoga';
import { COST_REPORT_HEADER } from './cost-limit.js';
import { contentHash, matchesETag } from './static-assets.js';

export interface HttpCachingOptions {
  graphqlEndpoint: string;
  /**
   * How long browsers and shared caches (a CDN) may reuse a public read without asking again, in seconds.
   * 0 still lets them store it, but they must revalidate it (with its ETag) before each use.
   */
  publicMaxAgeSeconds: number;
  /** False when queries need a token: then no response is ever public. */
  publicReads: boolean;
}

/** Headers that make an answer this client's own: a token, a cost report with its budget, a federated trace. */
const PERSONAL_HEADERS = ['authorization', COST_REPORT_HEADER, 'apollo-federation-include-trace'];
/** What a cached answer depends on besides its URL: the media type asked for, and who asks. */
const VARY = ['Accept', 'Authorization'];
const JSON_TYPES = /^application\/(graphql-response\+)?json\b/i;

export const publicCacheControl = (maxAgeSeconds: number) => (maxAgeSeconds > 0 ? `public, max-age=${maxAgeSeconds}` : 'public, no-cache');

function addVary(headers: Headers, names: readonly string[]) {
  const present = (headers.get('vary') ?? '').split(',').map((name) => name.trim()).filter(Boolean);
  const missing = names.filter((name) => !present.some((existing) => existing.toLowerCase() === name.toLowerCase()));
  if (missing.length) headers.set('vary', [...present, ...missing].join(', '));
}

/**
 * HTTP caching for GraphQL over GET, so browsers and a CDN can keep public reads:
 *
 * - a query by GET that succeeded (no `errors`) gets an ETag of its body, and `304 Not Modified` when the client
 *   already has that body (`If-None-Match`): the query still runs, but nothing is sent again;
 * - it is `public, max-age=…` only when reads are public and the request carries nothing personal (no token);
 *   with a token it is `private, no-store`;
 * - everything else on the GraphQL endpoint (POST, mutations, subscriptions, errors) is `no-store`.
 */
export function useHttpCaching(options: HttpCachingOptions): Plugin {
  const cacheable = new WeakSet<Request>();
  const publicValue = publicCacheControl(options.publicMaxAgeSeconds);
  return {
    onResultProcess({ request, result }) {
      if (request.method !== 'GET' || Array.isArray(result) || isAsyncIterable(result) || result.errors?.length) return;
      cacheable.add(request);
    },
    async onResponse({ request, response, setResponse, fetchAPI }) {
      if (new URL(request.url).pathname !== options.graphqlEndpoint) return;
      const contentType = response.headers.get('content-type') ?? '';
      // GraphiQL's page, served on the same path to browsers.
      if (contentType.startsWith('text/html')) return;
      if (!cacheable.has(request) || response.status !== 200 || !JSON_TYPES.test(contentType)) {
        // Deleting first: whatwg-node's Headers.set adds a second header when the first was given as `Cache-Control`.
        response.headers.delete('cache-control');
        response.headers.set('cache-control', 'no-store');
        return;
      }
      const shared = options.publicReads && !PERSONAL_HEADERS.some((name) => request.headers.has(name));
      const body = await response.text();
      const headers = new fetchAPI.Headers();
      response.headers.forEach((value, name) => headers.set(name, value));
      headers.set('content-type', contentType);
      headers.set('cache-control', shared ? publicValue : 'private, no-store');
      // The media type is part of the representation: the same data as application/json is another ETag.
      headers.set('etag', `"${contentHash(`${contentType}\n${body}`)}"`);
      addVary(headers, VARY);
      headers.delete('content-length');
      if (matchesETag(request.headers.get('if-none-match'), headers.get('etag') ?? '')) {
        setResponse(new fetchAPI.Response(null, { status: 304, headers }));
        return;
      }
      setResponse(new fetchAPI.Response(body, { status: 200, headers }));
    },
  };
}
