/**
 * The conductor drives a run from the board, event by event, with no poll sleeps: after every
 * acknowledged board event it promotes tasks whose dependencies merged, escalates tasks that can
 * no longer run, dispatches ready tasks while agent places, role capacity and budget allow (each
 * dispatch starts a task flow, task-flow.ts), and settles when nothing can move any more. It owns
 * the scheduling state: retry backoffs and the roles whose actor gave up.
 */
import type { BoardEventDraft } from '../../protocol/index.js';
import { IN_FLIGHT, TERMINAL } from '../board/transitions.js';
import { anyDispatchable, chainHeights, nextWakeMs, pickDispatch, tasksBlockedByUpstream, tasksToPromote, type DispatchLimits } from './scheduler.js';
import { reserveAttempt } from './stages/dispatch.js';
import { runTask, type FlowDeps } from './task-flow.js';
import { TaskIndex } from './task-index.js';
import type { RunContext } from './run-context.js';

export class Conductor {
  readonly #rt: RunContext;
  /** Earliest dispatch per task after a retry's backoff. */
  readonly #notBefore = new Map<string, number>();
  /** Roles whose actor gave up, with the reason. */
  readonly #blockedRoles = new Map<string, string>();
  /** Warnings already given once in this run. */
  readonly #warned = new Set<string>();
  readonly #flow: FlowDeps;
  /** Attempt flows underway, by task id. */
  readonly #active = new Map<string, Promise<void>>();
  /** Task ids with a promotion or escalation append in flight (so it is not sent twice). */
  readonly #pending = new Set<string>();
  #pendingOps = 0;
  #budgetAnnounced = false;
  #wake: NodeJS.Timeout | null = null;
  #settled = false;
  #bug: unknown = null;
  #resolve!: () => void;
  readonly #done = new Promise<void>((resolve) => (this.#resolve = resolve));

  readonly #abort: (reason: string) => void;
  /** The tasks each decision needs to look at, kept current event by event (see task-index.ts). */
  #index: TaskIndex | null = null;

