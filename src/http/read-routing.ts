import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { createLoaders, type Context } from '../context.js';
import { parseLsn, type ReadRouter, type ReadTarget } from '../db/read-routing.js';

export const LSN_HEADER = 'x-fact-lsn';
export const LSN_COOKIE = 'fact_lsn';
export const READ_FROM_HEADER = 'x-fact-read-from';

const cookie = (header: string | null, name: string) =>
  header
    ?.split(';')
    .map((part) => part.trim().split('='))
    .find(([key]) => key === name)?.[1];

interface RequestRouting {
  target?: ReadTarget;
  lsn?: string;
}

/**
 * Queries run on a replica (ctx.prisma is swapped before execution, so every resolver and the read
 * compiler follow); mutations and subscriptions stay on the primary, and so do the reads inside a
 * mutation's payload. After a mutation the response carries the primary's WAL position (header and
 * cookie); a later query that sends it back is served by a replica only once that replica has replayed
 * that far, else by the primary: a client always reads its own writes.
 */
export function useReadRouting(router: ReadRouter): Plugin<Context & { request: Request }> {
  const state = new WeakMap<Request, RequestRouting>();
  return {
    async onExecute({ args }) {
      const context = args.contextValue;
      const operation = getOperationAST(args.document, args.operationName);
      const routing: RequestRouting = {};
      state.set(context.request, routing);
      if (operation?.operation === 'mutation') {
        return {
          async onExecuteDone() {
            routing.lsn = await router.commitLsn().catch(() => undefined);
          },
        };
      }
      if (operation?.operation !== 'query') return;
      const required = parseLsn(context.request.headers.get(LSN_HEADER) ?? cookie(context.request.headers.get('cookie'), LSN_COOKIE));
      const chosen = await router.forRead(required);
      routing.target = chosen.target;
      if (chosen.prisma !== context.prisma) {
        context.prisma = chosen.prisma;
        context.loaders = createLoaders(chosen.prisma);
      }
      return undefined;
    },
    onResponse({ request, response }) {
      const routing = state.get(request);
      if (!routing) return;
      if (routing.target) response.headers.set(READ_FROM_HEADER, routing.target);
      if (routing.lsn) {
        response.headers.set(LSN_HEADER, routing.lsn);
        response.headers.append('set-cookie', `${LSN_COOKIE}=${routing.lsn}; Path=/; Max-Age=300; HttpOnly; SameSite=Lax`);
      }
    },
  };
}
