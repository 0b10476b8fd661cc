/**
 * The public face of a supervision tree: build it from a spec, start it, call actors by id,
 * observe its events, stop it. The supervision logic itself is in node.ts (one per supervisor).
 */
import type { FromActor, RequestBody, Result } from '../protocol/messages.js';
import { callActor, type CallOptions } from './call.js';
import { normalizeSupervisorSpec, type NormalizedSupervisorSpec, type NormalizedWorkerSpec, type SupervisorSpec } from './child-spec.js';
import { ChildUnavailableError, StartError } from './errors.js';
import { availability, statusOf, treePaths, workerRecord, type TreePaths } from './lookup.js';
import { SupervisorNode } from './node.js';
import type { ChildRecord, ChildStatus, SupervisorEvent, Tree } from './records.js';
import { WorkerProcess } from './worker-process.js';

export type { ChildStatus, SupervisorEvent } from './records.js';
export type { CallOptions } from './call.js';

export interface SupervisorOptions {
  /** Monotonic ms for restart intensity and uptime; default `performance.now()`. */
  now?: () => number;
  /** [0, 1) for backoff jitter; default `Math.random`. */
  random?: () => number;
}

export class Supervisor {
  readonly #spec: NormalizedSupervisorSpec;
  readonly #paths: TreePaths;
  readonly #root: SupervisorNode;
  readonly #tree: Tree;
  readonly #listeners = new Set<(event: SupervisorEvent) => void>();
  readonly #waiters = new Set<() => void>();
  /** Every process forked and not yet gone, so `stop` can wait for all of them. */
  readonly #live = new Set<WorkerProcess>();
  #started = false;
  #preforked = false;

  constructor(spec: SupervisorSpec, options: SupervisorOptions = {}) {
    this.#spec = normalizeSupervisorSpec(spec);
    this.#paths = treePaths(this.#spec);
    const tree: Tree = {
      emit: (event) => this.#emit(event),
      changed: () => this.#changed(),
      now: options.now ?? (() => performance.now()),
      random: options.random ?? Math.random,
      spawn: (workerSpec, ownerId) => this.#spawn(workerSpec, ownerId),
      preforks: new Map(),
    };
    this.#tree = tree;
    this.#root = new SupervisorNode(this.#spec, tree, { signal: new AbortController().signal, onGaveUp: () => this.#changed() });
  }

