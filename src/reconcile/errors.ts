/** A request the reconciliation or feed endpoints refuse: an HTTP status, a stable code, a message and where in the input. */
export class RequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly path?: string,
    /** Response headers the error needs, such as `Retry-After` on a 429. */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'RequestError';
  }

  toJSON() {
    return { error: { code: this.code, message: this.message, ...(this.path === undefined ? {} : { path: this.path }) } };
  }
}

export const badRequest = (message: string, path?: string) => new RequestError(400, 'BAD_REQUEST', message, path);
