import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import { assetResponse, hashedAsset, notFound, type StaticAsset } from './http/static-assets.js';

/**
 * GraphiQL served from this process instead of a CDN, so the playground works offline and behind
 * firewalls. Its 9 MB of code go out as separate, content-hashed, compressed, immutable assets:
 * a browser downloads them once, and the page itself stays a few hundred bytes.
 */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/assets/';

interface GraphiQLBundle {
  assets: Map<string, StaticAsset>;
  urls: { css: string; js: string; editorWorkerService: string; json: string; graphql: string; favicon: string };
}

/** The favicon ships as a 150 kB data: URI; as a cached file it keeps the page small. */
function favicon(dataUri: string): [string, StaticAsset] {
  const match = /^data:([^;,]+)(;base64)?,(.*)$/s.exec(dataUri);
  if (!match?.[1] || match[3] === undefined) return hashedAsset(dataUri, 'text/plain; charset=utf-8', 'favicon', 'txt');
  const body = match[2] ? Buffer.from(match[3], 'base64') : Buffer.from(decodeURIComponent(match[3]), 'utf8');
  return hashedAsset(body, match[1], 'favicon', match[1].includes('icon') ? 'ico' : (match[1].split('/')[1] ?? 'bin'));
}

let bundle: Promise<GraphiQLBundle> | undefined;

async function loadBundle(): Promise<GraphiQLBundle> {
  const entry = createRequire(import.meta.url).resolve('@graphql-yoga/render-graphiql');
  const module: Record<string, unknown> = await import(pathToFileURL(join(dirname(entry), '..', 'esm', 'graphiql.js')).href);
  const text = (key: string) => {
    const value = module[key];
    if (typeof value !== 'string') throw new Error(`@graphql-yoga/render-graphiql no longer exports "${key}"`);
    return value;
  };
  const entries = [
    hashedAsset(text('css'), 'text/css; charset=utf-8', 'graphiql', 'css'),
    hashedAsset(text('js'), 'text/javascript; charset=utf-8', 'graphiql', 'js'),
    hashedAsset(text('editorWorkerService'), 'text/javascript; charset=utf-8', 'editor.worker', 'js'),
    hashedAsset(text('jsonWorker'), 'text/javascript; charset=utf-8', 'json.worker', 'js'),
    hashedAsset(text('graphqlWorker'), 'text/javascript; charset=utf-8', 'graphql.worker', 'js'),
    favicon(text('favicon')),
  ] as const;
  const url = (index: 0 | 1 | 2 | 3 | 4 | 5) => GRAPHIQL_ASSET_PREFIX + entries[index][0];
  return {
    assets: new Map(entries),
    urls: { css: url(0), js: url(1), editorWorkerService: url(2), json: url(3), graphql: url(4), favicon: url(5) },
  };
}

export const graphiqlBundle = () => (bundle ??= loadBundle());

const escapeHtml = (value: string) =>
  value.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');
// JSON inside <script>: keep "</script>" and friends from closing the element.
const scriptJson = (value: unknown) => JSON.stringify(value).replaceAll('<', '\\u003c');

export async function renderGraphiQLPage(options: GraphiQLOptions = {}): Promise<string> {
  const { urls } = await graphiqlBundle();
  return `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
    <link rel="icon" href="${urls.favicon}" />
    <link rel="stylesheet" href="${urls.css}" />
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>You need to enable JavaScript to use GraphiQL.</noscript>
    <div id="root"></div>
    <script>
      self.MonacoEnvironment = {
        globalAPI: false,
        getWorkerUrl: (_moduleId, label) => (${scriptJson({ editorWorkerService: urls.editorWorkerService, json: urls.json, graphql: urls.graphql })})[label],
      };
    </script>
    <script src="${urls.js}"></script>
    <script>
      YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), ${scriptJson(options)});
    </script>
  </body>
</html>
`;
}

/** Serves the playground's assets with long-lived caching, ETags and compression. */
export function useGraphiQLAssets(): Plugin {
  return {
    async onRequest({ request, url, endResponse, fetchAPI }) {
      if (!url.pathname.startsWith(GRAPHIQL_ASSET_PREFIX)) return;
      const { assets } = await graphiqlBundle();
      const found = assets.get(url.pathname.slice(GRAPHIQL_ASSET_PREFIX.length));
      if (!found || (request.method !== 'GET' && request.method !== 'HEAD')) {
        endResponse(notFound(fetchAPI.Response));
        return;
      }
      endResponse(await assetResponse(request, found, fetchAPI.Response));
    },
  };
}
