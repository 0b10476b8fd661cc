/**
 * `loop.approvePlan` / `--approve-plan`: once the plan is on the board, nothing is dispatched (and
 * nothing spent on agents) until a person approves it with `loop approve` or the dashboard. The
 * wait is on the board (`plan.approval-requested` … `plan.approved`), so a resumed run that was
 * waiting waits again, and the monitor and dashboard show it under needs-attention.
 */
import type { RunView } from '../board/view.js';
import type { RunContext } from './run-context.js';

/** Why an approval would change nothing ("is already approved"), or null while the plan waits: the CLI checks with it, the supervisor answers with it. */
export function approvalRefusal(view: RunView): string | null {
  if (view.planApproval === 'waiting') return null;
  return view.planApproval === 'approved' ? 'is already approved' : 'does not wait for approval';
}

/** Resolves true once the plan is approved (at once when none is needed), false when the run stops first. */
export async function awaitPlanApproval(rt: RunContext, required: boolean, say: (line: string) => void): Promise<boolean> {
  const view = rt.board.view;
  if (view.planApproval === 'approved' || (!required && view.planApproval === undefined)) return true;
  if (view.planApproval === undefined) await rt.board.append({ type: 'plan.approval-requested', taskCount: view.order.length });
  say(`the plan (${rt.board.view.order.length} tasks) waits for your approval: \`loop approve --run ${rt.runId}\` (or the dashboard's approve button); \`loop stop ${rt.runId}\` to drop it`);
  return new Promise<boolean>((resolve) => {
    const finish = (approved: boolean): void => {
      off();
      rt.stop.removeEventListener('abort', onStop);
      resolve(approved);
    };
    const onStop = (): void => finish(false);
    const off = rt.board.on((_event, v) => {
      if (v.planApproval === 'approved') finish(true);
    });
    rt.stop.addEventListener('abort', onStop);
    if (rt.board.view.planApproval === 'approved') finish(true);
    else if (rt.stop.aborted) finish(false);
  });
}
