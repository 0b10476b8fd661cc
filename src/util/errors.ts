/**
 * Two kinds of error, as in clipanion: a user's mistake (bad flag, bad config, missing file) is a
 * `UserError` and prints as one line with no stack; anything else is a bug and exits 5.
 */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    /** Process exit code; 2 = usage or config error (DESIGN §4). */
    readonly exitCode = 2,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

export const isUserError = (error: unknown): error is UserError => error instanceof UserError;

/** `{name, message, stack}` of anything thrown, for IPC crash frames and logs. */
export function errorInfo(error: unknown): { name: string; message: string; stack?: string } {
  if (error instanceof Error) {
    return error.stack === undefined
      ? { name: error.name, message: error.message }
      : { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'NonError', message: String(error) };
}
