/** The task board: one column per stage of the pipeline, each card with its dependencies and whether it is on the critical path. */
import type { TaskStatus } from '../../src/board/transitions.js';
import type { RunView, TaskView } from '../../src/board/view.js';

export interface Column {
  key: 'waiting' | 'agent' | 'gate' | 'review' | 'merge' | 'merged' | 'escalated';
  title: string;
  cards: Card[];
}

export interface Card {
  id: string;
  title: string;
  role: string;
  status: TaskStatus;
  attempt: number;
  repairs: number;
  retries: number;
  costUsd: number;
  /** Each dependency and whether it has merged. */
  deps: { id: string; merged: boolean }[];
  critical: boolean;
  /** Waiting, with every dependency merged (only a slot or the role's concurrency holds it). */
  ready: boolean;
  /** Since the task first started, until it finished (or now). */
  elapsedMs: number | null;
  note?: string;
}

const COLUMNS: { key: Column['key']; title: string; statuses: TaskStatus[] }[] = [
  { key: 'waiting', title: 'Waiting', statuses: ['planned', 'ready', 'interrupted'] },
  { key: 'agent', title: 'Agent working', statuses: ['running'] },
  { key: 'gate', title: 'Gate · tests', statuses: ['implemented'] },
  { key: 'review', title: 'Critic review', statuses: ['reviewing'] },
  { key: 'merge', title: 'Merge queue', statuses: ['gating'] },
  { key: 'merged', title: 'Merged', statuses: ['merged'] },
  { key: 'escalated', title: 'Escalated', statuses: ['escalated', 'cancelled'] },
];

export function card(view: RunView, task: TaskView, critical: ReadonlySet<string>, nowMs: number): Card {
  const deps = task.dependsOn.map((id) => ({ id, merged: view.tasks[id]?.status === 'merged' }));
  const end = task.finishedAt ?? (view.status === 'running' ? nowMs : view.lastTs);
  const note = task.status === 'merged' ? (task.mergedSha ? `merged ${task.mergedSha.slice(0, 7)}` : undefined) : task.reason;
  return {
    id: task.id,
    title: task.title,
    role: task.role,
    status: task.status,
    attempt: task.attempt,
    repairs: task.repairs,
    retries: task.retries,
    costUsd: task.costUsd,
    deps,
    critical: critical.has(task.id),
    ready: (task.status === 'ready' || task.status === 'planned') && deps.every((d) => d.merged),
    elapsedMs: task.startedAt === undefined ? null : Math.max(0, end - task.startedAt),
    ...(note ? { note } : {}),
  };
}

export function columns(view: RunView, critical: ReadonlySet<string>, nowMs: number): Column[] {
  return COLUMNS.map((column) => ({
    key: column.key,
    title: column.title,
    cards: view.order
      .map((id) => view.tasks[id]!)
      .filter((task) => column.statuses.includes(task.status))
      .map((task) => card(view, task, critical, nowMs)),
  }));
}
