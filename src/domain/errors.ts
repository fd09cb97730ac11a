/** Errors the write path reports to clients as typed results; nothing here knows about GraphQL. */
export interface Issue {
  /** Where in the input, e.g. ["input", "stances", "0", "claim"]. */
  path: string[];
  message: string;
}

export class ValidationFailure extends Error {
  constructor(readonly issues: Issue[]) {
    super(issues.length === 1 ? `Invalid input at ${issues[0]?.path.join('.') || 'input'}: ${issues[0]?.message}` : `Invalid input: ${issues.length} problems`);
    this.name = 'ValidationError';
  }
}

export class NotFound extends Error {
  constructor(
    readonly type: string,
    readonly key: string,
  ) {
    super(`No ${type} ${key}`);
    this.name = 'NotFoundError';
  }
}

export class Conflict extends Error {
  constructor(
    message: string,
    readonly field: string | null = null,
  ) {
    super(message);
    this.name = 'ConflictError';
  }
}

/**
 * A write that kept losing to concurrent writes (deadlocks, serialization failures) after every retry:
 * nothing was written, and the same request may well succeed in a moment.
 */
export class WriteContention extends Error {
  constructor(
    readonly attempts: number,
    options?: { cause?: unknown },
  ) {
    super(`The write lost to concurrent writes ${attempts} times in a row; nothing was written`, options);
    this.name = 'WriteContention';
  }
}
