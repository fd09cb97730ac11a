import { type ChildProcessByStdio, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, read, readFileSync, rmSync, writeSync } from 'node:fs';
import { createServer, type IncomingMessage, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { splitSchema } from '../src/db.js';
import { drainServer } from '../src/http/shutdown.js';
import { closeDestination, createLogger } from '../src/logger.js';
import { adminQuery, databaseLabel, usingPostgres } from './support/database.js';
import { freePort } from './support/listen.js';
import { LineLog, waitFor } from './support/wait.js';

const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

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

/** Longer than any test waits: the test ends the delay itself with a second signal, so it never depends on how fast the machine is. */
const DELAY_MS = 120_000;
const READY_MS = 240_000;
const LOG_LINE_MS = 20_000;

describe(`SIGTERM to a real process (${databaseLabel()})`, () => {
  const schema = `t_shutdown_${randomBytes(4).toString('hex')}`;
  let child: ServiceProcess;
  let port: number;
  let log: LineLog;
  let stderr: LineLog;
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
    stderr = new LineLog(child.stderr);
    log = new LineLog(child.stdout, () => `stderr:\n${stderr.tail(10)}`);
    exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    await log.waitForLine('the "fact service ready" line', 'fact service ready', READY_MS);
  }, READY_MS + 60_000);

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
    await waitFor(
      'the server to accept the headers of the request that will be in flight (100 Continue)',
      new Promise<void>((resolve) => {
        inFlight.on('continue', () => resolve());
        inFlight.flushHeaders();
      }),
      LOG_LINE_MS,
    );

    child.kill('SIGTERM');
    await log.waitForLine('the "not ready any more" line after SIGTERM', 'not ready any more; still serving while the load balancer notices', LOG_LINE_MS);
    const unready = await get(port, '/ready');
    expect(unready, 'readiness must turn 503 before the listener closes').not.toBe('refused');
    expect(unready !== 'refused' && unready.status).toBe(503);
    expect(unready !== 'refused' && JSON.parse(unready.body)).toEqual({ status: 'unavailable' });
    expect(unready !== 'refused' && unready.headers.connection, 'a response while draining closes its connection').toBe('close');
    const health = await get(port, '/health');
    expect(health !== 'refused' && health.status, 'the service still serves while the load balancer notices').toBe(200);
    expect(child.exitCode).toBeNull();

    // A second signal ends the delay now, as Ctrl-C twice does; the listener closes and says so.
    child.kill('SIGTERM');
    await log.waitForLine('the "listener closed" line after the second signal', 'listener closed; new connections are refused', LOG_LINE_MS);
    // This connection starts after the listener closed, so it is refused: a reset here would be a bug (README "Shutdown").
    expect(await get(port, '/health'), 'a new connection after the listener closed must be refused').toBe('refused');
    expect(child.exitCode, 'the process must wait for the request in flight').toBeNull();

    inFlight.end(body);
    const answered = await waitFor('the answer to the request in flight', reply, LOG_LINE_MS);
    expect(answered.status).toBe(200);
    expect(JSON.parse(answered.body)).toEqual({ data: { actor: { name: 'China' } } });
    expect(answered.headers.connection).toBe('close');

    expect(await waitFor('the process to exit after the drain', exited, LOG_LINE_MS)).toBe(0);

    const entries = log.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { msg: string; reqId?: string; path?: string; status?: number });
    const messages = entries.map((line) => line.msg);
    const order = [
      'shutting down',
      'not ready any more; still serving while the load balancer notices',
      'second signal: closing the listener now',
      'listener closed; new connections are refused',
      'stopped accepting connections; requests in flight have finished',
      'database closed',
    ];
    expect(order.filter((message) => !messages.includes(message)), 'every step of the shutdown is logged').toEqual([]);
    expect(order.map((message) => messages.indexOf(message))).toEqual([...order.map((message) => messages.indexOf(message))].sort((a, b) => a - b));
    const answeredLine = entries.find((line) => line.msg === 'request' && line.path === '/graphql' && line.status === 200);
    expect(answeredLine?.reqId).toMatch(/^[\w-]{8,}$/);
    expect(messages.indexOf('request'), `the request's line comes before the drain's end; the log was:\n${messages.join('\n')}`).toBeLessThan(
      messages.indexOf('stopped accepting connections; requests in flight have finished'),
    );
  });
});

