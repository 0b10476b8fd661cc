/**
 * Stage 1 of 6, dispatch (dispatch → agent → gate → critic → train → land). The conductor picked
 * this task (scheduler.ts: dependencies merged, an agent place free under maxParallel and the
 * role's concurrency, no overlapping file lease); this stage reserves the agent call's estimate
 * with the budget and records the attempt's start.
 */
import { providerForRun, defaultEstimateUsd } from '../team.js';
import { roleOf, type RunContext } from '../run-context.js';

export const attemptBudgetKey = (providerKey: string): string => `${providerKey}:attempt`;

/**
 * The budget reservation of the task's next attempt, or null when the budget refuses it (for now,
 * when only calls in flight stand in the way; for good otherwise: `budget.refused`).
 */
export function reserveAttempt(ctx: RunContext, taskId: string): string | null {
  const task = ctx.board.view.tasks[taskId]!;
  const provider = providerForRun(ctx.config, roleOf(ctx, task.role), ctx.mode);
  const callId = `${taskId}#${task.attempt + 1}:attempt`;
  return ctx.budget.tryReserve(callId, attemptBudgetKey(provider.key), defaultEstimateUsd(provider)) ? callId : null;
}

/** Records the dispatch; returns the attempt's number. */
export async function dispatchStage(ctx: RunContext, taskId: string): Promise<number> {
  const task = ctx.board.view.tasks[taskId]!;
  const attempt = task.attempt + 1;
  await ctx.board.append({ type: 'task.dispatched', taskId, role: task.role, attempt });
  return attempt;
}
