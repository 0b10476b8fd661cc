/**
 * How long the rest of the run should take, from what this run has shown: each merged task's
 * observed duration (first dispatch → merge), a per-role median as the estimate for the tasks
 * still to do, and the plan's DAG. The ETA is the larger of the remaining critical path and the
 * remaining work spread over `maxParallel` slots: both are lower bounds on the makespan.
 */
import { TERMINAL } from '../../src/board/transitions.js';
import type { RunView, TaskView } from '../../src/board/view.js';

export interface Estimate {
  /** ms still needed by each task not yet finished (only tasks that can still run). */
  remainingMs: Map<string, number>;
  /** Median observed duration, by role and overall; null before the first merge. */
  medianMs: number | null;
}

export interface CriticalPath {
  ids: string[];
  lengthMs: number;
}

export interface Eta {
  ms: number | null;
  /** What bounds it: the dependency chain, or the work per slot. */
  basis: 'critical-path' | 'parallel-work' | 'finished' | 'no-data';
  criticalPath: CriticalPath;
}

/** A task in flight keeps at least this share of its estimate: it is late, not done. */
const LATE_FLOOR = 0.1;

export function observedMs(task: TaskView): number | null {
  return task.status === 'merged' && task.startedAt !== undefined && task.finishedAt !== undefined ? Math.max(0, task.finishedAt - task.startedAt) : null;
}

function median(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Tasks that can never run: finished, or downstream of an escalated or cancelled task. */
export function deadTasks(view: RunView): Set<string> {
  const known = new Map<string, boolean>();
  const isDead = (id: string): boolean => {
    const cached = known.get(id);
    if (cached !== undefined) return cached;
    const task = view.tasks[id];
    known.set(id, false); // a cycle (never in a validated plan) must not recurse forever
    const dead = !task || task.status === 'escalated' || task.status === 'cancelled' || (task.status !== 'merged' && task.dependsOn.some(isDead));
    known.set(id, dead);
    return dead;
  };
  return new Set(view.order.filter((id) => view.tasks[id]!.status !== 'merged' && isDead(id)));
}

export function estimateRemaining(view: RunView, nowMs: number): Estimate {
  const byRole = new Map<string, number[]>();
  const all: number[] = [];
  for (const id of view.order) {
    const task = view.tasks[id]!;
    const ms = observedMs(task);
    if (ms === null) continue;
    all.push(ms);
    byRole.set(task.role, [...(byRole.get(task.role) ?? []), ms]);
  }
  const overall = median(all);
  const remainingMs = new Map<string, number>();
  if (overall === null) return { remainingMs, medianMs: null };
  const dead = deadTasks(view);
  for (const id of view.order) {
    const task = view.tasks[id]!;
    if (TERMINAL.has(task.status) || dead.has(id)) continue;
    const estimate = median(byRole.get(task.role) ?? []) ?? overall;
    const elapsed = task.startedAt === undefined ? 0 : nowMs - task.startedAt;
    remainingMs.set(id, Math.max(estimate - elapsed, estimate * LATE_FLOOR));
  }
  return { remainingMs, medianMs: overall };
}

/** Longest path through the DAG, each task weighing `weight(task)`; tasks without a weight are skipped. */
export function criticalPath(view: RunView, weight: (task: TaskView) => number | undefined): CriticalPath {
  const memo = new Map<string, CriticalPath>();
  const visiting = new Set<string>();
  const longestEndingAt = (id: string): CriticalPath => {
    const known = memo.get(id);
    if (known) return known;
    const task = view.tasks[id];
    const own = task ? weight(task) : undefined;
    if (!task || own === undefined || visiting.has(id)) return { ids: [], lengthMs: 0 };
    visiting.add(id);
    let best: CriticalPath = { ids: [], lengthMs: 0 };
    for (const dep of task.dependsOn) {
      const path = longestEndingAt(dep);
      if (path.lengthMs > best.lengthMs) best = path;
    }
    visiting.delete(id);
    const result = { ids: [...best.ids, id], lengthMs: best.lengthMs + own };
    memo.set(id, result);
    return result;
  };
  let best: CriticalPath = { ids: [], lengthMs: 0 };
  for (const id of view.order) {
    const path = longestEndingAt(id);
    if (path.lengthMs > best.lengthMs) best = path;
  }
  return best;
}

export function eta(view: RunView, nowMs: number): Eta {
  const estimate = estimateRemaining(view, nowMs);
  if (view.status !== 'running') {
    return { ms: null, basis: 'finished', criticalPath: criticalPath(view, (t) => observedMs(t) ?? undefined) };
  }
  if (estimate.medianMs === null) {
    // No duration observed yet: the chain of open tasks is still worth marking, by count.
    const dead = deadTasks(view);
    return { ms: null, basis: 'no-data', criticalPath: criticalPath(view, (t) => (TERMINAL.has(t.status) || dead.has(t.id) ? undefined : 1)) };
  }
  const path = criticalPath(view, (t) => estimate.remainingMs.get(t.id));
  const work = [...estimate.remainingMs.values()].reduce((a, b) => a + b, 0) / Math.max(1, view.maxParallel);
  return path.lengthMs >= work
    ? { ms: path.lengthMs, basis: 'critical-path', criticalPath: path }
    : { ms: work, basis: 'parallel-work', criticalPath: path };
}
