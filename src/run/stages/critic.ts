/**
 * Stage 4 of 6, critic. An independent reviewer on a different provider reads the diff, the task
 * and its acceptance criteria while the gate's tests run (the change enters its merge train only
 * when both said yes). A critic that reads files gets a read-only copy: the agent's own slot when
 * no test runs in it, else a critic slot (no setup: it only reads); anything it edits is discarded
 * and flagged. The sim critic reads nothing and gets no copy. A reject goes back to the author word
 * for word as a repair.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ReviewResultSchema, type RoleConfig } from '../../../protocol/index.js';
import type { TaskView } from '../../board/view.js';
import { diffForReview } from '../../git/diff.js';
import type { Slot } from '../../git/slots.js';
import { sleep } from '../../util/sleep.js';
import { backoffDelayMs } from '../../../supervisor/backoff.js';
import { callActor, parseReply } from '../actor-call.js';
import { reviewPrompt } from '../prompts.js';
import { minutes, type RunContext } from '../run-context.js';
import { passed, setback, type StageResult } from '../setbacks.js';
import { chooseCritic, defaultEstimateUsd, providerForRun } from '../team.js';
import type { RepoWorkspace } from '../workspace.js';
import { pointedSlot } from './agent.js';

const CALL_GRACE_MS = 60_000;

export interface CriticInput {
  task: TaskView;
  attempt: number;
  implementer: RoleConfig;
  ws: RepoWorkspace | null;
  base: string | null;
  commit: string | null;
  changedFiles: readonly string[];
  /** The diff of `base`..`commit` as diffForReview prints it, when the gate read it with the capture; else read here. */
  reviewDiff: string | null;
  /** Where the change's tests run (for the reviewer's note). */
  tests: 'slot' | 'train' | 'none';
  /** The agent's slot, when no test runs in it: a critic that reads files reviews there. */
  freeSlot: Slot | null;
  /** Aborted when the run stops, or when the change's tests failed and the review is moot. */
  signal: AbortSignal;
  /** True the first time it is asked for `key` in this run. */
  once: (key: string) => boolean;
}

/** Whether the task's critic is an agent that reads the files (every provider but the sim critic). */
export function criticReadsFiles(ctx: RunContext, implementer: RoleConfig): boolean {
  const choice = chooseCritic(ctx.config, implementer);
  return choice !== null && providerForRun(ctx.config, choice.role, ctx.mode).config.type !== 'sim';
}

