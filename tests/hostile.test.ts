import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../src/builder.js';
import { seed } from '../src/bundle/seed.js';
import { topicSlug } from '../src/domain/topics.js';
import type { App } from '../src/server.js';
import { createTokens, type Tokens } from './support/auth.js';
import { createTestDatabase, databaseLabel, type TestDatabase } from './support/database.js';
import { createConfiguredApp, type SendOptions, type Sent, send } from './support/hardened.js';

/**
 * Queries written by strangers, against the service as configured for production. Each must get a clear
 * typed error (or a correct answer), never a crash, a hang, a leak of SQL, a stack or a host, nor a changed row.
 */

interface World {
  tokens: Tokens;
  statementId: string;
  actorId: string;
  actorCursor: string;
}

type Check = (sent: Sent) => void;

interface HostileCase {
  name: string;
  request: (world: World) => SendOptions;
  /** An error: the HTTP status and `extensions.code` (a list allows any of them). */
  refused?: { status: number; code: string | string[]; message?: RegExp };
  /** A correct answer, checked by this function. */
  answer?: Check;
}

const b64 = (text: string) => Buffer.from(text, 'utf8').toString('base64');
const MB = 1_000_000;
const NO_SUCH_UUID = '0190a0a0-0000-7000-8000-00000000dead';
const LIMIT = 'QUERY_LIMIT_EXCEEDED';
const VALIDATION = 'GRAPHQL_VALIDATION_FAILED';
const nested = (levels: number) => `{ statements(first: 1) { edges { node { ${'respondsTo { '.repeat(levels)}slug${' }'.repeat(levels)} } } } }`;
const q = (query: string, variables?: Record<string, unknown>, extra: Partial<SendOptions> = {}): SendOptions => ({ query, ...(variables ? { variables } : {}), ...extra });
const data = (check: (value: Record<string, any>) => void): Check => (sent) => {
  expect(sent.status, sent.text.slice(0, 300)).toBe(200);
  expect(sent.json?.errors, sent.text.slice(0, 300)).toBeUndefined();
  check(sent.json?.data ?? {});
};

