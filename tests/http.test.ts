import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { type IncomingHttpHeaders, request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import pg from 'pg';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';
import { splitSchema } from '../src/db.js';
import { GRAPHIQL_ASSET_PREFIX } from '../src/graphiql.js';
import { EXAMPLE_QUERY } from '../src/graphql/example-query.js';
import { createLogger, type Logger } from '../src/logger.js';
import { type Service, startService } from '../src/service.js';
import { databaseLabel } from './support/database.js';
import { freePort } from './support/listen.js';
import { waitFor } from './support/wait.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const CONFIG_KEYS = new Set([
  'NODE_ENV',
  'HOST',
  'PORT',
  'DATABASE_URL',
  'DATABASE_POOL_MAX',
  'DATA_DIR',
  'MIGRATE_ON_START',
  'SEED_ON_START',
  'PUBLIC_READS',
  'BOOTSTRAP_ADMIN_TOKEN',
  'GRAPHIQL',
  'LOG_LEVEL',
]);
const IMMUTABLE = 'public, max-age=31536000, immutable';
const CONTENT_TYPES: Record<string, RegExp> = { '.css': /^text\/css/, '.js': /^text\/javascript/, '.ico': /^image\// };

interface DatabaseEnv {
  env: Record<string, string>;
  drop(): Promise<void>;
}

async function adminQuery(connectionString: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** In-memory (or `dataDir`) PGlite, or a fresh schema on DATABASE_URL's PostgreSQL that `drop` removes. */
async function databaseEnv(dataDir = 'memory://'): Promise<DatabaseEnv> {
  const base = process.env.DATABASE_URL;
  if (!base) return { env: { DATA_DIR: dataDir }, drop: async () => {} };
  const { connectionString } = splitSchema(base);
  const schema = `t_http_${randomBytes(4).toString('hex')}`;
  // Test files run in parallel and may race to create the extension; losing that race is fine.
  await adminQuery(connectionString, 'CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
  await adminQuery(connectionString, `CREATE SCHEMA "${schema}"`);
  const url = new URL(connectionString);
  url.searchParams.set('schema', schema);
  return {
    env: { DATABASE_URL: url.toString(), DATA_DIR: dataDir },
    drop: () => adminQuery(connectionString, `DROP SCHEMA "${schema}" CASCADE`),
  };
}

interface RunningService {
  service: Service;
  origin: string;
  close(): Promise<void>;
}

async function startTestService(settings: Record<string, string>, logger: Logger = createLogger('silent')): Promise<RunningService> {
  const database = await databaseEnv();
  const config = loadConfig({ NODE_ENV: 'test', PORT: '0', LOG_LEVEL: 'info', ...database.env, ...settings });
  const service = await startService(config, logger).catch(async (error: unknown) => {
    await database.drop();
    throw error;
  });
  return {
    service,
    origin: new URL(service.url).origin,
    async close() {
      await service.close();
      await database.drop();
    },
  };
}

interface RawResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

/** A GET that leaves the body as sent: fetch() would decompress it and hide the encoding. */
function rawGet(url: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string }[];
}

async function postQuery<T>(url: string, query: string): Promise<GraphQLResponse<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const text = await response.text();
  expect(response.status, text).toBe(200);
  return JSON.parse(text) as GraphQLResponse<T>;
}

interface LogLine {
  level: number;
  time: number;
  msg: string;
  [key: string]: unknown;
}

/** The service also prints notes for people (the GraphiQL URL, a new admin token) between its JSON log lines. */
const isLogLine = (line: string) => line.startsWith('{');

function parseLogLine(line: string): LogLine {
  const parsed: unknown = JSON.parse(line);
  expect(parsed).toMatchObject({ level: expect.any(Number), time: expect.any(Number), msg: expect.any(String) });
  return parsed as LogLine;
}

const kB = (bytes: number) => `${(bytes / 1024).toFixed(1)} kB`;

describe(`the service over real HTTP (${databaseLabel()})`, () => {
  let running: RunningService;
  const logLines: string[] = [];
  let page: { status: number; contentType: string; html: string };
  let assetPaths: string[] = [];

  beforeAll(async () => {
    const logger = pino({ level: 'info', base: undefined }, { write: (line: string) => logLines.push(line) });
    running = await startTestService({ GRAPHIQL: 'true' }, logger);
    const response = await fetch(running.service.url, { headers: { accept: 'text/html' } });
    page = { status: response.status, contentType: response.headers.get('content-type') ?? '', html: await response.text() };
    assetPaths = [...new Set(page.html.match(/\/graphiql\/assets\/[\w.-]+/g) ?? [])];
  });
  afterAll(() => running?.close());

  it('gives browsers a GraphiQL page that opens on the example query and loads its code from /graphiql/assets/', () => {
    expect(page.status).toBe(200);
    expect(page.contentType).toMatch(/^text\/html/);
    expect(page.html).toContain(JSON.stringify(EXAMPLE_QUERY));
    for (const [, reference] of page.html.matchAll(/(?:src|href)="([^"]*)"/g)) {
      expect(reference, 'the page must load nothing from another origin').toMatch(/^(\/(?!\/)|data:)/);
    }
    expect(assetPaths.filter((path) => path.endsWith('.css'))).toHaveLength(1);
    expect(assetPaths.filter((path) => path.endsWith('.js')).length).toBeGreaterThanOrEqual(1);
  });

  it('keeps that page under 20 kB', () => {
    const bytes = Buffer.byteLength(page.html);
    console.log(`GraphiQL page: ${kB(bytes)}`);
    const [largest = ''] = [...page.html.matchAll(/(?:src|href)="([^"]*)"/g)].map(([, value = '']) => value).sort((a, b) => b.length - a.length);
    expect(bytes, `the largest src/href is ${kB(largest.length)}: ${largest.slice(0, 40)}…`).toBeLessThan(20_000);
  });

  it('serves every asset immutable, with an ETag, brotli or gzip on request, and 304 when the browser has it', async () => {
    expect(assetPaths.length).toBeGreaterThan(0);
    const sizes: { asset: string; raw: string; gzip: string; brotli: string }[] = [];
    const totals = { raw: 0, gzip: 0, brotli: 0 };
    for (const path of assetPaths) {
      const url = running.origin + path;
      const plain = await rawGet(url);
      expect(plain.status).toBe(200);
      expect(plain.headers['cache-control']).toBe(IMMUTABLE);
      expect(plain.headers['content-type']).toMatch(CONTENT_TYPES[path.slice(path.lastIndexOf('.'))] ?? /./);
      expect(plain.headers['content-encoding']).toBeUndefined();
      expect(plain.headers['content-length']).toBe(String(plain.body.length));
      const etag = plain.headers.etag;
      expect(etag).toMatch(/^"[\w-]+"$/);

      const brotli = await rawGet(url, { 'accept-encoding': 'gzip, deflate, br' });
      expect(brotli.headers['content-encoding']).toBe('br');
      expect(brotli.headers['cache-control']).toBe(IMMUTABLE);
      expect(brotli.headers.etag).toBe(etag);
      expect(brotli.headers.vary).toMatch(/accept-encoding/i);
      expect(brotliDecompressSync(brotli.body).equals(plain.body)).toBe(true);

      const gzip = await rawGet(url, { 'accept-encoding': 'gzip' });
      expect(gzip.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(gzip.body).equals(plain.body)).toBe(true);

      const cached = await rawGet(url, { 'if-none-match': etag ?? '', 'accept-encoding': 'br' });
      expect(cached.status).toBe(304);
      expect(cached.body.length).toBe(0);
      expect(cached.headers.etag).toBe(etag);

      sizes.push({ asset: path.slice(GRAPHIQL_ASSET_PREFIX.length), raw: kB(plain.body.length), gzip: kB(gzip.body.length), brotli: kB(brotli.body.length) });
      totals.raw += plain.body.length;
      totals.gzip += gzip.body.length;
      totals.brotli += brotli.body.length;
    }
    console.table(sizes);
    console.log(`GraphiQL assets in total: ${kB(totals.raw)} raw, ${kB(totals.gzip)} gzip, ${kB(totals.brotli)} brotli`);
  });

  it('answers 404 for an asset it does not have', async () => {
    for (const path of ['graphiql.0000000000000000.js', 'nothing.css', '']) {
      const response = await rawGet(running.origin + GRAPHIQL_ASSET_PREFIX + path);
      expect(response.status, path).toBe(404);
      expect(response.headers['cache-control']).toBeUndefined();
    }
  });

  it('reports health on /health and readiness with the database up on /ready', async () => {
    const health = await fetch(`${running.origin}/health`);
    expect(health.status).toBe(200);
    await health.body?.cancel();
    const ready = await fetch(`${running.origin}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.headers.get('cache-control')).toBe('no-store');
    expect(await ready.json()).toEqual({ status: 'ready' });
  });

  it('answers a GraphQL POST', async () => {
    const result = await postQuery<{ actor: { name: string } }>(running.service.url, '{ actor(slug: "lin-jian") { name } }');
    expect(result).toEqual({ data: { actor: { name: 'Lin Jian' } } });
  });

  it('logs JSON lines, ending start-up with the URL, the database and the start-up time', () => {
    const lines = logLines.map(parseLogLine);
    const messages = lines.map((line) => line.msg);
    expect(messages).toContain('applied migrations');
    expect(messages).toContain('seeded');
    expect(lines.find((line) => line.msg === 'fact service ready')).toMatchObject({
      url: running.service.url,
      database: process.env.DATABASE_URL ? 'postgres' : 'pglite',
      startupMs: expect.any(Number),
    });
  });
});

describe(`the service with GRAPHIQL=false (${databaseLabel()})`, () => {
  let running: RunningService;

  beforeAll(async () => {
    running = await startTestService({ GRAPHIQL: 'false' });
  });
  afterAll(() => running?.close());

  it('gives browsers no HTML page, but still answers GraphQL', async () => {
    const page = await fetch(running.service.url, { headers: { accept: 'text/html' } });
    expect(page.headers.get('content-type') ?? '').not.toMatch(/text\/html/);
    expect(await page.text()).not.toMatch(/<html|graphiql/i);
    const result = await postQuery<{ actor: { name: string } }>(running.service.url, '{ actor(slug: "lin-jian") { name } }');
    expect(result.data?.actor.name).toBe('Lin Jian');
  });
});

type ServiceProcess = ChildProcessByStdio<null, Readable, Readable>;

interface StartedProcess {
  child: ServiceProcess;
  url: string;
  /** Wall time from spawn to the "fact service ready" line. */
  wallMs: number;
  startupMs: number;
  stdout: string[];
  stderr: string[];
  exited: Promise<number | null>;
}

/** Bounds on a real process starting (migrations, seed) and stopping on a busy machine. */
const READY_MS = 240_000;
const STOP_MS = 30_000;

/** `npm start` without npm in between, so the signal and the exit code are the service's own. */
function startProcess(env: Record<string, string>): Promise<StartedProcess> {
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !CONFIG_KEYS.has(key)));
  const spawnedAt = performance.now();
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: PROJECT_ROOT,
    env: { ...inherited, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: string[] = [];
  const stderr: string[] = [];
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timeout = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`timed out after ${READY_MS} ms waiting for the "fact service ready" line\n${stdout.join('\n')}\n${stderr.join('')}`));
    }, READY_MS);
    let partial = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      const lines = (partial + chunk).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        stdout.push(line);
        if (!line.includes('fact service ready')) continue;
        try {
          const entry = parseLogLine(line);
          clearTimeout(timeout);
          resolve({ child, url: String(entry.url), wallMs: performance.now() - spawnedAt, startupMs: Number(entry.startupMs), stdout, stderr, exited });
        } catch (error) {
          reject(error);
        }
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => stderr.push(chunk));
    void exited.then((code) => {
      clearTimeout(timeout);
      reject(new Error(`the service exited with ${code} before it was ready\n${stdout.join('\n')}\n${stderr.join('')}`));
    });
  });
}

async function stop(started: StartedProcess): Promise<number | null> {
  started.child.kill('SIGTERM');
  return waitFor('the service to exit after SIGTERM', started.exited, STOP_MS);
}

describe(`npm start as a real process, started twice on the same data (${databaseLabel()})`, () => {
  let dataDir: string;
  let database: DatabaseEnv;
  const running: StartedProcess[] = [];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'fact-service-'));
    database = await databaseEnv(join(dataDir, 'pglite'));
  });
  afterAll(async () => {
    for (const { child } of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await database?.drop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  const countStatements = async (url: string) =>
    (await postQuery<{ statements: { totalCount: number } }>(url, '{ statements(first: 1) { totalCount } }')).data?.statements.totalCount;

  it('migrates and seeds on the first start, persists, and starts again without seeding', async () => {
    const env = { ...database.env, NODE_ENV: 'production', HOST: '127.0.0.1', LOG_LEVEL: 'info' };

    const first = await startProcess({ ...env, PORT: String(await freePort()) });
    running.push(first);
    expect(first.startupMs).toBeGreaterThanOrEqual(0);
    const actor = await postQuery<{ actor: { name: string } }>(first.url, '{ actor(slug: "lin-jian") { name } }');
    expect(actor).toEqual({ data: { actor: { name: 'Lin Jian' } } });
    const statements = await countStatements(first.url);
    expect(statements).toBeGreaterThan(0);
    expect(await stop(first)).toBe(0);
    const firstMessages = first.stdout.filter(isLogLine).map((line) => parseLogLine(line).msg);
    // A new embedded database is either made from the template `npm install` migrated and seeded
    // (README "Start-up"), or migrated and seeded on the spot when there is no usable template.
    const fromTemplate = firstMessages.includes('new embedded database: copied the migrated and seeded template');
    expect(firstMessages).toEqual(expect.arrayContaining([...(fromTemplate ? [] : ['applied migrations', 'seeded']), 'fact service ready', 'shutting down']));

    const second = await startProcess({ ...env, PORT: String(await freePort()) });
    running.push(second);
    expect(await countStatements(second.url)).toBe(statements);
    expect(await stop(second)).toBe(0);
    const secondMessages = second.stdout.filter(isLogLine).map((line) => parseLogLine(line).msg);
    expect(secondMessages).toContain('database schema is up to date');
    expect(secondMessages).not.toContain('seeded');
    expect(secondMessages).not.toContain('applied migrations');

    console.log(
      `start-up (${databaseLabel()}): first ${Math.round(first.wallMs)} ms from spawn to ready (service says ${first.startupMs} ms), ` +
        `second ${Math.round(second.wallMs)} ms (service says ${second.startupMs} ms)`,
    );
  }, 2 * (READY_MS + STOP_MS) + 60_000);
});
