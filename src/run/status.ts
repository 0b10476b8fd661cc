/**
 * What `loop status` says about a run (pure, from its board fold): per role the task it holds and
 * in which state, slots in use, progress and spend. The critic counts as busy with the tasks it is
 * reviewing, the planner while the plan is being made.
 */
import { IN_FLIGHT } from '../board/transitions.js';
import type { RunView } from '../board/view.js';

export interface RoleStatus {
  role: string;
  /** Tasks the role works on or reviews right now; empty = idle. */
  tasks: { id: string; title: string; status: string; attempt: number; sinceMs: number; as: 'implementer' | 'critic' | 'planner' }[];
}

export interface RunStatusView {
  roles: RoleStatus[];
  slots: { used: number; max: number };
  tasks: { total: number; merged: number; inFlight: number; waiting: number; escalated: number };
  spend: { usd: number; budgetUsd: number | null; calls: number };
}

export function runStatus(view: RunView, o: { roles: readonly string[]; planner: string | undefined; nowMs: number }): RunStatusView {
  const { roles, nowMs } = o;
  const all = view.order.map((id) => view.tasks[id]!);
  const inFlight = all.filter((t) => IN_FLIGHT.has(t.status));
  const since = (ts: number): number => Math.max(0, nowMs - ts);
  const byRole: RoleStatus[] = roles.map((role) => ({
    role,
    tasks: inFlight.filter((t) => t.role === role).map((t) => ({ id: t.id, title: t.title, status: t.status, attempt: t.attempt, sinceMs: since(t.updatedAt), as: 'implementer' as const })),
  }));
  for (const task of inFlight.filter((t) => t.status === 'reviewing')) {
    const started = [...task.history].reverse().find((e) => e.type === 'review.started');
    const critic = started?.type === 'review.started' ? byRole.find((r) => r.role === started.critic) : undefined;
    critic?.tasks.push({ id: task.id, title: task.title, status: 'reviewing', attempt: task.attempt, sinceMs: since(started!.ts), as: 'critic' });
  }
  if (view.planSource === undefined && view.planFailure === undefined && view.status === 'running' && view.startedAt !== undefined) {
    const planner = byRole.find((r) => r.role === o.planner);
    planner?.tasks.push({ id: 'plan', title: view.goal ?? '', status: 'planning', attempt: 1, sinceMs: since(view.startedAt), as: 'planner' });
  }
  return {
    roles: byRole,
    slots: { used: inFlight.length, max: view.maxParallel },
    tasks: {
      total: all.length,
      merged: all.filter((t) => t.status === 'merged').length,
      inFlight: inFlight.length,
      waiting: all.filter((t) => t.status === 'planned' || t.status === 'ready' || t.status === 'interrupted').length,
      escalated: all.filter((t) => t.status === 'escalated').length,
    },
    spend: { usd: view.spend.totalUsd, budgetUsd: view.budgetUsd, calls: view.spend.calls },
  };
}
