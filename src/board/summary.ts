/** A run in one line of figures, from its fold: what `loop runs` and the dashboard's run picker show. */
import type { RunView } from './view.js';

export interface RunFigures {
  goal: string;
  mode: string;
  status: RunView['status'];
  merged: number;
  total: number;
  spentUsd: number;
  budgetUsd: number | null;
  startedAt: number | null;
  finishedAt: number | null;
}

export function runFigures(view: RunView): RunFigures {
  const tasks = view.order.map((id) => view.tasks[id]!);
  return {
    goal: view.goal ?? '',
    mode: view.mode ?? '',
    status: view.status,
    merged: tasks.filter((t) => t.status === 'merged').length,
    total: tasks.length,
    spentUsd: view.spend.totalUsd,
    budgetUsd: view.budgetUsd,
    startedAt: view.startedAt ?? null,
    finishedAt: view.finishedAt ?? null,
  };
}
