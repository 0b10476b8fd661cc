/**
 * What a supervisor knows about each of its children (OTP's #child{} records), the status union,
 * and the shared context of one supervision tree.
 */
import type { FromActorBody } from '../protocol/messages.js';
import type { NormalizedSupervisorSpec, NormalizedWorkerSpec } from './child-spec.js';
import type { SupervisorNode } from './node.js';
import type { WorkerProcess } from './worker-process.js';

/**
 * A child's lifecycle, as `status(id)` reports it:
 * - `starting`: forked and in the init handshake (or not started yet, during boot);
 * - `running`: answered `ready` (a sub-supervisor: all its children started);
 * - `backoff`: waiting for its restart delay, or for its turn in a group restart;
 * - `stopping`: asked to shut down (tree stop, or a sibling's restart under rest_for_one/one_for_all);
 * - `exited`: ended and not going to be restarted by its supervisor;
 * - `gave-up`: a sub-supervisor that reached its restart intensity and was not restarted.
 */
export type ChildStatus = 'starting' | 'running' | 'backoff' | 'stopping' | 'exited' | 'gave-up';

export type SupervisorEvent =
  | { type: 'child-started'; id: string; pid: number; restarts: number }
  | { type: 'child-exited'; id: string; code: number | null; signal: string | null; reason: string }
  | { type: 'child-restarting'; id: string; restarts: number; delayMs: number }
  | {
    type: 'report';
    supervisor: string;
    context: 'child_terminated' | 'start_error' | 'reached_max_restart_intensity' | 'shutdown_error';
    reason: string;
    offender: string;
  }
  | { type: 'frame'; id: string; re?: string; body: Extract<FromActorBody, { type: 'progress' | 'emit' }> }
  | { type: 'protocol-error'; id: string; summary: string };

interface RecordBase {
  readonly id: string;
  /** `idle` = not started yet (reported as `starting`). */
  status: ChildStatus | 'idle';
  /** Times this child was restarted. */
  restarts: number;
  /** Consecutive restarts, for the backoff formula. */
  backoffCount: number;
  /** `now()` when it last reached running; null while not running. */
  runningSince: number | null;
  /** The last exit reason, for reports. */
  lastReason: string;
  /** A temporary child that ended: OTP deletes its spec; it stays here only for `status`. */
  deleted: boolean;
}

export interface WorkerRecord extends RecordBase {
  readonly type: 'worker';
  readonly spec: NormalizedWorkerSpec;
  /** The current incarnation; null before the first start and once its exit has been handled. */
  proc: WorkerProcess | null;
}

export interface SupervisorRecord extends RecordBase {
  readonly type: 'supervisor';
  readonly spec: NormalizedSupervisorSpec;
  /** The current incarnation; null before the first start and once its exit has been handled. */
  node: SupervisorNode | null;
}

export type ChildRecord = WorkerRecord | SupervisorRecord;

export function newRecord(spec: NormalizedWorkerSpec | NormalizedSupervisorSpec): ChildRecord {
  const base = { id: spec.id, status: 'idle' as const, restarts: 0, backoffCount: 0, runningSince: null, lastReason: '', deleted: false };
  return spec.type === 'worker' ? { ...base, type: 'worker', spec, proc: null } : { ...base, type: 'supervisor', spec, node: null };
}

/** Shared by every node of one tree: listeners, clock, randomness, and processes forked ahead of their turn. */
export interface Tree {
  emit(event: SupervisorEvent): void;
  /** Some status changed: re-check everyone waiting in `whenRunning`/`call`. */
  changed(): void;
  now(): number;
  random(): number;
  /** Fork a worker's process (not yet initialised). */
  spawn(spec: NormalizedWorkerSpec, ownerId: string): WorkerProcess;
  /** Processes forked ahead of their turn, by child id, so that Node boots overlap. */
  readonly preforks: Map<string, WorkerProcess>;
}

/** Link from a sub-supervisor to its parent: the parent's stop aborts our starts; giving up is reported. */
export interface ParentLink {
  readonly signal: AbortSignal;
  onGaveUp(): void;
}
