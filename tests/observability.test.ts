import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seed } from '../src/bundle/seed.js';
import type { HardeningOptions } from '../src/http/hardening.js';
import { startTracing } from '../src/http/tracing.js';
import { createLogger } from '../src/logger.js';
import { type App, createApp } from '../src/server.js';
import { createTokens, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase, usingPostgres } from './support/database.js';
import { send } from './support/hardened.js';

interface LogLine {
  level: number;
  msg: string;
  reqId?: string;
  [key: string]: unknown;
}

let test: TestDatabase;
let tokens: Tokens;

beforeAll(async () => {
  test = await createTestDatabase('observability');
  await seed(test.db.prisma);
  tokens = await createTokens(test);
});
afterAll(() => test?.close());

function appWithLog(level: string, hardening: Partial<HardeningOptions> = {}): { app: App; lines: LogLine[] } {
  const lines: LogLine[] = [];
  const app = createApp({
    prisma: test.db.prisma,
    logger: createLogger(level, { write: (line: string) => lines.push(JSON.parse(line) as LogLine) }),
    graphiql: false,
    checkDatabase: async () => {
      await test.db.prisma.$queryRaw`SELECT 1`;
    },
    hardening: { metrics: test.db.poolStats ? { poolStats: test.db.poolStats } : {}, ...hardening },
  });
  return { app, lines };
}

describe(`structured logs (${databaseLabel()})`, () => {
  it('gives every line logged for a request the request id it answers in X-Request-Id', async () => {
    const { app, lines } = appWithLog('debug');
    const sent = await send(app, { query: '{ actor(slug: "china") { name } }' });
    const id = sent.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(lines.length).toBeGreaterThan(2);
    expect(lines.map((line) => line.reqId)).toEqual(lines.map(() => id));
    expect(lines.at(-1)).toMatchObject({ msg: 'request', method: 'POST', path: '/graphql', status: 200, operation: 'query', cost: 1, reqId: id });

    const other = await send(app, { query: '{ __typename }' });
    expect(other.headers.get('x-request-id')).not.toBe(id);
  });

  it("keeps a load balancer's request id, and replaces one that is not a plain token", async () => {
    const { app, lines } = appWithLog('info');
    const kept = await send(app, { query: '{ __typename }', headers: { 'x-request-id': 'lb-7f3a.42' } });
    expect(kept.headers.get('x-request-id')).toBe('lb-7f3a.42');
    expect(lines.at(-1)?.reqId).toBe('lb-7f3a.42');
    const forged = await send(app, { query: '{ __typename }', headers: { 'x-request-id': 'x", "level": 60, "msg": "forged' } });
    expect(forged.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs neither tokens nor variables, even at debug level', async () => {
    const { app, lines } = appWithLog('debug');
    const secret = 'variable-value-that-must-not-be-logged';
    await send(app, { query: 'query Search($s: String) { actors(search: $s) { totalCount } }', variables: { s: secret }, token: tokens.read });
    await send(app, { query: 'mutation { deleteActor(id: "nope") { __typename } }', token: 'fs_not-a-real-token' });
    const text = lines.map((line) => JSON.stringify(line)).join('\n');
    expect(text).not.toContain(secret);
    expect(text).not.toContain(tokens.read);
    expect(text).not.toContain('fs_not-a-real-token');
    expect(lines.find((line) => line.msg === 'request' && line.operationName === 'Search')).toBeTruthy();
  });
});

describe(`Prometheus metrics (${databaseLabel()})`, () => {
  it('serves request durations, errors by code, query cost, the database pool and the process at /metrics', async () => {
    const { app } = appWithLog('silent');
    await send(app, { query: '{ actor(slug: "china") { name } }' });
    await send(app, { query: '{ statements(first: 100) { edges { node { responses(first: 100) { edges { node { responses(first: 100) { totalCount } } } } } } } }' });
    await send(app, { query: '{ nope }' });
    const response = await app.fetch('http://yoga/metrics');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const text = await response.text();
    expect(text).toMatch(/^http_request_duration_seconds_count\{route="graphql",method="POST",status="200",operation="query"\} [1-9]/m);
    // Refused by cost: an operation that was about to run. Refused by validation: never became one.
    expect(text).toMatch(/^http_request_duration_seconds_count\{route="graphql",method="POST",status="400",operation="query"\} 1$/m);
    expect(text).toMatch(/^http_request_duration_seconds_count\{route="graphql",method="POST",status="400",operation="none"\} 1$/m);
    expect(text).toMatch(/^graphql_errors_total\{code="QUERY_LIMIT_EXCEEDED"\} 1$/m);
    expect(text).toMatch(/^graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} 1$/m);
    expect(text).toMatch(/^graphql_query_cost_count 1$/m);
    expect(text).toMatch(/^process_resident_memory_bytes \d+/m);
    expect(text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    if (usingPostgres()) {
      expect(text).toMatch(/^db_pool_connections\{state="total"\} [1-9]/m);
      expect(text).toMatch(/^db_pool_connections\{state="waiting"\} 0$/m);
      expect(text).toMatch(/^db_pool_max 5$/m);
    } else {
      expect(text).not.toMatch(/db_pool_connections/);
    }
  });

  it('has no /metrics when metrics are off', async () => {
    const { app } = appWithLog('silent', { metrics: false });
    expect((await app.fetch('http://yoga/metrics')).status).toBe(404);
  });
});

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  attributes: { key: string; value: { stringValue?: string; intValue?: number | string } }[];
}

