/**
 * Stage 5 of 6, train. The accepted change joins its repository's merge queue in the gate actor,
 * which merges the changes waiting together onto the integration head, tests the train once, and
 * advances the branch past all of them; a red train is bisected to its culprit and the rest land
 * (actors/merge-queue.ts). The answer comes when this change landed or was refused.
 */
import { join } from 'node:path';
import { MergeResultSchema } from '../../../protocol/index.js';
import type { TaskView } from '../../board/view.js';
import { resolveSha } from '../../git/repo.js';
import { callActor, parseReply } from '../actor-call.js';
import { minutes, repoNameOf, type RunContext } from '../run-context.js';
import { passed, setback, type StageResult } from '../setbacks.js';
import type { RepoWorkspace } from '../workspace.js';
import { changesOnTheWay } from '../on-the-way.js';

export interface TrainInput {
  task: TaskView;
  attempt: number;
  ws: RepoWorkspace | null;
  commit: string | null;
  signal: AbortSignal;
}

export async function trainStage(ctx: RunContext, input: TrainInput): Promise<StageResult<{ sha: string | null }>> {
  const { task, attempt, ws, signal } = input;
  const gate = ctx.config.loop.gate;
  const reply = await callActor(ctx, 'gate', {
    type: 'merge', runId: ctx.runId, taskId: task.id, attempt,
    repoPath: ws?.repo.path ?? null, gateWorkdirs: ws?.gateSlots.map((s) => s.path) ?? [],
    integrationRef: ws?.integration.ref ?? null, taskCommit: ws ? input.commit : null,
    testCommand: ws?.testCommand ?? null, setupCommand: ws?.setupCommand ?? null, testTimeoutMs: minutes(ctx.config.loop.testTimeoutMinutes),
    logFile: join(ctx.paths.logs, `${task.id}.${attempt}.merge.log`),
    message: `loop: merge ${task.id} (${task.role}): ${task.title}`,
    repo: ws?.repo.name ?? '', maxTrain: gate.maxTrain,
    ...(ws
      ? changesOnTheWay(ctx.board.view, (t) => repoNameOf(ctx.loaded, ctx.config.roles.find((r) => r.name === t.role), t.repo) === ws.repo.name, task.id, ctx.now())
      : { onTheWay: [], arriving: [] }),
    trainWait: gate.trainWait === 'auto' ? 'auto' : Math.round(gate.trainWait * 1000),
  }, trainTimeoutMs(ctx), signal);
  if (reply.kind !== 'result') return setback({ kind: 'trouble', trouble: reply, what: 'gate' });
  const merged = parseReply(reply.result, MergeResultSchema, 'merge');
  if (!merged.ok) {
    await ctx.board.append({ type: 'merge.failed', taskId: task.id, attempt, failure: merged.failure! });
    return setback({ kind: 'repair', failure: merged.failure! });
  }
  return passed({ sha: merged.sha });
}

/**
 * Starts the suite on the integration head as soon as the run starts, so the first train's base
 * run (the regression rule compares against it) overlaps the agents' work instead of following it.
 * Fire and forget: the train runs the base itself if this failed, and shares it if it is in flight.
 */
export function primeTrainBase(ctx: Pick<RunContext, 'supervisor' | 'runId' | 'paths' | 'config' | 'stop'>, ws: RepoWorkspace): void {
  if (ws.testCommand === null || ws.gateSlots.length === 0) return;
  const testCommand = ws.testCommand;
  void (async () => {
    const head = await resolveSha(ws.repo.path, ws.integration.ref);
    await callActor(ctx, 'gate', {
      type: 'prime', runId: ctx.runId, repoPath: ws.repo.path, commit: head, gateWorkdirs: ws.gateSlots.map((s) => s.path),
      testCommand, setupCommand: ws.setupCommand, testTimeoutMs: minutes(ctx.config.loop.testTimeoutMinutes),
      logFile: join(ctx.paths.logs, `train-base-${ws.repo.name}.log`),
    }, minutes(ctx.config.loop.testTimeoutMinutes) + 300_000, ctx.stop);
  })().catch(() => undefined);
}

/**
 * How long a change may wait for its train before the gate is called hung: every change still open
 * may be ahead of it, and a red train takes a bisection (about log2 of its size runs) more.
 */
function trainTimeoutMs(ctx: RunContext): number {
  const suite = minutes(ctx.config.loop.testTimeoutMinutes);
  const bisect = Math.ceil(Math.log2(Math.max(2, ctx.config.loop.gate.maxTrain))) + 2;
  const open = ctx.board.view.order.filter((id) => ctx.board.view.tasks[id]!.status !== 'merged').length;
  // a timer longer than 2^31-1 ms fires at once
  return Math.min(2_147_483_647, (suite * bisect + 300_000) * Math.max(1, open));
}