const CASES: HostileCase[] = [
  // Nesting
  { name: 'nesting 13 levels deep', request: () => q(nested(9)), refused: { status: 400, code: LIMIT, message: /nested 13 levels deep; the limit is 12/ } },
  { name: 'nesting 500 levels deep', request: () => q(nested(500)), refused: { status: 400, code: LIMIT } },
  {
    name: 'nesting hidden in 15 chained fragments',
    request: () =>
      q(
        `{ statements(first: 1) { edges { node { ...F0 } } } } ${Array.from({ length: 15 }, (_, i) => `fragment F${i} on Statement { respondsTo { ${i === 14 ? 'slug' : `...F${i + 1}`} } }`).join(' ')}`,
      ),
    refused: { status: 400, code: LIMIT },
  },
  {
    name: 'a JSON variable nested 100 000 levels deep',
    request: ({ tokens }) => ({
      token: tokens.write,
      body: `{"query":"mutation ($b: JSON!) { importBundle(bundle: $b, dryRun: true) { __typename ... on Error { message } } }","variables":{"b":${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}}}`,
    }),
    answer: data((value) => expect(value.importBundle.__typename).toBe('ValidationError')),
  },
  // Aliases and duplicated fields
  { name: '16 aliases', request: () => q(`{ ${Array.from({ length: 16 }, (_, i) => `a${i}: actor(slug: "china") { name }`).join(' ')} }`), refused: { status: 400, code: LIMIT } },
  { name: 'an alias flood (5 000)', request: () => q(`{ ${Array.from({ length: 5000 }, (_, i) => `a${i}: __typename`).join(' ')} }`), refused: { status: 400, code: LIMIT } },
  { name: 'the same field 3 000 times', request: () => q(`{ actor(slug: "china") { ${'name '.repeat(3000)}} }`), refused: { status: 400, code: LIMIT } },
  { name: 'the same field 300 times (merged, answered once)', request: () => q(`{ actor(slug: "china") { ${'name '.repeat(300)}} }`), answer: data((value) => expect(value).toEqual({ actor: { name: 'China' } })) },
  {
    name: 'the same expensive connection under 15 aliases',
    request: () => q(`{ ${Array.from({ length: 15 }, (_, i) => `s${i}: statements(first: 100) { edges { node { responses(first: 100) { edges { node { slug } } } } } }`).join(' ')} }`),
    refused: { status: 400, code: LIMIT, message: /would cost/ },
  },
  // Batches
  { name: 'a batch of two operations', request: () => ({ body: JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]) }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'a batch of 1 000 operations', request: () => ({ body: JSON.stringify(Array.from({ length: 1000 }, () => ({ query: '{ statements(first: 100) { totalCount } }' }))) }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'an empty batch', request: () => ({ body: '[]' }), refused: { status: 400, code: 'BAD_REQUEST' } },
  // Fragments
  { name: 'two fragments spreading each other', request: () => q('{ actor(slug: "china") { ...A } } fragment A on Actor { name ...B } fragment B on Actor { slug ...A }'), refused: { status: 400, code: VALIDATION } },
  { name: 'a fragment spreading itself', request: () => q('{ actor(slug: "china") { ...A } } fragment A on Actor { name ...A }'), refused: { status: 400, code: VALIDATION } },
  {
    name: 'an exponential fragment fan-out (2^40 fields)',
    request: () =>
      q(`{ statement(slug: "x") { ...F0 } } ${Array.from({ length: 40 }, (_, i) => (i === 39 ? `fragment F${i} on Statement { speaker { name } }` : `fragment F${i} on Statement { ...F${i + 1} ...F${i + 1} }`)).join(' ')}`),
    refused: { status: 400, code: LIMIT, message: /would cost/ },
  },
  { name: 'a huge fragment (2 000 fields)', request: () => q(`{ actor(slug: "china") { ...A } } fragment A on Actor { ${'name slug '.repeat(1000)}}`), refused: { status: 400, code: LIMIT } },
  { name: 'a fragment on a type that does not exist', request: () => q('{ actor(slug: "china") { ...A } } fragment A on Secret { name }'), refused: { status: 400, code: VALIDATION } },
  { name: 'a spread of an undefined fragment', request: () => q('{ actor(slug: "china") { ...Missing } }'), refused: { status: 400, code: VALIDATION } },
  // Directives
  { name: '21 directives', request: () => q(`{ actor(slug: "china") { ${'name @include(if: true) '.repeat(21)}} }`), refused: { status: 400, code: LIMIT } },
  { name: 'a directive flood (3 000)', request: () => q(`{ actor(slug: "china") { name ${'@skip(if: false) '.repeat(3000)}} }`), refused: { status: 400, code: LIMIT } },
  { name: 'an unknown directive', request: () => q('{ actor(slug: "china") { name @evil } }'), refused: { status: 400, code: VALIDATION } },
  { name: 'a directive argument of the wrong type', request: () => q('{ actor(slug: "china") { name @skip(if: "yes") } }'), refused: { status: 400, code: VALIDATION } },
  // Long strings and big bodies
  {
    name: 'a 1 MB search string',
    request: () => q('query ($s: String) { actors(search: $s) { totalCount } }', { s: 'x'.repeat(MB) }),
    refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 200 characters/ },
  },
  { name: 'a 1 MB string literal in the query', request: () => q(`{ actor(slug: "${'x'.repeat(MB)}") { name } }`), refused: { status: 400, code: LIMIT } },
  { name: 'a 1 MB slug', request: () => q('query ($s: String!) { actor(slug: $s) { name } }', { s: 'x'.repeat(MB) }), answer: data((value) => expect(value.actor).toBeNull()) },
  {
    name: 'a 1 MB actor name',
    request: ({ tokens }) =>
      q('mutation ($n: String!) { createActor(input: { slug: "big-one", name: $n, kind: PERSON }) { __typename ... on Error { message } } }', { n: 'x'.repeat(MB) }, { token: tokens.write }),
    answer: data((value) => expect(value.createActor.__typename).toBe('ValidationError')),
  },
  { name: 'a 10 MB body', request: () => ({ body: JSON.stringify({ query: '{ __typename }', variables: { x: 'y'.repeat(10 * MB) } }) }), refused: { status: 413, code: 'PAYLOAD_TOO_LARGE' } },
  {
    name: 'invalid UTF-8 in the body',
    request: () => ({
      body: Buffer.concat([Buffer.from('{"query":"{ actors(search: \\"'), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\\") { totalCount } }"}')]),
    }),
    answer: data((value) => expect(value.actors.totalCount).toBe(0)),
  },
  { name: 'a NUL character in a search', request: () => q('query ($s: String) { actors(search: $s) { totalCount } }', { s: 'chi\u0000na' }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /NUL/ } },
  { name: 'a NUL character in a slug literal', request: () => q('{ actor(slug: "chi\\u0000na") { name } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /NUL/ } },
  {
    name: 'a NUL character deep in a JSON variable',
    request: ({ tokens }) => q('mutation ($b: JSON!) { importBundle(bundle: $b, dryRun: true) { __typename } }', { b: { format: 'fact-bundle/v1', actors: [{ name: 'a\u0000' }] } }, { token: tokens.write }),
    refused: { status: 200, code: 'BAD_USER_INPUT', message: /\$b\.actors\.0\.name/ },
  },
  { name: 'a lone surrogate in a search', request: () => ({ body: '{"query":"query ($s: String) { actors(search: $s) { totalCount } }","variables":{"s":"\\ud800x"}}' }), answer: data((value) => expect(value.actors.totalCount).toBe(0)) },
  { name: 'a body that is not JSON', request: () => ({ body: '{"query": "{ __typename }"' }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'an empty body', request: () => ({ body: '' }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'a body that is JSON null', request: () => ({ body: 'null' }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'a query that is a number', request: () => ({ body: '{"query": 42}' }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'variables that are a string', request: () => ({ body: '{"query": "{ __typename }", "variables": "x"}' }), refused: { status: 400, code: 'BAD_REQUEST' } },
  { name: 'an empty query', request: () => q(''), refused: { status: 400, code: 'GRAPHQL_PARSE_FAILED' } },
  { name: 'a query that is only a comment', request: () => q('# nothing to see'), refused: { status: 400, code: 'GRAPHQL_PARSE_FAILED' } },
  { name: 'two operations and no operationName', request: () => q('query A { __typename } query B { __typename }'), refused: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' } },
  { name: 'an operationName that is not in the document', request: () => q('query A { __typename }', undefined, { operationName: 'B' }), refused: { status: 400, code: 'OPERATION_RESOLUTION_FAILURE' } },
  {
    name: '__proto__ and constructor keys in variables',
    request: () => ({ body: '{"query":"query ($s: String) { actors(search: $s) { totalCount } }","variables":{"__proto__":{"s":"x"},"constructor":{"prototype":{"polluted":1}}}}' }),
    answer: (sent) => {
      data((value) => expect(value.actors.totalCount).toBeGreaterThan(0))(sent);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
  },
  // Content types and methods
  { name: 'a text/plain POST (a cross-site form could send it)', request: () => ({ ...q('{ __typename }'), headers: { 'content-type': 'text/plain' } }), refused: { status: 403, code: 'BAD_REQUEST' } },
  { name: 'a form-encoded POST', request: () => ({ headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'query=%7B__typename%7D' }), refused: { status: 403, code: 'BAD_REQUEST' } },
  {
    name: 'a multipart POST without the CSRF header',
    request: () => ({ headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x\r\nContent-Disposition: form-data; name="operations"\r\n\r\n{"query":"{ __typename }"}\r\n--x--\r\n' }),
    refused: { status: 403, code: 'BAD_REQUEST' },
  },
  { name: 'a POST without a content type', request: () => ({ ...q('{ __typename }'), headers: { 'content-type': '' } }), refused: { status: 403, code: 'BAD_REQUEST' } },
  { name: 'an XML body', request: () => ({ headers: { 'content-type': 'application/xml', 'x-graphql-yoga-csrf': '1' }, body: '<query/>' }), refused: { status: 415, code: '' } },
  {
    name: 'a mutation in a GET',
    request: ({ actorId }) => ({
      method: 'GET',
      path: `/graphql?query=${encodeURIComponent(`mutation { deleteActor(id: "${actorId}") { __typename } }`)}`,
      headers: { 'x-graphql-yoga-csrf': '1' },
    }),
    refused: { status: 405, code: 'BAD_REQUEST', message: /only perform a mutation operation from a POST/ },
  },
  { name: 'a GET without the CSRF header, as a cross-site page would send', request: () => ({ method: 'GET', path: '/graphql?query=%7B__typename%7D', headers: { 'content-type': '' } }), refused: { status: 403, code: 'BAD_REQUEST' } },
  {
    name: 'a cross-site mutation: text/plain, no CSRF header',
    request: ({ actorId, tokens }) => ({ ...q(`mutation { deleteActor(id: "${actorId}") { __typename } }`), token: tokens.admin, headers: { 'content-type': 'text/plain' } }),
    refused: { status: 403, code: 'BAD_REQUEST' },
  },
  { name: 'a PUT', request: () => ({ ...q('{ __typename }'), method: 'PUT' }), refused: { status: 405, code: 'BAD_REQUEST' } },
  { name: 'a DELETE', request: () => ({ method: 'DELETE', body: '' }), refused: { status: 405, code: 'BAD_REQUEST' } },
  // Pagination
  { name: 'first: 99999999', request: () => q('{ statements(first: 99999999) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 100/ } },
  { name: 'first: -1', request: () => q('{ statements(first: -1) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /must not be negative/ } },
  { name: 'last: -5', request: () => q('{ claims(last: -5) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'first: -1 on a nested connection', request: () => q('{ actor(slug: "china") { statements(first: -1) { totalCount } } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'first: 1.5', request: () => q('{ statements(first: 1.5) { totalCount } }'), refused: { status: 400, code: VALIDATION } },
  { name: 'first: "10"', request: () => q('{ statements(first: "10") { totalCount } }'), refused: { status: 400, code: VALIDATION } },
  { name: 'first: 2^31', request: () => q('{ statements(first: 2147483648) { totalCount } }'), refused: { status: 400, code: VALIDATION } },
  { name: 'first: 1e12 as a variable', request: () => q('query ($n: Int) { statements(first: $n) { totalCount } }', { n: 1e12 }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'first: "ten" as a variable', request: () => q('query ($n: Int) { statements(first: $n) { totalCount } }', { n: 'ten' }), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'a garbage cursor', request: () => q('{ statements(first: 2, after: "garbage!!") { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /not a cursor from this service/ } },
  {
    name: 'a cursor from another connection',
    request: ({ actorCursor }) => q(`{ statements(first: 2, after: "${actorCursor}") { edges { node { slug } } } }`),
    answer: data((value) => expect(value.statements.edges).toEqual([])),
  },
  { name: 'a forged cursor carrying SQL', request: () => q(`{ statements(first: 2, after: "${b64(`GPC:S:'; DROP TABLE "Statement"; --`)}") { totalCount } }`), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'a forged numeric cursor', request: () => q(`{ actors(first: 2, before: "${b64('GPC:N:12')}") { totalCount } }`), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'a 1 MB cursor', request: () => q('query ($c: String) { claims(first: 2, after: $c) { totalCount } }', { c: b64(`GPC:S:${'x'.repeat(700_000)}`) }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  // Global IDs
  { name: 'an ID that is not base64', request: () => q('{ node(id: "garbage!") { id } }'), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'a forged ID: a known type, not a UUID', request: () => q(`{ node(id: "${b64('Actor:1 OR 1=1')}") { id } }`), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'a forged ID of a type that is not a node', request: () => q(`{ node(id: "${b64(`ApiToken:${NO_SUCH_UUID}`)}") { id } }`), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'an ID carrying SQL', request: () => q(`{ node(id: "${b64(`Actor:'; DROP TABLE "Actor"; --`)}") { id } }`), refused: { status: 200, code: 'INVALID_ID' } },
  {
    name: 'a 1 MB ID (not echoed back whole)',
    request: () => q('query ($id: ID!) { node(id: $id) { id } }', { id: 'A'.repeat(MB) }),
    refused: { status: 200, code: 'INVALID_ID' },
    answer: (sent) => expect(sent.text.length).toBeLessThan(2000),
  },
  { name: 'a well-formed ID of nothing', request: () => q(`{ node(id: "${encodeGlobalId('Actor', NO_SUCH_UUID)}") { id } }`), answer: data((value) => expect(value.node).toBeNull()) },
  {
    name: 'nodes(ids:) with 1 000 forged IDs',
    request: () => q('query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: Array.from({ length: 1000 }, (_, i) => `forged${i}`) }),
    refused: { status: 200, code: 'INVALID_ID' },
  },
  {
    name: 'a foreign ID: a statement given where an actor is due',
    request: ({ statementId, tokens }) => q(`mutation { updateActor(id: "${statementId}", input: { name: "Hijacked" }) { __typename } }`, undefined, { token: tokens.write }),
    refused: { status: 200, code: 'BAD_USER_INPUT', message: /is not of type: Actor/ },
  },
  {
    name: 'a foreign ID given to an admin deletion',
    request: ({ statementId, tokens }) => q(`mutation { deleteActor(id: "${statementId}") { __typename } }`, undefined, { token: tokens.admin }),
    refused: { status: 200, code: 'BAD_USER_INPUT' },
  },
  // Introspection, GraphiQL and suggestions in production
  { name: 'introspection (__schema)', request: () => q('{ __schema { types { name fields { name } } } }'), refused: { status: 400, code: 'INTROSPECTION_DISABLED' } },
  { name: 'introspection (__type)', request: () => q('{ __type(name: "ApiToken") { name fields { name } } }'), refused: { status: 400, code: 'INTROSPECTION_DISABLED' } },
  { name: 'introspection hidden in a fragment', request: () => q('{ ...Q } fragment Q on Query { __schema { queryType { name } } }'), refused: { status: 400, code: 'INTROSPECTION_DISABLED' } },
  { name: '__typename (allowed)', request: () => q('{ __typename actor(slug: "china") { __typename } }'), answer: data((value) => expect(value).toEqual({ __typename: 'Query', actor: { __typename: 'Actor' } })) },
  {
    name: 'a browser asking for GraphiQL',
    request: () => ({ method: 'GET', headers: { accept: 'text/html' } }),
    answer: (sent) => {
      expect(sent.status).toBeGreaterThanOrEqual(400);
      expect(sent.text).not.toMatch(/<html|graphiql/i);
    },
  },
  { name: "GraphiQL's assets", request: () => ({ method: 'GET', path: '/graphiql/assets/graphiql.js', headers: {} }), answer: (sent) => expect(sent.status).toBe(404) },
  {
    name: 'a misspelt field (no suggestion to map the schema with)',
    request: () => q('{ actr(slug: "china") { name } }'),
    refused: { status: 400, code: VALIDATION, message: /^Cannot query field "actr" on type "Query"\.$/ },
  },
  // Federation
  {
    name: 'federation representations of no entity type',
    request: () => q('query ($r: [_Any!]!) { _entities(representations: $r) { __typename } }', { r: [{ __typename: 'Actor', slug: 'china' }, { __typename: 'ApiToken', id: 'x' }] }),
    refused: { status: 200, code: 'BAD_USER_INPUT', message: /representations\[1\] must be an object whose __typename is an entity type/ },
  },
  { name: 'a federation representation without __typename', request: () => q('{ _entities(representations: [{ id: "x" }]) { __typename } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  {
    name: '10 000 federation representations of deep objects',
    request: () =>
      q('query ($r: [_Any!]!) { _entities(representations: $r) { ... on Actor { statements(first: 10) { edges { node { slug } } } } } }', {
        r: Array.from({ length: 10_000 }, (_, i) => ({ __typename: 'Actor', slug: `a${i}` })),
      }),
    refused: { status: 400, code: LIMIT, message: /would cost/ },
  },
  // Tokens and scopes
  { name: 'a mutation without a token', request: ({ actorId }) => q(`mutation { deleteActor(id: "${actorId}") { __typename } }`), refused: { status: 200, code: 'UNAUTHENTICATED' } },
  { name: 'a mutation with a read token', request: ({ actorId, tokens }) => q(`mutation { deleteActor(id: "${actorId}") { __typename } }`, undefined, { token: tokens.read }), refused: { status: 200, code: 'FORBIDDEN' } },
  {
    name: 'a malformed Authorization header',
    request: ({ actorId }) => ({ ...q(`mutation { deleteActor(id: "${actorId}") { __typename } }`), headers: { authorization: "Basic ' OR 1=1 --" } }),
    refused: { status: 200, code: 'UNAUTHENTICATED' },
  },
  { name: 'a made-up token', request: ({ actorId }) => q(`mutation { deleteActor(id: "${actorId}") { __typename } }`, undefined, { token: 'fs_madeup' }), refused: { status: 200, code: 'UNAUTHENTICATED' } },
  { name: 'the audit log without the admin scope', request: ({ tokens }) => q('{ auditLog(first: 5) { edges { node { action } } } }', undefined, { token: tokens.write }), refused: { status: 200, code: 'FORBIDDEN' } },
  // Ingestion (issue 10's bad-input table): refused input writes no ingestion, no draft, no audit entry
  { name: 'ingestArticle with an empty text', request: ({ tokens }) => q(INGEST, { i: { source: { title: 'Empty' }, text: ' \n\t ' } }, { token: tokens.write }), answer: ingestRefused(['input', 'text'], /must not be empty/) },
  {
    name: 'ingestArticle with a text over 1 MB',
    request: ({ tokens }) => q(INGEST, { i: { source: { title: 'Huge' }, text: '“Quote,” he said. '.repeat(60_000) } }, { token: tokens.write }),
    answer: (sent) => {
      // The request limit may refuse the body before the resolver sees the text; either way, a typed refusal.
      if (sent.status === 413) expect(sent.json?.errors?.[0]?.extensions?.code).toBeTruthy();
      else ingestRefused(['input', 'text'], /the limit is 1048576/)(sent);
    },
  },
  { name: 'ingestArticle with an unpaired surrogate', request: ({ tokens }) => q(INGEST, { i: { source: { title: 'Broken' }, text: '“A \ud800 quote,” he said.' } }, { token: tokens.write }), answer: ingestRefused(['input', 'text'], /surrogate/) },
  // The input guard refuses a NUL anywhere in the variables before any resolver runs.
  { name: 'ingestArticle with U+0000 in the text', request: ({ tokens }) => q(INGEST, { i: { source: { title: 'Nul' }, text: '“A \u0000 quote,” he said.' } }, { token: tokens.write }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /\$i\.text/ } },
  { name: 'ingestArticle without a source title or slug', request: ({ tokens }) => q(INGEST, { i: { source: {}, text: '“Fine,” he said.' } }, { token: tokens.write }), answer: ingestRefused(['input', 'source', 'title'], /title/) },
  { name: 'ingestArticle with a SQL-ish source slug', request: ({ tokens }) => q(INGEST, { i: { source: { slug: "x'; DROP TABLE \"Claim\"; --", title: 'T' }, text: '“Fine,” he said.' } }, { token: tokens.write }), answer: ingestRefused(['input', 'source', 'slug'], /kebab-case/) },
  { name: 'ingestArticle with a read token', request: ({ tokens }) => q(INGEST, { i: { source: { title: 'T' }, text: '“Fine,” he said.' } }, { token: tokens.read }), refused: { status: 200, code: 'FORBIDDEN' } },
  { name: 'acceptDraft of a draft that does not exist', request: ({ tokens }) => q(`mutation { acceptDraft(id: "${NO_SUCH_UUID}") { __typename ... on NotFoundError { type } } }`, undefined, { token: tokens.write }), answer: data((value) => expect(value.acceptDraft).toEqual({ __typename: 'NotFoundError', type: 'IngestionDraft' })) },
  { name: 'acceptDraft with a malformed id', request: ({ tokens }) => q(`mutation { acceptDraft(id: "1 OR 1=1") { __typename } }`, undefined, { token: tokens.write }), answer: data((value) => expect(value.acceptDraft.__typename).toBe('ValidationError')) },
  { name: 'rejectDraft without a reason', request: ({ tokens }) => q(`mutation { rejectDraft(id: "${NO_SUCH_UUID}", reason: "   ") { __typename } }`, undefined, { token: tokens.write }), answer: data((value) => expect(value.rejectDraft.__typename).toBe('ValidationError')) },
  { name: 'the review queue without a token', request: () => q('{ ingestions(first: 5) { totalCount } }'), refused: { status: 200, code: 'UNAUTHENTICATED' } },
  { name: 'similarClaims with 10,000 characters', request: () => q('query ($t: String!) { similarClaims(text: $t) { score } }', { t: 'troops '.repeat(1_500) }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 5000/ } },
];

const INGEST = 'mutation ($i: IngestArticleInput!) { ingestArticle(input: $i) { __typename ... on ValidationError { issues { path message } } } }';

function ingestRefused(path: string[], message: RegExp): Check {
  return data((value) => {
    expect(value.ingestArticle.__typename).toBe('ValidationError');
    expect(value.ingestArticle.issues.some((issue: { path: string[]; message: string }) => JSON.stringify(issue.path) === JSON.stringify(path) && message.test(issue.message)), JSON.stringify(value.ingestArticle.issues)).toBe(true);
  });
}

/** SQL and regular-expression metacharacters: each must match itself (nothing here), never act. */
const METACHARACTERS = ['%', '_', '\\', `'; DROP TABLE "Actor"; --`, '.*', '(a+)+$'];

const FILTERS: { argument: string; query: string; admin?: boolean; answer: (value: Record<string, any>) => void }[] = [
  { argument: 'actors(search:)', query: 'query ($v: String) { actors(search: $v) { totalCount edges { node { slug } } } }', answer: (v) => expect(v.actors).toEqual({ totalCount: 0, edges: [] }) },
  { argument: 'claims(search:)', query: 'query ($v: String) { claims(search: $v) { totalCount } }', answer: (v) => expect(v.claims.totalCount).toBe(0) },
  { argument: 'statements(search:)', query: 'query ($v: String) { statements(search: $v) { totalCount } }', answer: (v) => expect(v.statements.totalCount).toBe(0) },
  { argument: 'statements(speaker:)', query: 'query ($v: String) { statements(speaker: $v) { totalCount } }', answer: (v) => expect(v.statements.totalCount).toBe(0) },
  { argument: 'statements(actor:)', query: 'query ($v: String) { statements(actor: $v) { totalCount } }', answer: (v) => expect(v.statements.totalCount).toBe(0) },
  { argument: 'statements(claim:)', query: 'query ($v: String) { statements(claim: $v) { totalCount } }', answer: (v) => expect(v.statements.totalCount).toBe(0) },
  { argument: 'statements(onBehalfOf:)', query: 'query ($v: String) { statements(onBehalfOf: $v) { totalCount } }', answer: (v) => expect(v.statements.totalCount).toBe(0) },
  { argument: 'statements(source:)', query: 'query ($v: String) { statements(source: $v) { totalCount } }', answer: (v) => expect(v.statements.totalCount).toBe(0) },
  { argument: 'claims(topic:)', query: 'query ($v: String) { claims(topic: $v) { totalCount } }', answer: (v) => expect(v.claims.totalCount).toBe(0) },
  { argument: 'actor(slug:)', query: 'query ($v: String!) { actor(slug: $v) { name } }', answer: (v) => expect(v.actor).toBeNull() },
  { argument: 'claim(slug:)', query: 'query ($v: String!) { claim(slug: $v) { text } }', answer: (v) => expect(v.claim).toBeNull() },
  { argument: 'statement(slug:)', query: 'query ($v: String!) { statement(slug: $v) { text } }', answer: (v) => expect(v.statement).toBeNull() },
  { argument: 'source(slug:)', query: 'query ($v: String!) { source(slug: $v) { title } }', answer: (v) => expect(v.source).toBeNull() },
  { argument: 'auditLog(writer:)', query: 'query ($v: String) { auditLog(first: 5, writer: $v) { edges { node { action } } } }', admin: true, answer: (v) => expect(v.auditLog.edges).toEqual([]) },
  { argument: 'auditLog(action:)', query: 'query ($v: String) { auditLog(first: 5, action: $v) { edges { node { action } } } }', admin: true, answer: (v) => expect(v.auditLog.edges).toEqual([]) },
  { argument: 'auditLog(targetType:)', query: 'query ($v: String) { auditLog(first: 5, targetType: $v) { edges { node { action } } } }', admin: true, answer: (v) => expect(v.auditLog.edges).toEqual([]) },
  {
    argument: '_entities(representations: [{ slug }])',
    query: 'query ($v: String!) { _entities(representations: [{ __typename: "Actor", slug: $v }]) { ... on Actor { name } } }',
    answer: (v) => expect(v._entities).toEqual([null]),
  },
  {
    argument: 'exportBundle(actors:)',
    query: 'query ($v: String!) { exportBundle(actors: [$v]) { __typename ... on NotFoundError { key } } }',
    answer: (v) => expect(v.exportBundle.__typename).toBe('NotFoundError'),
  },
  ...(['sources', 'claims'] as const).map((list) => ({
    argument: `exportBundle(${list}:)`,
    query: `query ($v: String!) { exportBundle(${list}: [$v]) { __typename } }`,
    answer: (v: Record<string, any>) => expect(v.exportBundle.__typename).toBe('NotFoundError'),
  })),
  ...(['actors', 'sources', 'claims'] as const).map((list) => ({
    argument: `claimsJsonLd(${list}:)`,
    query: `query ($v: String!) { claimsJsonLd(${list}: [$v]) { __typename } }`,
    answer: (v: Record<string, any>) => expect(v.claimsJsonLd.__typename).toBe('NotFoundError'),
  })),
];

for (const filter of FILTERS) {
  for (const value of METACHARACTERS) {
    CASES.push({
      name: `${JSON.stringify(value)} in ${filter.argument}`,
      request: ({ tokens }) => q(filter.query, { v: value }, filter.admin ? { token: tokens.admin } : {}),
      answer: data(filter.answer),
    });
  }
}

/** What must never reach a client: SQL, Prisma's messages, stack frames, paths, hosts and ports. */
const LEAKS: RegExp[] = [
  /\b(SELECT|INSERT INTO|UPDATE|DELETE FROM)\b[^\n]{0,120}\b(FROM|SET|VALUES|WHERE)\b/,
  /"public"\./,
  /syntax error at or near|invalid input syntax|violates (unique|foreign key|not-null|check) constraint|relation "[^"]+" does not exist/i,
  /prisma|Invalid `/i,
  /\bat [\w$.<>]+ \(|\.(ts|js|mjs|cjs):\d+:\d+|node_modules|file:\/\//,
  /\/work\/|\/home\/|\/usr\/|\/tmp\//,
  /127\.0\.0\.1|localhost|\[::1\]|:5432\b|postgres(ql)?:\/\//i,
  /"stack"/,
];

/** A digest of every row of every table but the tokens' last-use times, which reading with a token may update. */
async function fingerprint(test: TestDatabase): Promise<string> {
  return test.db.withSession(async (session) => {
    const tables = await session.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' ORDER BY table_name`,
    );
    const parts: string[] = [];
    for (const { name } of tables.rows) {
      const quoted = `"${name.replaceAll('"', '""')}"`;
      const row = name === 'ApiToken' ? `(t."id", t."name", t."tokenHash", t."scopes", t."revokedAt", t."expiresAt")::text` : 't::text';
      const result = await session.query<{ digest: string | null; count: string | number }>(
        `SELECT md5(coalesce(string_agg(${row}, '|' ORDER BY ${row}), '')) AS digest, count(*) AS count FROM ${quoted} t`,
      );
      parts.push(`${name}:${result.rows[0]?.count}:${result.rows[0]?.digest}`);
    }
    return parts.join('\n');
  });
}

const HANG_MS = 30_000;

async function sendWithin(app: App, options: SendOptions): Promise<Sent> {
  let timer: NodeJS.Timeout | undefined;
  const hung = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${HANG_MS / 1000} s: the request hangs`)), HANG_MS);
  });
  return Promise.race([send(app, options), hung]).finally(() => clearTimeout(timer));
}

/** A refused case answers its typed error; every case answers below 500, leaks nothing and changes no row. */
async function expectHandled(test: TestDatabase, app: App, world: World, before: string, hostile: HostileCase): Promise<void> {
  const sent = await sendWithin(app, hostile.request(world));
  const shown = sent.text.slice(0, 500);
  expect(sent.status, shown).toBeLessThan(500);
  if (hostile.refused) {
    expect(sent.status, shown).toBe(hostile.refused.status);
    expect(sent.json?.errors?.length, shown).toBeGreaterThan(0);
    for (const error of sent.json?.errors ?? []) {
      expect([hostile.refused.code].flat(), shown).toContain(error.extensions?.code);
      if (hostile.refused.message) expect(error.message).toMatch(hostile.refused.message);
    }
  }
  hostile.answer?.(sent);
  for (const leak of LEAKS) expect(sent.text, `leaks ${leak}`).not.toMatch(leak);
  expect(await fingerprint(test), 'a row changed').toBe(before);
}

/** A seeded database behind the production configuration, with tokens and the ids and cursor cases refer to. */
async function seededWorld(label: string): Promise<{ test: TestDatabase; app: App; world: World }> {
  const test = await createTestDatabase(label);
  await seed(test.db.prisma);
  const tokens = await createTokens(test);
  const { app } = createConfiguredApp(test);
  const ids = await send(app, { query: '{ actors(first: 1) { edges { cursor node { id } } } statements(first: 1) { edges { node { id } } } }' });
  const world = { tokens, actorId: ids.json?.data?.actors.edges[0].node.id, actorCursor: ids.json?.data?.actors.edges[0].cursor, statementId: ids.json?.data?.statements.edges[0].node.id };
  return { test, app, world };
}

/** One block of cases, each judged by expectHandled against a fresh seeded world (`prepare` adds what its cases need). */
function describeHandled(title: string, label: string, cases: readonly HostileCase[], prepare?: (app: App, world: World) => Promise<unknown>) {
  describe(`${title} (${databaseLabel()}): ${cases.length} cases`, () => {
    let test: TestDatabase;
    let app: App;
    let world: World;
    let before: string;

    beforeAll(async () => {
      ({ test, app, world } = await seededWorld(label));
      await prepare?.(app, world);
      before = await fingerprint(test);
    });
    afterAll(() => test?.close());

    for (const hostile of cases) {
      it(hostile.name, async () => {
        await expectHandled(test, app, world, before, hostile);
      });
    }
  });
}

describe(`hostile input against the production configuration (${databaseLabel()}): ${CASES.length} cases`, () => {
  let test: TestDatabase;
  let app: App;
  let world: World;
  let before: string;

  beforeAll(async () => {
    ({ test, app, world } = await seededWorld('hostile'));
    before = await fingerprint(test);
  });
  afterAll(() => test?.close());

  it('has at least 60 cases', () => {
    expect(CASES.length).toBeGreaterThanOrEqual(60);
    expect(new Set(CASES.map((one) => one.name)).size).toBe(CASES.length);
  });

  for (const hostile of CASES) {
    it(hostile.name, async () => {
      const sent = await sendWithin(app, hostile.request(world));
      const shown = sent.text.slice(0, 500);
      expect(sent.status, shown).toBeLessThan(500);
      if (hostile.refused) {
        expect(sent.status, shown).toBe(hostile.refused.status);
        const codes = [hostile.refused.code].flat();
        if (codes.some(Boolean)) {
          expect(sent.json?.errors?.length, shown).toBeGreaterThan(0);
          for (const error of sent.json?.errors ?? []) {
            expect(codes, shown).toContain(error.extensions?.code);
            expect(error.message.length, shown).toBeGreaterThan(10);
            if (hostile.refused.message) expect(error.message).toMatch(hostile.refused.message);
          }
          // Refused means nothing answered: no data, or only the nulls of the refused fields.
          expect(Object.values(sent.json?.data ?? {}).filter((value) => value !== null), shown).toEqual([]);
        }
      }
      hostile.answer?.(sent);
      for (const leak of LEAKS) expect(sent.text, `leaks ${leak}`).not.toMatch(leak);
      for (const [name, value] of sent.headers) {
        if (name !== 'content-type' && name !== 'content-length') expect(`${name}: ${value}`).not.toMatch(LEAKS[6] as RegExp);
      }
      expect(await fingerprint(test), 'a row changed').toBe(before);
    });
  }

  it('still answers an ordinary query afterwards', async () => {
    const sent = await send(app, { query: '{ actor(slug: "china") { name statements(first: 1) { totalCount } } }' });
    expect(sent.json?.errors).toBeUndefined();
    expect(sent.json?.data?.actor.name).toBe('China');
    expect((await app.fetch('http://yoga/health')).status).toBe(200);
  });
});

// ---- Verdicts, ClaimReview JSON-LD and topic labels (issue 12): bad input gets a typed error and writes nothing.

const IMPORT_CLAIM_REVIEW = `mutation ($d: JSON!, $s: String, $m: Float) { importClaimReview(document: $d, scale: $s, matchThreshold: $m) { __typename
  ... on Error { message } ... on ValidationError { issues { path message } } } }`;
const CREATE_REVIEW = `mutation ($i: CreateReviewInput!) { createReview(input: $i) { __typename ... on Error { message } ... on ValidationError { issues { path message } } ... on NotFoundError { type } } }`;
const validIssue = (field: string, path: string[], message?: RegExp): Check =>
  data((value) => {
    expect(value[field].__typename).toBe('ValidationError');
    expect(value[field].issues[0].path).toEqual(path);
    if (message) expect(value[field].issues[0].message).toMatch(message);
  });
const review = (extra: Record<string, unknown>) => ({ claim: 'nk-troops-kursk-8000', reviewer: 'nato', scale: 'politifact', ...extra });
const oneClaimReview = (extra: Record<string, unknown> = {}) => ({
  '@context': 'https://schema.org',
  '@type': 'ClaimReview',
  claimReviewed: 'A claim nobody has made yet about hostile inputs.',
  author: { '@type': 'Organization', name: 'Hostile Checkers' },
  reviewRating: { '@type': 'Rating', alternateName: 'False' },
  ...extra,
});
const deepArrays = (levels: number): unknown => (levels === 0 ? oneClaimReview() : [deepArrays(levels - 1)]);

const VERDICT_CASES: HostileCase[] = [
  { name: 'a rating label outside its scale', request: ({ tokens }) => q(CREATE_REVIEW, { i: review({ rating: 'Totally True' }) }, { token: tokens.write }), answer: validIssue('createReview', ['input', 'rating'], /not on the scale "politifact"/) },
  { name: 'a rating value outside its scale', request: ({ tokens }) => q(CREATE_REVIEW, { i: review({ ratingValue: 1e308 }) }, { token: tokens.write }), answer: validIssue('createReview', ['input', 'ratingValue']) },
  { name: 'a rating label and value that disagree', request: ({ tokens }) => q(CREATE_REVIEW, { i: review({ rating: 'True', ratingValue: 0 }) }, { token: tokens.write }), answer: validIssue('createReview', ['input', 'rating']) },
  { name: 'a review with no rating at all', request: ({ tokens }) => q(CREATE_REVIEW, { i: review({}) }, { token: tokens.write }), answer: validIssue('createReview', ['input', 'rating']) },
  {
    name: 'an unknown rating scale',
    request: ({ tokens }) => q(CREATE_REVIEW, { i: review({ scale: "x'; DROP TABLE \"Review\"; --", rating: 'True' }) }, { token: tokens.write }),
    answer: data((value) => expect(value.createReview).toMatchObject({ __typename: 'NotFoundError', type: 'RatingScale' })),
  },
  { name: 'a 1 MB review explanation', request: ({ tokens }) => q(CREATE_REVIEW, { i: review({ rating: 'True', explanation: 'x'.repeat(MB) }) }, { token: tokens.write }), answer: validIssue('createReview', ['input', 'explanation']) },
  { name: 'a javascript: review URL', request: ({ tokens }) => q(CREATE_REVIEW, { i: review({ rating: 'True', url: 'javascript:alert(1)' }) }, { token: tokens.write }), answer: validIssue('createReview', ['input', 'url']) },
  { name: 'a review with the wrong kind of ID', request: ({ statementId, tokens }) => q(`mutation { deleteReview(id: "${statementId}") { __typename } }`, undefined, { token: tokens.admin }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  {
    name: 'a rating scale of 1,000 labels',
    request: ({ tokens }) =>
      q('mutation ($i: CreateRatingScaleInput!) { createRatingScale(input: $i) { __typename ... on ValidationError { issues { path message } } } }', { i: { slug: 'huge', name: 'Huge', labels: Array.from({ length: 1000 }, (_, i) => `L${i}`) } }, { token: tokens.write }),
    answer: validIssue('createRatingScale', ['input', 'labels'], /at most 20 labels/),
  },
  {
    name: 'a rating scale whose values fall',
    request: ({ tokens }) =>
      q('mutation ($i: CreateRatingScaleInput!) { createRatingScale(input: $i) { __typename ... on ValidationError { issues { path message } } } }', { i: { slug: 'falling', name: 'Falling', labels: ['a', 'b'], values: [2, 1] } }, { token: tokens.write }),
    answer: validIssue('createRatingScale', ['input', 'values'], /increase strictly/),
  },
  { name: 'huge ClaimReview JSON-LD (over the 1 MiB body limit)', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview({ reviewBody: 'x'.repeat(2 * MB) }) }, { token: tokens.write }), refused: { status: 413, code: 'PAYLOAD_TOO_LARGE' } },
  {
    name: 'a DataFeed of 600 ClaimReviews',
    request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: { '@type': 'DataFeed', dataFeedElement: Array.from({ length: 600 }, () => ({ '@type': 'ClaimReview' })) } }, { token: tokens.write }),
    answer: validIssue('importClaimReview', ['document'], /holds 600 ClaimReviews; at most 500/),
  },
  { name: 'JSON-LD that is a bare string', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: 'not JSON-LD' }, { token: tokens.write }), answer: validIssue('importClaimReview', ['document'], /no ClaimReview found/) },
  { name: 'JSON-LD of another type', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: { '@type': 'NewsArticle', headline: 'x' } }, { token: tokens.write }), answer: validIssue('importClaimReview', ['document'], /no ClaimReview found/) },
  {
    name: 'a ClaimReview without claim, author or rating',
    request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: { '@type': 'ClaimReview' } }, { token: tokens.write }),
    answer: data((value) => expect(value.importClaimReview.issues.map((issue: { path: string[] }) => issue.path.join('/'))).toEqual(['document/claimReviewed', 'document/author/name', 'document/reviewRating'])),
  },
  {
    name: 'a ClaimReview whose ratingValue is not a number',
    request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview({ reviewRating: { '@type': 'Rating', ratingValue: '1; DROP TABLE' } }) }, { token: tokens.write }),
    answer: validIssue('importClaimReview', ['document', 'reviewRating', 'ratingValue'], /must be a number/),
  },
  { name: 'a ClaimReview label no scale has', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview({ reviewRating: { alternateName: 'Spicy', '@type': 'Rating' } }) }, { token: tokens.write }), answer: validIssue('importClaimReview', ['document', 'reviewRating', 'alternateName'], /no rating scale/) },
  { name: 'a ClaimReview import on an unknown scale', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview(), s: 'nope' }, { token: tokens.write }), answer: validIssue('importClaimReview', ['scale']) },
  { name: 'a ClaimReview import with matchThreshold 7', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview(), m: 7 }, { token: tokens.write }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'a ClaimReview buried 2,000 arrays deep', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: deepArrays(2000) }, { token: tokens.write }), answer: validIssue('importClaimReview', ['document'], /no ClaimReview found/) },
  { name: 'a ClaimReview import without a token', request: () => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview() }), refused: { status: 200, code: 'UNAUTHENTICATED' } },
  { name: 'a ClaimReview import with a read token', request: ({ tokens }) => q(IMPORT_CLAIM_REVIEW, { d: oneClaimReview() }, { token: tokens.read }), refused: { status: 200, code: 'FORBIDDEN' } },
  {
    name: 'a topic label of punctuation only',
    request: ({ tokens }) => q('mutation { createClaim(input: { slug: "punct", text: "T", topics: ["?!…"] }) { __typename ... on ValidationError { issues { path message } } } }', undefined, { token: tokens.write }),
    answer: validIssue('createClaim', ['input', 'topics', '0'], /letter or digit/),
  },
  {
    name: '51 topics on one claim',
    request: ({ tokens }) => q('mutation ($t: [String!]) { createClaim(input: { slug: "many-topics", text: "T", topics: $t }) { __typename ... on ValidationError { issues { path message } } } }', { t: Array.from({ length: 51 }, (_, i) => `Topic ${i}`) }, { token: tokens.write }),
    answer: validIssue('createClaim', ['input', 'topics']),
  },
  { name: 'topics(first: 1000)', request: () => q('{ topics(first: 1000) { slug } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'a 1 MB topics(search:)', request: () => q('query ($s: String) { topics(search: $s) { slug } }', { s: 'x'.repeat(MB) }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 200 characters/ } },
  ...METACHARACTERS.flatMap((value): HostileCase[] => [
    {
      // Matched as itself in labels and, by its slug (letters and digits only), in slugs: "(a+)+$" finds the slugs holding "a".
      name: `${JSON.stringify(value)} in topics(search:)`,
      request: () => q('query ($v: String) { topics(search: $v) { slug } }', { v: value }),
      answer: data((v) => {
        const slug = topicSlug(value);
        if (!slug) expect(v.topics).toEqual([]);
        else for (const topic of v.topics) expect(topic.slug).toContain(slug);
      }),
    },
    { name: `${JSON.stringify(value)} in reviews(rating:)`, request: () => q('query ($v: String) { reviews(rating: $v) { totalCount } }', { v: value }), answer: data((v) => expect(v.reviews.totalCount).toBe(0)) },
    { name: `${JSON.stringify(value)} in reviews(reviewer:)`, request: () => q('query ($v: String) { reviews(reviewer: $v) { totalCount } }', { v: value }), answer: data((v) => expect(v.reviews.totalCount).toBe(0)) },
  ]),
];

describeHandled('hostile input to verdicts, ClaimReview import and topics', 'hostile-verdicts', VERDICT_CASES, (app, world) =>
  // One review, so that filters have something not to match.
  send(app, { query: CREATE_REVIEW, variables: { i: review({ rating: 'Mostly True' }) }, token: world.tokens.write }),
);

// ---- Positions and position changes (issue 12): bad input gets a typed error or an empty list, never a scan of everything.

const POSITIONS_OF = (claim: string, extra = '') => `query ($c: String!) { actor(slug: "china") { positions(claim: $c${extra}) { totalCount edges { node { position } } } } }`;
const CHANGES_OF = '{ positionChanges(actor: $a, claim: $c) { totalCount edges { node { from to } } } }';
const CHANGES_QUERY = `query ($a: String, $c: String) ${CHANGES_OF}`;
const emptyOrInvalid = (field: 'positionChanges' | 'positions'): Check => (sent) => {
  expect(sent.status, sent.text.slice(0, 300)).toBe(200);
  const errors = sent.json?.errors ?? [];
  if (errors.length > 0) for (const error of errors) expect(error.extensions?.code).toBe('INVALID_ID');
  else expect(field === 'positions' ? sent.json?.data?.actor.positions.totalCount : sent.json?.data?.positionChanges.totalCount).toBe(0);
};

const POSITION_CASES: HostileCase[] = [
  { name: 'positionChanges with neither actor nor claim', request: () => q('{ positionChanges { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /needs `actor`, `claim` or both/ } },
  { name: 'positionChanges with both filters null', request: () => q(CHANGES_QUERY, { a: null, c: null }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'positionChanges(since:) not a date', request: () => q('{ positionChanges(actor: "china", since: "yesterday") { totalCount } }'), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'positionChanges(since:) 30 February', request: () => q('query ($s: Date) { positionChanges(actor: "china", since: $s) { totalCount } }', { s: '2024-02-30' }), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'positionChanges(since:) a number', request: () => q('query ($s: Date) { positionChanges(actor: "china", since: $s) { totalCount } }', { s: 20240101 }), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'positionChanges(first: 1000)', request: () => q('{ positionChanges(actor: "china", first: 1000) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 100/ } },
  { name: 'positionChanges(last: -1)', request: () => q('{ positionChanges(actor: "china", last: -1) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'positionChanges with a garbage cursor', request: () => q('{ positionChanges(actor: "china", after: "garbage!!") { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /not a cursor from this service/ } },
  { name: 'positionChanges with a cursor of no row', request: () => q(`{ positionChanges(actor: "china", after: "${b64(`GPC:S:${NO_SUCH_UUID}`)}") { edges { node { from } } } }`), answer: data((value) => expect(value.positionChanges.edges).toEqual([])) },
  { name: 'positionChanges with an actor ID as the claim', request: ({ actorId }) => q(CHANGES_QUERY, { c: actorId }), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'positionChanges with a forged actor ID', request: () => q(CHANGES_QUERY, { a: b64(`Actor:' OR 1=1; --`) }), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'positionChanges of an actor that does not exist', request: () => q(CHANGES_QUERY, { a: 'no-such-actor' }), answer: data((value) => expect(value.positionChanges).toEqual({ totalCount: 0, edges: [] })) },
  { name: 'positionChanges of an ID that names no actor', request: () => q(CHANGES_QUERY, { a: b64(`Actor:${NO_SUCH_UUID}`) }), answer: data((value) => expect(value.positionChanges.totalCount).toBe(0)) },
  { name: 'positionChanges of the empty slug', request: () => q(CHANGES_QUERY, { a: '' }), answer: data((value) => expect(value.positionChanges.totalCount).toBe(0)) },
  { name: 'positionChanges of a 100 kB slug', request: () => q(CHANGES_QUERY, { a: 'a'.repeat(100_000) }), answer: data((value) => expect(value.positionChanges.totalCount).toBe(0)) },
  {
    name: 'positionChanges with pages inside pages under 15 aliases',
    request: () => q(`{ ${Array.from({ length: 15 }, (_, i) => `c${i}: positionChanges(actor: "china", first: 100) { edges { node { actor { statements(first: 20) { edges { node { slug } } } } } } }`).join(' ')} }`),
    refused: { status: 400, code: LIMIT, message: /would cost/ },
  },
  { name: 'Actor.positions(first: 101)', request: () => q(POSITIONS_OF('$c', ', first: 101'), { c: 'nk-troops-kursk-8000' }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 100/ } },
  { name: 'Actor.positions with a statement ID as the claim', request: ({ statementId }) => q(POSITIONS_OF('$c'), { c: statementId }), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'Actor.positions with a claim ID that is not a UUID', request: () => q(POSITIONS_OF('$c'), { c: b64('Claim:1 OR 1=1') }), refused: { status: 200, code: 'INVALID_ID' } },
  { name: 'Actor.positions with a NUL in the claim', request: () => q(POSITIONS_OF('$c'), { c: 'nk\u0000troops' }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  ...METACHARACTERS.flatMap((value): HostileCase[] => [
    { name: `${JSON.stringify(value)} in Actor.positions(claim:)`, request: () => q(POSITIONS_OF('$c'), { c: value }), answer: emptyOrInvalid('positions') },
    { name: `${JSON.stringify(value)} in positionChanges(actor:)`, request: () => q(CHANGES_QUERY, { a: value }), answer: emptyOrInvalid('positionChanges') },
  ]),
];

describeHandled('hostile input to positions and position changes', 'hostile-positions', POSITION_CASES);

// ---- History, correction notes and as-of reads (issue 12): a typed refusal or a correct answer, nothing written.

const AS_OF_CLAIM = 'query ($t: DateTime) { claim(slug: "nk-troops-kursk-8000", asOf: $t) { slug status } }';
const HISTORY_OF = (args: string) => `{ claim(slug: "nk-troops-kursk-8000") { history(${args}) { totalCount edges { cursor node { action } } } } }`;
const UPDATE_WITH_REASON = (actorId: string) => `mutation ($r: String) { updateActor(id: "${actorId}", input: { description: "Corrected." }, reason: $r) { __typename ... on ValidationError { issues { path message } } } }`;
const refusedAt = (path: string[]): Check => (sent) => {
  expect(sent.status, sent.text.slice(0, 300)).toBe(200);
  const payload = Object.values(sent.json?.data ?? {})[0] as { __typename: string; issues: { path: string[] }[] };
  expect(payload.__typename).toBe('ValidationError');
  expect(payload.issues[0]?.path).toEqual(path);
};
const namesAsOf: Check = (sent) => {
  expect(sent.json?.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argument: 'asOf' });
};

const HISTORY_CASES: HostileCase[] = [
  { name: 'asOf an hour in the future', request: () => q(AS_OF_CLAIM, { t: new Date(Date.now() + 3_600_000).toISOString() }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /future/ }, answer: namesAsOf },
  { name: 'asOf in the year 275760', request: () => q(AS_OF_CLAIM, { t: '+275760-09-13T00:00:00.000Z' }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'asOf before the epoch', request: () => q('query ($t: DateTime) { claims(asOf: $t) { totalCount } }', { t: '1969-07-20T20:17:00Z' }), refused: { status: 200, code: 'BAD_USER_INPUT', message: /epoch/ }, answer: namesAsOf },
  { name: 'asOf at the epoch, before the first write: nothing held', request: () => q('{ claims(asOf: "1970-01-01T00:00:00Z") { totalCount } statements(asOf: "1970-01-01T00:00:00Z") { totalCount } }'), answer: data((value) => expect(value).toEqual({ claims: { totalCount: 0 }, statements: { totalCount: 0 } })) },
  { name: 'asOf not a timestamp', request: () => q(AS_OF_CLAIM, { t: 'last tuesday' }), refused: { status: 400, code: 'BAD_USER_INPUT', message: /ISO 8601/ } },
  { name: 'asOf a number', request: () => q(AS_OF_CLAIM, { t: 1_700_000_000_000 }), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'asOf inline, malformed', request: () => q('{ actor(slug: "china", asOf: "2024-13-45T99:99:99Z") { slug } }'), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'asOf with SQL in it', request: () => q(AS_OF_CLAIM, { t: "2024-01-01'); DROP TABLE \"Claim\"; --" }), refused: { status: 400, code: 'BAD_USER_INPUT' } },
  { name: 'asOf with a field it cannot serve (Claim.reviews)', request: () => q('{ claim(slug: "nk-troops-kursk-8000", asOf: "2025-01-01T00:00:00Z") { reviews { id } } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'asOf list with bad paging', request: () => q('{ statements(asOf: "2025-01-01T00:00:00Z", first: -1) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'asOf list with first: 101', request: () => q('{ claims(asOf: "2025-01-01T00:00:00Z", first: 101) { totalCount } }'), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 100/ } },
  { name: 'history with a garbage cursor', request: () => q(HISTORY_OF('after: "garbage!!"')), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'history with a cursor that is not a UUID', request: () => q(HISTORY_OF(`after: "${b64("GPC:S:1' OR '1'='1")}"`)), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'history with a cursor of no row', request: () => q(HISTORY_OF(`after: "${b64(`GPC:S:${NO_SUCH_UUID}`)}"`)), answer: data((value) => expect(value.claim.history.edges).toEqual([])) },
  { name: 'history with another list’s cursor (an actor’s)', request: ({ actorCursor }) => q(HISTORY_OF(`first: 5, after: "${actorCursor}"`)), answer: data((value) => expect(value.claim.history.edges).toEqual([])) },
  { name: 'history(before:, after:) together', request: () => q(HISTORY_OF(`after: "${b64(`GPC:S:${NO_SUCH_UUID}`)}", before: "${b64(`GPC:S:${NO_SUCH_UUID}`)}"`)), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'history(first: 1000)', request: () => q(HISTORY_OF('first: 1000')), refused: { status: 200, code: 'BAD_USER_INPUT', message: /at most 100/ } },
  { name: 'statusHistory(last: -5)', request: () => q('{ claim(slug: "nk-troops-kursk-8000") { statusHistory(last: -5) { totalCount } } }'), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'a 2,001-character correction note', request: ({ actorId, tokens }) => q(UPDATE_WITH_REASON(actorId), { r: 'x'.repeat(2_001) }, { token: tokens.write }), answer: refusedAt(['reason']) },
  { name: 'a 1 MB correction note', request: ({ actorId, tokens }) => q(UPDATE_WITH_REASON(actorId), { r: 'x'.repeat(MB) }, { token: tokens.write }), answer: refusedAt(['reason']) },
  { name: 'a blank correction note', request: ({ actorId, tokens }) => q(UPDATE_WITH_REASON(actorId), { r: ' \n\t ' }, { token: tokens.write }), answer: refusedAt(['reason']) },
  { name: 'a correction note of NULs', request: ({ actorId, tokens }) => q(UPDATE_WITH_REASON(actorId), { r: '\u0000\u0000' }, { token: tokens.write }), refused: { status: 200, code: 'BAD_USER_INPUT' } },
  { name: 'a correction note on a stance of no statement', request: ({ tokens }) => q(`mutation { removeStance(statement: "${b64(`Statement:${NO_SUCH_UUID}`)}", claim: "nk-troops-kursk-8000", reason: "gone") { __typename } }`, undefined, { token: tokens.write }), answer: data((value) => expect(value.removeStance.__typename).toBe('NotFoundError')) },
];

describeHandled('hostile input to history, correction notes and as-of reads', 'hostile-history', HISTORY_CASES);
