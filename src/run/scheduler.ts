/**
 * Scheduling decisions (pure): which planned tasks became ready, which can never run because an
 * upstream task was escalated, and which ready tasks to dispatch now. A task starts as soon as its
 * dependencies are merged and an agent place is free; `maxParallel` caps the agents working at once
 * across the team, a role's `concurrency` caps that role's agents, and tasks whose file scopes
 * overlap never run at the same time (scope leases, below). A task whose agent finished holds
 * neither while its gate, review and merge train go on. Tasks beyond a cap wait; nothing is dropped.
 *
 * Each function takes an optional TaskLookup (task-index.ts) that narrows the tasks it looks at;
 * without one it scans every task. The decision is the same either way.
 */
import type { RunView, TaskView } from '../board/view.js';
import { TERMINAL, type TaskStatus } from '../board/transitions.js';
import { scopeListsOverlap } from '../util/glob-overlap.js';
import type { TaskLookup } from './task-index.js';

export interface DispatchLimits {
  maxParallel: number;
  /** Agent attempts a role may run at once (its `concurrency`). */
  roleConcurrency: Readonly<Record<string, number>>;
  /** Roles whose actor gave up (their tasks are escalated, not dispatched). */
  blockedRoles: ReadonlySet<string>;
  /** Tasks whose task flow is underway (its dispatch may not be folded yet); never dispatched twice. */
  active: ReadonlySet<string>;
  /** Earliest dispatch time per task (rate-limit backoff). */
  notBefore: ReadonlyMap<string, number>;
  nowMs: number;
}

const tasksInOrder = (view: RunView): TaskView[] => view.order.map((id) => view.tasks[id]!);

/** The tasks of `ids` in plan order. */
function inPlanOrder(view: RunView, ids: Iterable<string>, lookup: TaskLookup): TaskView[] {
  return [...ids].sort((a, b) => lookup.position(a) - lookup.position(b)).map((id) => view.tasks[id]!);
}

function withStatus(view: RunView, statuses: readonly TaskStatus[], lookup: TaskLookup | undefined): TaskView[] {
  if (!lookup) return tasksInOrder(view).filter((t) => statuses.includes(t.status));
  return inPlanOrder(view, statuses.flatMap((s) => [...lookup.withStatus(s)]), lookup);
}

const isDead = (view: RunView, id: string): boolean => {
  const status = view.tasks[id]?.status;
  return status === 'escalated' || status === 'cancelled';
};

/** Planned tasks whose every dependency is merged. */
export function tasksToPromote(view: RunView, lookup?: TaskLookup): string[] {
  const candidates = lookup ? inPlanOrder(view, lookup.promotable(), lookup) : tasksInOrder(view);
  return candidates
    .filter((t) => t.status === 'planned' && t.dependsOn.every((d) => view.tasks[d]?.status === 'merged'))
    .map((t) => t.id);
}

