/** How a run ended, from its board (pure): status, exit code (DESIGN §4) and a one-line reason. */
import type { RunStatus } from '../../protocol/index.js';
import type { RunView } from '../board/view.js';
import { EXIT } from '../util/exit-codes.js';

export interface RunOutcome {
  status: RunStatus;
  exitCode: number;
  reason: string;
}

export function runOutcome(view: RunView, facts: { stopped: boolean; bug: string | null }): RunOutcome {
  const tasks = view.order.map((id) => view.tasks[id]!);
  const merged = tasks.filter((t) => t.status === 'merged').length;
  const count = (status: string): number => tasks.filter((t) => t.status === status).length;
  const of = `${merged}/${tasks.length} tasks merged`;
  if (facts.bug) return { status: 'failed', exitCode: EXIT.internal, reason: `internal error: ${facts.bug}` };
  if (view.planFailure !== undefined) return { status: 'failed', exitCode: EXIT.escalated, reason: `no plan: ${view.planFailure}` };
  if (tasks.length > 0 && merged === tasks.length) return { status: 'merged', exitCode: EXIT.ok, reason: `all ${tasks.length} tasks merged` };
  if (facts.stopped) return { status: 'interrupted', exitCode: EXIT.interrupted, reason: `stopped; ${of}; \`loop resume ${view.runId ?? '<run>'}\` continues it` };
  if (view.budgetExhausted) {
    const b = view.budgetExhausted;
    return { status: 'budget-exhausted', exitCode: EXIT.budget, reason: `budget exhausted: $${view.spend.totalUsd.toFixed(2)} spent of $${b.budgetUsd.toFixed(2)}; ${of}` };
  }
  const escalated = count('escalated') + count('cancelled');
  if (escalated > 0) return { status: 'escalated', exitCode: EXIT.escalated, reason: `${escalated} task${escalated === 1 ? '' : 's'} escalated; ${of}` };
  return { status: 'failed', exitCode: EXIT.escalated, reason: `the run ended with ${of} and nothing left to do` };
}
