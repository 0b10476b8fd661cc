/**
 * Scheduling decisions (pure): which planned tasks became ready, which can never run because an
 * upstream task was escalated, and which ready tasks to dispatch now. A task starts as soon as its
 * dependencies are merged and a slot is free; `maxParallel` caps the team, a role's `concurrency`
 * caps that role. Tasks beyond a cap wait; nothing is dropped.
 */
import type { RunView, TaskView } from '../board/view.js';
import { IN_FLIGHT } from '../board/transitions.js';

export interface DispatchLimits {
  maxParallel: number;
  /** Agent attempts a role may run at once (its `concurrency`). */
  roleConcurrency: Readonly<Record<string, number>>;
  /** Roles whose actor gave up (their tasks are escalated, not dispatched). */
  blockedRoles: ReadonlySet<string>;
  /** Tasks whose attempt flow is already underway but whose first event is not folded yet. */
  active: ReadonlySet<string>;
  /** Earliest dispatch time per task (rate-limit backoff). */
  notBefore: ReadonlyMap<string, number>;
  nowMs: number;
}

const tasksInOrder = (view: RunView): TaskView[] => view.order.map((id) => view.tasks[id]!);

/** Planned tasks whose every dependency is merged. */
export function tasksToPromote(view: RunView): string[] {
  return tasksInOrder(view)
    .filter((t) => t.status === 'planned' && t.dependsOn.every((d) => view.tasks[d]?.status === 'merged'))
    .map((t) => t.id);
}

/** Planned tasks that can never start because a dependency ended without merging. */
export function tasksBlockedByUpstream(view: RunView): { taskId: string; reason: string }[] {
  const out: { taskId: string; reason: string }[] = [];
  for (const t of tasksInOrder(view)) {
    if (t.status !== 'planned') continue;
    const dead = t.dependsOn.find((d) => {
      const status = view.tasks[d]?.status;
      return status === 'escalated' || status === 'cancelled';
    });
    if (dead) out.push({ taskId: t.id, reason: `upstream task ${dead} was ${view.tasks[dead]!.status}: ${view.tasks[dead]!.reason ?? 'no reason recorded'}` });
  }
  return out;
}

export function pickDispatch(view: RunView, limits: DispatchLimits): string[] {
  const busy = new Set(limits.active);
  for (const t of tasksInOrder(view)) if (IN_FLIGHT.has(t.status)) busy.add(t.id);
  let free = limits.maxParallel - busy.size;
  const runningByRole = new Map<string, number>();
  for (const id of busy) {
    const t = view.tasks[id];
    // Only the agent phase occupies a role; a task in review or in the merge queue does not.
    if (t && (t.status === 'running' || t.status === 'ready')) {
      runningByRole.set(t.role, (runningByRole.get(t.role) ?? 0) + 1);
    }
  }
  const picked: string[] = [];
  for (const t of tasksInOrder(view)) {
    if (free <= 0) break;
    if (t.status !== 'ready' || busy.has(t.id) || limits.blockedRoles.has(t.role)) continue;
    if ((limits.notBefore.get(t.id) ?? 0) > limits.nowMs) continue;
    const used = runningByRole.get(t.role) ?? 0;
    if (used >= (limits.roleConcurrency[t.role] ?? 1)) continue;
    picked.push(t.id);
    runningByRole.set(t.role, used + 1);
    free -= 1;
  }
  return picked;
}

/** The earliest moment a waiting task becomes dispatchable because of a backoff, if any. */
export function nextWakeMs(view: RunView, notBefore: ReadonlyMap<string, number>, nowMs: number): number | null {
  let next: number | null = null;
  for (const [id, at] of notBefore) {
    if (at > nowMs && view.tasks[id]?.status === 'ready') next = next === null ? at : Math.min(next, at);
  }
  return next;
}
