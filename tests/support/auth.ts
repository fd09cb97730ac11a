import { createToken, type Scope } from '../../src/auth/tokens.js';
import type { App } from '../../src/server.js';
import type { TestDatabase } from './database.js';
import type { Result } from './graphql.js';

export interface Tokens {
  read: string;
  write: string;
  admin: string;
}

export async function createTokens(test: TestDatabase): Promise<Tokens> {
  const make = (scope: Scope) => createToken(test.db.prisma, `test-${scope}`, [scope]);
  return { read: await make('read'), write: await make('write'), admin: await make('admin') };
}

/** Runs an operation with `Authorization: Bearer <token>` (or none). */
export async function executeAs<T = any>(app: App, token: string | null, query: string, variables?: Record<string, unknown>): Promise<Result<T>> {
  const response = await app.fetch('http://yoga/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Result<T>;
}
