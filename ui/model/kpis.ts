/** The KPI bar: progress, agents at work, in progress and blocked, retries and repairs, ETA, spend vs budget. */
import { IN_FLIGHT } from '../../src/board/transitions.js';
import type { RunView } from '../../src/board/view.js';
import { formatDuration } from './format.js';
import type { Eta } from './schedule.js';

export type SpendLevel = 'none' | 'ok' | 'amber' | 'red';

/** Spend turns amber at 80 % of the budget and red at 95 %. */
export const SPEND_AMBER_PCT = 80;
export const SPEND_RED_PCT = 95;

export interface Kpis {
  total: number;
  merged: number;
  progressPct: number;
  /** Agents running right now: implementers at work plus critics reviewing. */
  agentsActive: number;
  roles: number;
  inProgress: number;
  /** Escalated, cancelled or interrupted. */
  blocked: number;
  retries: number;
  repairs: number;
  eta: { ms: number | null; text: string; basis: Eta['basis'] };
  spend: { usd: number; budgetUsd: number | null; pct: number | null; level: SpendLevel };
  elapsedMs: number;
}

export function spendLevel(spentUsd: number, budgetUsd: number | null, exhausted: boolean): { pct: number | null; level: SpendLevel } {
  if (budgetUsd === null) return { pct: null, level: 'none' };
  const pct = budgetUsd > 0 ? (100 * spentUsd) / budgetUsd : spentUsd > 0 ? 100 : 0;
  const level = exhausted || pct >= SPEND_RED_PCT ? 'red' : pct >= SPEND_AMBER_PCT ? 'amber' : 'ok';
  return { pct, level };
}

function etaText(eta: Eta): string {
  switch (eta.basis) {
    case 'finished':
    case 'no-data':
      return '—';
    default:
      return `~${formatDuration(eta.ms ?? 0)}`;
  }
}

export function kpis(view: RunView, eta: Eta, nowMs: number): Kpis {
  const tasks = view.order.map((id) => view.tasks[id]!);
  const count = (pred: (status: string) => boolean): number => tasks.filter((t) => pred(t.status)).length;
  const merged = count((s) => s === 'merged');
  const spend = spendLevel(view.spend.totalUsd, view.budgetUsd, view.budgetExhausted !== undefined);
  const end = view.finishedAt ?? (view.status === 'running' ? nowMs : view.lastTs);
  return {
    total: tasks.length,
    merged,
    progressPct: tasks.length === 0 ? 0 : Math.round((100 * merged) / tasks.length),
    agentsActive: count((s) => s === 'running' || s === 'reviewing'),
    roles: view.roles.length,
    inProgress: count((s) => IN_FLIGHT.has(s as never)),
    blocked: count((s) => s === 'escalated' || s === 'cancelled' || s === 'interrupted'),
    retries: tasks.reduce((n, t) => n + t.retries, 0),
    repairs: tasks.reduce((n, t) => n + t.repairs, 0),
    eta: { ms: eta.ms, text: etaText(eta), basis: eta.basis },
    spend: { usd: view.spend.totalUsd, budgetUsd: view.budgetUsd, ...spend },
    elapsedMs: view.startedAt === undefined ? 0 : Math.max(0, end - view.startedAt),
  };
}
