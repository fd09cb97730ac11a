import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '../generated/prisma/client.js';
import type { TokenScope } from '../generated/prisma/enums.js';

export type Scope = TokenScope;
export const SCOPES: readonly Scope[] = ['read', 'write', 'admin'];

/** What a scope grants: admin implies write implies read. */
export const IMPLIED: Record<Scope, Scope[]> = { read: ['read'], write: ['read', 'write'], admin: ['read', 'write', 'admin'] };

export const hashToken = (token: string) => createHash('sha256').update(token, 'utf8').digest('hex');

export interface Principal {
  /** The token's name: what the audit log records as the writer. */
  name: string;
  scopes: ReadonlySet<Scope>;
}

/** Makes a token, stores only its hash, and returns the token: the one time anyone sees it. */
export async function createToken(prisma: PrismaClient, name: string, scopes: Scope[], expiresAt?: Date): Promise<string> {
  const token = `fs_${randomBytes(32).toString('base64url')}`;
  await prisma.apiToken.create({ data: { name, tokenHash: hashToken(token), scopes, expiresAt: expiresAt ?? null } });
  return token;
}

export async function revokeToken(prisma: PrismaClient, name: string): Promise<boolean> {
  const { count } = await prisma.apiToken.updateMany({ where: { name, revokedAt: null }, data: { revokedAt: new Date() } });
  return count > 0;
}

const BEARER = /^Bearer\s+([A-Za-z0-9_\-.~+/]+=*)\s*$/;

export type Authentication = { ok: true; principal: Principal | null } | { ok: false; reason: string };

/** Checks an Authorization header. No header is anonymous; a bad or revoked token is an error, not anonymous. */
export async function authenticate(prisma: PrismaClient, header: string | null): Promise<Authentication> {
  if (!header) return { ok: true, principal: null };
  const match = BEARER.exec(header);
  if (!match?.[1]) return { ok: false, reason: 'The Authorization header must be "Bearer <token>"' };
  const found = await prisma.apiToken.findUnique({ where: { tokenHash: hashToken(match[1]) } });
  const now = new Date();
  if (!found || found.revokedAt || (found.expiresAt && found.expiresAt <= now)) {
    return { ok: false, reason: 'The token is unknown, revoked or expired' };
  }
  if (!found.lastUsedAt || now.getTime() - found.lastUsedAt.getTime() > 60_000) {
    await prisma.apiToken.update({ where: { id: found.id }, data: { lastUsedAt: now } }).catch(() => undefined);
  }
  return { ok: true, principal: { name: found.name, scopes: new Set(found.scopes.flatMap((scope) => IMPLIED[scope])) } };
}

const byRequest = new WeakMap<Request, Promise<Authentication>>();

/**
 * `authenticate` for an HTTP request, looked up once however many checks ask: a feed or reconciliation
 * request with private reads checks its token for the `read` scope, then its rate limit finds the token's
 * bucket by it, and each used to look the token up on its own.
 */
export function authenticateRequest(prisma: PrismaClient, request: Request): Promise<Authentication> {
  let found = byRequest.get(request);
  if (!found) byRequest.set(request, (found = authenticate(prisma, request.headers.get('authorization'))));
  return found;
}
