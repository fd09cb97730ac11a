import { type ChildProcessByStdio, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { type IncomingMessage, request } from 'node:http';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSchema } from '../src/db.js';
import { adminQuery, databaseLabel, usingPostgres } from './support/database.js';
import { freePort } from './support/listen.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));
const DELAY_MS = 3000;

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

const readReply = (response: IncomingMessage) =>
  new Promise<Reply>((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('end', () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body: Buffer.concat(chunks).toString('utf8') }));
    response.on('error', reject);
  });

/** A request on a fresh connection: `refused` when nothing accepts it any more. */
function get(port: number, path: string): Promise<Reply | 'refused'> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, agent: false }, (response) => readReply(response).then(resolve, reject));
    req.on('error', (error: NodeJS.ErrnoException) => (error.code === 'ECONNREFUSED' ? resolve('refused') : reject(error)));
    req.end();
  });
}

type ServiceProcess = ChildProcessByStdio<null, Readable, Readable>;

describe(`SIGTERM to a real process (${databaseLabel()})`, () => {
  const schema = `t_shutdown_${randomBytes(4).toString('hex')}`;
  let child: ServiceProcess;
  let port: number;
  const lines: string[] = [];
  let exited: Promise<number | null>;

  beforeAll(async () => {
    port = await freePort();
    const database: Record<string, string> = { DATA_DIR: 'memory://' };
    if (usingPostgres()) {
      await adminQuery('CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public').catch(() => undefined);
      await adminQuery(`CREATE SCHEMA "${schema}"`);
      const url = new URL(splitSchema(process.env.DATABASE_URL ?? '').connectionString);
      url.searchParams.set('schema', schema);
      database.DATABASE_URL = url.toString();
    }
    const inherited = Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(DATABASE_URL|DATA_DIR|PORT|HOST|NODE_ENV|LOG_LEVEL|SHUTDOWN_.*|REDIS_URL|OTEL_.*)$/.test(key)));
    child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
      cwd: PROJECT_ROOT,
      env: { ...inherited, ...database, NODE_ENV: 'production', HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'info', SHUTDOWN_DELAY_MS: String(DELAY_MS) },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    let partial = '';
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
    });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`not ready within 90 s\n${lines.join('\n')}\n${stderr}`)), 90_000);
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        const parts = (partial + chunk).split('\n');
        partial = parts.pop() ?? '';
        for (const line of parts) {
          lines.push(line);
          if (line.includes('fact service ready')) {
            clearTimeout(timer);
            resolve();
          }
        }
      });
      void exited.then((code) => reject(new Error(`exited with ${code} before it was ready\n${stderr}`)));
    });
  });

  afterAll(async () => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    if (usingPostgres()) await adminQuery(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  });

  it('goes unready, refuses new connections, finishes the request in flight, closes the pool and exits 0', async () => {
    const body = JSON.stringify({ query: '{ actor(slug: "china") { name } }' });
    // Expect: 100-continue makes the server say when it has read the headers: from then on the request is in flight.
    const inFlight = request({
      host: '127.0.0.1',
      port,
      method: 'POST',
      path: '/graphql',
      agent: false,
      headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', 'content-length': Buffer.byteLength(body), expect: '100-continue' },
    });
    const reply = new Promise<Reply>((resolve, reject) => {
      inFlight.on('response', (response) => readReply(response).then(resolve, reject));
      inFlight.on('error', reject);
    });
    await new Promise<void>((resolve) => {
      inFlight.on('continue', () => resolve());
      inFlight.flushHeaders();
    });

    child.kill('SIGTERM');

    let unready: Reply | 'refused' | undefined;
    for (let attempt = 0; attempt < 200; attempt++) {
      unready = await get(port, '/ready');
      if (unready === 'refused' || unready.status === 503) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(unready, 'readiness must turn 503 before the listener closes').not.toBe('refused');
    expect(unready !== 'refused' && unready?.status).toBe(503);
    expect(unready !== 'refused' && JSON.parse(unready?.body ?? '{}')).toEqual({ status: 'unavailable' });
    const health = await get(port, '/health');
    expect(health !== 'refused' && health.status).toBe(200);

    let refused = false;
    for (let attempt = 0; attempt < 300 && !refused; attempt++) {
      refused = (await get(port, '/health')) === 'refused';
      if (!refused) await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(refused, 'new connections must be refused once the delay is over').toBe(true);
    expect(child.exitCode, 'the process must wait for the request in flight').toBeNull();

    inFlight.end(body);
    const answered = await reply;
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ data: { actor: { name: 'China' } } });
    expect(answered.headers.connection).toBe('close');

    let timer: NodeJS.Timeout | undefined;
    const code = await Promise.race([exited, new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 20_000)))]).finally(() => clearTimeout(timer));
    expect(code).toBe(0);

    const log = lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; reqId?: string; path?: string; status?: number });
    const messages = log.map((line) => line.msg);
    const order = ['shutting down', 'not ready any more; still serving while the load balancer notices', 'stopped accepting connections; requests in flight have finished', 'database closed'];
    expect(order.map((message) => messages.indexOf(message))).toEqual([...order.map((message) => messages.indexOf(message))].sort((a, b) => a - b));
    expect(order.every((message) => messages.includes(message))).toBe(true);
    const answeredLine = log.find((line) => line.msg === 'request' && line.path === '/graphql' && line.status === 200);
    expect(answeredLine?.reqId).toMatch(/^[\w-]{8,}$/);
    expect(messages.indexOf('request')).toBeLessThan(messages.indexOf('stopped accepting connections; requests in flight have finished'));
  });
});
