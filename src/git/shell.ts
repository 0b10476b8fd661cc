/**
 * Runs a shell command (setup, tests) the way a daemon must: `sh -c` in its own process group
 * with stdin closed, everything appended to a log file, the whole group killed at the deadline
 * or on abort, and the group killed again after the shell exits so no background child outlives
 * the command (the anchor waited 131 s on a grandchild that held stdout, research §14 row 19).
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { killGroup } from '../../supervisor/process-group.js';
import { gitEnv } from './git.js';

export interface ShellResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  aborted: boolean;
  /** The command could not be started (e.g. cwd missing). */
  spawnError: string | null;
  durationMs: number;
  /** Output (stdout and stderr interleaved as they arrived), ANSI codes stripped, bounded: head and tail are kept. */
  output: string;
}

export interface ShellOptions {
  cwd: string;
  command: string;
  /** The command as the log's first line shows it (default: `command`). */
  shown?: string;
  timeoutMs: number;
  logFile?: string;
  env?: NodeJS.ProcessEnv;
  signal?: AbortSignal;
  /** Bytes of output kept in memory from the start and from the end each (default 1 MiB). */
  keepBytes?: number;
  /** How long to wait for the pipes to drain after the shell exited before giving up on them. */
  drainMs?: number;
  /** The command's process group, when it starts and when it is gone (an actor adopts it, so it dies with the actor). */
  onStart?: (pid: number) => void;
  onExit?: (pid: number) => void;
}

/** What a command started by loop sees: no colours (they break parsing), CI mode (no watch, no prompts). */
export function commandEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...gitEnv(), CI: 'true', FORCE_COLOR: '0', NO_COLOR: '1', ...extra };
  // set when loop itself runs under node:test; a project's `node --test` would then skip its files
  delete env['NODE_TEST_CONTEXT'];
  // gitEnv forces C messages for git's own output; the project's tests run in the user's locale
  for (const name of ['LC_ALL', 'LANGUAGE', 'GIT_EDITOR', 'GIT_PAGER']) {
    if (extra?.[name] === undefined) {
      if (process.env[name] === undefined) delete env[name];
      else env[name] = process.env[name];
    }
  }
  return env;
}

export function runShell(options: ShellOptions): Promise<ShellResult> {
  const started = Date.now();
  const keep = options.keepBytes ?? 1024 * 1024;
  const log = openLog(options.logFile, `$ ${options.shown ?? options.command}   (in ${options.cwd}, ${new Date(started).toISOString()})\n`);
  const output = new BoundedText(keep);
  return new Promise((resolve) => {
    let timedOut = false;
    let aborted = false;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let drainTimer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    /** The command's group leader, once started (its pid is the group id). */
    let groupPid: number | undefined;
    let child;
    try {
      child = spawn('sh', ['-c', options.command], {
        cwd: options.cwd,
        env: options.env ?? commandEnv(),
        stdio: ['ignore', 'pipe', 'pipe'],
        detached: true,
      });
    } catch (error) {
      finish(null, null, error instanceof Error ? error.message : String(error));
      return;
    }
    const pid = child.pid;
    groupPid = pid;
    if (pid !== undefined) options.onStart?.(pid);
    const killCommand = (): void => {
      if (pid !== undefined) killGroup(pid);
    };
    const onData = (chunk: Buffer) => {
      if (log !== null) writeSync(log, chunk);
      output.push(chunk);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    timer = setTimeout(() => {
      timedOut = true;
      killCommand();
    }, options.timeoutMs);
    onAbort = () => {
      aborted = true;
      killCommand();
    };
    if (options.signal?.aborted) onAbort();
    else options.signal?.addEventListener('abort', onAbort, { once: true });

    let exitCode: number | null = null;
    let exitSignal: NodeJS.Signals | null = null;
    child.on('error', (error) => {
      killCommand();
      finish(null, null, error.message);
    });
    child.on('exit', (code, signal) => {
      exitCode = code;
      exitSignal = signal;
      // background children left in the group (servers a test forgot to close) die with the command
      killCommand();
      // a child that left the group may still hold the pipes: stop waiting for them after a while
      drainTimer = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        finish(exitCode, exitSignal, null);
      }, options.drainMs ?? 2000);
    });
    child.on('close', () => finish(exitCode, exitSignal, null));

    function finish(code: number | null, signal: NodeJS.Signals | null, spawnError: string | null) {
      if (settled) return;
      settled = true;
      if (groupPid !== undefined) options.onExit?.(groupPid);
      clearTimeout(timer);
      clearTimeout(drainTimer);
      if (onAbort) options.signal?.removeEventListener('abort', onAbort);
      const durationMs = Date.now() - started;
      if (log !== null) {
        const how = spawnError
          ? `could not start: ${spawnError}`
          : timedOut
            ? `killed after the ${options.timeoutMs} ms timeout`
            : aborted
              ? 'killed: cancelled'
              : signal
                ? `killed by ${signal}`
                : `exit ${code}`;
        writeSync(log, `\n[loop] ${how} after ${durationMs} ms\n`);
        closeSync(log);
      }
      resolve({ exitCode: code, signal, timedOut, aborted, spawnError, durationMs, output: output.text() });
    }
  });
}

function openLog(path: string | undefined, header: string): number | null {
  if (!path) return null;
  mkdirSync(dirname(path), { recursive: true });
  const fd = openSync(path, 'a');
  writeSync(fd, header);
  return fd;
}

/** Keeps the first and the last `keep` bytes of a stream. */
class BoundedText {
  private head: Buffer[] = [];
  private headSize = 0;
  private tail: Buffer[] = [];
  private tailSize = 0;
  private dropped = 0;
  constructor(private readonly keep: number) {}

  push(chunk: Buffer): void {
    if (this.headSize < this.keep) {
      const room = this.keep - this.headSize;
      this.head.push(chunk.subarray(0, room));
      this.headSize += Math.min(room, chunk.length);
      if (chunk.length <= room) return;
      chunk = chunk.subarray(room);
    }
    this.tail.push(chunk);
    this.tailSize += chunk.length;
    while (this.tailSize - (this.tail[0]?.length ?? 0) >= this.keep && this.tail.length > 1) {
      const first = this.tail.shift()!;
      this.tailSize -= first.length;
      this.dropped += first.length;
    }
  }

  text(): string {
    const head = Buffer.concat(this.head).toString('utf8');
    const tail = Buffer.concat(this.tail).toString('utf8');
    const gap = this.dropped > 0 ? `\n[… ${this.dropped} bytes of output not kept in memory; the log file has everything …]\n` : '';
    return stripAnsi(head + gap + tail);
  }
}

export function stripAnsi(text: string): string {
  // CSI sequences, OSC sequences, and lone carriage returns of progress bars
  return text
    .replace(/\u001b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)/g, '')
    .replace(/\r\n/g, '\n')
    .replace(/\r/g, '\n');
}
