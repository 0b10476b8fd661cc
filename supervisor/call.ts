/**
 * One call to an actor: wait until it runs, send the request, and settle with its reply, a
 * timeout, or its exit. Cancellation is execa's graceful cancel: send `cancel`, and if no reply
 * comes within the actor's shutdown grace, kill its process group (a failure: restarted per spec).
 */
import type { RequestBody, Result } from '../protocol/messages.js';
import type { ProgressBody } from './channel.js';
import { MAX_TIMER_MS } from './child-spec.js';
import { CallTimeoutError } from './errors.js';
import type { WorkerProcess } from './worker-process.js';

/** gen_server:call's default. */
export const DEFAULT_CALL_TIMEOUT_MS = 5_000;

export interface CallOptions {
  /** Default 5000; counts the wait for the actor to be running; `Infinity` waits for ever. */
  timeoutMs?: number;
  signal?: AbortSignal;
  onProgress?: (body: ProgressBody) => void;
}

export interface CallTarget {
  readonly proc: WorkerProcess;
  readonly shutdownMs: number;
}

export function callActor({ id, body, options, runningNow, waitRunning }: {
  id: string;
  body: RequestBody;
  options: CallOptions;
  /** The running process if there is one right now (the common case: no waiting machinery). */
  runningNow: (id: string) => CallTarget | null;
  /** Resolves with the running process, rejects when it will not run (or `signal` aborts). */
  waitRunning: (id: string, signal: AbortSignal) => Promise<CallTarget>;
}): Promise<Result> {
  const { timeoutMs = DEFAULT_CALL_TIMEOUT_MS, signal, onProgress } = options;
  if (signal?.aborted === true) return Promise.resolve({ tag: 'interrupted', reason: abortReason(signal) });
  return new Promise<Result>((resolve, reject) => {
    // Created only when the call has to wait; aborting one costs ~15 µs (it builds a DOMException).
    let stopWaiting: AbortController | null = null;
    let target: CallTarget | null = null;
    let requestId: string | null = null;
    let settled = false;
    let killTimer: NodeJS.Timeout | undefined;

    const settle = (finish: () => void, { keepKillTimer = false } = {}): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (!keepKillTimer) clearTimeout(killTimer);
      signal?.removeEventListener('abort', onAbort);
      if (target === null) stopWaiting?.abort();
      finish();
    };

    // No deadline at all for Infinity (or anything a Node timer cannot hold).
    const timer = timeoutMs > MAX_TIMER_MS ? undefined : setTimeout(() => {
      if (target !== null && requestId !== null) {
        // Nobody waits for this work any more: ask the actor to drop it; a reply that still comes is reported as late.
        target.proc.channel.forget(requestId);
        target.proc.channel.send({ type: 'cancel', target: requestId, reason: `call timed out after ${timeoutMs} ms` }, requestId);
      }
      settle(() => reject(new CallTimeoutError(id, body.type, timeoutMs)), { keepKillTimer: true });
    }, timeoutMs);

    const onAbort = (): void => {
      const reason = abortReason(signal!);
      if (target === null || requestId === null) {
        settle(() => resolve({ tag: 'interrupted', reason }));
        return;
      }
      const { proc, shutdownMs } = target;
      proc.channel.send({ type: 'cancel', target: requestId, reason }, requestId);
      killTimer ??= setTimeout(() => proc.kill(`cancel of "${body.type}" not answered within ${shutdownMs} ms`), shutdownMs);
    };
    signal?.addEventListener('abort', onAbort, { once: true });

    const send = (running: CallTarget): void => {
      if (settled) return;
      target = running;
      const request = running.proc.channel.request(body, onProgress);
      requestId = request.id;
      request.reply.then(
        (result) => settle(() => resolve(result)),
        (error: unknown) => settle(() => reject(error)),
      );
    };
    const now = runningNow(id);
    if (now !== null) {
      send(now);
      return;
    }
    stopWaiting = new AbortController();
    waitRunning(id, stopWaiting.signal).then(send, (error: unknown) => settle(() => reject(error)));
  });
}

function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  if (typeof reason === 'string' && reason.length > 0) return reason;
  if (reason instanceof Error && reason.name !== 'AbortError') return reason.message;
  return 'aborted';
}
