/**
 * One attempt of one task, end to end: point a worktree slot at the right commit, run the role's
 * agent, gate the result (protected files, tests, regression rule), have an independent critic
 * review it, and hand it to the merge queue. Every setback becomes a board event and either a
 * repair (with the evidence), a retry (after a failure) or an escalation.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { AgentResultSchema, GateResultSchema, MergeResultSchema, type AgentResult, type BoardEventDraft, type Failure, type Result } from '../../protocol/index.js';
import type { TaskView } from '../board/view.js';
import { backoffDelayMs } from '../../supervisor/backoff.js';
import { git } from '../git/git.js';
import { resolveSha } from '../git/repo.js';
import { taskPrompt, type UpstreamSummary } from './prompts.js';
import { afterFailure, afterValidationFailure, agentFailure, firstLine } from './outcomes.js';
import { providerForRun } from './team.js';
import { reviewStage } from './review.js';
import { runUserAttempt } from './takeover.js';
import { minutes, roleOf, workspaceOf, type RunRuntime } from './runtime.js';
import { taskBranch, type RepoWorkspace } from './workspace.js';
import type { Slot } from '../git/slots.js';

/** Extra time the conductor gives an actor beyond the agent's own deadline before calling it hung. */
const CALL_GRACE_MS = 60_000;

export const attemptBudgetKey = (providerKey: string): string => `${providerKey}:attempt`;

export async function runAttempt(rt: RunRuntime, taskId: string, signal: AbortSignal, budgetCallId: string): Promise<void> {
  const task = (): TaskView => rt.board.view.tasks[taskId]!;
  const role = roleOf(rt, task().role);
  const provider = providerForRun(rt.config, role, rt.mode);
  const attempt = task().attempt + 1;
  const ws = workspaceOf(rt, role, task().repo);
  const emit = (draft: BoardEventDraft) => rt.board.append(draft);
  let slot: Slot | null = null;
  let reserved = true;
  try {
    await emit({ type: 'task.dispatched', taskId, role: role.name, attempt });
    const previous = task().lastFailure ?? null;
    let point: Pointed | null = null;
    try {
      point = ws ? await pointSlot(rt, ws, task(), attempt, previous) : null;
    } catch (error) {
      if (!(error instanceof Error && error.name === 'SetupError')) throw error;
      rt.budget.release(budgetCallId);
      reserved = false;
      return await afterActorTrouble(rt, task(), attempt, { kind: 'crashed', reason: `the setup command failed in a new worktree slot: ${error.message}` }, 'setup');
    }
    slot = point?.slot ?? null;
    const promptFile = join(rt.paths.prompts, `${taskId}.${attempt}.md`);
    const allowedCommands = ws?.agentCommands.map((found) => found.command);
    const logFile = join(rt.paths.logs, `${taskId}.${attempt}.log`);
    const prompt = taskPrompt({
      task: task(),
      attempt,
      maxAttempts: 1 + rt.config.loop.maxRepairs,
      goal: rt.goal,
      roleTitle: role.title ?? role.name,
      workdir: slot?.path ?? null,
      branch: slot ? taskBranch(rt.runId, taskId) : null,
      testCommand: ws?.testCommand ?? null,
      ...(allowedCommands ? { allowedCommands } : {}),
      upstream: upstreamOf(rt, task()),
      failure: attempt > 1 ? previous : null,
      continuesPrevious: point?.continues ?? false,
    });
    writeFileSync(promptFile, prompt);
    const deadlineMs = minutes(provider.config.timeoutMinutes ?? rt.config.loop.taskTimeoutMinutes);
    rt.board.post({
      type: 'attempt.started', taskId, attempt, role: role.name, provider: provider.key, providerType: provider.config.type,
      ...(slot ? { workdir: slot.path } : {}), logFile,
    });
    const user = (continues: boolean, sessionId?: string): Promise<AgentResult> => runUserAttempt(rt, {
      taskId, attempt, role: role.name, provider, workdir: slot!.path, promptFile, logFile, continues, sessionId,
    }).finally(() => rt.takeovers.release(role.name));
    let agent: AgentResult;
    if (slot && rt.takeovers.claim(role.name)) {
      rt.budget.release(budgetCallId);
      reserved = false;
      agent = await user(false);
    } else {
      const reply = await callActor(rt, `sme/${role.name}`, {
        type: 'run-attempt', runId: rt.runId, taskId, attempt, role: role.name, taskTitle: task().title,
        ...(task().files ? { taskFiles: task().files! } : {}),
        provider, workdir: slot?.path ?? null, prompt, promptFile,
        systemPromptFile: rt.systemPrompts.get(role.name)!, logFile, deadlineMs,
        ...(allowedCommands ? { allowedCommands } : {}),
      }, deadlineMs + CALL_GRACE_MS, signal);
      if (reply.kind !== 'result') {
        rt.budget.release(budgetCallId);
        reserved = false;
        return await afterActorTrouble(rt, task(), attempt, reply, 'agent');
      }
      agent = parseReply(reply.result, AgentResultSchema, 'run-attempt');
      rt.budget.settle(budgetCallId, attemptBudgetKey(provider.key), agent.usd);
      reserved = false;
      rt.board.post({
        type: 'cost.recorded', role: role.name, taskId, phase: 'attempt', provider: provider.key, usd: agent.usd, tokens: agent.tokens,
        ...(agent.model ? { model: agent.model } : {}), ...(agent.priced === undefined ? {} : { priced: agent.priced }),
      });
    }
    if (!agent.ok) return await afterAgentError(rt, task(), attempt, agent, provider.key);
    await emit({
      type: 'attempt.finished', taskId, attempt, outcome: 'ok', summary: firstLine(agent.text) || 'the agent finished', durationMs: agent.durationMs, usd: agent.usd,
      ...(agent.sessionId ? { sessionId: agent.sessionId } : {}),
    });
    // asked for while the agent worked: the user continues from where it stopped
    if (slot && rt.takeovers.claim(role.name)) await user(true, agent.sessionId);
    if (!(await gateStage(rt, task(), attempt, ws, slot, point?.base ?? null, signal))) return;
    if (!(await reviewStage(rt, task(), attempt, role, ws, point?.base ?? null, signal))) return;
    await mergeStage(rt, task(), attempt, ws, signal);
  } catch (error) {
    if (reserved) rt.budget.release(budgetCallId);
    if (signal.aborted) return await markInterrupted(rt, taskId);
    throw error;
  } finally {
    if (slot && ws) ws.pool.release(slot);
  }
}

