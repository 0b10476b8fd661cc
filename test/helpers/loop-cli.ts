/** Runs the compiled `loop` CLI as a real child process, the way a user would. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { TestContext } from 'node:test';
import { GIT_ENV } from './temp.js';

export const LOOP_BIN = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

export interface LoopResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface LoopProcess {
  child: ChildProcess;
  done: Promise<LoopResult>;
  output(): string;
}

/** `ownGroup`: loop leads a process group of its own, as a shell runs a command, so a test can signal the group as a terminal's Ctrl-C does. */
export function startLoop(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; t?: TestContext; ownGroup?: boolean }): LoopProcess {
  const child = spawn(process.execPath, [LOOP_BIN, ...args], {
    cwd: options.cwd,
    env: { ...process.env, ...GIT_ENV, NO_COLOR: '1', ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.ownGroup === true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const done = new Promise<LoopResult>((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  options.t?.after(() => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });
  return { child, done, output: () => stdout + stderr };
}

export function runLoop(args: string[], options: { cwd: string; env?: NodeJS.ProcessEnv; t?: TestContext }): Promise<LoopResult> {
  return startLoop(args, options).done;
}

/** Board events of a run, parsed (skipping a torn last line). */
export function boardEvents(dir: string, runId: string): Array<Record<string, unknown> & { type: string; seq: number }> {
  const file = `${dir}/.loop/runs/${runId}/board/events.jsonl`;
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim().length > 0)
    .flatMap((line) => {
      try {
        return [JSON.parse(line)];
      } catch {
        return [];
      }
    });
}

/** Polls a condition until it holds or the deadline passes (for facts only the filesystem shows). */
export async function waitFor<T>(what: string, probe: () => T | null | undefined | false, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Pids of live processes whose environment carries LOOP_RUN_ID=<runId> (actors and agents of a run). */
export function processesOfRun(runId: string): number[] {
  const found: number[] = [];
  for (const pid of readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, 'latin1');
      const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
      const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
      if (state !== 'Z' && `${environ}\0`.includes(`LOOP_RUN_ID=${runId}\0`)) found.push(Number(pid));
    } catch {
      // gone
    }
  }
  return found;
}
