import { authenticateRequest } from '../auth/tokens.js';
import type { PrismaClient } from '../generated/prisma/client.js';
import { RequestError } from '../reconcile/errors.js';
import { clientKey, type RateLimitStore } from './rate-limit.js';

/** The GraphQL endpoint's buckets, shared with the feeds and the reconciliation endpoints. */
export interface EndpointRateLimit {
  store: RateLimitStore;
  costPerMinute: number;
  trustedProxies: number;
}

/** What Node's HTTP server puts in whatwg-node's server context. */
interface NodeServerContext {
  req?: { socket?: { remoteAddress?: string } };
}

/**
 * Spends `cost` points of the caller's bucket, or refuses with 429 and `Retry-After`. A feed page costs the
 * entries it may return, a reconciliation batch the candidates it may return, as a GraphQL query for the
 * same rows would; every request spends at least 1, so a flood of cheap requests is still a flood.
 */
export async function spendOnEndpoint(
  limit: EndpointRateLimit | undefined,
  prisma: PrismaClient,
  request: Request,
  serverContext: unknown,
  cost: number,
): Promise<void> {
  if (!limit) return;
  const spent = Math.max(1, Math.ceil(cost));
  const principal = async () => {
    const result = await authenticateRequest(prisma, request);
    return result.ok ? result.principal : null;
  };
  const client = await clientKey(request.headers, (serverContext as NodeServerContext | undefined)?.req?.socket?.remoteAddress, principal, limit.trustedProxies);
  const allowance = await limit.store.take(client, spent);
  if (allowance.allowed) return;
  const seconds = Math.max(1, Math.ceil(allowance.retryAfterMs / 1000));
  const message =
    spent > limit.costPerMinute
      ? `This request costs ${spent}, more than the ${limit.costPerMinute} points per minute a client may spend; ask for fewer rows`
      : `Too many requests: this request costs ${spent} and ${allowance.remaining} of your ${limit.costPerMinute} points per minute are left; retry in ${seconds} s`;
  throw new RequestError(429, 'RATE_LIMITED', message, undefined, { 'retry-after': String(seconds) });
}
