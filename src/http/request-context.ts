import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { getOperationAST, type OperationTypeNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Logger } from '../logger.js';

/** What the service knows about the request it is handling; every log line written meanwhile carries its id. */
export interface RequestState {
  id: string;
  started: number;
  operation?: OperationTypeNode;
  operationName?: string;
  cost?: number;
}

const storage = new AsyncLocalStorage<RequestState>();

export const currentRequest = (): RequestState | undefined => storage.getStore();

/** pino `mixin`: adds `reqId` to every line logged while a request is handled. */
export function requestLogFields(): { reqId?: string } {
  const state = storage.getStore();
  return state ? { reqId: state.id } : {};
}

/** An id from the load balancer is kept when it is a plain token, so its logs and ours line up. */
const FORWARDED_ID = /^[\w.:@-]{1,128}$/;
const QUIET_PATHS = new Set(['/health', '/ready', '/metrics']);

export const REQUEST_ID_HEADER = 'x-request-id';

/** Gives each request an id (answered in `X-Request-Id`) and logs one line when it is answered, without variables. */
export function useRequestContext(logger?: Logger): Plugin {
  return {
    instrumentation: {
      request({ request }, wrapped) {
        const forwarded = request.headers.get(REQUEST_ID_HEADER);
        const state: RequestState = { id: forwarded && FORWARDED_ID.test(forwarded) ? forwarded : randomUUID(), started: performance.now() };
        return storage.run(state, wrapped);
      },
    },
    onExecute({ args }) {
      const state = storage.getStore();
      const operation = getOperationAST(args.document, args.operationName);
      if (!state || !operation) return;
      state.operation = operation.operation;
      const name = operation.name?.value;
      if (name) state.operationName = name.slice(0, 100);
    },
    onResponse({ request, response }) {
      const state = storage.getStore();
      if (!state) return;
      response.headers.set(REQUEST_ID_HEADER, state.id);
      if (!logger) return;
      const path = new URL(request.url).pathname;
      const entry = {
        method: request.method,
        path: path.slice(0, 200),
        status: response.status,
        ms: Math.round((performance.now() - state.started) * 10) / 10,
        ...(state.operation ? { operation: state.operation } : {}),
        ...(state.operationName ? { operationName: state.operationName } : {}),
        ...(state.cost === undefined ? {} : { cost: state.cost }),
      };
      if (QUIET_PATHS.has(path)) logger.debug(entry, 'request');
      else logger.info(entry, 'request');
    },
  };
}
