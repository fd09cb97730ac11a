import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { type CostModel, DEFAULT_COST_MODEL } from './cost.js';
import { useCostLimit } from './cost-limit.js';
import type { YogaOptions } from './integration.js';
import { useErrorCodes } from './error-codes.js';
import { useInputGuard } from './input-guard.js';
import { DEFAULT_LIMITS, limitPlugins, type QueryLimits } from './limits.js';
import { createMetrics, type MetricsOptions } from './metrics.js';
import { memoryStore, type RateLimitStore, redisStore } from './rate-limit.js';
import { redactedRedisUrl } from './redis-events.js';
import { useRequestContext } from './request-context.js';
import { useExecutionTimeout } from './timeout.js';
import { startTracing, type Tracing, type TracingConfig, useTracing } from './tracing.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 15_000;

/** Limits, timeouts, rate limiting and observability for a public endpoint. */
export interface HardeningOptions {
  /** Request log lines; without it, no access log. */
  logger?: Logger;
  limits?: Partial<QueryLimits>;
  costModel?: CostModel;
  /** Per-client budget of cost points; none means no rate limiting. */
  rateLimit?: { store: RateLimitStore; costPerMinute: number; trustedProxies: number };
  /** Longest a GraphQL operation may run; 0 for no limit. */
  requestTimeoutMs?: number;
  /** Prometheus metrics at /metrics; on unless false. */
  metrics?: false | MetricsOptions;
  /** Spans through the globally registered OpenTelemetry tracer provider (see startTracing). */
  tracing?: boolean;
  /** True while the service shuts down: responses then close their connection. */
  draining?: () => boolean;
}

function useConnectionCloseWhileDraining(draining: () => boolean): Plugin {
  return {
    onResponse({ response }) {
      if (draining()) response.headers.set('connection', 'close');
    },
  };
}

/** Yoga options (plugins included) for hardening; server.ts spreads them into createYoga. */
export function hardeningYogaOptions(options: HardeningOptions = {}): YogaOptions & { context?: never } {
  const limits: QueryLimits = { ...DEFAULT_LIMITS, ...options.limits };
  const metrics = options.metrics === false ? undefined : createMetrics(options.metrics);
  const timeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const plugins: NonNullable<YogaOptions['plugins']> = [
    useRequestContext(options.logger),
    ...(options.tracing ? [useTracing()] : []),
    useErrorCodes(),
    ...(metrics ? [metrics.plugin] : []),
    ...(options.draining ? [useConnectionCloseWhileDraining(options.draining)] : []),
    ...limitPlugins(limits),
    useInputGuard(),
    useCostLimit({
      maxCost: limits.maxCost,
      model: options.costModel ?? DEFAULT_COST_MODEL,
      ...(options.rateLimit ? { rateLimit: options.rateLimit } : {}),
      ...(metrics ? { onCost: metrics.observeCost } : {}),
    }),
    ...(timeout > 0 ? [useExecutionTimeout(timeout)] : []),
  ];
  return { plugins };
}

/** What the hardening part of the configuration says (see src/config.ts). */
export interface HardeningSettings {
  limits: QueryLimits;
  rateLimit: { costPerMinute: number; trustedProxies: number };
  requestTimeoutMs: number;
  /** How long an idle keep-alive connection stays open; above the load balancer's idle timeout. */
  keepAliveTimeoutMs: number;
  metrics: boolean;
  tracing: TracingConfig | undefined;
}

export interface StartedHardening {
  options: HardeningOptions;
  close(): Promise<void>;
}

/** Connects what hardening needs outside the process (Redis for shared rate limits, an OTLP collector) and returns the options. */
export async function startHardening(
  settings: HardeningSettings,
  context: { logger: Logger; redisUrl?: string | undefined; redisKeyPrefix?: string; poolStats?: MetricsOptions['poolStats']; draining?: () => boolean },
): Promise<StartedHardening> {
  const { logger } = context;
  let tracing: Tracing | undefined;
  if (settings.tracing) tracing = await startTracing(settings.tracing, logger);
  let store: RateLimitStore | undefined;
  if (settings.rateLimit.costPerMinute > 0) {
    if (context.redisUrl) {
      // Loaded only when configured: most starts never talk to Redis.
      const { Redis } = await import('ioredis');
      const redis = new Redis(context.redisUrl, {
        lazyConnect: true,
        connectionName: 'fact-service-rate-limit',
        connectTimeout: 5_000,
        commandTimeout: 500,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
      });
      redis.on('error', () => {
        // Reported by the store when a request finds Redis away; ioredis reconnects by itself.
      });
      try {
        await redis.connect();
      } catch (error) {
        redis.disconnect();
        await tracing?.shutdown();
        throw new Error(`Redis at ${redactedRedisUrl(context.redisUrl)} did not answer: ${error instanceof Error ? error.message : String(error)}`);
      }
      store = redisStore(settings.rateLimit, redis, logger, context.redisKeyPrefix);
      logger.info({ costPerMinute: settings.rateLimit.costPerMinute }, 'rate limits are shared through Redis');
    } else {
      store = memoryStore(settings.rateLimit);
    }
  }
  const options: HardeningOptions = {
    logger,
    limits: settings.limits,
    requestTimeoutMs: settings.requestTimeoutMs,
    metrics: settings.metrics ? (context.poolStats ? { poolStats: context.poolStats } : {}) : false,
    tracing: Boolean(tracing),
    ...(store ? { rateLimit: { store, ...settings.rateLimit } } : {}),
    ...(context.draining ? { draining: context.draining } : {}),
  };
  return {
    options,
    async close() {
      await store?.close();
      await tracing?.shutdown();
    },
  };
}