  /** Subscribe to every event of the tree; returns the unsubscribe function. */
  on(listener: (event: SupervisorEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Start the children in order (OTP: synchronous start). Every worker of the tree is forked up
   * front so that Node boots overlap, but each gets `init` only after the previous child is ready.
   * Rejects with StartError when a child fails at boot and its supervisor's `startFailure` is `abort`.
   */
  async start(): Promise<void> {
    if (this.#started) throw new StartError(this.#spec.id, 'start() may only be called once');
    this.#started = true;
    this.prefork();
    try {
      await this.#root.start();
    } catch (error) {
      this.#releasePreforks();
      await this.#allExited();
      throw error;
    }
    this.#releasePreforks();
  }

  /**
   * Forks every worker of the tree now, without starting any: Node boots in the background while
   * the caller prepares (a run learns its repository meanwhile), and `start()` sends them `init`.
   * Nothing runs in them before `init`; `stop()` kills the ones never started. Idempotent.
   */
  prefork(): void {
    if (this.#preforked || this.#root.state !== 'idle') return;
    this.#preforked = true;
    this.#preforkAll(this.#spec);
  }

  /** Send a request to a worker and wait for its reply (see CallOptions; default timeout 5000 ms). */
  call(id: string, body: RequestBody, options: CallOptions = {}): Promise<Result> {
    return callActor({
      id, body, options,
      runningNow: (target) => {
        const found = availability(this.#root, this.#paths, target);
        return found.state === 'running' && found.record.type === 'worker' && found.record.proc !== null
          ? { proc: found.record.proc, shutdownMs: found.record.spec.shutdownMs }
          : null;
      },
      waitRunning: async (target, signal) => {
        const record = await this.#waitRunning(target, signal, true);
        if (record.type !== 'worker' || record.proc === null) throw new ChildUnavailableError(target, 'is not a worker');
        return { proc: record.proc, shutdownMs: record.spec.shutdownMs };
      },
    });
  }

  /** Resolves when the child is running; rejects with ChildUnavailableError if it never will be. */
  async whenRunning(id: string): Promise<void> {
    await this.#waitRunning(id, undefined, false);
  }

  /** Resolves when the whole tree has stopped: after `stop()`, or when the root gave up. */
  whenStopped(): Promise<void> {
    return new Promise((resolve) => {
      const check = (): void => {
        if (this.#root.state !== 'stopped') return;
        this.#waiters.delete(check);
        resolve();
      };
      this.#waiters.add(check);
      check();
    });
  }

  status(id: string): ChildStatus | undefined {
    return statusOf(this.#root, this.#paths, id);
  }

  /** The OS pid of a worker's live process (also its process group id), else null. */
  pidOf(id: string): number | null {
    const proc = workerRecord(this.#root, this.#paths, id)?.proc;
    return proc?.alive === true && proc.pid !== undefined ? proc.pid : null;
  }

  /** SIGKILL the worker's process group now; handled like a crash (restarted per spec). */
  kill(id: string, reason: string): void {
    const entry = this.#paths.get(id);
    if (entry === undefined) throw new ChildUnavailableError(id, 'no child with this id in the supervision tree');
    if (entry.type !== 'worker') throw new ChildUnavailableError(id, 'is a supervisor; kill one of its workers');
    workerRecord(this.#root, this.#paths, id)?.proc?.kill(reason);
  }

  /** Orderly stop of the whole tree, in reverse start order; resolves when every forked process is gone. Idempotent. */
  async stop(reason = 'shutdown'): Promise<void> {
    await this.#root.stop(reason);
    this.#releasePreforks();
    await this.#allExited();
  }

  // ---- internals --------------------------------------------------------------------------------

  #waitRunning(id: string, signal: AbortSignal | undefined, workerOnly: boolean): Promise<ChildRecord> {
    const entry = this.#paths.get(id);
    if (entry === undefined) return Promise.reject(new ChildUnavailableError(id, 'no child with this id in the supervision tree'));
    if (workerOnly && entry.type !== 'worker') return Promise.reject(new ChildUnavailableError(id, 'is a supervisor, not a worker: call one of its workers'));
    return new Promise((resolve, reject) => {
      const done = (): void => {
        this.#waiters.delete(check);
        signal?.removeEventListener('abort', onAbort);
      };
      const onAbort = (): void => {
        done();
        reject(signal!.reason);
      };
      const check = (): void => {
        const found = availability(this.#root, this.#paths, id);
        if (found.state === 'pending') return;
        done();
        if (found.state === 'unknown') reject(new ChildUnavailableError(id, 'no child with this id in the supervision tree'));
        else if (found.state === 'gone') reject(new ChildUnavailableError(id, found.reason));
        else resolve(found.record);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiters.add(check);
      check();
    });
  }

  #spawn(spec: NormalizedWorkerSpec, ownerId: string): WorkerProcess {
    const proc: WorkerProcess = new WorkerProcess(spec, ownerId, {
      onFrame: (frame) => this.#forwardFrame(spec.id, frame),
      onProtocolError: (summary) => this.#emit({ type: 'protocol-error', id: spec.id, summary }),
      onLateReply: (frame) => this.#emit({
        type: 'protocol-error', id: spec.id,
        summary: `late reply to request ${frame.re ?? '(no re)'} dropped: the call had already timed out or was abandoned`,
      }),
      onClosed: () => {
        this.#live.delete(proc);
        this.#changed();
      },
    });
    this.#live.add(proc);
    return proc;
  }

  #forwardFrame(id: string, frame: FromActor): void {
    const { body } = frame;
    if (body.type !== 'progress' && body.type !== 'emit') return;
    this.#emit(frame.re === undefined ? { type: 'frame', id, body } : { type: 'frame', id, re: frame.re, body });
  }

  #preforkAll(spec: NormalizedSupervisorSpec): void {
    for (const child of spec.children) {
      if (child.type === 'worker') this.#tree.preforks.set(child.id, this.#spawn(child, spec.id));
      else this.#preforkAll(child);
    }
  }

  #releasePreforks(): void {
    for (const proc of this.#tree.preforks.values()) {
      proc.expected = true;
      proc.kill('not needed: the start it was forked for did not happen');
    }
    this.#tree.preforks.clear();
  }

  async #allExited(): Promise<void> {
    while (this.#live.size > 0) await Promise.all([...this.#live].map((proc) => proc.exited));
  }

  #emit(event: SupervisorEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch (error) {
        // A listener's bug must not corrupt the supervisor's state: surface it outside this call.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  #changed(): void {
    for (const check of [...this.#waiters]) check();
  }
}
