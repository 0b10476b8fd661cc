/**
 * What every stage of a run reads: the run's fixed facts (config, ids, paths, prompts) and its
 * handles (board, supervisor, workspaces, budget, stop signal). Nothing here is per task and nothing
 * here is a shared mutable map: the conductor keeps the scheduling state (backoffs, roles that gave
 * up) and hands a stage what it needs as arguments.
 */
import type { LoopConfig, RequestBody, Result, RoleConfig } from '../../protocol/index.js';
import type { BudgetTracker } from '../budget/tracker.js';
import type { LoadedConfig } from '../config/load.js';
import type { RunPaths } from '../util/paths.js';
import type { BoardClient } from './board-client.js';
import type { RepoWorkspace } from './workspace.js';
import type { Takeovers } from './takeover.js';
import type { Viewport } from '../tmux/viewport.js';

/** The part of the supervisor a stage needs. */
export interface SupervisorPort {
  call(id: string, body: RequestBody, options?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Result>;
  whenRunning(id: string): Promise<void>;
  kill(id: string, reason: string): void;
}

export interface RunContext {
  readonly loaded: LoadedConfig;
  readonly config: LoopConfig;
  readonly runId: string;
  readonly goal: string;
  readonly mode: 'dry-run' | 'execute';
  readonly paths: RunPaths;
  /** System prompt file per `<role>` (implementer), `<role>.critic` and `<role>.planner`. */
  readonly systemPrompts: ReadonlyMap<string, string>;
  readonly board: BoardClient;
  readonly supervisor: SupervisorPort;
  /** By repository name; empty in dry-run. */
  readonly workspaces: ReadonlyMap<string, RepoWorkspace>;
  readonly budget: BudgetTracker;
  /** Aborted when the run is asked to stop (Ctrl-C, SIGTERM) or hits a bug. */
  readonly stop: AbortSignal;
  readonly now: () => number;
  readonly random: () => number;
  /** The tmux viewport, when the run has one. */
  readonly viewport: Viewport | null;
  /** `loop attach --takeover` requests and the takeovers under way. */
  readonly takeovers: Takeovers;
}

export function roleOf(ctx: RunContext, name: string): RoleConfig {
  const role = ctx.config.roles.find((r) => r.name === name);
  if (!role) throw new Error(`task refers to role "${name}", which is not in the config (a bug: plans are checked)`);
  return role;
}

/** The repository a task works in: its own `repo`, else its role's first repository. */
export function workspaceOf(ctx: RunContext, role: RoleConfig, repo: string | undefined): RepoWorkspace | null {
  if (ctx.mode === 'dry-run') return null;
  const name = repoNameOf(ctx.loaded, role, repo);
  const ws = name === undefined ? undefined : ctx.workspaces.get(name);
  if (!ws) throw new Error(`no workspace for repository "${name ?? '(none)'}" of role ${role.name}`);
  return ws;
}

/** The name of the repository a task works in (see workspaceOf). */
export function repoNameOf(loaded: LoadedConfig, role: RoleConfig | undefined, repo: string | undefined): string | undefined {
  return repo ?? role?.repositories[0] ?? loaded.repositories[0]?.name;
}

export const minutes = (m: number): number => Math.round(m * 60_000);
