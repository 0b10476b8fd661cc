/**
 * Stage 3 of 6, gate. `captureStage` has the gate actor commit the attempt's work, refuse changes to
 * grader files, and say where the tests run (`gate.preMergeTests`): in the agent's slot now, beside
 * the critic's review (`verifyStage`), or only in the change's merge train. `verifyStage` returns
 * the verdict without recording it: the task flow records it only if the review has not already
 * sent the task back.
 */
import { join } from 'node:path';
import { CaptureResultSchema, GateResultSchema, type GateResult } from '../../../protocol/index.js';
import type { TaskView } from '../../board/view.js';
import type { Slot } from '../../git/slots.js';
import { callActor, gateTimeoutMs, parseReply } from '../actor-call.js';
import { minutes, type RunContext } from '../run-context.js';
import { passed, setback, type StageResult } from '../setbacks.js';
import type { RepoWorkspace } from '../workspace.js';

export interface Captured {
  commit: string;
  changedFiles: string[];
  /** Where the change's tests run. */
  tests: 'slot' | 'train' | 'none';
  /** The critic's review diff, when the gate read it with the capture. */
  reviewDiff?: string;
}

export interface GateInput {
  task: TaskView;
  attempt: number;
  ws: RepoWorkspace;
  slot: Slot;
  base: string;
  signal: AbortSignal;
}

export async function captureStage(ctx: RunContext, input: GateInput): Promise<StageResult<Captured>> {
  const { task, attempt, ws, slot, base, signal } = input;
  const gate = ctx.config.loop.gate;
  const reply = await callActor(ctx, 'gate', {
    type: 'capture', runId: ctx.runId, taskId: task.id, attempt,
    repoPath: ws.repo.path, workdir: slot.path, baseSha: base, protected: ws.protected,
    commitMessage: `loop(${task.id}): ${task.title} [attempt ${attempt}]`,
    testCommand: ws.testCommand, preMergeTests: gate.preMergeTests, maxTrain: gate.maxTrain,
  }, gateTimeoutMs(ctx), signal);
  if (reply.kind !== 'result') return setback({ kind: 'trouble', trouble: reply, what: 'gate' });
  const captured = parseReply(reply.result, CaptureResultSchema, 'capture');
  if (!captured.ok) {
    await ctx.board.append({ type: 'gate.failed', taskId: task.id, attempt, failure: captured.failure!, ...(captured.commit ? { commit: captured.commit } : {}) });
    return setback({ kind: 'repair', failure: captured.failure! });
  }
  await ctx.board.append({ type: 'gate.captured', taskId: task.id, attempt, commit: captured.commit!, changedFiles: captured.changedFiles, tests: captured.tests });
  return passed({ commit: captured.commit!, changedFiles: captured.changedFiles, tests: captured.tests, ...(captured.reviewDiff === undefined ? {} : { reviewDiff: captured.reviewDiff }) });
}

/** The change's tests in its own slot, judged against its base's run; nothing is recorded here. */
export async function verifyStage(ctx: RunContext, input: GateInput & { commit: string }): Promise<StageResult<GateResult>> {
  const { task, attempt, ws, slot, base, commit, signal } = input;
  const reply = await callActor(ctx, 'gate', {
    type: 'verify', runId: ctx.runId, taskId: task.id, attempt,
    repoPath: ws.repo.path, workdir: slot.path, commit, baseSha: base, gateWorkdirs: ws.gateSlots.map((s) => s.path),
    testCommand: ws.testCommand!, setupCommand: ws.setupCommand, testTimeoutMs: minutes(ctx.config.loop.testTimeoutMinutes),
    logFile: join(ctx.paths.logs, `${task.id}.${attempt}.gate.log`),
  }, gateTimeoutMs(ctx), signal);
  if (reply.kind !== 'result') return setback({ kind: 'trouble', trouble: reply, what: 'gate' });
  return passed(parseReply(reply.result, GateResultSchema, 'verify'));
}

/** Records the verdict of the tests in the slot; a red one becomes a repair with its evidence. */
export async function recordVerdict(ctx: RunContext, task: TaskView, attempt: number, verdict: GateResult): Promise<StageResult<void>> {
  if (!verdict.ok) {
    await ctx.board.append({ type: 'gate.failed', taskId: task.id, attempt, failure: verdict.failure! });
    return setback({ kind: 'repair', failure: verdict.failure! });
  }
  await ctx.board.append({ type: 'gate.passed', taskId: task.id, attempt, tests: verdict.tests === 'failed' ? 'passed' : verdict.tests, summary: verdict.summary, durationMs: verdict.durationMs });
  return passed(undefined);
}
