/**
 * Stage 2 of 6, agent. Points a worktree slot at where the attempt starts (the integration head,
 * so upstream work is present; or, for a repair, the previous attempt's work), writes the prompt,
 * and has the role's SME actor run the agent (or, after `loop attach --takeover`, the user in the
 * provider's interactive CLI). The slot is handed back to the task flow, which keeps
 * it while the gate and the critic need it; the role itself is free for its next task as soon as
 * this stage ends (the scheduler counts only tasks in `running` against the role and maxParallel).
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AgentResultSchema, type AgentResult, type Failure } from '../../../protocol/index.js';
import type { TaskView } from '../../board/view.js';
import { git } from '../../git/git.js';
import { mergeInObjectStore } from '../../git/merge.js';
import { isAncestor, resolveSha } from '../../git/repo.js';
import { SetupError, type Slot } from '../../git/slots.js';
import { callActor, parseReply } from '../actor-call.js';
import { agentFailure, firstLine } from '../outcomes.js';
import { taskPrompt, type UpstreamSummary } from '../prompts.js';
import { minutes, roleOf, workspaceOf, type RunContext } from '../run-context.js';
import { passed, setback, type StageResult } from '../setbacks.js';
import { runUserAttempt } from '../takeover.js';
import { providerForRun } from '../team.js';
import { taskBranch, type RepoWorkspace } from '../workspace.js';
import { attemptBudgetKey } from './dispatch.js';

/** Extra time the conductor gives an actor beyond the agent's own deadline before calling it hung. */
const CALL_GRACE_MS = 60_000;

export interface AgentInput {
  taskId: string;
  attempt: number;
  /** The budget reservation the dispatch made for this call. */
  budgetCallId: string;
  signal: AbortSignal;
}

export interface AgentDone {
  /** Null in dry-run. */
  ws: RepoWorkspace | null;
  /** The slot holding the agent's work; the flow releases it. Null in dry-run. */
  slot: Slot | null;
  /** Where the task's change starts: the integration head its work is compared with. */
  base: string | null;
}

export async function agentStage(ctx: RunContext, input: AgentInput): Promise<StageResult<AgentDone>> {
  const { taskId, attempt, budgetCallId, signal } = input;
  const task = (): TaskView => ctx.board.view.tasks[taskId]!;
  const role = roleOf(ctx, task().role);
  const provider = providerForRun(ctx.config, role, ctx.mode);
  const ws = workspaceOf(ctx, role, task().repo);
  let reserved = true;
  const release = (): void => {
    if (reserved) ctx.budget.release(budgetCallId);
    reserved = false;
  };
  let point: StartingPoint | null = null;
  /** A setback after the slot was taken: the slot goes back to the pool first (once). */
  const failed = (result: StageResult<AgentDone>): StageResult<AgentDone> => {
    if (point) point.ws.pool.release(point.slot);
    point = null;
    return result;
  };
  try {
    const previous = task().lastFailure ?? null;
    try {
      point = ws ? await pointSlot(ctx, ws, task(), attempt, previous) : null;
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      release();
      return setback({
        kind: 'trouble', trouble: { kind: 'crashed', reason: `the setup command failed in a new worktree slot: ${error.message}` }, what: 'setup',
        ...(error.retryAt === undefined ? {} : { notBefore: error.retryAt }),
      });
    }
    const slot = point?.slot ?? null;
    const promptFile = join(ctx.paths.prompts, `${taskId}.${attempt}.md`);
    const allowedCommands = ws?.agentCommands.map((found) => found.command);
    const logFile = join(ctx.paths.logs, `${taskId}.${attempt}.log`);
    const prompt = taskPrompt({
      task: task(),
      attempt,
      maxAttempts: 1 + ctx.config.loop.maxRepairs,
      goal: ctx.goal,
      roleTitle: role.title ?? role.name,
      workdir: slot?.path ?? null,
      branch: slot ? taskBranch(ctx.runId, taskId) : null,
      testCommand: ws?.testCommand ?? null,
      ...(allowedCommands ? { allowedCommands } : {}),
      upstream: upstreamOf(ctx, task()),
      failure: attempt > 1 ? previous : null,
      continuesPrevious: point?.continues ?? false,
    });
    // written off the supervisor's event loop (a file created per attempt)
    await writeFile(promptFile, prompt);
    const deadlineMs = minutes(provider.config.timeoutMinutes ?? ctx.config.loop.taskTimeoutMinutes);
    ctx.board.post({
      type: 'attempt.started', taskId, attempt, role: role.name, provider: provider.key, providerType: provider.config.type,
      ...(slot ? { workdir: slot.path } : {}), logFile,
    });
    const user = (continues: boolean, sessionId?: string): Promise<AgentResult> => runUserAttempt(ctx, {
      taskId, attempt, role: role.name, provider, workdir: slot!.path, promptFile, logFile, continues, sessionId,
    }).finally(() => ctx.takeovers.release(role.name));
    let agent: AgentResult;
    if (slot && ctx.takeovers.claim(role.name)) {
      release();
      agent = await user(false);
    } else {
      const reply = await callActor(ctx, `sme/${role.name}`, {
        type: 'run-attempt', runId: ctx.runId, taskId, attempt, role: role.name, taskTitle: task().title,
        ...(task().files ? { taskFiles: task().files! } : {}),
        provider, workdir: slot?.path ?? null, prompt, promptFile,
        systemPromptFile: ctx.systemPrompts.get(role.name)!, logFile, deadlineMs,
        ...(allowedCommands ? { allowedCommands } : {}),
      }, deadlineMs + CALL_GRACE_MS, signal);
      if (reply.kind !== 'result') {
        release();
        return failed(setback({ kind: 'trouble', trouble: reply, what: 'agent' }));
      }
      agent = parseReply(reply.result, AgentResultSchema, 'run-attempt');
      ctx.budget.settle(budgetCallId, attemptBudgetKey(provider.key), agent.usd);
      reserved = false;
      ctx.board.post({
        type: 'cost.recorded', role: role.name, taskId, phase: 'attempt', provider: provider.key, usd: agent.usd, tokens: agent.tokens,
        ...(agent.model ? { model: agent.model } : {}), ...(agent.priced === undefined ? {} : { priced: agent.priced }),
      });
    }
    if (!agent.ok) return failed(await afterAgentError(ctx, taskId, attempt, agent, provider.key));
    await ctx.board.append({
      type: 'attempt.finished', taskId, attempt, outcome: 'ok', summary: firstLine(agent.text) || 'the agent finished', durationMs: agent.durationMs, usd: agent.usd,
      ...(agent.sessionId ? { sessionId: agent.sessionId } : {}),
    });
    // asked for while the agent worked: the user continues from where it stopped
    if (slot && ctx.takeovers.claim(role.name)) await user(true, agent.sessionId);
    return passed({ ws, slot, base: point?.base ?? null });
  } catch (error) {
    release();
    failed(setback({ kind: 'interrupted' }));
    if (signal.aborted) return setback({ kind: 'interrupted' });
    throw error;
  }
}

