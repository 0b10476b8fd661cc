/**
 * Runs one agent CLI process and owns everything about its lifetime: its own process group
 * (`detached`), stdin closed unless we write the prompt to it, a transcript streamed to the log
 * file, a deadline and an abort signal that SIGTERM the whole group and SIGKILL it after a grace
 * period. Once the leader has exited, whatever it left in its group is killed too, so a background
 * grandchild holding stdout can neither keep the call alive nor outlive it (the anchor waited
 * 131 s on a `sleep 130` grandchild).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { groupAlive, signalGroup } from '../../supervisor/process-group.js';
import { Transcript } from './transcript.js';
import type { Invocation, RawOutput } from './types.js';

export const DEFAULT_GRACE_MS = 2_000;
/** After the leader exits, how long leftovers in its group may keep stdout open before they are killed. */
export const LINGER_MS = 250;
/** After SIGKILL, how long to wait for EOF from a holder outside the group (one that called setsid). */
const DRAIN_MS = 250;
/** Output kept in memory per stream; the transcript has all of it, the parser needs the end. */
const MAX_CAPTURE_CHARS = 32 * 1024 * 1024;
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface RunAgentOptions {
  invocation: Invocation;
  /** How long the agent may run, in ms from the start. */
  deadlineMs: number;
  logFile: string;
  signal?: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  graceMs?: number;
  /** The agent's process-group id, right after the spawn (the supervisor adopts the group). */
  onStart?: (pid: number) => void;
  /** Same id, once the group is gone or has been SIGKILLed (the supervisor releases it). */
  onExit?: (pid: number) => void;
}

export function runAgent(options: RunAgentOptions): Promise<RawOutput> {
  return new Promise((resolve) => new AgentRun(options, resolve).start());
}

class TailBuffer {
  private chunks: string[] = [];
  private size = 0;
  add(chunk: string): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size > MAX_CAPTURE_CHARS && this.chunks.length > 1) this.size -= this.chunks.shift()!.length;
  }
  text(): string {
    return this.chunks.join('');
  }
}

class AgentRun {
  private readonly started = performance.now();
  private readonly transcript: Transcript;
  private readonly out = { stdout: new TailBuffer(), stderr: new TailBuffer() };
  private readonly timers = new Set<NodeJS.Timeout>();
  private child: ChildProcess | undefined;
  private pid = 0;
  private openStreams = 2;
  private leader: { code: number | null; signal: string | null } | undefined;
  private timedOut = false;
  private terminating = false;
  private killed = false;
  private finished = false;

  constructor(
    private readonly options: RunAgentOptions,
    private readonly resolve: (raw: RawOutput) => void,
  ) {
    this.transcript = new Transcript(options.logFile, options.invocation);
  }

  start(): void {
    const { invocation } = this.options;
    if (!existsSync(invocation.cwd)) return this.failToStart(`working directory ${invocation.cwd} does not exist`, 126);
    const child = spawn(invocation.command, invocation.args, {
      cwd: invocation.cwd,
      env: invocation.env,
      detached: true,
      stdio: [invocation.stdin === null ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    this.child = child;
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (child.pid === undefined) this.failToStart(describeSpawnError(invocation.command, error), error.code === 'ENOENT' ? 127 : 126);
    });
    if (child.pid === undefined) return; // the 'error' event follows
    this.pid = child.pid;

    for (const stream of ['stdout', 'stderr'] as const) {
      const pipe = child[stream]!;
      pipe.setEncoding('utf8');
      pipe.on('data', (chunk: string) => {
        this.out[stream].add(chunk);
        this.transcript.write(stream, chunk);
      });
      pipe.on('close', () => {
        this.openStreams--;
        this.maybeFinish();
      });
    }
    if (invocation.stdin !== null) {
      child.stdin!.on('error', () => {}); // EPIPE when the agent exits without reading everything
      child.stdin!.end(invocation.stdin.text);
    }
    child.on('exit', (code, signal) => {
      this.leader ??= { code, signal };
      this.after(LINGER_MS, () => {
        if (this.openStreams > 0) this.terminate('the agent exited but processes it started still hold its output');
      });
      this.maybeFinish();
    });
    this.after(Math.min(Math.max(this.options.deadlineMs, 0), MAX_TIMER_MS), () => {
      this.timedOut = true;
      this.terminate(`deadline of ${this.options.deadlineMs} ms reached`);
    });
    const { signal } = this.options;
    if (signal?.aborted) this.terminate('aborted');
    else signal?.addEventListener('abort', this.onAbort, { once: true });
    try {
      this.options.onStart?.(this.pid);
    } catch (error) {
      this.terminate('onStart failed'); // the group is still reaped; the caller gets the error
      throw error;
    }
  }

  private readonly onAbort = (): void => this.terminate('aborted');

  /** SIGTERM to the whole group now, SIGKILL after the grace period. */
  private terminate(reason: string): void {
    if (this.terminating || this.finished) return;
    this.terminating = true;
    this.transcript.note(`${reason}: SIGTERM to process group ${this.pid}`);
    signalGroup(this.pid, 'SIGTERM');
    this.after(this.options.graceMs ?? DEFAULT_GRACE_MS, () => {
      if (groupAlive(this.pid)) {
        this.transcript.note(`SIGKILL to process group ${this.pid}`);
        signalGroup(this.pid, 'SIGKILL');
      }
      this.killed = true;
      this.after(DRAIN_MS, () => {
        this.child?.stdout?.destroy();
        this.child?.stderr?.destroy();
        this.leader ??= { code: null, signal: 'SIGKILL' };
        this.maybeFinish();
      });
      this.maybeFinish();
    });
  }

  private maybeFinish(): void {
    if (this.finished || this.leader === undefined || this.openStreams > 0) return;
    if (!this.killed && groupAlive(this.pid)) return this.terminate('the agent exited and left processes running');
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.options.onExit?.(this.pid);
    const raw: RawOutput = {
      stdout: this.out.stdout.text(),
      stderr: this.out.stderr.text(),
      exitCode: this.leader.code,
      signal: this.leader.signal,
      timedOut: this.timedOut,
      durationMs: Math.round(performance.now() - this.started),
    };
    const footer = `exit code=${raw.exitCode} signal=${raw.signal} timedOut=${raw.timedOut} durationMs=${raw.durationMs}`;
    void this.transcript.close(footer).then(() => this.resolve(raw));
  }

  private failToStart(message: string, exitCode: number): void {
    if (this.finished) return;
    this.finished = true;
    for (const timer of this.timers) clearTimeout(timer);
    const durationMs = Math.round(performance.now() - this.started);
    void this.transcript
      .close(`could not start: ${message}`)
      .then(() => this.resolve({ stdout: '', stderr: `loop: ${message}\n`, exitCode, signal: null, timedOut: false, durationMs }));
  }

  private after(ms: number, fn: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      fn();
    }, ms);
    this.timers.add(timer);
  }
}

function describeSpawnError(command: string, error: NodeJS.ErrnoException): string {
  if (error.code === 'ENOENT') return `cannot start "${command}": not found on PATH (is it installed? set "command" in the provider to its full path)`;
  if (error.code === 'EACCES') return `cannot start "${command}": permission denied (is it executable?)`;
  return `cannot start "${command}": ${error.message}`;
}
