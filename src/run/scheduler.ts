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

/**
 * How many tasks, at most, still wait on this one through its dependents (the longest chain below
 * it). Dispatching the tallest ready task first is the classic critical-path list schedule: the
 * chain that bounds the makespan never waits behind work that could run later.
 */
export function chainHeights(view: RunView): Map<string, number> {
  const dependents = new Map<string, string[]>();
  for (const id of view.order) for (const dep of view.tasks[id]!.dependsOn) dependents.set(dep, [...(dependents.get(dep) ?? []), id]);
  const heights = new Map<string, number>();
  const height = (id: string, seen: Set<string>): number => {
    const known = heights.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle (refused when plans are checked); do not recurse forever
    seen.add(id);
    const value = 1 + Math.max(0, ...(dependents.get(id) ?? []).map((d) => height(d, seen)));
    heights.set(id, value);
    return value;
  };
  for (const id of view.order) height(id, new Set());
  return heights;
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
  const heights = chainHeights(view);
  const candidates = tasksInOrder(view).filter((t) => t.status === 'ready');
  // Stable: equal heights keep plan order.
  candidates.sort((a, b) => heights.get(b.id)! - heights.get(a.id)!);
  for (const t of candidates) {
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