type Outcome = { kind: 'answered'; id: string; status: number } | { kind: 'refused'; id: string } | { kind: 'reset'; id: string };

/** One request on a fresh connection, classified the way a client retrying it would see it. */
function probe(port: number, id: string): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: `/probe?id=${id}`, agent: false }, (response) =>
      readReply(response).then(
        (answer) => resolve({ kind: 'answered', id, status: answer.status }),
        (error: NodeJS.ErrnoException) => (error.code === 'ECONNRESET' ? resolve({ kind: 'reset', id }) : reject(error)),
      ),
    );
    req.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'ECONNREFUSED') resolve({ kind: 'refused', id });
      // EPIPE: the reset arrived while the client was still writing its request.
      else if (error.code === 'ECONNRESET' || error.code === 'EPIPE') resolve({ kind: 'reset', id });
      else reject(error);
    });
    req.end();
  });
}

describe('connections racing the listener as it closes (drainServer, in-process)', () => {
  it('each is answered, refused, or reset before the service read it: none is reset after the service handled it', async () => {
    const handled = new Set<string>();
    const logged: string[] = [];
    const server = createServer((req, res) => {
      const id = new URL(req.url ?? '/', 'http://x').searchParams.get('id') ?? '';
      handled.add(id);
      // Still running when the listener closes: the drain must let it finish.
      setImmediate(() => res.writeHead(503, { connection: 'close' }).end('draining'));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const logger = createLogger('info', { write: (line: string) => logged.push(line) });

    const outcomes: Promise<Outcome>[] = [];
    let next = 0;
    const send = () => outcomes.push(probe(port, String(next++)));
    for (let i = 0; i < 50; i++) send();
    // Close while connections are arriving, some accepted by the kernel and not yet read by the service.
    await waitFor('the server to handle a first probe', () => handled.size > 0, LOG_LINE_MS);
    for (let i = 0; i < 50; i++) send();
    const drained = drainServer(server, 10_000, logger);
    for (let i = 0; i < 50; i++) send();
    await waitFor('the drain to finish', drained, LOG_LINE_MS);
    const after = await probe(port, 'after');
    const results = await waitFor('every probe to get its answer, refusal or reset', Promise.all(outcomes), LOG_LINE_MS);

    expect(after.kind, 'a connection made after the listener closed is refused').toBe('refused');
    expect(logged.some((line) => line.includes('listener closed; new connections are refused'))).toBe(true);
    const resetAfterHandling = results.filter((outcome) => outcome.kind === 'reset' && handled.has(outcome.id));
    expect(resetAfterHandling, 'a request the service handled must get its answer').toEqual([]);
    const counts = { answered: 0, refused: 0, reset: 0 };
    for (const outcome of results) counts[outcome.kind]++;
    console.log(`150 connections racing the close: ${counts.answered} answered, ${counts.refused} refused, ${counts.reset} reset before they were read`);
  });
});

describe("the process's log at exit (closeDestination)", () => {
  it('writes every line in the order logged, even while a worker thread is still writing the first', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'log-order-'));
    try {
      // Occupy every libuv worker thread with a read from an empty FIFO, so the log's first write waits in
      // the queue as it did under CI's load; the FIFO is opened read-write so opening it does not block.
      const threads = Number(process.env.UV_THREADPOOL_SIZE ?? 4);
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      const fifoFd = openSync(fifo, 'r+');
      const blocked = Array.from({ length: threads }, () => new Promise<void>((resolve) => read(fifoFd, Buffer.alloc(1), 0, 1, null, () => resolve())));
      const file = join(dir, 'service.log');
      const destination = pino.destination({ dest: openSync(file, 'w'), sync: false });
      const logger = createLogger('info', destination);
      logger.info('request');
      logger.info('stopped accepting connections; requests in flight have finished');
      logger.info('database closed');

      const closed = closeDestination(destination, LOG_LINE_MS);
      expect(readFileSync(file, 'utf8'), 'nothing is written while the first line waits for a thread').toBe('');
      writeSync(fifoFd, Buffer.alloc(threads));
      await Promise.all(blocked);
      await waitFor('the log to close', closed, LOG_LINE_MS);
      closeSync(fifoFd);

      const messages = readFileSync(file, 'utf8')
        .trim()
        .split('\n')
        .map((line) => (JSON.parse(line) as { msg: string }).msg);
      expect(messages).toEqual(['request', 'stopped accepting connections; requests in flight have finished', 'database closed']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
