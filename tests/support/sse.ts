import type { ExecutionResult } from 'graphql';

type Fetch = (input: string, init: RequestInit) => Promise<Response>;

export interface Subscription<T> {
  response: Response;
  /**
   * The next result the server sends; rejects if the stream ends first or nothing comes within `waitMs`,
   * naming `what` was expected (by default the subscription and its variables).
   */
  next(waitMs?: number, what?: string): Promise<ExecutionResult<T>>;
  close(): void;
  /** Resolves when the server ends the stream. */
  ended: Promise<void>;
}

/** A GraphQL subscription over Server-Sent Events (GraphQL over SSE, distinct connections), read as a real client would. */
export async function subscribeOverSSE<T = Record<string, unknown>>(
  fetchFn: Fetch,
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): Promise<Subscription<T>> {
  const abort = new AbortController();
  const response = await fetchFn(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream', ...headers },
    body: JSON.stringify({ query, variables }),
    signal: abort.signal,
  });
  const operation = /(subscription|query)\s*(\w*)[^{]*\{\s*(\w+)/.exec(query);
  const label = `an event on ${operation ? `${operation[1]} ${operation[2] || operation[3]}` : 'the subscription'}${Object.keys(variables).length ? ` ${JSON.stringify(variables)}` : ''}`;
  const results: ExecutionResult<T>[] = [];
  const waiting: { resolve: (result: ExecutionResult<T>) => void; reject: (error: Error) => void }[] = [];
  let finished: Error | null = null;
  let markEnded = () => {};
  const ended = new Promise<void>((resolve) => (markEnded = resolve));

  const deliver = (result: ExecutionResult<T>) => {
    const waiter = waiting.shift();
    if (waiter) waiter.resolve(result);
    else results.push(result);
  };
  const finish = (error: Error) => {
    finished ??= error;
    for (const waiter of waiting.splice(0)) waiter.reject(error);
    markEnded();
  };

  void (async () => {
    if (!response.body) return finish(new Error(`no body (HTTP ${response.status})`));
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        buffer += value;
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const event = /^event: ?(.*)$/m.exec(block)?.[1];
          const data = block
            .split('\n')
            .filter((line) => line.startsWith('data:'))
            .map((line) => line.slice(5).trimStart())
            .join('\n');
          if (event === 'complete') return finish(new Error('the server completed the subscription'));
          if (data) deliver(JSON.parse(data) as ExecutionResult<T>);
        }
      }
      finish(new Error('the stream ended'));
    } catch (error) {
      finish(error instanceof Error ? error : new Error(String(error)));
    }
  })();

  return {
    response,
    ended,
    next(waitMs = 30_000, what = label) {
      const ready = results.shift();
      if (ready) return Promise.resolve(ready);
      if (finished) return Promise.reject(new Error(`${finished.message} before ${what}`));
      return new Promise((resolve, reject) => {
        const waiter = {
          resolve: (result: ExecutionResult<T>) => {
            clearTimeout(timer);
            resolve(result);
          },
          reject: (error: Error) => {
            clearTimeout(timer);
            reject(error);
          },
        };
        const timer = setTimeout(() => {
          waiting.splice(waiting.indexOf(waiter), 1);
          reject(new Error(`timed out after ${waitMs} ms waiting for ${what}`));
        }, waitMs);
        waiting.push(waiter);
      });
    },
    close: () => abort.abort(),
  };
}