export async function criticStage(ctx: RunContext, input: CriticInput): Promise<StageResult<void>> {
  const { task, attempt, implementer, ws, signal } = input;
  const emit = (draft: Parameters<typeof ctx.board.append>[0]) => ctx.board.append(draft);
  const stopped = (): StageResult<void> => setback(ctx.stop.aborted ? { kind: 'interrupted' } : { kind: 'called-off' });
  const choice = chooseCritic(ctx.config, implementer);
  if (!choice) {
    await emit({ type: 'review.started', taskId: task.id, attempt, critic: 'none', provider: 'none' });
    await emit({ type: 'review.accepted', taskId: task.id, attempt, critic: 'none', reasons: ['no critic role is configured; the gate decides alone'], notes: [] });
    return passed(undefined);
  }
  if (!choice.independent && input.once(`critic:${implementer.name}`)) {
    await emit({ type: 'run.note', level: 'warn', message: `critic ${choice.role.name} uses the same provider as ${implementer.name}: no role on another vendor is available, so the review is not independent` });
  }
  const provider = providerForRun(ctx.config, choice.role, ctx.mode);
  const callId = `${task.id}#${attempt}:review`;
  const budgetKey = `${provider.key}:review`;
  // Waits while only other calls' reservations stand in the way: they may settle below estimate.
  if (!(await ctx.budget.reserveWhenSettled(callId, budgetKey, defaultEstimateUsd(provider), signal))) {
    if (signal.aborted) return stopped();
    await emit({ type: 'task.interrupted', taskId: task.id, reason: 'the budget cannot pay for its review' });
    return setback({ kind: 'ended' });
  }
  const readsFiles = criticReadsFiles(ctx, implementer);
  let copy: Slot | null = null;
  try {
    if (ws && input.commit && readsFiles && !input.freeSlot) copy = await pointedSlot(ws, 'critic', { sha: input.commit, branch: null });
  } catch (error) {
    // A new critic slot that cannot be made: the environment, retried like a crashed actor, never a bug.
    if (!(error instanceof Error && error.name === 'SetupError')) throw error;
    ctx.budget.release(callId);
    return setback({ kind: 'trouble', trouble: { kind: 'crashed', reason: `a new critic slot could not be made: ${error.message}` }, what: 'setup' });
  }
  const workdir = readsFiles ? (copy ?? input.freeSlot)?.path ?? null : null;
  try {
    const { base, commit } = input;
    const diff = ws && commit && base ? input.reviewDiff ?? (await diffForReview(ws.repo.path, base, commit)) : '(dry-run: the sim agent changed no files)';
    const prompt = reviewPrompt({
      task, attempt, diff, base, commit,
      implementer: { role: implementer.name, provider: providerForRun(ctx.config, implementer, ctx.mode).key },
      testSummary: testNote(ws?.testCommand ?? null, input.tests),
      changedFiles: [...input.changedFiles],
    });
    const promptFile = join(ctx.paths.prompts, `${task.id}.${attempt}.review.md`);
    await writeFile(promptFile, prompt);
    if (signal.aborted) {
      ctx.budget.release(callId);
      return stopped();
    }
    ctx.board.post({ type: 'review.started', taskId: task.id, attempt, critic: choice.role.name, provider: provider.key });
    const deadlineMs = minutes(provider.config.timeoutMinutes ?? ctx.config.loop.taskTimeoutMinutes);
    for (let tries = 0; ; tries++) {
      const reply = await callActor(ctx, 'critic', {
        type: 'review', runId: ctx.runId, taskId: task.id, attempt, critic: choice.role.name, provider,
        workdir, prompt, promptFile,
        systemPromptFile: ctx.systemPrompts.get(`${choice.role.name}.critic`)!,
        logFile: join(ctx.paths.logs, `${task.id}.${attempt}.review.log`), deadlineMs,
      }, deadlineMs * 2 + CALL_GRACE_MS, signal);
      if (reply.kind === 'interrupted' || signal.aborted) {
        ctx.budget.release(callId);
        return stopped();
      }
      const failed = reply.kind === 'result' && reply.result.tag === 'fail' ? reply.result : null;
      if (reply.kind === 'crashed' || reply.kind === 'unavailable' || failed) {
        const calls = failed ? ((failed.data as { calls?: { usd: number; tokens: { input: number; output: number } }[] } | undefined)?.calls ?? []) : [];
        recordReviewCosts(ctx, task.id, choice.role.name, provider.key, calls);
        const reason = failed ? failed.message : reply.kind === 'result' ? '' : reply.reason;
        if (reply.kind !== 'unavailable' && tries < ctx.config.loop.maxRetries && !/not authenticated|auth/i.test(failed?.code ?? '')) {
          await sleep(backoffDelayMs(tries, ctx.config.loop.backoff, ctx.random()), signal);
          if (signal.aborted) {
            ctx.budget.release(callId);
            return stopped();
          }
          continue;
        }
        ctx.budget.settle(callId, budgetKey, calls.reduce((sum, c) => sum + c.usd, 0));
        return setback({ kind: 'escalate', reason: `the critic could not review it: ${reason}` });
      }
      if (reply.kind !== 'result') throw new Error('unreachable');
      const review = parseReply(reply.result, ReviewResultSchema, 'review');
      ctx.budget.settle(callId, budgetKey, review.calls.reduce((sum, c) => sum + c.usd, 0));
      recordReviewCosts(ctx, task.id, choice.role.name, provider.key, review.calls);
      // Called off while the answer was on its way: the tests failed, and that verdict is recorded instead.
      if (signal.aborted) return stopped();
      if (review.discardedEdits.length > 0) ctx.board.post({ type: 'critic.edit-discarded', taskId: task.id, attempt, files: review.discardedEdits });
      const { verdict } = review;
      if (verdict.verdict === 'accept') {
        ctx.board.post({ type: 'review.accepted', taskId: task.id, attempt, critic: choice.role.name, reasons: verdict.reasons, notes: verdict.notes });
        return passed(undefined);
      }
      ctx.board.post({ type: 'review.rejected', taskId: task.id, attempt, critic: choice.role.name, reasons: verdict.reasons, notes: verdict.notes });
      const unmet = verdict.notes.filter((n) => !n.met).map((n) => `- not met: ${n.criterion}${n.note ? ` — ${n.note}` : ''}`);
      const evidence = [`The critic (${choice.role.name}) rejected the change. Its reasons, word for word:`, ...verdict.reasons.map((r) => `- ${r}`), ...unmet].join('\n');
      return setback({ kind: 'repair', failure: { kind: 'review', summary: `rejected by ${choice.role.name}: ${verdict.reasons[0] ?? 'no reason given'}`, evidence } });
    }
  } finally {
    if (copy && ws) ws.pool.release(copy);
  }
}

function testNote(testCommand: string | null, tests: CriticInput['tests']): string {
  if (testCommand === null || tests === 'none') return 'Result: the project has no test command; only the protected files were checked.';
  const where = tests === 'slot' ? 'on this exact change while you review' : 'on this change merged onto the integration branch before it lands';
  return `Command: ${testCommand}\nResult: loop runs it ${where}; the change lands only if every test that passed before still passes and none newly fails. Review the code itself: its tests are not yours to run.`;
}

function recordReviewCosts(ctx: RunContext, taskId: string, role: string, provider: string, calls: readonly { usd: number; tokens: { input: number; output: number }; model?: string }[]): void {
  for (const call of calls) {
    ctx.board.post({ type: 'cost.recorded', role, taskId, phase: 'review', provider, usd: call.usd, tokens: call.tokens, ...(call.model ? { model: call.model } : {}) });
  }
}