/** Planned tasks that can never start because a dependency ended without merging. */
export function tasksBlockedByUpstream(view: RunView, lookup?: TaskLookup): { taskId: string; reason: string }[] {
  const out: { taskId: string; reason: string }[] = [];
  for (const t of lookup ? inPlanOrder(view, lookup.doomed(), lookup) : tasksInOrder(view)) {
    if (t.status !== 'planned') continue;
    const dead = t.dependsOn.find((d) => isDead(view, d));
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
  for (const id of view.order) {
    for (const dep of view.tasks[id]!.dependsOn) {
      const list = dependents.get(dep);
      if (list) list.push(id);
      else dependents.set(dep, [id]);
    }
  }
  const heights = new Map<string, number>();
  const height = (id: string, seen: Set<string>): number => {
    const known = heights.get(id);
    if (known !== undefined) return known;
    if (seen.has(id)) return 0; // a cycle (refused when plans are checked); do not recurse forever
    seen.add(id);
    let below = 0;
    for (const d of dependents.get(id) ?? []) below = Math.max(below, height(d, seen));
    heights.set(id, 1 + below);
    return 1 + below;
  };
  for (const id of view.order) height(id, new Set());
  return heights;
}

/**
 * Scope leases. A task with `files` holds a lease on those scopes from its first dispatch until it
 * is merged, escalated or cancelled — repairs and retries keep it, so a repair never finds its
 * files taken — and a task whose scope overlaps a held lease (glob-overlap.ts) waits for it. A
 * task without `files` neither holds nor waits for a lease.
 */
export function leaseHolders(view: RunView, active: ReadonlySet<string>, lookup?: TaskLookup): TaskView[] {
  const open = withStatus(view, ['ready', 'running', 'implemented', 'reviewing', 'gating', 'interrupted'], lookup);
  const holders = open.filter((t) => t.attempt > 0 || active.has(t.id));
  for (const id of active) if (view.tasks[id] && !holders.includes(view.tasks[id]!)) holders.push(view.tasks[id]!);
  return holders.filter((t) => (t.files?.length ?? 0) > 0 && !TERMINAL.has(t.status));
}

/** The lease holder a task waits for, if its scope overlaps one. */
export function scopeConflict(task: TaskView, holders: readonly TaskView[]): TaskView | undefined {
  if (!task.files?.length) return undefined;
  return holders.find((h) => h.id !== task.id && scopeListsOverlap(h.files!, task.files!));
}

export function pickDispatch(view: RunView, limits: DispatchLimits, lookup?: TaskLookup): string[] {
  // maxParallel bounds agents at work: a task whose agent finished no longer holds a place while its
  // gate, review and merge train go on (the role takes its next task meanwhile).
  const agents = new Set<string>();
  for (const id of limits.active) {
    const status = view.tasks[id]?.status;
    if (status === undefined || status === 'ready' || status === 'running') agents.add(id);
  }
  for (const t of withStatus(view, ['running'], lookup)) agents.add(t.id);
  let free = limits.maxParallel - agents.size;
  if (free <= 0) return [];
  const runningByRole = new Map<string, number>();
  for (const id of agents) {
    const t = view.tasks[id];
    if (t) runningByRole.set(t.role, (runningByRole.get(t.role) ?? 0) + 1);
  }
  const picked: string[] = [];
  const heights = lookup ? lookup.heights(view) : chainHeights(view);
  const candidates = withStatus(view, ['ready'], lookup);
  // Stable: equal heights keep plan order.
  candidates.sort((a, b) => heights.get(b.id)! - heights.get(a.id)!);
  const holders = leaseHolders(view, limits.active, lookup);
  for (const t of candidates) {
    if (free <= 0) break;
    if (t.status !== 'ready' || limits.active.has(t.id) || limits.blockedRoles.has(t.role)) continue;
    if ((limits.notBefore.get(t.id) ?? 0) > limits.nowMs) continue;
    const used = runningByRole.get(t.role) ?? 0;
    if (used >= (limits.roleConcurrency[t.role] ?? 1)) continue;
    // A task that already holds its lease never waits for another (no deadlock, even on a board
    // from before leases, where two overlapping tasks may both hold one).
    if (t.attempt === 0 && scopeConflict(t, holders)) continue;
    picked.push(t.id);
    holders.push(t);
    runningByRole.set(t.role, used + 1);
    free -= 1;
  }
  return picked;
}

/** True when some ready task is not held back by a role that gave up. */
export function anyDispatchable(view: RunView, blockedRoles: { has(role: string): boolean }, lookup?: TaskLookup): boolean {
  return withStatus(view, ['ready'], lookup).some((t) => !blockedRoles.has(t.role));
}

/** The earliest moment a waiting task becomes dispatchable because of a backoff, if any. */
export function nextWakeMs(view: RunView, notBefore: ReadonlyMap<string, number>, nowMs: number): number | null {
  let next: number | null = null;
  for (const [id, at] of notBefore) {
    if (at > nowMs && view.tasks[id]?.status === 'ready') next = next === null ? at : Math.min(next, at);
  }
  return next;
}