interface OtlpExport {
  resourceSpans: { resource: { attributes: OtlpSpan['attributes'] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
}

describe('OpenTelemetry tracing, when configured', () => {
  let collector: Server;
  const received: { path: string; body: OtlpExport }[] = [];

  beforeAll(async () => {
    collector = createServer((req: IncomingMessage, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        received.push({ path: req.url ?? '', body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpExport });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => collector.close(() => resolve())));

  it('exports a server span per request, continuing the caller trace, with parse, validate and execute inside and no variables', async () => {
    const { port } = collector.address() as AddressInfo;
    const tracing = await startTracing({ endpoint: `http://127.0.0.1:${port}/`, serviceName: 'fact-service-test' }, createLogger('silent'));
    const { app } = appWithLog('silent', { tracing: true });
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const secret = 'search-term-not-for-traces';
    const sent = await send(app, {
      query: 'query Find($s: String) { actors(search: $s) { totalCount } }',
      variables: { s: secret },
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect(sent.json?.errors).toBeUndefined();
    await tracing.shutdown();

    expect(received.map((one) => one.path)).toContain('/v1/traces');
    const exported = received.flatMap((one) => one.body.resourceSpans);
    expect(exported[0]?.resource.attributes).toContainEqual({ key: 'service.name', value: { stringValue: 'fact-service-test' } });
    const spans = exported.flatMap((resource) => resource.scopeSpans.flatMap((scope) => scope.spans));
    const server = spans.find((span) => span.name === 'POST /graphql');
    expect(server?.traceId).toBe(traceId);
    expect(server?.parentSpanId).toBe('00f067aa0ba902b7');
    const attribute = (span: OtlpSpan | undefined, key: string) => span?.attributes.find((one) => one.key === key)?.value;
    expect(attribute(server, 'http.response.status_code')).toEqual({ intValue: 200 });
    expect(attribute(server, 'request.id')).toEqual({ stringValue: sent.headers.get('x-request-id') });
    for (const name of ['graphql.parse', 'graphql.validate', 'graphql.execute']) {
      const span = spans.find((one) => one.name === name);
      expect(span?.traceId, name).toBe(traceId);
      expect(span?.parentSpanId, name).toBe(server?.spanId);
    }
    const execute = spans.find((one) => one.name === 'graphql.execute');
    expect(attribute(execute, 'graphql.operation.name')).toEqual({ stringValue: 'Find' });
    expect(attribute(execute, 'graphql.operation.type')).toEqual({ stringValue: 'query' });
    expect(JSON.stringify(received)).not.toContain(secret);
  });
});
