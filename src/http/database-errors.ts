import type { GraphQLError } from 'graphql';
import { createGraphQLError } from 'graphql-yoga';

export type DatabaseFailure = 'unavailable' | 'timeout' | 'invalid' | 'contention' | 'stopped';

/** Prisma's codes for "could not talk to the database": unreachable, timed out, closed, pool exhausted, refused us. */
const UNAVAILABLE_CODES = new Set(['P1000', 'P1001', 'P1002', 'P1003', 'P1008', 'P1010', 'P1011', 'P1017', 'P2024']);
/** Driver-adapter error kinds for the same. */
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
]);
/** PostgreSQL SQLSTATEs: connection exceptions (08), too many connections, shutting down or starting up. */
const UNAVAILABLE_SQLSTATE = /^(08...|53300|57P0[123])$/;
const CANCELLED_SQLSTATE = '57014';
/** A value the database could not read as its column's type: input that slipped past validation. */
const INVALID_TEXT_SQLSTATE = '22P02';
/** node-postgres raises these as plain errors, without a code. */
const DRIVER_MESSAGES = /Connection terminated|timeout exceeded when trying to connect|not queryable|ECONNREFUSED|ECONNRESET|Can't reach database server/i;

const field = (value: unknown, key: string): unknown => (typeof value === 'object' && value !== null && key in value ? (value as Record<string, unknown>)[key] : undefined);

function classifyOne(error: unknown): DatabaseFailure | undefined {
  // The write path retried deadlocks and serialization failures and gave up (WriteContention).
  if (field(error, 'name') === 'WriteContention') return 'contention';
  // The operation's time limit passed before its write committed (DeadlinePassed): rolled back.
  if (field(error, 'name') === 'DeadlinePassed') return 'stopped';
  const code = field(error, 'code');
  const adapterCause = field(field(field(error, 'meta'), 'driverAdapterError'), 'cause') ?? field(field(error, 'cause'), 'cause');
  const kind = field(adapterCause, 'kind') ?? field(field(error, 'cause'), 'kind');
  const sqlState = field(adapterCause, 'code') ?? (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined);
  if (sqlState === CANCELLED_SQLSTATE) return 'timeout';
  if (sqlState === INVALID_TEXT_SQLSTATE) return 'invalid';
  if (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) return 'unavailable';
  if (typeof kind === 'string' && UNAVAILABLE_KINDS.has(kind)) return 'unavailable';
  if (typeof sqlState === 'string' && UNAVAILABLE_SQLSTATE.test(sqlState)) return 'unavailable';
  const message = field(error, 'message');
  if (field(error, 'name') === 'Error' && typeof message === 'string' && DRIVER_MESSAGES.test(message)) return 'unavailable';
  return undefined;
}

/** Whether `error` (or what caused it) means the database is out of reach or cancelled the statement. */
export function classifyDatabaseError(error: unknown): DatabaseFailure | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current !== undefined && current !== null; depth++) {
    const failure = classifyOne(current);
    if (failure) return failure;
    current = field(current, 'originalError') ?? field(current, 'cause');
  }
  return undefined;
}

/** How long clients should wait before retrying while the database is away, or after losing to other writers. */
const RETRY_AFTER_SECONDS = 2;
const CONTENTION_RETRY_AFTER_SECONDS = 1;

/** The masked error a client sees for a database failure: what happened and what to do, nothing about where. */
export function databaseError(failure: DatabaseFailure, original?: GraphQLError): GraphQLError {
  if (failure === 'invalid') {
    return createGraphQLError('A value in the request is not in the form this field takes (an ID or cursor not made by this service?)', {
      nodes: original?.nodes,
      path: original?.path,
      extensions: { code: 'BAD_USER_INPUT' },
    });
  }
  if (failure === 'stopped') {
    return createGraphQLError('The request ran past its time limit before this write committed, so it was stopped: nothing was written', {
      nodes: original?.nodes,
      path: original?.path,
      extensions: { code: 'TIMEOUT', http: { status: 503 } },
    });
  }
  if (failure === 'contention') {
    return createGraphQLError('Too many writes to the same records at once: nothing was written; retry shortly', {
      nodes: original?.nodes,
      path: original?.path,
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, http: { status: 503, headers: { 'Retry-After': String(CONTENTION_RETRY_AFTER_SECONDS) } } },
    });
  }
  return failure === 'timeout'
    ? createGraphQLError('The database took too long to answer and the statement was cancelled; ask for less (smaller pages, fewer nested connections)', {
        nodes: original?.nodes,
        path: original?.path,
        extensions: { code: 'TIMEOUT' },
      })
    : createGraphQLError('The service cannot reach its database right now; retry shortly', {
        nodes: original?.nodes,
        path: original?.path,
        extensions: { code: 'SERVICE_UNAVAILABLE', http: { status: 503, headers: { 'Retry-After': String(RETRY_AFTER_SECONDS) } } },
      });
}
