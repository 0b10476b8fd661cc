/**
 * One incarnation of a worker: its OS process, IPC channel, start handshake, orderly stop and the
 * agent process groups it reported. A restart makes a new WorkerProcess; nothing here decides
 * about restarts (that is the supervisor's job).
 */
import type { ChildProcess } from 'node:child_process';
import type { FromActor } from '../protocol/messages.js';
import { Channel } from './channel.js';
import type { NormalizedWorkerSpec } from './child-spec.js';
import { classifyExit, type ExitKind } from './decide.js';
import { ActorExitedError, StartError } from './errors.js';
import { forkActor } from './os-process.js';
import { killGroup } from './process-group.js';

export interface ExitInfo {
  readonly code: number | null;
  readonly signal: string | null;
  /** The crash frame's message, 'shutdown', 'normal', 'killed: <why>', `exit code N` or `signal S`. */
  readonly reason: string;
  readonly kind: ExitKind;
}

export interface WorkerHooks {
  /** progress and emit frames (after agent groups were recorded). */
  onFrame(frame: FromActor): void;
  onProtocolError(summary: string): void;
  onLateReply(frame: FromActor): void;
  /** The process is gone (pending calls are already rejected). */
  onClosed(info: ExitInfo): void;
}

interface Handshake {
  readonly ready: () => void;
  readonly fail: (reason: string) => void;
}

export class WorkerProcess {
  readonly pid: number | undefined;
  readonly channel: Channel;
  /** Settles once the process has exited and its IPC channel has closed (so every frame was seen). */
  readonly exited: Promise<ExitInfo>;
  /** Agent process groups the actor reported with `progress agent-started`; SIGKILLed when it exits. */
  readonly agentGroups = new Set<number>();
  /** True once the supervisor ends this process on purpose, so its exit is not treated as a crash. */
  expected = false;

  readonly #child: ChildProcess;
  readonly #id: string;
  readonly #hooks: WorkerHooks;
  #alive = true;
  #crashReason: string | null = null;
  #killReason: string | null = null;
  #shutdownRequested = false;
  #handshake: Handshake | null = null;

  constructor(spec: NormalizedWorkerSpec, ownerId: string, hooks: WorkerHooks) {
    this.#id = spec.id;
    this.#hooks = hooks;
    this.#child = forkActor({ module: spec.module, env: spec.env, logFile: spec.logFile });
    this.pid = this.#child.pid;
    this.channel = new Channel(this.#child, { self: ownerId, peer: spec.id }, {
      onFrame: (frame) => this.#onFrame(frame),
      onProtocolError: (summary) => {
        if (this.#handshake !== null) this.#handshake.fail(`protocol: ${summary}`);
        else hooks.onProtocolError(summary);
      },
      onLateReply: (frame) => hooks.onLateReply(frame),
    });
    this.exited = new Promise((resolve) => {
      let spawnError: Error | null = null;
      this.#child.on('error', (error) => { spawnError ??= error; });
      this.#child.once('close', (code: number | null, signal: NodeJS.Signals | null) => {
        if (this.pid === undefined && spawnError !== null) this.#crashReason ??= `fork failed: ${spawnError.message}`;
        resolve(this.#finish(code, signal));
      });
    });
  }

  get alive(): boolean {
    return this.#alive;
  }

  /**
   * Send `init` and wait for `ready`. Fails (after killing the process group and waiting for the
   * exit) on `init-failed`, an invalid frame, an early exit, the deadline, or `signal` (stop).
   */
  handshake({ actorId, input, timeoutMs, signal }: { actorId: string; input: unknown; timeoutMs: number; signal: AbortSignal }): Promise<void> {
    return new Promise((resolve, reject) => {
      let done = false;
      const settle = (failure: string | null): void => {
        if (done) return;
        done = true;
        this.#handshake = null;
        clearTimeout(timer);
        signal.removeEventListener('abort', onAbort);
        if (failure === null) {
          resolve();
          return;
        }
        this.expected = true;
        this.kill(failure);
        void this.exited.then((info) => reject(new StartError(this.#id, failure, { code: info.code, signal: info.signal })));
      };
      const onAbort = (): void => settle('stopped during start');
      const timer = setTimeout(() => settle('start timeout'), timeoutMs);
      signal.addEventListener('abort', onAbort, { once: true });
      this.#handshake = { ready: () => settle(null), fail: settle };
      void this.exited.then((info) => settle(`exited before ready: ${info.reason}`));
      if (signal.aborted) {
        onAbort();
        return;
      }
      let sent: string | null = null;
      try {
        sent = this.channel.send({ type: 'init', actorId, input });
      } catch (error) {
        settle(`cannot send init: ${(error as Error).message}`);
        return;
      }
      if (sent === null && this.#alive) settle('IPC channel closed before init');
    });
  }

  /** Orderly stop: `shutdown`, wait `shutdownMs` for the exit, then SIGKILL the group. */
  async stop(reason: string, shutdownMs: number): Promise<ExitInfo> {
    this.expected = true;
    if (!this.#alive) return this.exited;
    this.#shutdownRequested = true;
    this.channel.send({ type: 'shutdown', reason });
    const timer = setTimeout(() => this.kill(`no exit within ${shutdownMs} ms of shutdown`), shutdownMs);
    const info = await this.exited;
    clearTimeout(timer);
    return info;
  }

  /** SIGKILL the actor's process group now. The first reason given becomes the exit reason. */
  kill(why: string): void {
    if (!this.#alive) return;
    this.#killReason ??= why;
    if (this.pid !== undefined) killGroup(this.pid);
  }

  #onFrame(frame: FromActor): void {
    const body = frame.body;
    switch (body.type) {
      case 'ready':
        this.#handshake?.ready();
        return;
      case 'init-failed':
        this.#handshake?.fail(`init-failed: ${body.error.message}`);
        return;
      case 'crash':
        this.#crashReason ??= body.error.message;
        return;
      case 'progress':
        this.#trackAgentGroup(body.note, body.pid);
        this.#hooks.onFrame(frame);
        return;
      case 'emit':
        this.#hooks.onFrame(frame);
        return;
      case 'reply':
        return;
    }
  }

  #trackAgentGroup(note: string, pid: number | undefined): void {
    if (note !== 'agent-started' && note !== 'agent-exited') return;
    // Never record a group whose kill would hit the supervisor itself or init.
    if (pid === undefined || !Number.isInteger(pid) || pid <= 1 || pid === process.pid) {
      this.#hooks.onProtocolError(`progress "${note}" with unusable agent pid ${String(pid)}; ignored`);
      return;
    }
    if (note === 'agent-started') this.agentGroups.add(pid);
    else this.agentGroups.delete(pid);
  }

  #finish(code: number | null, signal: NodeJS.Signals | null): ExitInfo {
    this.#alive = false;
    const kind = classifyExit({
      code, crashed: this.#crashReason !== null, killed: this.#killReason !== null, shutdownRequested: this.#shutdownRequested,
    });
    const reason = this.#crashReason
      ?? (this.#killReason !== null ? `killed: ${this.#killReason}` : null)
      ?? (kind === 'abnormal' ? (signal !== null ? `signal ${signal}` : `exit code ${code}`) : kind);
    const info: ExitInfo = { code, signal, reason, kind };
    // No orphans: whatever the actor left in its own group, and every agent group it reported.
    if (this.pid !== undefined) killGroup(this.pid);
    for (const pgid of this.agentGroups) killGroup(pgid);
    this.agentGroups.clear();
    this.channel.close(new ActorExitedError(this.#id, info));
    this.#hooks.onClosed(info);
    return info;
  }
}
