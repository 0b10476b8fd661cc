/** Where loop keeps things: `.loop/` beside the config, worktree slots under `$LOOP_HOME`. */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `$LOOP_HOME`, default `~/.local/state/loop` (outside every repository). */
export function loopHome(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env['LOOP_HOME'];
  return fromEnv && fromEnv.length > 0 ? resolve(fromEnv) : join(homedir(), '.local', 'state', 'loop');
}

/** `.loop/` beside the config file. */
export const stateDir = (configDir: string): string => join(configDir, '.loop');
export const runsDir = (configDir: string): string => join(stateDir(configDir), 'runs');
export const runDir = (configDir: string, runId: string): string => join(runsDir(configDir), runId);

/** The files of one run (DESIGN §4). */
export function runPaths(configDir: string, runId: string) {
  const dir = runDir(configDir, runId);
  return {
    dir,
    runJson: join(dir, 'run.json'),
    /** The accepted plan, kept so a resume can re-create tasks a crash kept off the board. */
    plan: join(dir, 'plan.json'),
    boardDir: join(dir, 'board'),
    events: join(dir, 'board', 'events.jsonl'),
    costs: join(dir, 'board', 'costs.jsonl'),
    prompts: join(dir, 'prompts'),
    logs: join(dir, 'logs'),
  };
}
export type RunPaths = ReturnType<typeof runPaths>;

/** Expands a leading `~/`. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? join(homedir(), path.slice(2)) : path;
}
