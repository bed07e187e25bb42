/**
 * Errors a user can cause. The CLI prints `message` (and `hint`) on one line and exits with code 2;
 * anything else is a bug and keeps its stack trace.
 */
export class HwnasError extends Error {
  readonly hint: string | undefined;
  readonly exitCode: number;
  constructor(message: string, hint?: string, exitCode = 2) {
    super(message);
    this.name = 'HwnasError';
    this.hint = hint;
    this.exitCode = exitCode;
  }
  /** The one line the CLI prints. */
  line(): string {
    return this.hint ? `${this.message} (${this.hint})` : this.message;
  }
}

/** Throw a user-facing error; `hint` says how to fix it. */
export function fail(message: string, hint?: string): never {
  throw new HwnasError(message, hint);
}

export function isHwnasError(e: unknown): e is HwnasError {
  return e instanceof HwnasError;
}
