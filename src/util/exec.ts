/**
 * Plain `spawn` for short helper commands on hot paths (git, version probes): execa adds 0.6-1.3 ms
 * per call (research/machine-limits.md). stdin is always closed. Agent CLIs go through the
 * provider runner instead, which owns process groups and deadlines.
 */
import { spawn } from 'node:child_process';
import { killGroup } from '../../supervisor/process-group.js';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

export interface ExecOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Kill after this many ms (SIGKILL; these commands hold no state worth a grace period). */
  timeoutMs?: number;
  /** Written to stdin, which is then closed. Without it stdin is /dev/null. */
  input?: string;
  /** Its own process group even without a timeout, so a Ctrl-C at the terminal (sent to loop's group) does not reach it. */
  ownGroup?: boolean;
}

export function exec(command: string, args: readonly string[], options: ExecOptions = {}): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
      // Its own process group, so a timeout kills grandchildren too (a wrapper script's child
      // holding stdout would otherwise keep this call waiting).
      detached: options.timeoutMs !== undefined || options.ownGroup === true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let timedOut = false;
    const timer = options.timeoutMs
      ? setTimeout(() => {
          timedOut = true;
          if (child.pid !== undefined) killGroup(child.pid);
        }, options.timeoutMs)
      : undefined;
    child.stdout!.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr!.on('data', (chunk: Buffer) => err.push(chunk));
    if (options.input !== undefined) {
      child.stdin!.on('error', () => {}); // the child may exit before reading its input
      child.stdin!.end(options.input);
    }
    child.on('error', (error) => {
      if (timer) clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({
        code,
        signal,
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        timedOut,
      });
    });
  });
}
