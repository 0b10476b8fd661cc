/**
 * `loop retry <task>`: an escalated task gets another round (its repairs and retries count from
 * zero again), and so do the tasks that were escalated only because they waited on it. Pure: the
 * CLI checks a request with it before asking, and the supervisor decides with it when it answers.
 */
import type { RunView } from '../board/view.js';

/** The reason `tasksBlockedByUpstream` (scheduler.ts) gives a task escalated for its dependency. */
const UPSTREAM = /^upstream task (\S+) was /;

export type ReopenDecision = { ok: true; reopen: { taskId: string; reason: string }[] } | { ok: false; problem: string };

export function planReopen(view: RunView, taskId: string): ReopenDecision {
  const task = view.tasks[taskId];
  if (!task) return { ok: false, problem: `no task "${taskId}" in this run (its tasks: ${view.order.slice(0, 12).join(', ')}${view.order.length > 12 ? ', …' : ''})` };
  if (task.status !== 'escalated') return { ok: false, problem: `task ${taskId} is ${task.status}; only an escalated task can be retried` };
  const reopen = [{ taskId, reason: `retried by a person after: ${task.reason ?? 'no reason recorded'}` }];
  // Dependents escalated because of this task, or of one reopened here (to a fixed point: the
  // plan's order need not put a dependency first).
  const reopened = new Set([taskId]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const id of view.order) {
      const t = view.tasks[id]!;
      const upstream = t.status === 'escalated' && !reopened.has(id) ? UPSTREAM.exec(t.reason ?? '')?.[1] : undefined;
      if (upstream !== undefined && reopened.has(upstream) && t.dependsOn.includes(upstream)) {
        reopened.add(id);
        reopen.push({ taskId: id, reason: `its upstream task ${upstream} is retried` });
        grew = true;
      }
    }
  }
  return { ok: true, reopen };
}
