/**
 * Errors of the supervision engine. Each has a stable `code` and says, in its message, which actor
 * and what happened from the caller's side.
 */

export class SupervisorError extends Error {
  override name = 'SupervisorError';
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * Thrown by `call` when the actor's process exited (crashed, was killed or stopped) before it replied.
 * `code` is this error's code; the process's exit code is `exitCode`.
 */
export class ActorExitedError extends SupervisorError {
  override name = 'ActorExitedError';
  readonly exitCode: number | null;
  readonly signal: string | null;
  /** The crash frame's message, 'shutdown', 'normal', 'killed: <why>', `exit code N` or `signal S`. */
  readonly reason: string;
  constructor(
    readonly actorId: string,
    exit: { code: number | null; signal: string | null; reason: string },
  ) {
    super('actor-exited', `actor "${actorId}" exited before replying: ${exit.reason}`);
    this.exitCode = exit.code;
    this.signal = exit.signal;
    this.reason = exit.reason;
  }
}

/** Thrown by `call` when no reply arrived within `timeoutMs` (time spent waiting for the actor to run counts). */
export class CallTimeoutError extends SupervisorError {
  override name = 'CallTimeoutError';
  constructor(
    readonly actorId: string,
    readonly requestType: string,
    readonly timeoutMs: number,
  ) {
    super('call-timeout', `actor "${actorId}" did not answer "${requestType}" within ${timeoutMs} ms`);
  }
}

/** Thrown by `call`, `whenRunning` and `kill` when the id is unknown, is a supervisor, gave up, or the tree is stopping. */
export class ChildUnavailableError extends SupervisorError {
  override name = 'ChildUnavailableError';
  constructor(
    readonly actorId: string,
    readonly reason: string,
  ) {
    super('child-unavailable', `actor "${actorId}" is unavailable: ${reason}`);
  }
}

/** Thrown by `start` when a child fails its start handshake at boot (init-failed, start timeout, bad frame, early exit). */
export class StartError extends SupervisorError {
  override name = 'StartError';
  constructor(
    readonly actorId: string,
    readonly reason: string,
    readonly exit: { code: number | null; signal: string | null } = { code: null, signal: null },
    options?: ErrorOptions,
  ) {
    super('start-failed', `actor "${actorId}" failed to start: ${reason}`, options);
  }
}

/** Thrown by `call` when the actor answered with a reply frame that fails its schema. */
export class ProtocolError extends SupervisorError {
  override name = 'ProtocolError';
  constructor(
    readonly actorId: string,
    readonly summary: string,
  ) {
    super('protocol', `actor "${actorId}" sent a reply that fails its schema: ${summary}`);
  }
}

/** Thrown by the `Supervisor` constructor when a child spec is invalid; the message names the spec path and the fix. */
export class InvalidChildSpecError extends SupervisorError {
  override name = 'InvalidChildSpecError';
  constructor(
    readonly path: string,
    message: string,
  ) {
    super('invalid-child-spec', `child spec ${path}: ${message}`);
  }
}