  /** `abort` stops the run's flows (the runtime's stop signal) when a flow hits a bug. */
  constructor(rt: RunContext, abort: (reason: string) => void) {
    this.#rt = rt;
    this.#abort = abort;
    this.#flow = {
      ctx: rt,
      blockedReason: (role) => this.#blockedRoles.get(role),
      once: (key) => !this.#warned.has(key) && Boolean(this.#warned.add(key)),
    };
  }

  /** Runs until no task can move. Rejects with the first bug a flow threw. */
  async drive(): Promise<void> {
    this.#index = new TaskIndex(this.#rt.board.view, chainHeights);
    const off = this.#rt.board.on((event, view) => {
      this.#index!.observe(event, view);
      this.#tick();
    });
    const onStop = (): void => this.#tick();
    this.#rt.stop.addEventListener('abort', onStop);
    try {
      this.#tick();
      await this.#done;
    } finally {
      off();
      this.#rt.stop.removeEventListener('abort', onStop);
      if (this.#wake) clearTimeout(this.#wake);
    }
    if (this.#bug) throw this.#bug;
  }

  /** Escalates the open tasks of a role whose actor gave up (its running flows escalate themselves). */
  roleGaveUp(role: string, reason: string): void {
    this.#blockedRoles.set(role, reason);
    this.#tick();
  }

  #tick(): void {
    if (this.#settled) return;
    const rt = this.#rt;
    const view = rt.board.view;
    const index = this.#index ?? undefined;
    for (const id of tasksToPromote(view, index)) this.#once(id, { type: 'task.ready', taskId: id });
    for (const { taskId, reason } of tasksBlockedByUpstream(view, index)) this.#once(taskId, { type: 'task.escalated', taskId, reason });
    // Rare (a role's actor gave up), so a scan of every task is fine here.
    for (const id of this.#blockedRoles.size > 0 ? view.order : []) {
      const task = view.tasks[id]!;
      const blocked = this.#blockedRoles.get(task.role);
      if (blocked && !this.#active.has(id) && !TERMINAL.has(task.status) && !IN_FLIGHT.has(task.status)) {
        this.#once(id, { type: 'task.escalated', taskId: id, reason: `role ${task.role} gave up: ${blocked}` });
      }
    }
    if (!rt.stop.aborted && !rt.budget.refused && !this.#bug) this.#dispatch();
    if (rt.budget.refused && !this.#budgetAnnounced) {
      this.#budgetAnnounced = true;
      const unstarted = view.order.filter((id) => ['planned', 'ready'].includes(view.tasks[id]!.status) && !this.#active.has(id));
      const budgetUsd = rt.budget.budgetUsd ?? 0;
      this.#op(rt.board.append({ type: 'budget.exhausted', spentUsd: rt.budget.spentUsd, reservedUsd: rt.budget.reservedUsd, budgetUsd, unstarted }));
    }
    this.#scheduleWake();
    if (this.#active.size === 0 && this.#pendingOps === 0 && !this.#canMove()) {
      this.#settled = true;
      this.#resolve();
    }
  }

  #dispatch(): void {
    const rt = this.#rt;
    // a role with a takeover asked for or under way takes no new task while it still has one going
    const working = new Set([...this.#active.keys()].map((id) => rt.board.view.tasks[id]!.role));
    const holding = rt.takeovers.held().filter((role) => working.has(role));
    const limits: DispatchLimits = {
      maxParallel: rt.config.loop.maxParallel,
      roleConcurrency: Object.fromEntries(rt.config.roles.map((r) => [r.name, r.concurrency])),
      blockedRoles: new Set([...this.#blockedRoles.keys(), ...holding]),
      active: new Set(this.#active.keys()),
      notBefore: this.#notBefore,
      nowMs: rt.now(),
    };
    for (const id of pickDispatch(rt.board.view, limits, this.#index ?? undefined)) {
      // Refused only because of calls in flight: asked again at a later tick (every settle is
      // followed by a board event); refused for good: `budget.refused` stops dispatching.
      const callId = reserveAttempt(rt, id);
      if (callId === null) break;
      this.#notBefore.delete(id);
      const flow = runTask(this.#flow, id, callId)
        .then((end) => {
          if (end.retryAt !== undefined) this.#notBefore.set(id, end.retryAt);
        })
        .catch((error: unknown) => this.#fail(error))
        .finally(() => {
          this.#active.delete(id);
          this.#tick();
        });
      this.#active.set(id, flow);
    }
  }

  /** True when some task could still be promoted, escalated or dispatched. */
  #canMove(): boolean {
    const rt = this.#rt;
    const view = rt.board.view;
    if (this.#bug) return false;
    const index = this.#index ?? undefined;
    if (tasksToPromote(view, index).length > 0 || tasksBlockedByUpstream(view, index).length > 0) return true;
    if (rt.stop.aborted || rt.budget.refused) return false;
    const waiting = nextWakeMs(view, this.#notBefore, rt.now()) !== null;
    return waiting || anyDispatchable(view, this.#blockedRoles, index);
  }

  #scheduleWake(): void {
    const rt = this.#rt;
    if (this.#wake || rt.stop.aborted) return;
    const at = nextWakeMs(rt.board.view, this.#notBefore, rt.now());
    if (at === null) return;
    this.#wake = setTimeout(() => {
      this.#wake = null;
      this.#tick();
    }, Math.max(0, at - rt.now()));
  }

  #once(taskId: string, draft: BoardEventDraft): void {
    if (this.#pending.has(taskId)) return;
    this.#pending.add(taskId);
    this.#op(this.#rt.board.append(draft).finally(() => this.#pending.delete(taskId)));
  }

  #op(promise: Promise<unknown>): void {
    this.#pendingOps += 1;
    promise
      .catch((error: unknown) => this.#fail(error))
      .finally(() => {
        this.#pendingOps -= 1;
        this.#tick();
      });
  }

  #fail(error: unknown): void {
    if (this.#bug) return;
    this.#bug = error;
    this.#abort(`internal error: ${error instanceof Error ? error.message : String(error)}`);
  }
}
