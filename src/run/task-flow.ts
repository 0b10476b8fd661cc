/**
 * One attempt of one task, through the stages in order (src/run/stages/, one file each):
 *
 *   dispatch → agent → gate (capture, tamper check) → gate tests ∥ critic → train → land
 *
 * Each stage takes what it needs as arguments and hands back a value or a setback; this file is
 * the only place that chains them, and the only place a setback becomes a repair, a retry or an
 * escalation (setbacks.ts). The role is free for its next task once the agent stage ends: the gate,
 * the review and the merge train of this change go on without it. The agent's slot is kept only
 * while something still reads it (the gate's capture and in-slot tests, or a critic reviewing in
 * it), then handed back to the pool, so a role's next task takes another slot.
 */
import type { TaskView } from '../board/view.js';
import { roleOf } from './run-context.js';
import { recordSetback, type FlowEnd, type Setback, type SetbackDeps } from './setbacks.js';
import { agentStage } from './stages/agent.js';
import { criticReadsFiles, criticStage } from './stages/critic.js';
import { dispatchStage } from './stages/dispatch.js';
import { captureStage, recordVerdict, verifyStage, type Captured } from './stages/gate.js';
import { landStage } from './stages/land.js';
import { trainStage } from './stages/train.js';

export interface FlowDeps extends SetbackDeps {
  /** True the first time it is asked for `key` in this run (a warning said once). */
  once: (key: string) => boolean;
}

export async function runTask(deps: FlowDeps, taskId: string, budgetCallId: string): Promise<FlowEnd> {
  const { ctx } = deps;
  const signal = ctx.stop;
  const task = (): TaskView => ctx.board.view.tasks[taskId]!;
  const attempt = await dispatchStage(ctx, taskId);
  const settle = (s: Setback): Promise<FlowEnd> => recordSetback(deps, taskId, attempt, s);

  const agent = await agentStage(ctx, { taskId, attempt, budgetCallId, signal });
  if (!agent.ok) return settle(agent.setback);
  const { ws, base } = agent.value;
  let slot = agent.value.slot;
  const releaseSlot = (): void => {
    if (slot && ws) ws.pool.release(slot);
    slot = null;
  };
  try {
    let change: Omit<Captured, 'commit'> & { commit: string | null } = { commit: null, changedFiles: [], tests: 'none' };
    if (ws && slot && base) {
      const captured = await captureStage(ctx, { task: task(), attempt, ws, slot, base, signal });
      if (!captured.ok) return await settle(captured.setback);
      change = captured.value;
    }
    const implementer = roleOf(ctx, task().role);
    const reviewInSlot = change.tests !== 'slot' && criticReadsFiles(ctx, implementer);
    if (change.tests !== 'slot' && !reviewInSlot) releaseSlot();

    // The tests in the slot and the review run side by side. The first "no" decides the attempt;
    // failed tests call the review off, and a reject lets the tests finish unrecorded.
    const review = new AbortController();
    const onStop = (): void => review.abort(signal.reason);
    signal.addEventListener('abort', onStop, { once: true });
    let decided: Promise<FlowEnd> | null = null;
    const decide = (s: Setback): Promise<FlowEnd> => (decided ??= settle(s));
    const testing = change.tests === 'slot' && ws && slot && base
      ? verifyStage(ctx, { task: task(), attempt, ws, slot, base, commit: change.commit!, signal }).then(async (tested) => {
          if (!tested.ok) {
            review.abort('the tests failed');
            if (!decided) await decide(tested.setback);
            return;
          }
          if (!tested.value.ok) review.abort('the tests failed');
          if (decided) return;
          const verdict = await recordVerdict(ctx, task(), attempt, tested.value);
          if (!verdict.ok) await decide(verdict.setback);
        })
      : null;
    try {
      const reviewed = await criticStage(ctx, {
        task: task(), attempt, implementer, ws, base, commit: change.commit, changedFiles: change.changedFiles, tests: change.tests, reviewDiff: change.reviewDiff ?? null,
        freeSlot: reviewInSlot ? slot : null, signal: review.signal, once: deps.once,
      });
      if (!reviewed.ok && reviewed.setback.kind !== 'called-off') decide(reviewed.setback).catch(() => undefined); // awaited below
      await testing;
    } finally {
      signal.removeEventListener('abort', onStop);
    }
    if (decided) return await decided;
    releaseSlot();

    const merged = await trainStage(ctx, { task: task(), attempt, ws, commit: change.commit, signal });
    if (!merged.ok) return await settle(merged.setback);
    await landStage(ctx, { task: task(), attempt, ws, sha: merged.value.sha });
    return {};
  } catch (error) {
    if (signal.aborted) return settle({ kind: 'interrupted' });
    throw error;
  } finally {
    releaseSlot();
  }
}
