/**
 * One supervisor of the tree (OTP's supervisor gen_server): starts its children in order, restarts
 * them per strategy and restart type, counts restart intensity, and stops them in reverse order.
 * Every state change runs through one mailbox, so a crash that arrives during a restart waits its
 * turn, as messages do in OTP. Workers are OS processes; sub-supervisors are nested nodes.
 */
import { setMaxListeners } from 'node:events';
import { IMMEDIATE_RESTART, MAX_TIMER_MS, type NormalizedSupervisorSpec } from './child-spec.js';
import { reportStartFailure, startChild, stopChild, type Exit, type LifecycleContext } from './child-lifecycle.js';
import { childrenToRestart, shouldRestart } from './decide.js';
import { nextBackoff } from './backoff.js';
import { StartError } from './errors.js';
import { addRestart, type RestartWindow } from './restart-intensity.js';
import { newRecord, type ChildRecord, type ChildStatus, type ParentLink, type Tree } from './records.js';

export type NodeState = 'idle' | 'starting' | 'running' | 'stopping' | 'stopped';

export class SupervisorNode {
  readonly records: readonly ChildRecord[];
  #state: NodeState = 'idle';
  #window: RestartWindow = [];
  #mailbox: Promise<unknown> = Promise.resolve();
  /** Aborted when this node stops or gives up: start handshakes in progress end at once. */
  readonly #halt = new AbortController();
  readonly #timers = new Set<NodeJS.Timeout>();
  #booted = false;
  #stopping: Promise<void> | null = null;

  readonly #unlinkParent: () => void;
  readonly #lifecycle: LifecycleContext;

  constructor(readonly spec: NormalizedSupervisorSpec, private readonly tree: Tree, private readonly parent: ParentLink) {
    this.records = spec.children.map(newRecord);
    // One listener per sub-supervisor and per handshake in progress: more than EventTarget's default 10.
    setMaxListeners(0, this.#halt.signal);
    const onParentHalt = (): void => this.#halt.abort();
    if (parent.signal.aborted) this.#halt.abort();
    else parent.signal.addEventListener('abort', onParentHalt, { once: true });
    this.#unlinkParent = () => parent.signal.removeEventListener('abort', onParentHalt);
    this.#lifecycle = {
      tree, supervisorId: spec.id, halt: this.#halt.signal,
      setStatus: (record, status) => this.#setStatus(record, status),
      childExited: (record, incarnation, exit) => this.#childExited(record, incarnation, exit),
      newNode: (record, link) => new SupervisorNode(record.spec, tree, link),
    };
  }

  get state(): NodeState {
    return this.#state;
  }

  /** Boot: start the children in order; rejects with StartError when the boot is aborted. */
  start(): Promise<void> {
    return this.#enqueue(() => this.#boot());
  }

