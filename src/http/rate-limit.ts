import type { Redis } from 'ioredis';
import type { Logger } from '../logger.js';

/** A token bucket per client: it holds `capacity` cost points and refills `capacity` every minute. */
export interface RateLimit {
  /** Cost points a client may spend per minute (and in one burst). */
  costPerMinute: number;
}

export interface Allowance {
  allowed: boolean;
  /** Points left in the bucket after this request (or before it, when refused). */
  remaining: number;
  /** When refused: how long until the bucket holds enough for this request. */
  retryAfterMs: number;
}

export interface RateLimitStore {
  take(client: string, cost: number): Promise<Allowance>;
  close(): Promise<void>;
}

interface Bucket {
  points: number;
  at: number;
}

/** One process's buckets. Several instances behind a load balancer need the Redis store to share them. */
export function memoryStore(limit: RateLimit, now: () => number = () => performance.now()): RateLimitStore {
  const capacity = limit.costPerMinute;
  const perMs = capacity / 60_000;
  const buckets = new Map<string, Bucket>();
  // Bounded: a flood of distinct clients (spoofed IPs behind a misconfigured proxy) must not grow memory without end.
  const MAX_CLIENTS = 100_000;
  return {
    async take(client, cost) {
      const time = now();
      const bucket = buckets.get(client) ?? { points: capacity, at: time };
      buckets.delete(client);
      bucket.points = Math.min(capacity, bucket.points + (time - bucket.at) * perMs);
      bucket.at = time;
      const allowed = bucket.points >= cost;
      if (allowed) bucket.points -= cost;
      buckets.set(client, bucket);
      if (buckets.size > MAX_CLIENTS) {
        const oldest = buckets.keys().next();
        if (!oldest.done) buckets.delete(oldest.value);
      }
      return { allowed, remaining: Math.floor(bucket.points), retryAfterMs: allowed ? 0 : Math.ceil((cost - bucket.points) / perMs) };
    },
    async close() {
      buckets.clear();
    },
  };
}

/** The same bucket in Redis, updated atomically in one script; Redis's clock, so instances need not agree on the time. */
const TAKE = `
local capacity = tonumber(ARGV[1])
local per_ms = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local state = redis.call('HMGET', KEYS[1], 'points', 'at')
local points = tonumber(state[1]) or capacity
local at = tonumber(state[2]) or now
points = math.min(capacity, points + math.max(0, now - at) * per_ms)
local allowed = 0
local retry = 0
if points >= cost then
  points = points - cost
  allowed = 1
else
  retry = math.ceil((cost - points) / per_ms)
end
redis.call('HSET', KEYS[1], 'points', tostring(points), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((capacity - points) / per_ms) + 1000)
return { allowed, tostring(points), retry }
`;

/** Where a deployment's keys and channels live in Redis (REDIS_KEY_PREFIX): two deployments sharing one Redis set different ones. */
export const DEFAULT_REDIS_KEY_PREFIX = 'fact-service:';

/** Buckets are `<prefix>rate:<client>`. */
export function redisStore(limit: RateLimit, redis: Redis, logger: Logger, prefix = DEFAULT_REDIS_KEY_PREFIX): RateLimitStore {
  const keyPrefix = `${prefix}rate:`;
  const capacity = limit.costPerMinute;
  const perMs = capacity / 60_000;
  let warnedAt = Number.NEGATIVE_INFINITY;
  return {
    async take(client, cost) {
      try {
        const reply = (await redis.eval(TAKE, 1, keyPrefix + client, capacity, perMs, cost)) as [number, string, number];
        const [allowed, points, retry] = reply;
        return { allowed: allowed === 1, remaining: Math.floor(Number(points)), retryAfterMs: Number(retry) };
      } catch (error) {
        // Fail open: an unreachable Redis must not take the API down with it. Say so, once a minute.
        if (performance.now() - warnedAt > 60_000) {
          warnedAt = performance.now();
          logger.warn({ err: error }, 'rate limiting is off: Redis does not answer');
        }
        return { allowed: true, remaining: capacity, retryAfterMs: 0 };
      }
    },
    async close() {
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}

/**
 * Whose bucket a request spends from: its token's when it sends a valid one, wherever it calls from, and
 * otherwise its address (a made-up token counts as its address). GraphQL operations, feeds and the
 * reconciliation endpoints all use this, so they share one budget per client.
 */
export async function clientKey(
  headers: { get(name: string): string | null; has(name: string): boolean } | undefined,
  socketAddress: string | undefined,
  principal: () => Promise<{ name: string } | null>,
  trustedProxies: number,
): Promise<string> {
  if (headers?.has('authorization')) {
    const found = await principal().catch(() => null);
    if (found) return `token:${found.name}`;
  }
  return `ip:${clientAddress(socketAddress, headers?.get('x-forwarded-for') ?? null, trustedProxies)}`;
}

/**
 * The client's address: the socket's, or with `trustedProxies` load balancers in front, the address the
 * nearest of them saw (X-Forwarded-For is appended to by each hop, so only its last entries can be trusted).
 */
export function clientAddress(socketAddress: string | undefined, forwardedFor: string | null, trustedProxies: number): string {
  if (trustedProxies > 0 && forwardedFor) {
    const hops = forwardedFor
      .split(',')
      .map((hop) => hop.trim())
      .filter(Boolean);
    const seen = hops[Math.max(0, hops.length - trustedProxies)];
    if (seen) return seen.slice(0, 64);
  }
  return socketAddress ?? 'unknown';
}
