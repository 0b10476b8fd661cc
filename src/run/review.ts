/**
 * The critic stage: an independent reviewer on a different provider reads the diff, the task, its
 * acceptance criteria and loop's own test evidence, in a detached copy where any edit it makes is
 * discarded. A reject goes back to the author word for word as a repair.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ReviewResultSchema, type ProviderSpec, type RoleConfig } from '../../protocol/index.js';
import type { TaskView } from '../board/view.js';
import { diffForReview } from '../git/diff.js';
import { backoffDelayMs } from '../../supervisor/backoff.js';
import { DEFAULT_ESTIMATE_USD } from '../budget/governor.js';
import { effectiveSim } from '../providers/sim/behaviour.js';
import { afterActorTrouble, callActor, markInterrupted, parseReply, pointedSlot } from './attempt.js';
import { afterValidationFailure } from './outcomes.js';
import { reviewPrompt } from './prompts.js';
import { chooseCritic, providerForRun } from './team.js';
import { minutes, type RunRuntime } from './runtime.js';
import type { RepoWorkspace } from './workspace.js';
import type { Slot } from '../git/slots.js';
import { sleep } from '../util/sleep.js';

const MAX_DIFF_CHARS = 60_000;
const CALL_GRACE_MS = 60_000;

export function defaultEstimateUsd(provider: ProviderSpec): number {
  if (provider.config.estimateUsd !== undefined) return provider.config.estimateUsd;
  if (provider.config.type === 'sim') return effectiveSim(provider.config.sim, provider.key, process.env).costUsd;
  return DEFAULT_ESTIMATE_USD[provider.config.type] ?? 0;
}

export async function reviewStage(rt: RunRuntime, task: TaskView, attempt: number, implementer: RoleConfig, ws: RepoWorkspace | null, base: string | null, signal: AbortSignal): Promise<boolean> {
  const emit = (draft: Parameters<typeof rt.board.append>[0]) => rt.board.append(draft);
  const choice = chooseCritic(rt.config, implementer);
  if (!choice) {
    await emit({ type: 'review.started', taskId: task.id, attempt, critic: 'none', provider: 'none' });
    await emit({ type: 'review.accepted', taskId: task.id, attempt, critic: 'none', reasons: ['no critic role is configured; the gate passed'], notes: [] });
    return true;
  }
  if (!choice.independent && !rt.warned.has(`critic:${implementer.name}`)) {
    rt.warned.add(`critic:${implementer.name}`);
    await emit({ type: 'run.note', level: 'warn', message: `critic ${choice.role.name} uses the same provider as ${implementer.name}: no role on another vendor is available, so the review is not independent` });
  }
  const provider = providerForRun(rt.config, choice.role, rt.mode);
  const callId = `${task.id}#${attempt}:review`;
  const budgetKey = `${provider.key}:review`;
  // Waits while only other calls' reservations stand in the way: they may settle below estimate.
  if (!(await rt.budget.reserveWhenSettled(callId, budgetKey, defaultEstimateUsd(provider), signal))) {
    if (signal.aborted) return markInterrupted(rt, task.id).then(() => false);
    await emit({ type: 'task.interrupted', taskId: task.id, reason: 'the budget cannot pay for its review' });
    return false;
  }
  const commit = rt.board.view.tasks[task.id]!.commit ?? null;
  let slot: Slot | null;
  try {
    slot = ws && commit ? await pointedSlot(ws, 'critic', { sha: commit, branch: null }) : null;
  } catch (error) {
    // A new critic slot whose setup fails: the environment, retried like a crashed actor, never a bug.
    if (!(error instanceof Error && error.name === 'SetupError')) throw error;
    rt.budget.release(callId);
    await afterActorTrouble(rt, task, attempt, { kind: 'crashed', reason: `the setup command failed in a new critic slot: ${error.message}` }, 'setup');
    return false;
  }
  try {
    const diff = ws && commit && base ? await diffForReview(ws.repo.path, base, commit, { maxChars: MAX_DIFF_CHARS }) : '(dry-run: the sim agent changed no files)';
    const passed = [...rt.board.view.tasks[task.id]!.history].reverse().find((e) => e.type === 'gate.passed');
    const gateNote = passed?.type === 'gate.passed' ? passed.summary : 'no test evidence';
    const prompt = reviewPrompt({
      task: rt.board.view.tasks[task.id]!, attempt, diff, base, commit,
      implementer: { role: implementer.name, provider: providerForRun(rt.config, implementer, rt.mode).key },
      testSummary: ws?.testCommand ? `Command: ${ws.testCommand}\nResult: ${gateNote}` : `Result: ${gateNote}`,
      ...(passed?.type === 'gate.passed' && passed.changedFiles ? { changedFiles: passed.changedFiles } : {}),
    });
    const promptFile = join(rt.paths.prompts, `${task.id}.${attempt}.review.md`);
    writeFileSync(promptFile, prompt);
    rt.board.post({ type: 'review.started', taskId: task.id, attempt, critic: choice.role.name, provider: provider.key });
    const deadlineMs = minutes(provider.config.timeoutMinutes ?? rt.config.loop.taskTimeoutMinutes);
    for (let tries = 0; ; tries++) {
      const reply = await callActor(rt, 'critic', {
        type: 'review', runId: rt.runId, taskId: task.id, attempt, critic: choice.role.name, provider,
        workdir: slot?.path ?? null, prompt, promptFile,
        systemPromptFile: rt.systemPrompts.get(`${choice.role.name}.critic`)!,
        logFile: join(rt.paths.logs, `${task.id}.${attempt}.review.log`), deadlineMs,
      }, deadlineMs * 2 + CALL_GRACE_MS, signal);
      if (reply.kind === 'interrupted') {
        rt.budget.release(callId);
        await markInterrupted(rt, task.id);
        return false;
      }
      const failed = reply.kind === 'result' && reply.result.tag === 'fail' ? reply.result : null;
      if (reply.kind === 'crashed' || reply.kind === 'unavailable' || failed) {
        const calls = failed ? ((failed.data as { calls?: { usd: number; tokens: { input: number; output: number } }[] } | undefined)?.calls ?? []) : [];
        recordReviewCosts(rt, task.id, choice.role.name, provider.key, calls);
        const reason = failed ? failed.message : reply.kind === 'result' ? '' : reply.reason;
        if (reply.kind !== 'unavailable' && tries < rt.config.loop.maxRetries && !/not authenticated|auth/i.test(failed?.code ?? '')) {
          await sleep(backoffDelayMs(tries, rt.config.loop.backoff, rt.random()), signal);
          if (signal.aborted) return markInterrupted(rt, task.id).then(() => false);
          continue;
        }
        rt.budget.settle(callId, budgetKey, calls.reduce((sum, c) => sum + c.usd, 0));
        await emit({ type: 'task.escalated', taskId: task.id, reason: `the critic could not review it: ${reason}` });
        return false;
      }
      if (reply.kind !== 'result') throw new Error('unreachable');
      const review = parseReply(reply.result, ReviewResultSchema, 'review');
      rt.budget.settle(callId, budgetKey, review.calls.reduce((sum, c) => sum + c.usd, 0));
      recordReviewCosts(rt, task.id, choice.role.name, provider.key, review.calls);
      if (review.discardedEdits.length > 0) {
        await emit({ type: 'critic.edit-discarded', taskId: task.id, attempt, files: review.discardedEdits });
      }
      const { verdict } = review;
      if (verdict.verdict === 'accept') {
        await emit({ type: 'review.accepted', taskId: task.id, attempt, critic: choice.role.name, reasons: verdict.reasons, notes: verdict.notes });
        return true;
      }
      await emit({ type: 'review.rejected', taskId: task.id, attempt, critic: choice.role.name, reasons: verdict.reasons, notes: verdict.notes });
      const unmet = verdict.notes.filter((n) => !n.met).map((n) => `- not met: ${n.criterion}${n.note ? ` — ${n.note}` : ''}`);
      const evidence = [`The critic (${choice.role.name}) rejected the change. Its reasons, word for word:`, ...verdict.reasons.map((r) => `- ${r}`), ...unmet].join('\n');
      await emit(afterValidationFailure(rt.board.view.tasks[task.id]!, attempt, { kind: 'review', summary: `rejected by ${choice.role.name}: ${verdict.reasons[0] ?? 'no reason given'}`, evidence }, rt.config.loop.maxRepairs));
      return false;
    }
  } finally {
    if (slot && ws) ws.pool.release(slot);
  }
}

function recordReviewCosts(rt: RunRuntime, taskId: string, role: string, provider: string, calls: readonly { usd: number; tokens: { input: number; output: number }; model?: string }[]): void {
  for (const call of calls) {
    rt.board.post({ type: 'cost.recorded', role, taskId, phase: 'review', provider, usd: call.usd, tokens: call.tokens, ...(call.model ? { model: call.model } : {}) });
  }
}