  /** Orderly stop, idempotent: children in reverse start order. */
  stop(reason: string): Promise<void> {
    this.#stopping ??= (async () => {
      this.#halt.abort();
      this.#clearTimers();
      await this.#enqueue(() => this.#terminate(reason));
    })();
    return this.#stopping;
  }

  // ---- Boot -----------------------------------------------------------------------------------

  async #boot(): Promise<void> {
    if (this.#state !== 'idle') throw new StartError(this.spec.id, `cannot start: the supervisor is ${this.#state}`);
    this.#setState('starting');
    let gaveUp = false;
    for (const record of this.records) {
      if (this.#halt.signal.aborted) break;
      if (record.status !== 'idle') continue; // already scheduled by a retried start (rest_for_one, one_for_all)
      try {
        await startChild(this.#lifecycle, record);
      } catch (error) {
        const failure = asStartError(record.id, error);
        reportStartFailure(this.#lifecycle, record, failure);
        if (this.spec.startFailure === 'abort' || this.#halt.signal.aborted) {
          await this.#terminate('shutdown');
          throw failure;
        }
        gaveUp = !(await this.#restart(record, null));
      }
    }
    if (gaveUp || this.#halt.signal.aborted) {
      await this.#terminate('shutdown');
      throw new StartError(this.spec.id, gaveUp ? 'reached max restart intensity during start' : 'stopped during start');
    }
    this.#booted = true;
    this.#setState('running');
  }

  // ---- Restart. A child has terminated. ---------------------------------------------------------

  #childExited(record: ChildRecord, incarnation: object, exit: Exit): void {
    this.tree.changed();
    this.#enqueue(() => this.#handleExit(record, incarnation, exit)).catch(rethrowLater);
  }

  async #handleExit(record: ChildRecord, incarnation: object, exit: Exit): Promise<void> {
    const current = record.type === 'worker' ? record.proc : record.node;
    if (current !== incarnation || record.status !== 'running' || this.#state !== 'running') return;
    const uptimeMs = record.runningSince === null ? null : this.tree.now() - record.runningSince;
    // This incarnation is over: a stop during the decision below must not report its exit again.
    if (record.type === 'worker') record.proc = null;
    else record.node = null;
    record.runningSince = null;
    record.lastReason = exit.reason;
    this.tree.emit({ type: 'child-exited', id: record.id, code: exit.code, signal: exit.signal, reason: exit.reason });
    if (exit.kind === 'abnormal') {
      this.tree.emit({ type: 'report', supervisor: this.spec.id, context: 'child_terminated', reason: exit.reason, offender: record.id });
    }
    if (!shouldRestart(record.spec.restart, exit.kind)) {
      record.deleted = record.spec.restart === 'temporary';
      this.#setStatus(record, exit.gaveUp === true ? 'gave-up' : 'exited');
      return;
    }
    await this.#restart(record, uptimeMs);
  }

  /**
   * Count the restart, then stop the affected siblings and schedule the group's start after the
   * backoff. False when the intensity was exceeded and this supervisor gave up.
   */
  async #restart(dead: ChildRecord, uptimeMs: number | null): Promise<boolean> {
    const { window, exceeded } = addRestart(this.#window, this.tree.now(), this.spec);
    this.#window = window;
    if (exceeded) {
      await this.#giveUp(dead);
      return false;
    }
    const active = this.records.filter((r) => !r.deleted && (r === dead || isActive(r.status))).map((r) => r.id);
    const group = childrenToRestart(this.spec.strategy, active, dead.id).map((id) => this.#record(id));
    for (const sibling of [...group].reverse()) {
      if (sibling === dead) continue;
      await stopChild(this.#lifecycle, sibling, 'shutdown');
      if (sibling.spec.restart === 'temporary') {
        sibling.deleted = true; // OTP: never restarted, even by a sibling's death
        this.#setStatus(sibling, 'exited');
      }
    }
    const toStart = group.filter((r) => !r.deleted);
    const options = dead.type === 'worker' ? dead.spec.backoff : IMMEDIATE_RESTART;
    const step = nextBackoff({ restartCount: dead.backoffCount, uptimeMs, options, random: this.tree.random() });
    dead.backoffCount = step.restartCount;
    for (const record of toStart) {
      record.restarts += 1;
      this.#setStatus(record, 'backoff');
      this.tree.emit({ type: 'child-restarting', id: record.id, restarts: record.restarts, delayMs: step.delayMs });
    }
    // Leave the mailbox before starting (OTP's try_again_restart), so a stop can get in between.
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      this.#enqueue(() => this.#startGroup(toStart)).catch(rethrowLater);
    }, Math.min(step.delayMs, MAX_TIMER_MS));
    this.#timers.add(timer);
    return true;
  }

  async #startGroup(group: readonly ChildRecord[]): Promise<void> {
    if (this.#state !== 'running') return;
    const members = group.filter((r) => !r.deleted && r.status === 'backoff');
    for (const record of members.slice(1)) {
      if (record.type === 'worker') this.tree.preforks.set(record.id, this.tree.spawn(record.spec, this.spec.id));
    }
    try {
      for (const record of members) {
        if (this.#halt.signal.aborted) return;
        try {
          await startChild(this.#lifecycle, record);
        } catch (error) {
          // A failed restart is a crash of that child: counted, backed off, retried later.
          reportStartFailure(this.#lifecycle, record, asStartError(record.id, error));
          await this.#restart(record, null);
          return;
        }
      }
    } finally {
      for (const record of members) releasePrefork(this.tree, record.id);
    }
  }

  /** OTP: more than `intensity` restarts in `period`: stop every child, then exit with `shutdown`. */
  async #giveUp(offender: ChildRecord): Promise<void> {
    this.tree.emit({
      type: 'report', supervisor: this.spec.id, context: 'reached_max_restart_intensity', reason: offender.lastReason, offender: offender.id,
    });
    await this.#terminate('shutdown');
    if (this.#booted) this.parent.onGaveUp();
  }

  // ---- Stop -------------------------------------------------------------------------------------

  async #terminate(reason: string): Promise<void> {
    if (this.#state === 'stopping' || this.#state === 'stopped') return;
    this.#setState('stopping');
    this.#halt.abort();
    this.#clearTimers();
    for (const record of [...this.records].reverse()) {
      await stopChild(this.#lifecycle, record, reason);
      if (record.status !== 'gave-up') this.#setStatus(record, 'exited');
    }
    this.#unlinkParent();
    this.#setState('stopped');
  }

  // ---- Helpers ----------------------------------------------------------------------------------

  #enqueue<T>(op: () => Promise<T>): Promise<T> {
    const run = this.#mailbox.then(op);
    this.#mailbox = run.then(noop, noop);
    return run;
  }

  #record(id: string): ChildRecord {
    const record = this.records.find((r) => r.id === id);
    if (record === undefined) throw new Error(`supervisor "${this.spec.id}" has no child "${id}"`);
    return record;
  }

  #setStatus(record: ChildRecord, status: ChildStatus): void {
    record.status = status;
    this.tree.changed();
  }

  #setState(state: NodeState): void {
    this.#state = state;
    this.tree.changed();
  }

  #clearTimers(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
  }
}

/** Children that are up or on their way up; an exited or gave-up child is not revived by a sibling's restart. */
function isActive(status: ChildStatus | 'idle'): boolean {
  return status === 'running' || status === 'starting' || status === 'backoff' || status === 'stopping' || status === 'idle';
}

function asStartError(id: string, error: unknown): StartError {
  if (error instanceof StartError) return error;
  return new StartError(id, error instanceof Error ? error.message : String(error), undefined, { cause: error });
}

function releasePrefork(tree: Tree, id: string): void {
  const proc = tree.preforks.get(id);
  if (proc === undefined) return;
  tree.preforks.delete(id);
  proc.expected = true;
  proc.kill('not needed: the start it was forked for was abandoned');
}

/** An exception inside the engine is a bug: surface it as an uncaught exception rather than hide it. */
function rethrowLater(error: unknown): void {
  queueMicrotask(() => {
    throw error;
  });
}

function noop(): void {}

