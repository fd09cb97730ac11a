import { request as httpRequest } from 'node:http';
import { type AuditResult, serverAudits } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.js';
import type { IntegrationOptions } from '../src/http/integration.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createTestApp } from './support/graphql.js';
import { type Listening, listen } from './support/listen.js';

/**
 * The audits our server does not pass, each a MAY, all for one reason: CSRF prevention refuses a GET
 * that carries no header a browser would need a CORS preflight to send. Listed in the README.
 */
const ACCEPTED_NOTICES = [
  'MAY accept application/x-www-form-urlencoded formatted GET requests',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/graphql-response+json',
  'MAY allow URL-encoded JSON string {variables} parameter in GETs when accepting application/json',
];

let test: TestDatabase;
const servers: Listening[] = [];

async function serve(integration?: IntegrationOptions): Promise<Listening> {
  const listening = await listen(createTestApp(test, integration ? { integration } : {}));
  servers.push(listening);
  return listening;
}

beforeAll(async () => {
  test = await createTestDatabase('graphql_over_http');
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  await test?.close();
});

async function audit(url: string, extraHeaders: Record<string, string> = {}): Promise<AuditResult[]> {
  const fetchFn = (input: RequestInfo | URL, init: RequestInit = {}) => {
    const headers = new Headers(init.headers);
    for (const [name, value] of Object.entries(extraHeaders)) headers.set(name, value);
    return fetch(input, { ...init, headers });
  };
  const results: AuditResult[] = [];
  for (const { fn } of serverAudits({ url, fetchFn })) results.push(await fn());
  return results;
}

const describeFailure = (result: AuditResult) => (result.status === 'ok' ? result.name : `${result.status}: ${result.name} (${result.reason})`);

const post = (url: string, body: string, headers: Record<string, string> = {}) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...headers }, body });

describe(`GraphQL over HTTP (${databaseLabel()})`, () => {
  it('passes every MUST and SHOULD audit of graphql-http over real HTTP, with only the accepted notices', async () => {
    const { url } = await serve();
    const results = await audit(url);
    expect(results.length).toBeGreaterThan(30);
    expect(results.filter((result) => result.status === 'error').map(describeFailure)).toEqual([]);
    expect(results.filter((result) => result.status === 'warn').map(describeFailure)).toEqual([]);
    expect(results.filter((result) => result.status === 'notice').map((result) => result.name).sort()).toEqual([...ACCEPTED_NOTICES].sort());
  });

  it('passes every audit, notices included, when GETs carry a CSRF-prevention header as browser clients must', async () => {
    const { url } = await serve();
    const results = await audit(url, { 'apollo-require-preflight': 'true' });
    expect(results.filter((result) => result.status !== 'ok').map(describeFailure)).toEqual([]);
  });
});

