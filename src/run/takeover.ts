/**
 * `loop attach <role> --takeover`: the user drives a role's attempt in the provider's interactive
 * CLI. Once asked for, the role's dispatch holds; the role's next attempt (or the one running,
 * once its agent finishes) opens the CLI in the role's pane and worktree slot with the role prompt
 * loaded — resuming the agent's session after its own attempt — and when the user exits, the slot
 * goes through the gate, the critic and the merge queue like any other attempt. The answer to a
 * request is always on the board (`takeover.requested` or `takeover.declined`).
 */
import { appendFileSync, mkdirSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { AgentResult, ProviderSpec } from '../../protocol/index.js';
import { interactiveCommand } from '../providers/interactive.js';
import { whenFileExists } from '../util/follow-file.js';
import { agentEnv } from './actors/agent-env.js';
import { controlDir } from './control.js';
import type { RunContext } from './run-context.js';
import { taskRoles } from './team.js';

export class Takeovers {
  /** Asked for, waiting for the role's next attempt. */
  readonly #requested = new Set<string>();
  /** The user is in the CLI. */
  readonly #active = new Set<string>();

  /** Roles whose dispatch holds: a takeover is asked for or under way. */
  held(): string[] {
    return [...this.#requested, ...this.#active];
  }

  /** Accepts or declines a request, on the board. */
  async request(rt: RunContext, role: string): Promise<void> {
    const reason = declineReason(rt, role, this.held().includes(role));
    if (reason !== null) {
      await rt.board.append({ type: 'takeover.declined', role, reason });
      return;
    }
    this.#requested.add(role);
    await rt.board.append({ type: 'takeover.requested', role });
  }

  /** The attempt about to run (or whose agent just finished) takes the role's pending takeover. */
  claim(role: string): boolean {
    if (!this.#requested.delete(role)) return false;
    this.#active.add(role);
    return true;
  }

  release(role: string): void {
    this.#active.delete(role);
  }
}

function declineReason(rt: RunContext, role: string, already: boolean): string | null {
  if (already) return `a takeover of ${role} is already asked for or under way`;
  if (!taskRoles(rt.config).some((r) => r.name === role)) return `${role} does not implement tasks (only implementer roles have a worktree to work in)`;
  if (rt.mode !== 'execute') return 'a dry-run has no worktree to work in; run with --execute';
  if (rt.viewport === null) return 'the run has no tmux viewport (it runs headless), and the CLI opens in the role\'s pane';
  const open = rt.board.view.order.some((id) => {
    const task = rt.board.view.tasks[id]!;
    return task.role === role && !['merged', 'escalated', 'cancelled'].includes(task.status);
  });
  return open ? null : `${role} has no task left to work on`;
}

export interface UserAttempt {
  taskId: string;
  attempt: number;
  role: string;
  provider: ProviderSpec;
  workdir: string;
  promptFile: string;
  /** The attempt's transcript: the takeover is noted there (the interactive session itself is not recorded). */
  logFile: string;
  /** After the agent's own attempt: resume its session, no new prompt. */
  continues: boolean;
  sessionId?: string | undefined;
}

/** Runs the user's interactive session in the role's pane; resolves when they exit the CLI. */
export async function runUserAttempt(rt: RunContext, o: UserAttempt): Promise<AgentResult> {
  const viewport = rt.viewport;
  if (viewport === null) throw new Error('a takeover was claimed in a run without a viewport (a bug: requests are checked)');
  const started = Date.now();
  const command = interactiveCommand({
    provider: o.provider, systemPromptFile: rt.systemPrompts.get(o.role)!, promptFile: o.continues ? null : o.promptFile,
    workdir: o.workdir, resume: o.continues ? o.sessionId : undefined,
  });
  const exitFile = join(controlDir(rt.paths.dir), `takeover-${o.role}.${o.taskId}.${o.attempt}.exit`);
  rmSync(exitFile, { force: true });
  await rt.board.append({ type: 'takeover.started', taskId: o.taskId, attempt: o.attempt, role: o.role, argv: command.argv, workdir: o.workdir, continues: o.continues });
  note(o.logFile, `takeover: the user works in ${basename(command.argv[0]!)} in the role's pane (the interactive session is not recorded here)`);
  await viewport.runInPane(o.role, { argv: command.argv, cwd: o.workdir, env: { ...agentEnv(rt.runId, o.taskId, o.role), LOOP_RUN_DIR: rt.paths.dir, ...command.env }, exitFile });
  const status = await whenFileExists(exitFile, rt.stop);
  rmSync(exitFile, { force: true });
  if (status === null) {
    await viewport.restoreViewer(o.role).catch(() => undefined); // ends the CLI too
    throw rt.stop.reason ?? new Error('the run was stopped during a takeover');
  }
  const exitCode = Number.parseInt(status.trim(), 10);
  note(o.logFile, `takeover ended (exit ${Number.isNaN(exitCode) ? '?' : exitCode}) after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  await rt.board.append({ type: 'takeover.finished', taskId: o.taskId, attempt: o.attempt, role: o.role, exitCode: Number.isNaN(exitCode) ? null : exitCode });
  return {
    ok: true,
    text: `the user worked on it in ${basename(command.argv[0]!)} (exit ${Number.isNaN(exitCode) ? '?' : exitCode})`,
    usd: 0,
    tokens: { input: 0, output: 0 },
    exitCode: Number.isNaN(exitCode) ? null : exitCode,
    signal: null,
    timedOut: false,
    durationMs: Date.now() - started,
    argv: command.argv,
  };
}

function note(logFile: string, text: string): void {
  mkdirSync(dirname(logFile), { recursive: true });
  appendFileSync(logFile, `# ${text}\n`);
}
