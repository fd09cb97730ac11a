import DataLoader from 'dataloader';
import { GraphQLError } from 'graphql';
import { authenticate, type Principal, type Scope } from './auth/tokens.js';
import type { Events } from './events.js';
import type { PrismaClient, Statement } from './generated/prisma/client.js';

export interface Context {
  prisma: PrismaClient;
  loaders: ReturnType<typeof createLoaders>;
  events: Events;
  /** The token's holder, or null when anonymous; rejects on a malformed, unknown or revoked token. */
  principal(): Promise<Principal | null>;
}

export function createLoaders(prisma: PrismaClient) {
  return {
    statementById: new DataLoader<string, Statement | null>(async (ids) => {
      const rows = await prisma.statement.findMany({ where: { id: { in: [...ids] } } });
      const byId = new Map(rows.map((row) => [row.id, row]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
    sourceTextById: new DataLoader<string, string | null>(async (ids) => {
      const rows = await prisma.source.findMany({ where: { id: { in: [...ids] } }, select: { id: true, text: true } });
      const byId = new Map(rows.map((row) => [row.id, row.text]));
      return ids.map((id) => byId.get(id) ?? null);
    }),
  };
}

export function createContext(prisma: PrismaClient, events: Events, authorization: string | null = null): Context {
  let principal: Promise<Principal | null> | undefined;
  return {
    prisma,
    events,
    loaders: createLoaders(prisma),
    principal: () =>
      (principal ??= authenticate(prisma, authorization).then((result) => {
        if (!result.ok) throw new GraphQLError(result.reason, { extensions: { code: 'UNAUTHENTICATED' } });
        return result.principal;
      })),
  };
}

/** Throws UNAUTHENTICATED without a token and FORBIDDEN without the scope; returns who is writing. */
export async function requireScope(context: Context, scope: Scope): Promise<Principal> {
  const principal = await context.principal();
  if (!principal) {
    throw new GraphQLError(`This needs a token with the "${scope}" scope: send "Authorization: Bearer <token>"`, {
      extensions: { code: 'UNAUTHENTICATED' },
    });
  }
  if (!principal.scopes.has(scope)) {
    throw new GraphQLError(`The token "${principal.name}" does not have the "${scope}" scope`, { extensions: { code: 'FORBIDDEN', scope } });
  }
  return principal;
}
