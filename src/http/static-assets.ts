import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';

/**
 * Files served from memory: GraphiQL's bundle and the explorer's build. Each gets an ETag from its content and
 * brotli and gzip copies made in the background as soon as it is created, so a request waits for compression
 * only if it comes first.
 */
export interface StaticAsset {
  body: Buffer;
  contentType: string;
  etag: string;
  /** 16 hex digits of the content's SHA-256: the ETag, and the hash in a content-hashed file name. */
  hash: string;
  cacheControl: string;
  encoded: { br: Promise<Buffer>; gzip: Promise<Buffer> } | null;
  /** Headers sent with the asset besides the caching ones (a page's Content-Security-Policy, say). */
  headers: Readonly<Record<string, string>>;
}

/** For content-hashed file names: a new version is a new URL, so a browser or CDN never needs to ask again. */
export const IMMUTABLE = 'public, max-age=31536000, immutable';
/** For a page whose URL stays the same across versions: cached, but checked (with its ETag) before each use. */
export const REVALIDATE = 'no-cache';

const compressGzip = promisify(gzip);
const compressBrotli = promisify(brotliCompress);

/** Formats that are compressed already: another pass would only cost time. */
const COMPRESSED = /^(image\/(png|jpeg|gif|webp|avif)|font\/woff2?|application\/(zip|gzip|octet-stream))/;
const MIN_COMPRESSIBLE_BYTES = 512;

export const contentHash = (body: Buffer | string) => createHash('sha256').update(body).digest('hex').slice(0, 16);

export function staticAsset(content: string | Buffer, contentType: string, options: { cacheControl?: string; headers?: Record<string, string> } = {}): StaticAsset {
  const body = typeof content === 'string' ? Buffer.from(content, 'utf8') : content;
  const hash = contentHash(body);
  let encoded: StaticAsset['encoded'] = null;
  if (!COMPRESSED.test(contentType) && body.length >= MIN_COMPRESSIBLE_BYTES) {
    encoded = {
      br: compressBrotli(body, { params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: body.length } }),
      gzip: compressGzip(body, { level: 9 }),
    };
    // A request for the asset awaits these; until then a failure must not be an unhandled rejection.
    encoded.br.catch(() => undefined);
    encoded.gzip.catch(() => undefined);
  }
  return { body, contentType, etag: `"${hash}"`, hash, cacheControl: options.cacheControl ?? IMMUTABLE, encoded, headers: options.headers ?? {} };
}

/** `name.<hash>.ext`, for assets whose names this process makes up (GraphiQL's). */
export function hashedAsset(content: string | Buffer, contentType: string, name: string, extension: string): [string, StaticAsset] {
  const asset = staticAsset(content, contentType);
  return [`${name}.${asset.hash}.${extension}`, asset];
}

/** Whether `If-None-Match` names `etag` (weakly: `W/"x"` matches `"x"`), or is `*`. */
export function matchesETag(ifNoneMatch: string | null, etag: string): boolean {
  if (!ifNoneMatch) return false;
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  const wanted = opaque(etag);
  return ifNoneMatch.split(',').some((tag) => tag.trim() === '*' || opaque(tag) === wanted);
}

/** Whether the client accepts `encoding` (listed, and not with q=0). */
export function acceptsEncoding(request: Request, encoding: string): boolean {
  return (request.headers.get('accept-encoding') ?? '').split(',').some((part) => {
    const [name, ...parameters] = part.trim().split(';');
    if (name?.trim().toLowerCase() !== encoding) return false;
    const quality = parameters.map((parameter) => /^\s*q=([\d.]+)\s*$/.exec(parameter)?.[1]).find(Boolean);
    return quality === undefined || Number(quality) > 0;
  });
}

/** GET or HEAD: the asset (compressed when the client takes brotli or gzip), or 304 when the client has it. */
export async function assetResponse(request: Request, asset: StaticAsset, ResponseClass: typeof Response = Response): Promise<Response> {
  const headers: Record<string, string> = {
    ...asset.headers,
    'content-type': asset.contentType,
    'cache-control': asset.cacheControl,
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
    ...(asset.encoded ? { vary: 'accept-encoding' } : {}),
  };
  if (matchesETag(request.headers.get('if-none-match'), asset.etag)) return new ResponseClass(null, { status: 304, headers });
  let body = asset.body;
  if (asset.encoded && acceptsEncoding(request, 'br')) {
    body = await asset.encoded.br;
    headers['content-encoding'] = 'br';
  } else if (asset.encoded && acceptsEncoding(request, 'gzip')) {
    body = await asset.encoded.gzip;
    headers['content-encoding'] = 'gzip';
  }
  headers['content-length'] = String(body.length);
  return new ResponseClass(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers });
}

export function notFound(ResponseClass: typeof Response = Response): Response {
  return new ResponseClass('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
}
