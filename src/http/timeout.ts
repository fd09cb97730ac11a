import type { ExecutionResult } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Answers TIMEOUT when an operation runs longer than `ms`, and aborts it: no resolver starts after that.
 * A statement already in the database is ended by the database's own statement_timeout.
 */
export function useExecutionTimeout(ms: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const controller = new AbortController();
        const incoming = (args as { signal?: AbortSignal }).signal;
        const signal = incoming ? AbortSignal.any([incoming, controller.signal]) : controller.signal;
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<ExecutionResult>((resolve) => {
          timer = setTimeout(() => {
            controller.abort(new Error('execution timeout'));
            resolve({
              errors: [
                createGraphQLError(`The request took longer than ${ms} ms and was stopped; ask for less (smaller pages, fewer nested connections)`, {
                  extensions: { code: 'TIMEOUT', http: { status: 503 } },
                }),
              ],
            });
          }, ms);
        });
        const running = Promise.resolve(executeFn({ ...args, signal } as typeof args));
        running.catch(() => undefined);
        return Promise.race([running, timedOut]).finally(() => clearTimeout(timer));
      });
    },
  };
}
