import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { GraphQLError } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { currentRequest } from './request-context.js';

export interface PoolStats {
  /** Connections open, in use or idle. */
  total: number;
  idle: number;
  /** Queries waiting for a connection. */
  waiting: number;
  max: number;
}

export interface MetricsOptions {
  /** The database pool's use, when the database is a pool (PostgreSQL). */
  poolStats?: () => PoolStats;
}

export const METRICS_PATH = '/metrics';

let processRegistry: Registry | undefined;

/** Process metrics (CPU, memory, event loop, GC) are the process's, not one app's: collected once. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/** Labels must stay few: an attacker controls the path and the operation name, so neither is a label. */
function route(pathname: string): string {
  if (pathname === '/graphql' || pathname === '/health' || pathname === '/ready' || pathname === METRICS_PATH) return pathname.slice(1);
  if (pathname.startsWith('/graphiql/')) return 'graphiql';
  return 'other';
}

const METHODS = new Set(['GET', 'POST', 'OPTIONS', 'HEAD', 'PUT', 'PATCH', 'DELETE']);

const errorCode = (error: GraphQLError | Error) => {
  const code = 'extensions' in error ? error.extensions?.code : undefined;
  return typeof code === 'string' && /^[A-Z][A-Z_]{0,39}$/.test(code) ? code : 'UNCODED';
};

export interface Metrics {
  plugin: Plugin;
  registry: Registry;
  observeCost(cost: number): void;
}

/** Prometheus metrics at /metrics: request duration, GraphQL errors by code, query cost and the database pool. */
export function createMetrics(options: MetricsOptions = {}): Metrics {
  const registry = new Registry();
  const duration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time from request to response, by route, method, status and GraphQL operation type.',
    labelNames: ['route', 'method', 'status', 'operation'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'graphql_errors_total',
    help: 'Errors in GraphQL responses, by extensions.code.',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const cost = new Histogram({
    name: 'graphql_query_cost',
    help: 'Computed cost of the operations that were run.',
    buckets: [1, 10, 50, 100, 500, 1000, 5000, 10_000, 25_000],
    registers: [registry],
  });
  if (options.poolStats) {
    const stats = options.poolStats;
    new Gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state (total = open; idle = open and unused); waiting = queries waiting for one.',
      labelNames: ['state'] as const,
      registers: [registry],
      collect() {
        const now = stats();
        this.set({ state: 'total' }, now.total);
        this.set({ state: 'idle' }, now.idle);
        this.set({ state: 'waiting' }, now.waiting);
      },
    });
    new Gauge({
      name: 'db_pool_max',
      help: 'The most connections the pool opens.',
      registers: [registry],
      collect() {
        this.set(stats().max);
      },
    });
  }
  const shared = processMetrics();

  const plugin: Plugin = {
    async onRequest({ url, request, endResponse, fetchAPI }) {
      if (url.pathname !== METRICS_PATH) return;
      if (request.method !== 'GET') {
        endResponse(new fetchAPI.Response(null, { status: 405, headers: { allow: 'GET' } }));
        return;
      }
      const text = `${await shared.metrics()}\n${await registry.metrics()}`;
      endResponse(new fetchAPI.Response(text, { headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' } }));
    },
    onResultProcess({ result }) {
      const results = Array.isArray(result) ? result : Symbol.asyncIterator in result ? [] : [result];
      for (const one of results) for (const error of one.errors ?? []) errors.inc({ code: errorCode(error) });
    },
    onResponse({ request, response }) {
      const state = currentRequest();
      if (!state) return;
      duration.observe(
        { route: route(new URL(request.url).pathname), method: METHODS.has(request.method) ? request.method : 'OTHER', status: String(response.status), operation: state.operation ?? 'none' },
        (performance.now() - state.started) / 1000,
      );
    },
  };
  return { plugin, registry, observeCost: (value) => cost.observe(value) };
}
