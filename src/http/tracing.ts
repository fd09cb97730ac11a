import { context, propagation, type Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';
import { currentRequest } from './request-context.js';

export interface TracingConfig {
  /** OTLP/HTTP base URL, e.g. http://collector:4318 (traces go to /v1/traces there). */
  endpoint: string;
  serviceName: string;
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/** Registers an OpenTelemetry tracer provider that exports spans over OTLP/HTTP. Loaded only when configured. */
export async function startTracing(config: TracingConfig, logger: Logger): Promise<Tracing> {
  const [{ NodeTracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { resourceFromAttributes }] = await Promise.all([
    import('@opentelemetry/sdk-trace-node'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const url = `${config.endpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.serviceName }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  logger.info({ url, serviceName: config.serviceName }, 'tracing to OTLP');
  return {
    async shutdown() {
      await provider.shutdown().catch((error: unknown) => logger.warn({ err: error }, 'could not flush the last spans'));
    },
  };
}

const tracer = () => trace.getTracer('fact-service');

const fail = (span: Span, error: unknown) => {
  span.recordException(error instanceof Error ? error : String(error));
  span.setStatus({ code: SpanStatusCode.ERROR });
};

/** Runs `wrapped` (sync or async) inside a child span of the active one. */
function inSpan(name: string, wrapped: () => unknown): unknown {
  const span = tracer().startSpan(name);
  return context.with(trace.setSpan(context.active(), span), () => {
    let result: unknown;
    try {
      result = wrapped();
    } catch (error) {
      fail(span, error);
      span.end();
      throw error;
    }
    if (result instanceof Promise) {
      return result.then(
        (value: unknown) => {
          span.end();
          return value;
        },
        (error: unknown) => {
          fail(span, error);
          span.end();
          throw error;
        },
      );
    }
    span.end();
    return result;
  });
}

const headerGetter = {
  keys: (headers: Headers) => [...headers.keys()],
  get: (headers: Headers, key: string) => headers.get(key) ?? undefined,
};

/**
 * A server span per request (continuing the caller's trace from `traceparent`), with parse, validate and execute
 * spans inside. Spans name the operation and its cost; they never carry the query text or variables.
 */
export function useTracing(): Plugin {
  return {
    instrumentation: {
      async request({ request }, wrapped) {
        const parent = propagation.extract(context.active(), request.headers, headerGetter);
        const url = new URL(request.url);
        const span = tracer().startSpan(
          `${request.method} ${url.pathname}`,
          { kind: SpanKind.SERVER, attributes: { 'http.request.method': request.method, 'url.path': url.pathname } },
          parent,
        );
        try {
          await context.with(trace.setSpan(parent, span), wrapped);
        } catch (error) {
          fail(span, error);
          throw error;
        } finally {
          const state = currentRequest();
          if (state?.id) span.setAttribute('request.id', state.id);
          span.end();
        }
      },
      parse: (_payload, wrapped) => void inSpan('graphql.parse', wrapped),
      validate: (_payload, wrapped) => void inSpan('graphql.validate', wrapped),
      execute: (_payload, wrapped) => inSpan('graphql.execute', wrapped) as Promise<void> | void,
    },
    onExecute({ args }) {
      const span = trace.getActiveSpan();
      const operation = getOperationAST(args.document, args.operationName);
      if (!span || !operation) return;
      span.setAttribute('graphql.operation.type', operation.operation);
      if (operation.name) span.setAttribute('graphql.operation.name', operation.name.value.slice(0, 100));
      return {
        onExecuteDone({ result }) {
          const cost = currentRequest()?.cost;
          if (cost !== undefined) span.setAttribute('graphql.cost', cost);
          if ('errors' in result && result.errors?.length) span.setStatus({ code: SpanStatusCode.ERROR, message: 'GraphQL errors' });
        },
      };
    },
    onResponse({ response }) {
      const span = trace.getActiveSpan();
      span?.setAttribute('http.response.status_code', response.status);
      if (span && response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
    },
  };
}