interface Pointed {
  slot: Slot;
  /** Where the task's change starts: the integration head its first attempt was built on. */
  base: string;
  continues: boolean;
}

/**
 * A repair continues from the previous attempt's commit (so the agent can fix rather than redo),
 * except after tampering or a merge problem, where it restarts from the current integration head.
 */
async function pointSlot(rt: RunRuntime, ws: RepoWorkspace, task: TaskView, attempt: number, failure: Failure | null): Promise<Pointed> {
  const head = await resolveSha(ws.repo.path, ws.integration.ref);
  const restart = failure === null || ['tamper', 'conflict', 'merge-tests', 'no-changes'].includes(failure.kind);
  const continues = attempt > 1 && task.commit !== undefined && !restart;
  const start = continues ? task.commit! : head;
  const slot = await pointedSlot(ws, 'task', { sha: start, branch: taskBranch(rt.runId, task.id) });
  const base = continues ? await mergeBase(ws, head, start) : head;
  return { slot, base, continues };
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

const mergeBase = (ws: RepoWorkspace, a: string, b: string): Promise<string> => git(ws.repo.path, ['merge-base', a, b]);

function upstreamOf(rt: RunRuntime, task: TaskView): UpstreamSummary[] {
  return task.dependsOn.map((id) => {
    const up = rt.board.view.tasks[id]!;
    const finished = [...up.history].reverse().find((e) => e.type === 'attempt.finished' && e.outcome === 'ok');
    return { id, role: up.role, title: up.title, ...(up.mergedSha ? { sha: up.mergedSha } : {}), summary: finished?.type === 'attempt.finished' ? finished.summary : '' };
  });
}

async function gateStage(rt: RunRuntime, task: TaskView, attempt: number, ws: RepoWorkspace | null, slot: Slot | null, base: string | null, signal: AbortSignal): Promise<boolean> {
  const testTimeoutMs = minutes(rt.config.loop.testTimeoutMinutes);
  const reply = await callActor(rt, 'gate', {
    type: 'verify', runId: rt.runId, taskId: task.id, attempt,
    repoPath: ws?.repo.path ?? null, workdir: slot?.path ?? null, baseSha: base,
    baselineWorkdir: ws?.baseline.path ?? null, testCommand: ws?.testCommand ?? null, setupCommand: ws?.setupCommand ?? null, testTimeoutMs,
    protected: ws?.protected ?? { testGlobs: [], lockedGlobs: [] },
    logFile: join(rt.paths.logs, `${task.id}.${attempt}.gate.log`),
    commitMessage: `loop(${task.id}): ${task.title} [attempt ${attempt}]`,
  }, gateTimeoutMs(rt), signal);
  if (reply.kind !== 'result') return afterActorTrouble(rt, task, attempt, reply, 'gate').then(() => false);
  const gate = parseReply(reply.result, GateResultSchema, 'verify');
  if (!gate.ok) {
    await rt.board.append({ type: 'gate.failed', taskId: task.id, attempt, failure: gate.failure!, ...(gate.commit ? { commit: gate.commit } : {}) });
    await rt.board.append(afterValidationFailure(rt.board.view.tasks[task.id]!, attempt, gate.failure!, rt.config.loop.maxRepairs));
    return false;
  }
  await rt.board.append({
    type: 'gate.passed', taskId: task.id, attempt, tests: gate.tests === 'failed' ? 'passed' : gate.tests, summary: gate.summary,
    durationMs: gate.durationMs, ...(gate.commit ? { commit: gate.commit } : {}), changedFiles: gate.changedFiles,
  });
  return true;
}

async function mergeStage(rt: RunRuntime, task: TaskView, attempt: number, ws: RepoWorkspace | null, signal: AbortSignal): Promise<void> {
  const current = rt.board.view.tasks[task.id]!;
  const reply = await callActor(rt, 'gate', {
    type: 'merge', runId: rt.runId, taskId: task.id, attempt,
    repoPath: ws?.repo.path ?? null, scratchWorkdir: ws?.scratch.path ?? null,
    integrationRef: ws?.integration.ref ?? null, taskCommit: ws ? current.commit ?? null : null,
    testCommand: ws?.testCommand ?? null, setupCommand: ws?.setupCommand ?? null, testTimeoutMs: minutes(rt.config.loop.testTimeoutMinutes),
    logFile: join(rt.paths.logs, `${task.id}.${attempt}.merge.log`),
    message: `loop: merge ${task.id} (${task.role}): ${task.title}`,
  }, gateTimeoutMs(rt), signal);
  if (reply.kind !== 'result') return afterActorTrouble(rt, current, attempt, reply, 'gate');
  const merged = parseReply(reply.result, MergeResultSchema, 'merge');
  if (!merged.ok) {
    await rt.board.append({ type: 'merge.failed', taskId: task.id, attempt, failure: merged.failure! });
    await rt.board.append(afterValidationFailure(rt.board.view.tasks[task.id]!, attempt, merged.failure!, rt.config.loop.maxRepairs));
    return;
  }
  await rt.board.append({
    type: 'task.merged', taskId: task.id, attempt, ...(merged.sha ? { sha: merged.sha } : {}),
    ...(ws ? { branch: ws.integration.ref.replace(/^refs\/heads\//, '') } : {}),
  });
}

/** A failed agent call that is data (bad output, refused permission, non-zero exit, auth, rate limit). */
async function afterAgentError(rt: RunRuntime, task: TaskView, attempt: number, agent: AgentResult, providerKey: string): Promise<void> {
  const summary = firstLine(agent.errorMessage ?? agent.text) || `the agent exited with ${agent.exitCode ?? agent.signal}`;
  const rateLimited = agent.errorKind === 'rate-limit';
  await rt.board.append({
    type: 'attempt.finished', taskId: task.id, attempt, outcome: rateLimited ? 'rate-limited' : 'failed',
    ...(agent.errorKind ? { errorKind: agent.errorKind } : {}), summary, durationMs: agent.durationMs, usd: agent.usd,
  });
  const now = rt.board.view.tasks[task.id]!;
  if (rateLimited) {
    const delayMs = backoffDelayMs(now.retries, { ...rt.config.loop.backoff, minMs: Math.max(rt.config.loop.backoff.minMs, 5_000) }, rt.random());
    rt.notBefore.set(task.id, rt.now() + delayMs);
    await rt.board.append(afterFailure(now, `rate limited by ${providerKey}: ${summary}`, delayMs, rt.config.loop.maxRetries));
    return;
  }
  if (agent.errorKind === 'auth') {
    await rt.board.append({ type: 'task.escalated', taskId: task.id, reason: `provider ${providerKey} is not authenticated (${summary}); run \`loop auth status\`` });
    return;
  }
  const kind: Failure['kind'] = agent.errorKind === 'permission' ? 'permission' : agent.errorKind === 'bad-output' ? 'bad-output' : 'agent-error';
  await rt.board.append(afterValidationFailure(now, attempt, agentFailure(kind, `agent failed: ${summary}`, agent.errorMessage ? `${agent.errorMessage}\n${agent.text}` : agent.text), rt.config.loop.maxRepairs));
}

export type ActorReply = { kind: 'result'; result: Result } | { kind: 'crashed'; reason: string } | { kind: 'unavailable'; reason: string } | { kind: 'interrupted'; reason: string };

/** Calls an actor and turns the ways it can fail into data. Bugs still throw. */
export async function callActor(rt: RunRuntime, id: string, body: Parameters<RunRuntime['supervisor']['call']>[1], timeoutMs: number, signal: AbortSignal): Promise<ActorReply> {
  try {
    const result = await rt.supervisor.call(id, body, { timeoutMs, signal });
    if (result.tag === 'interrupted') {
      // Interrupted while the run goes on: the supervisor shut the actor down to restart it (a
      // sibling such as the board crashed). That is a failure to retry, not a stop.
      return signal.aborted ? { kind: 'interrupted', reason: result.reason } : { kind: 'crashed', reason: `${id} was restarted mid-call (${result.reason})` };
    }
    return { kind: 'result', result };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    if (signal.aborted) return { kind: 'interrupted', reason: 'the run was stopped' };
    if (name === 'ActorExitedError') return { kind: 'crashed', reason: message };
    if (name === 'CallTimeoutError') {
      rt.supervisor.kill(id, `no answer within ${Math.round(timeoutMs / 1000)}s`);
      return { kind: 'crashed', reason: `${id} did not answer within ${Math.round(timeoutMs / 1000)}s and was killed` };
    }
    if (name === 'ChildUnavailableError') return { kind: 'unavailable', reason: message };
    throw error;
  }
}

/** An actor crashed, hung, gave up, or the run was stopped: a failure, handled by retry/escalation. */
export async function afterActorTrouble(rt: RunRuntime, task: TaskView, attempt: number, reply: Exclude<ActorReply, { kind: 'result' }>, what: string): Promise<void> {
  const now = rt.board.view.tasks[task.id]!;
  if (reply.kind === 'interrupted') return markInterrupted(rt, task.id);
  if (now.status === 'running') {
    await rt.board.append({
      type: 'attempt.finished', taskId: task.id, attempt, outcome: /timed out|did not answer/.test(reply.reason) ? 'timed-out' : 'crashed',
      summary: reply.reason, durationMs: 0, usd: 0,
    });
  }
  if (reply.kind === 'unavailable') {
    const reason = rt.blockedRoles.get(task.role) ?? reply.reason;
    await rt.board.append({ type: 'task.escalated', taskId: task.id, reason: `the ${what} for role ${task.role} is unavailable: ${reason}` });
    return;
  }
  const delayMs = backoffDelayMs(now.retries, rt.config.loop.backoff, rt.random());
  rt.notBefore.set(task.id, rt.now() + delayMs);
  await rt.board.append(afterFailure(rt.board.view.tasks[task.id]!, `${what} failed: ${reply.reason}`, delayMs, rt.config.loop.maxRetries));
}

export async function markInterrupted(rt: RunRuntime, taskId: string): Promise<void> {
  const status = rt.board.view.tasks[taskId]?.status;
  if (status && ['ready', 'running', 'implemented', 'reviewing', 'gating'].includes(status)) {
    await rt.board.append({ type: 'task.interrupted', taskId, reason: 'the run was stopped' });
  }
}

export function parseReply<T>(result: Result, schema: v.GenericSchema<unknown, T>, what: string): T {
  if (result.tag !== 'ok') throw new Error(`${what} answered ${result.tag}: ${result.tag === 'fail' ? result.message : result.reason}`);
  const parsed = v.safeParse(schema, result.value);
  if (!parsed.success) throw new Error(`${what} answered with an invalid value: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

export const gateTimeoutMs = (rt: RunRuntime): number =>
  (minutes(rt.config.loop.testTimeoutMinutes) * 3 + 300_000) * Math.max(1, rt.config.loop.maxParallel);
