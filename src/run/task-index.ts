/**
 * Which tasks the scheduler needs to look at, kept up to date event by event so a decision costs
 * the same at 10 tasks as at 1 000 (scanning every task after every event made a run quadratic).
 * Pure bookkeeping over the folded view, no I/O. It only narrows the candidates: every decision is
 * still made by the predicates in scheduler.ts on the tasks themselves, so a stale entry can at
 * worst be re-checked, never wrongly acted on.
 */
import type { BoardEvent } from '../../protocol/index.js';
import type { TaskStatus } from '../board/transitions.js';
import type { RunView } from '../board/view.js';

/** What the scheduler asks of a task index (see scheduler.ts; without one it scans the view). */
export interface TaskLookup {
  /** Ids of the tasks in `status`, in no particular order. */
  withStatus(status: TaskStatus): Iterable<string>;
  /** Planned tasks whose every dependency is merged (candidates). */
  promotable(): Iterable<string>;
  /** Planned tasks with a dependency that ended without merging (candidates). */
  doomed(): Iterable<string>;
  /** A task's place in the plan. */
  position(id: string): number;
  /** Chain heights (see `chainHeights`), computed once per plan. */
  heights(view: RunView): ReadonlyMap<string, number>;
}

export class TaskIndex implements TaskLookup {
  readonly #byStatus = new Map<TaskStatus, Set<string>>();
  readonly #statusOf = new Map<string, TaskStatus>();
  readonly #position = new Map<string, number>();
  readonly #dependents = new Map<string, string[]>();
  /** Per planned task, how many of its dependencies are not merged yet. */
  readonly #unmerged = new Map<string, number>();
  readonly #promotable = new Set<string>();
  readonly #doomed = new Set<string>();
  #heights: { tasks: number; value: Map<string, number> } | null = null;
  readonly #computeHeights: (view: RunView) => Map<string, number>;

  constructor(view: RunView, computeHeights: (view: RunView) => Map<string, number>) {
    this.#computeHeights = computeHeights;
    for (const id of view.order) this.#add(view, id);
    for (const id of view.order) this.#sync(view, id);
  }

  /** Call after `event` was folded into `view`. */
  observe(event: BoardEvent, view: RunView): void {
    if (event.type === 'task.created') this.#add(view, event.taskId);
    if ('taskId' in event && event.taskId !== undefined && view.tasks[event.taskId]) this.#sync(view, event.taskId);
  }

  withStatus(status: TaskStatus): Iterable<string> {
    return this.#byStatus.get(status) ?? [];
  }

  promotable(): Iterable<string> {
    return this.#promotable;
  }

  doomed(): Iterable<string> {
    return this.#doomed;
  }

  position(id: string): number {
    return this.#position.get(id) ?? Number.MAX_SAFE_INTEGER;
  }

  heights(view: RunView): ReadonlyMap<string, number> {
    if (this.#heights?.tasks !== view.order.length) this.#heights = { tasks: view.order.length, value: this.#computeHeights(view) };
    return this.#heights.value;
  }

  #add(view: RunView, id: string): void {
    if (this.#position.has(id)) return;
    this.#position.set(id, this.#position.size);
    const task = view.tasks[id]!;
    let unmerged = 0;
    for (const dep of task.dependsOn) {
      const dependents = this.#dependents.get(dep);
      if (dependents) dependents.push(id);
      else this.#dependents.set(dep, [id]);
      const status = view.tasks[dep]?.status;
      if (status !== 'merged') unmerged += 1;
      if (status === 'escalated' || status === 'cancelled') this.#doomed.add(id);
    }
    this.#unmerged.set(id, unmerged);
    if (unmerged === 0) this.#promotable.add(id);
  }

  #sync(view: RunView, id: string): void {
    const status = view.tasks[id]!.status;
    const before = this.#statusOf.get(id);
    if (before === status) return;
    if (before !== undefined) this.#byStatus.get(before)?.delete(id);
    this.#statusOf.set(id, status);
    let ids = this.#byStatus.get(status);
    if (!ids) this.#byStatus.set(status, (ids = new Set()));
    ids.add(id);
    if (status !== 'planned') {
      this.#promotable.delete(id);
      this.#doomed.delete(id);
    } else if (before !== undefined) {
      // reopened (`loop retry`): a candidate again, as when it was created
      if ((this.#unmerged.get(id) ?? 0) <= 0) this.#promotable.add(id);
      if (view.tasks[id]!.dependsOn.some((d) => ['escalated', 'cancelled'].includes(view.tasks[d]?.status ?? ''))) this.#doomed.add(id);
    }
    for (const dependent of this.#dependents.get(id) ?? []) {
      if (status === 'merged') {
        const left = (this.#unmerged.get(dependent) ?? 1) - 1;
        this.#unmerged.set(dependent, left);
        if (left <= 0 && this.#statusOf.get(dependent) === 'planned') this.#promotable.add(dependent);
      } else if ((status === 'escalated' || status === 'cancelled') && this.#statusOf.get(dependent) === 'planned') {
        this.#doomed.add(dependent);
      }
    }
  }
}
