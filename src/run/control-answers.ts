/**
 * The supervisor's answers to `loop retry` and `loop approve` (control.ts carries the requests):
 * always on the board, as the change asked for or as a note saying why it was not made.
 */
import type { PlanApproval, RetryRequest } from '../../protocol/index.js';
import { approvalRefusal } from './plan-approval.js';
import { planReopen } from './reopen.js';
import type { RunContext } from './run-context.js';

export async function answerRetry(rt: RunContext, request: RetryRequest): Promise<void> {
  const decision = planReopen(rt.board.view, request.taskId);
  if (!decision.ok) {
    await rt.board.append({ type: 'run.note', level: 'warn', message: `retry from the ${request.by} ignored: ${decision.problem}` });
    return;
  }
  for (const { taskId, reason } of decision.reopen) await rt.board.append({ type: 'task.reopened', taskId, by: request.by, reason });
}

export async function answerPlanApproval(rt: RunContext, request: PlanApproval): Promise<void> {
  const state = approvalRefusal(rt.board.view);
  if (state === null) {
    await rt.board.append({ type: 'plan.approved', by: request.by });
    return;
  }
  await rt.board.append({ type: 'run.note', level: 'warn', message: `plan approval from the ${request.by} ignored: the plan ${state}` });
}
