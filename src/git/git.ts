/**
 * Plain `spawn('git')` (src/util/exec.ts) for every git call: execa and simple-git add 0.6-1.3 ms
 * per call and git is ~95 % of the per-task overhead (research/machine-limits.md §4).
 *
 * Every call runs with a scrubbed environment: a `GIT_DIR`/`GIT_INDEX_FILE` inherited from a hook
 * or a wrapper would silently point loop's commands at another repository or index. Messages are
 * in the C locale because conflict reports are parsed.
 */
import { spawn } from 'node:child_process';
import { exec } from '../util/exec.js';

export class GitError extends Error {
  override name = 'GitError';
  constructor(
    readonly args: string[],
    readonly cwd: string,
    readonly stderr: string,
    readonly code: number | null,
    readonly stdout = '',
  ) {
    super(`git ${args.join(' ')} failed in ${cwd} (exit ${code ?? 'signal'}): ${firstLine(stderr) || firstLine(stdout) || 'no message'}`);
  }
}

export interface GitOptions {
  timeoutMs?: number;
  /** Merged over the scrubbed environment. */
  env?: NodeJS.ProcessEnv;
  input?: string;
  /** gitTry only: trim stdout (default true, like git()); false keeps `-z` output and leading spaces intact. */
  trim?: boolean;
}

/**
 * Whether this process starts each git in a process group of its own. The CLI does
 * (`runGitInOwnGroups`): it is in the terminal's foreground group, and a Ctrl-C there is loop's to
 * handle in order; a git of its own (a slot's checkout, the landing's merge into the user's
 * checkout) finishes instead of dying half-way. Actors do not: each is its own group already, out
 * of the terminal's reach, and its git dies with it when the supervisor kills that group.
 */
export let gitInOwnGroup = false;

export function runGitInOwnGroups(): void {
  gitInOwnGroup = true;
}

/** Variables that redirect git away from the repository in `cwd`; never inherited. */
const REDIRECTING_VARIABLES = [
  'GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_COMMON_DIR', 'GIT_NAMESPACE', 'GIT_PREFIX', 'GIT_QUARANTINE_PATH', 'GIT_REPLACE_REF_BASE',
  'GIT_SHALLOW_FILE', 'GIT_GRAFT_FILE', 'GIT_CONFIG', 'GIT_CONFIG_PARAMETERS', 'GIT_CONFIG_COUNT',
];

/**
 * Options for every call: no fsmonitor daemons (one would be spawned per slot and outlive the
 * run), no background auto-gc racing worktree administration, paths printed verbatim.
 */
export const GLOBAL_CONFIG = ['-c', 'core.fsmonitor=false', '-c', 'gc.auto=0', '-c', 'maintenance.auto=false', '-c', 'core.quotePath=false'];

/** loop's own commits: a fixed identity that works with no git config, never signed, no user hooks. */
export const LOOP_IDENTITY = { name: 'loop', email: 'loop@localhost' } as const;
export const LOOP_COMMIT_CONFIG = [
  '-c', `user.name=${LOOP_IDENTITY.name}`, '-c', `user.email=${LOOP_IDENTITY.email}`,
  '-c', 'commit.gpgSign=false', '-c', 'core.hooksPath=/dev/null',
];
/** The identity as environment too: `GIT_AUTHOR_*` in the user's environment beats `-c user.name`. */
export const LOOP_COMMIT_ENV: NodeJS.ProcessEnv = {
  GIT_AUTHOR_NAME: LOOP_IDENTITY.name,
  GIT_AUTHOR_EMAIL: LOOP_IDENTITY.email,
  GIT_COMMITTER_NAME: LOOP_IDENTITY.name,
  GIT_COMMITTER_EMAIL: LOOP_IDENTITY.email,
};

/**
 * The scrubbed environment, built from `process.env` at the first git call of the process and kept:
 * copying `process.env` reads every variable through the OS environment, a cost each of the
 * dozen git calls per task paid. loop sets its environment before its first git call and never
 * changes it afterwards (actors/entry.ts restores its one variable first); code that does change
 * `process.env` later calls `refreshGitEnv()`. Each `extra` object gets its environment built
 * once too (callers pass constants such as LOOP_COMMIT_ENV), so a call copies nothing. Both are
 * frozen: they are shared, and a caller that wants to change one copies it.
 */
