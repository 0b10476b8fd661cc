/**
 * What a merge request tells the gate about the changes still on their way to its repository's
 * queue (pure): tasks whose agent is done (under review or accepted), and tasks whose agent is at
 * work, each with when it should finish: the run's typical agent time (the median of its latest
 * finished attempts) less the time it has had. The gate waits only for what it expects within its
 * wait (`gate.trainWait`); before any attempt has finished, no agent at work is expected.
 */
import { IN_FLIGHT } from '../board/transitions.js';
import type { RunView, TaskView } from '../board/view.js';
import { median } from '../util/stats.js';

export interface OnTheWay {
  onTheWay: string[];
  arriving: { taskId: string; inMs: number }[];
}

/** Finished attempts the typical agent time is the median of (the latest). */
const TYPICAL_OF = 20;

export function changesOnTheWay(view: Pick<RunView, 'order' | 'tasks'>, inRepo: (task: TaskView) => boolean, self: string, now: number): OnTheWay {
  const tasks = view.order.map((id) => view.tasks[id]!);
  const mine = tasks.filter((task) => task.id !== self && IN_FLIGHT.has(task.status) && inRepo(task));
  const agentMs = typicalAgentMs(tasks);
  return {
    onTheWay: mine.filter((task) => task.status !== 'running').map((task) => task.id),
    arriving: agentMs === null ? [] : mine.filter((task) => task.status === 'running').map((task) => ({ taskId: task.id, inMs: Math.max(0, agentMs - (now - attemptStart(task))) })),
  };
}

/** The median time of the run's latest finished agent attempts, null before any. */
export function typicalAgentMs(tasks: readonly TaskView[]): number | null {
  const times = tasks
    .flatMap((task) => task.history.filter((e) => e.type === 'attempt.finished').map((e) => ({ ts: e.ts, ms: (e as { durationMs?: number }).durationMs ?? 0 })))
    .sort((a, b) => b.ts - a.ts)
    .slice(0, TYPICAL_OF)
    .map((x) => x.ms);
  return times.length === 0 ? null : median(times);
}

/** When the task's current attempt started (its dispatch, until the attempt says so). */
function attemptStart(task: TaskView): number {
  return task.history.findLast((e) => e.type === 'attempt.started' || e.type === 'task.dispatched')?.ts ?? task.updatedAt;
}