describe('CSRF prevention', () => {
  let url: string;
  beforeAll(async () => {
    ({ url } = await serve());
  });

  it('refuses a GET without a preflight header with 403 and says which header to send', async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent('{ actors(first: 1) { totalCount } }')}`, { headers: { accept: 'application/json' } });
    expect(response.status).toBe(403);
    const body = (await response.json()) as { errors: { message: string }[] };
    expect(body.errors[0]?.message).toMatch(/CSRF/);
  });

  it('runs the same GET when it carries one of the preflight headers', async () => {
    for (const header of ['x-graphql-yoga-csrf', 'apollo-require-preflight', 'graphql-require-preflight']) {
      const response = await fetch(`${url}?query=${encodeURIComponent('{ actors(first: 1) { totalCount } }')}`, { headers: { accept: 'application/json', [header]: '1' } });
      expect(response.status, header).toBe(200);
      expect(await response.json()).toEqual({ data: { actors: { totalCount: 0 } } });
    }
  });

  it('refuses the content types a cross-site form can send without a preflight', async () => {
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
      const response = await fetch(url, { method: 'POST', headers: { 'content-type': contentType }, body: 'query=%7B__typename%7D' });
      expect(response.status, contentType).toBe(403);
    }
    const json = await post(url, JSON.stringify({ query: '{ __typename }' }));
    expect(json.status).toBe(200);
  });
});

describe('CORS', () => {
  const preflight = (url: string, origin: string) =>
    fetch(url, { method: 'OPTIONS', headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' } });

  it('by default (development) allows pages on localhost and nothing else cross-origin', async () => {
    const { url } = await serve({ corsLocalhost: true });
    for (const origin of ['http://localhost:5173', 'http://127.0.0.1:3000', 'https://localhost']) {
      const response = await preflight(url, origin);
      expect(response.headers.get('access-control-allow-origin'), origin).toBe(origin);
      expect(response.headers.get('access-control-allow-headers')).toMatch(/authorization/);
      expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    }
    const evil = await preflight(url, 'https://evil.example');
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
    const evilPost = await post(url, JSON.stringify({ query: '{ __typename }' }), { origin: 'https://evil.example' });
    expect(evilPost.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins, and not localhost, when CORS_ORIGINS is set', async () => {
    const config = loadConfig({ NODE_ENV: 'production', CORS_ORIGINS: 'https://app.example.org, https://admin.example.org/' });
    expect(config.integration).toMatchObject({ corsOrigins: ['https://app.example.org', 'https://admin.example.org'], corsLocalhost: false });
    const { url } = await serve(config.integration);
    const allowed = await post(url, JSON.stringify({ query: '{ __typename }' }), { origin: 'https://admin.example.org' });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://admin.example.org');
    expect(allowed.headers.get('vary')).toMatch(/origin/i);
    for (const origin of ['http://localhost:5173', 'https://app.example.org.evil.example', 'http://app.example.org']) {
      expect((await preflight(url, origin)).headers.get('access-control-allow-origin'), origin).toBeNull();
    }
  });

  it('allows any origin with CORS_ORIGINS=*, and same-origin only by default in production', async () => {
    const any = await serve(loadConfig({ CORS_ORIGINS: '*' }).integration);
    expect((await preflight(any.url, 'https://anywhere.example')).headers.get('access-control-allow-origin')).toBe('https://anywhere.example');
    const production = loadConfig({ NODE_ENV: 'production' }).integration;
    expect(production).toMatchObject({ corsOrigins: [], corsLocalhost: false });
    const strict = await serve(production);
    expect((await preflight(strict.url, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('rejects a CORS_ORIGINS entry that is not an origin, naming it', () => {
    expect(() => loadConfig({ CORS_ORIGINS: 'https://ok.example, example.org, https://x.example/path' })).toThrow(ConfigError);
    try {
      loadConfig({ CORS_ORIGINS: 'https://ok.example, example.org, https://x.example/path' });
    } catch (error) {
      expect((error as ConfigError).problems.join('\n')).toMatch(/CORS_ORIGINS must be \* or a comma-separated list of origins.*"example\.org", "https:\/\/x\.example\/path"/);
    }
  });
});

/** A POST whose body goes out in chunks, without Content-Length, as a streaming client sends it. */
function postChunked(url: string, body: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(url, { method: 'POST', headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } }, (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
    });
    request.on('error', reject);
    for (let offset = 0; offset < body.length; offset += 1000) request.write(body.slice(offset, offset + 1000));
    request.end();
  });
}

describe('request body limit', () => {
  const LIMIT = 4096;
  let url: string;
  beforeAll(async () => {
    ({ url } = await serve({ maxBodyBytes: LIMIT }));
  });
  const bodyOf = (size: number) => {
    const base = JSON.stringify({ query: '{ __typename }', variables: { pad: '' } });
    return JSON.stringify({ query: '{ __typename }', variables: { pad: 'x'.repeat(size - base.length) } });
  };

  it('answers a body at the limit', async () => {
    const body = bodyOf(LIMIT);
    expect(Buffer.byteLength(body)).toBe(LIMIT);
    const response = await post(url, body);
    expect(response.status).toBe(200);
  });

  it('refuses a larger body with 413 and a message giving the limit', async () => {
    const response = await post(url, bodyOf(LIMIT + 1));
    expect(response.status).toBe(413);
    const result = (await response.json()) as { errors: { message: string; extensions: { code: string } }[] };
    expect(result.errors[0]?.message).toBe('The request body is larger than this server accepts (4 KiB, 4096 bytes)');
    expect(result.errors[0]?.extensions.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a larger body sent in chunks without Content-Length, while reading it', async () => {
    const response = await postChunked(url, bodyOf(LIMIT * 3));
    expect(response.status).toBe(413);
    expect(response.body).toMatch(/larger than this server accepts/);
    const small = await postChunked(url, bodyOf(LIMIT - 100));
    expect(small.status).toBe(200);
  });

  it('defaults to 1 MiB and validates MAX_BODY_BYTES', () => {
    expect(loadConfig({}).integration.maxBodyBytes).toBe(1_048_576);
    expect(loadConfig({ MAX_BODY_BYTES: '5000000' }).integration.maxBodyBytes).toBe(5_000_000);
    expect(() => loadConfig({ MAX_BODY_BYTES: 'lots' })).toThrow(/MAX_BODY_BYTES must be an integer from 1024/);
  });
});