let scrubbed: NodeJS.ProcessEnv | null = null;
let withExtra = new WeakMap<NodeJS.ProcessEnv, NodeJS.ProcessEnv>();

export function gitEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  if (scrubbed === null) {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const name of REDIRECTING_VARIABLES) delete env[name];
    env['GIT_TERMINAL_PROMPT'] = '0';
    env['GIT_EDITOR'] = ':';
    env['GIT_PAGER'] = 'cat';
    env['LC_ALL'] = 'C';
    env['LANGUAGE'] = 'C';
    scrubbed = Object.freeze(env);
  }
  if (!extra) return scrubbed;
  let env = withExtra.get(extra);
  if (env === undefined) {
    env = Object.freeze({ ...scrubbed, ...extra });
    withExtra.set(extra, env);
  }
  return env;
}

/** Builds the git environment again from `process.env` at the next call (after a change to `process.env`). */
export function refreshGitEnv(): void {
  scrubbed = null;
  withExtra = new WeakMap();
}

/** Runs git in `cwd`; resolves with stdout trimmed, throws `GitError` on a non-zero exit. */
export async function git(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const result = await run(cwd, args, options);
  if (result.code !== 0) throw new GitError(args, cwd, result.stderr, result.code, result.stdout);
  return result.stdout.trim();
}

/** Like `git` but never throws for a non-zero exit. */
export async function gitTry(
  cwd: string,
  args: string[],
  options: GitOptions = {},
): Promise<{ ok: boolean; stdout: string; stderr: string; code: number | null }> {
  const result = await run(cwd, args, options);
  const stdout = options.trim === false ? result.stdout : result.stdout.trim();
  return { ok: result.code === 0, stdout, stderr: result.stderr, code: result.code };
}

/** Raw stdout (not trimmed), for `-z` output whose trailing NUL matters; throws on failure. */
export async function gitRaw(cwd: string, args: string[], options: GitOptions = {}): Promise<string> {
  const result = await run(cwd, args, options);
  if (result.code !== 0) throw new GitError(args, cwd, result.stderr, result.code, result.stdout);
  return result.stdout;
}

async function run(cwd: string, args: string[], options: GitOptions) {
  const result = await exec('git', [...GLOBAL_CONFIG, ...args], {
    cwd,
    env: gitEnv(options.env),
    ownGroup: gitInOwnGroup,
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.input === undefined ? {} : { input: options.input }),
  });
  if (result.timedOut) {
    return { ...result, code: null, stderr: `timed out after ${options.timeoutMs} ms\n${result.stderr}` };
  }
  return result;
}

/**
 * Stdout of a git command cut at `maxBytes`: the process is killed once that much has arrived,
 * so a multi-gigabyte diff never sits in memory. `truncated` says whether anything was cut.
 */
export function gitCapped(cwd: string, args: string[], maxBytes: number, env?: NodeJS.ProcessEnv): Promise<{ stdout: string; truncated: boolean; totalBytes: number | null }> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', [...GLOBAL_CONFIG, ...args], { cwd, env: gitEnv(env), stdio: ['ignore', 'pipe', 'pipe'], detached: gitInOwnGroup });
    const chunks: Buffer[] = [];
    let size = 0;
    let truncated = false;
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      if (truncated) return;
      chunks.push(chunk);
      size += chunk.length;
      if (size > maxBytes) {
        truncated = true;
        child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 4096) stderr += chunk.toString('utf8');
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (!truncated && code !== 0) {
        reject(new GitError(args, cwd, stderr, code));
        return;
      }
      const all = Buffer.concat(chunks);
      const kept = truncated ? all.subarray(0, maxBytes) : all;
      resolve({ stdout: kept.toString('utf8'), truncated, totalBytes: truncated ? null : all.length });
    });
  });
}

/** Splits `-z` output into its fields (the trailing NUL yields no empty field). */
export function splitNul(output: string): string[] {
  const fields = output.split('\0');
  if (fields.length > 0 && fields[fields.length - 1] === '') fields.pop();
  return fields;
}

function firstLine(text: string): string {
  return text.trim().split('\n').find((line) => line.trim().length > 0)?.trim() ?? '';
}
