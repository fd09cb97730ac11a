import { access, readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'graphql-yoga';
import { loadPersistedOperations } from './persisted-operations.js';
import { assetResponse, notFound, REVALIDATE, type StaticAsset, staticAsset } from './static-assets.js';

/**
 * The explorer (web/), which `npm run build:web` builds with Vite into web/dist: served by this process at `/`,
 * from memory, with its content-hashed files immutable and compressed like GraphiQL's.
 */
export const WEB_APP_DIST = fileURLToPath(new URL('../../web/dist/', import.meta.url));

/** The operations the build sends, by hash (web/vite.config.ts writes the file next to the build). */
const OPERATIONS_FILE = '.vite/persisted-operations.json';
const ASSET_PREFIX = '/assets/';

/** The app's pages (web/src/app.tsx): these paths get its index.html, and the app picks the page. */
const PAGES = ['/', '/settings', '/review'];
const PAGE_PREFIXES = ['/actors/', '/statements/', '/claims/', '/sources/', '/graph/', '/review/'];

export const isWebAppPage = (pathname: string) => PAGES.includes(pathname) || PAGE_PREFIXES.some((prefix) => pathname.startsWith(prefix) && pathname.length > prefix.length);

/**
 * Everything the page loads comes from this origin, and its only scripts are the build's files: an injected
 * quote cannot run. `style-src` has no 'unsafe-inline': React sets styles through the CSSOM, which CSP allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "worker-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const PAGE_HEADERS = { 'content-security-policy': CONTENT_SECURITY_POLICY, 'referrer-policy': 'strict-origin-when-cross-origin' };

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.map': 'application/json',
};

interface WebAppFiles {
  index: StaticAsset;
  assets: Map<string, StaticAsset>;
}

export async function isWebAppBuilt(dist: string = WEB_APP_DIST): Promise<boolean> {
  return access(join(dist, 'index.html')).then(
    () => true,
    () => false,
  );
}

/** The build's operations, hash → text; null when the app is not built. */
export async function loadWebAppOperations(dist: string = WEB_APP_DIST): Promise<Map<string, string> | null> {
  if (!(await isWebAppBuilt(dist))) return null;
  return loadPersistedOperations(join(dist, OPERATIONS_FILE), 'the explorer’s operations');
}

async function loadFiles(dist: string): Promise<WebAppFiles> {
  const index = staticAsset(await readFile(join(dist, 'index.html')), 'text/html; charset=utf-8', { cacheControl: REVALIDATE, headers: PAGE_HEADERS });
  const entries = await readdir(join(dist, 'assets'), { withFileTypes: true }).catch(() => []);
  const assets = new Map<string, StaticAsset>();
  for (const entry of entries.filter((candidate) => candidate.isFile())) {
    assets.set(entry.name, staticAsset(await readFile(join(dist, 'assets', entry.name)), CONTENT_TYPES[extname(entry.name)] ?? 'application/octet-stream'));
  }
  return { index, assets };
}

const NOT_BUILT = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Fact explorer</title></head>
<body><main><h1>The explorer is not built</h1><p>Run <code>npm run build:web</code> (or <code>npm install</code>) and restart the service.
The API is at <a href="/graphql">/graphql</a>.</p></main></body></html>
`;

/**
 * The app's pages (index.html, revalidated with its ETag) and its assets under /assets/ (immutable). Files are
 * read on the first request for them; a build made while the service runs is picked up on restart.
 */
export function useWebApp(options: { dist?: string } = {}): Plugin {
  const dist = options.dist ?? WEB_APP_DIST;
  let files: Promise<WebAppFiles> | undefined;
  const load = async (): Promise<WebAppFiles | null> => {
    if (files) return files;
    if (!(await isWebAppBuilt(dist))) return null;
    files ??= loadFiles(dist);
    return files;
  };
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      const asset = url.pathname.startsWith(ASSET_PREFIX);
      if (!asset && !isWebAppPage(url.pathname)) return;
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const app = await load();
      if (!app) {
        endResponse(
          asset
            ? notFound(fetchAPI.Response)
            : new fetchAPI.Response(NOT_BUILT, { status: 503, headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } }),
        );
        return;
      }
      const found = asset ? app.assets.get(url.pathname.slice(ASSET_PREFIX.length)) : app.index;
      endResponse(found ? await assetResponse(request, found, fetchAPI.Response) : notFound(fetchAPI.Response));
    },
  };
}
