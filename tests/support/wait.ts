import type { Readable } from 'node:stream';

/** A wait that ran out: its message names what never happened, and how long the test gave it. */
export class WaitTimeout extends Error {
  constructor(what: string, timeoutMs: number, detail?: string) {
    super(`timed out after ${timeoutMs} ms waiting for ${what}${detail ? `\n${detail}` : ''}`);
    this.name = 'WaitTimeout';
  }
}

type Condition<T> = () => T | undefined | null | false | Promise<T | undefined | null | false>;

/** How often a condition that has no event of its own is checked again. */
const RECHECK_MS = 20;

/**
 * Waits for `what` to happen, for at most `timeoutMs`: either an event (a promise that settles when it
 * happens) or a condition checked again until it holds, when the thing waited for has no event
 * (a database coming back, a Redis channel gaining listeners). Resolves with the event's value or the
 * condition's first truthy result; a condition that throws is checked again, and its last error is
 * quoted if the time runs out.
 */
export async function waitFor<T>(what: string, until: Promise<T> | Condition<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let lastError: unknown;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const detail = lastError === undefined ? undefined : `last check: ${lastError instanceof Error ? lastError.message.split('\n')[0] : String(lastError)}`;
      reject(new WaitTimeout(what, timeoutMs, detail));
    }, timeoutMs);
  });
  let stopped = false;
  const checked =
    typeof until === 'function'
      ? (async () => {
          while (!stopped) {
            try {
              const value = await until();
              if (value) return value;
            } catch (error) {
              lastError = error;
            }
            await new Promise((resolve) => setTimeout(resolve, RECHECK_MS));
          }
          return new Promise<never>(() => {});
        })()
      : until;
  try {
    return await Promise.race([checked, expired]);
  } finally {
    stopped = true;
    clearTimeout(timer);
  }
}

/** The lines a child process writes, so a test can wait for the one that says something happened. */
export class LineLog {
  readonly lines: string[] = [];
  private partial = '';
  private waiters: { match: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  private ended: string | null = null;
  private enders: ((reason: string) => void)[] = [];

  /** `context` adds to every failure message what else the process said (its stderr, say). */
  constructor(
    stream: Readable,
    private readonly context: () => string = () => '',
  ) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      const parts = (this.partial + chunk).split('\n');
      this.partial = parts.pop() ?? '';
      for (const line of parts) this.push(line);
    });
    stream.on('end', () => {
      if (this.partial) this.push(this.partial);
      this.end('the process closed its output');
    });
  }

  /** Marks that no more lines will come (the process exited), failing every wait still pending. */
  end(reason: string): void {
    this.ended ??= reason;
    for (const ender of this.enders.splice(0)) ender(reason);
  }

  /**
   * Waits for the first line, seen already or still to come, that contains `match` (or satisfies it),
   * for at most `timeoutMs`; fails at once, quoting the output, if the process ends first.
   */
  waitForLine(what: string, match: string | RegExp | ((line: string) => boolean), timeoutMs: number): Promise<string> {
    const test = typeof match === 'function' ? match : typeof match === 'string' ? (line: string) => line.includes(match) : (line: string) => match.test(line);
    const seen = this.lines.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    const event = new Promise<string>((resolve, reject) => {
      const waiter = { match: test, resolve };
      this.waiters.push(waiter);
      const fail = (reason: string) => reject(new Error(`${reason} before ${what}\n${this.tail()}`));
      if (this.ended) fail(this.ended);
      else this.enders.push(fail);
    });
    return waitFor(what, event, timeoutMs).catch((error: Error) => {
      if (error instanceof WaitTimeout) throw new WaitTimeout(what, timeoutMs, this.tail());
      throw error;
    });
  }

  /** The last lines, for an error message. */
  tail(count = 30): string {
    const extra = this.context();
    return [...this.lines.slice(-count), ...(extra ? [extra] : [])].join('\n');
  }

  private push(line: string): void {
    this.lines.push(line);
    this.waiters = this.waiters.filter((waiter) => {
      if (!waiter.match(line)) return true;
      waiter.resolve(line);
      return false;
    });
  }
}