interface StartingPoint {
  ws: RepoWorkspace;
  slot: Slot;
  /** The integration head the change is compared with. */
  base: string;
  continues: boolean;
}

/**
 * A repair continues from the previous attempt's commit, so the agent fixes rather than redoes;
 * after a red merge train it continues from that work merged with the current integration head,
 * because the failure came from the change together with what merged meanwhile. After tampering,
 * a merge conflict or "no changes" it restarts from the integration head.
 */
async function pointSlot(ctx: RunContext, ws: RepoWorkspace, task: TaskView, attempt: number, failure: Failure | null): Promise<StartingPoint> {
  const head = await resolveSha(ws.repo.path, ws.integration.ref);
  const restart = failure === null || ['tamper', 'conflict', 'no-changes'].includes(failure.kind) || attempt === 1 || task.commit === undefined;
  let start = head;
  let base = head;
  if (!restart && failure.kind === 'merge-tests') {
    start = (await withHead(ws, task, head)) ?? head;
  } else if (!restart) {
    start = task.commit!;
    base = await git(ws.repo.path, ['merge-base', head, start]);
  }
  const slot = await pointedSlot(ws, 'task', { sha: start, branch: taskBranch(ctx.runId, task.id) });
  return { ws, slot, base, continues: start !== head };
}

/** The task's last commit with the integration head merged in (in the object store); null when they conflict. */
async function withHead(ws: RepoWorkspace, task: TaskView, head: string): Promise<string | null> {
  if (await isAncestor(ws.repo.path, head, task.commit!)) return task.commit!;
  const merged = await mergeInObjectStore(ws.repo.path, task.commit!, head, `loop(${task.id}): the integration head merged into the previous attempt`);
  return merged?.ok ? merged.sha : null;
}

/**
 * A slot pointed at `target`. A slot that cannot be pointed any more (a hostile or confused agent
 * deleted its `.git` or wrecked its index) is retired and replaced once, instead of stopping the run.
 */
export async function pointedSlot(ws: RepoWorkspace, kind: Slot['kind'], target: { sha: string; branch: string | null }): Promise<Slot> {
  const slot = await ws.pool.acquire(kind);
  try {
    await ws.pool.pointAt(slot, target);
    return slot;
  } catch (error) {
    if (error instanceof Error && error.name === 'SetupError') {
      ws.pool.release(slot);
      throw error;
    }
    await ws.pool.retire(slot);
  }
  const fresh = await ws.pool.acquire(kind);
  await ws.pool.pointAt(fresh, target);
  return fresh;
}

function upstreamOf(ctx: RunContext, task: TaskView): UpstreamSummary[] {
  return task.dependsOn.map((id) => {
    const up = ctx.board.view.tasks[id]!;
    const finished = [...up.history].reverse().find((e) => e.type === 'attempt.finished' && e.outcome === 'ok');
    return { id, role: up.role, title: up.title, ...(up.mergedSha ? { sha: up.mergedSha } : {}), summary: finished?.type === 'attempt.finished' ? finished.summary : '' };
  });
}

/** A failed agent call that is data (bad output, refused permission, non-zero exit, auth, rate limit). */
async function afterAgentError(ctx: RunContext, taskId: string, attempt: number, agent: AgentResult, providerKey: string): Promise<StageResult<AgentDone>> {
  const summary = firstLine(agent.errorMessage ?? agent.text) || `the agent exited with ${agent.exitCode ?? agent.signal}`;
  const rateLimited = agent.errorKind === 'rate-limit';
  await ctx.board.append({
    type: 'attempt.finished', taskId, attempt, outcome: rateLimited ? 'rate-limited' : 'failed',
    ...(agent.errorKind ? { errorKind: agent.errorKind } : {}), summary, durationMs: agent.durationMs, usd: agent.usd,
  });
  if (rateLimited) return setback({ kind: 'rate-limited', reason: `rate limited by ${providerKey}: ${summary}` });
  if (agent.errorKind === 'auth') return setback({ kind: 'escalate', reason: `provider ${providerKey} is not authenticated (${summary}); run \`loop auth status\`` });
  const kind: Failure['kind'] = agent.errorKind === 'permission' ? 'permission' : agent.errorKind === 'bad-output' ? 'bad-output' : 'agent-error';
  return setback({ kind: 'repair', failure: agentFailure(kind, `agent failed: ${summary}`, agent.errorMessage ? `${agent.errorMessage}\n${agent.text}` : agent.text) });
}
