import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The time limit of the GraphQL operation being executed (REQUEST_TIMEOUT_MS, src/http/timeout.ts), as a
 * signal that fires when it passes. The write path (src/write/transaction.ts) reads it so that a write the
 * client was told had timed out is never committed afterwards: it checks before each transaction starts and
 * once more before it commits, and ends with DeadlinePassed (nothing written) when the limit has passed.
 */
const storage = new AsyncLocalStorage<AbortSignal>();

/** Runs `run` (an operation's execution) under `signal`. */
export const withDeadline = <T>(signal: AbortSignal, run: () => T): T => storage.run(signal, run);

/** Throws DeadlinePassed when the current operation's time limit has passed; outside an operation, never. */
export function checkDeadline(): void {
  if (storage.getStore()?.aborted) throw new DeadlinePassed();
}

/** A write stopped, before it committed, because its operation ran past the time limit: nothing was written. */
export class DeadlinePassed extends Error {
  constructor() {
    super('The operation ran past its time limit before its write committed; nothing was written');
    this.name = 'DeadlinePassed';
  }
}
