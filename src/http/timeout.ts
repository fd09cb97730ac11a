import { type ExecutionResult, getOperationAST } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import { withDeadline } from '../domain/deadline.js';

/**
 * Answers TIMEOUT when a query runs longer than `ms`, and aborts it: no resolver starts after that.
 * A statement already in the database is ended by the database's own statement_timeout.
 *
 * A mutation is not answered early: an answer of TIMEOUT while its write goes on to commit would tell the
 * client a write failed that landed. At the limit it is aborted instead (src/domain/deadline.ts): a write
 * that has not committed yet is rolled back and answers TIMEOUT, "nothing was written"; one that had
 * committed answers as it always would.
 */
export function useExecutionTimeout(ms: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const controller = new AbortController();
        if (getOperationAST(args.document, args.operationName)?.operation === 'mutation') {
          // The executor's own signal is left alone: aborted, it would end the execution at once, with the
          // write possibly still on its way to COMMIT.
          const timer = setTimeout(() => controller.abort(new Error('execution timeout')), ms);
          return withDeadline(controller.signal, () => Promise.resolve(executeFn(args))).finally(() => clearTimeout(timer));
        }
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
