/**
 * tmux as loop uses it: one client command per call (a few ms each; research/machine-limits.md),
 * sessions always addressed by exact name (`=name`: tmux otherwise takes a prefix, which is how
 * the product we replace stopped `bug-42` when asked for `bug-4`). `LOOP_TMUX_SOCKET` names a
 * private server (`tmux -L`), which the tests use; otherwise it is the user's own server, the one
 * `$TMUX` points at when loop runs inside tmux.
 */
import { spawn } from 'node:child_process';
import { findExecutable } from '../auth/executable.js';
import { exec, type ExecResult } from '../util/exec.js';

const TMUX_TIMEOUT_MS = 10_000;

export class TmuxError extends Error {
  override name = 'TmuxError';
}

export const tmuxInstalled = (env: NodeJS.ProcessEnv = process.env): boolean => findExecutable('tmux', env) !== null;

/** `-L <socket>` when loop is told to use a server of its own. */
export function serverArgs(env: NodeJS.ProcessEnv = process.env): string[] {
  const socket = env['LOOP_TMUX_SOCKET'];
  return socket ? ['-L', socket] : [];
}

/** One tmux command (or several, separated by `;` arguments); the result whatever the exit code. */
export function tmuxRaw(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<ExecResult> {
  return exec('tmux', [...serverArgs(env), ...args], { env, timeoutMs: TMUX_TIMEOUT_MS });
}

/** One tmux command that must succeed; its stdout, trimmed. */
export async function tmux(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const result = await tmuxRaw(args, env);
  if (result.code !== 0) throw new TmuxError(`tmux ${args[0]} failed: ${(result.stderr || result.stdout).trim() || `exit ${result.code}`}`);
  return result.stdout.trim();
}

/**
 * `-e NAME=value` for each variable, for a pane that must see this environment rather than the
 * tmux server's (which is whatever environment the server was started with). tmux's own are left out.
 */
export function envArgs(env: NodeJS.ProcessEnv): string[] {
  return Object.entries(env).filter(([name, value]) => value !== undefined && !name.startsWith('TMUX')).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
}

/** Exact-match target of a session (and its current window: `set-option` and `list-panes` want one). */
export const exactSession = (name: string): string => `=${name}:`;

export async function hasSession(name: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  if (!tmuxInstalled(env)) return false;
  return (await tmuxRaw(['has-session', '-t', exactSession(name)], env)).code === 0;
}

export async function killSession(name: string, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  await tmuxRaw(['kill-session', '-t', exactSession(name)], env);
}

/** `<namespace>-<project>-<run>` (`-<role>` for `loop start`), with anything tmux would rename made a `-`. */
export function sessionName(parts: readonly string[]): string {
  return parts.join('-').replace(/[^A-Za-z0-9_-]/g, '-');
}

/** Runs a tmux client in this terminal (attach): it takes over stdin/stdout until the user detaches. */
export function tmuxInteractive(args: readonly string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn('tmux', [...serverArgs(env), ...args], { stdio: 'inherit', env });
    child.on('error', reject);
    child.on('close', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

/** Pane id → value of the pane option `@loop-role` (set on every viewport pane) in a session. */
export async function rolePanes(session: string, env: NodeJS.ProcessEnv = process.env): Promise<Map<string, string>> {
  const out = await tmux(['list-panes', '-s', '-t', exactSession(session), '-F', '#{pane_id}\t#{@loop-role}'], env);
  const panes = new Map<string, string>();
  for (const line of out.split('\n')) {
    const [pane, role] = line.split('\t');
    if (pane && role) panes.set(role, pane);
  }
  return panes;
}
