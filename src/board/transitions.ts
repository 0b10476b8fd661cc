/**
 * The task lifecycle as an explicit table: planned → ready → running → implemented → reviewing →
 * gating → merged, with repair/retry back to ready, and escalated, cancelled, interrupted. The
 * gate's tests run beside the review, so their verdict is expected in any of the three states after
 * the agent (the change enters its merge train only when both said yes). A
 * status-changing event whose move is not in this table is a bug in loop, and the fold says so.
 */
export const TASK_STATUSES = [
  'planned', 'ready', 'running', 'implemented', 'reviewing', 'gating', 'merged',
  'escalated', 'cancelled', 'interrupted',
] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** Tasks with an attempt underway: agent, gate, review or merge train. Only `running` counts against `maxParallel`. */
export const IN_FLIGHT: ReadonlySet<TaskStatus> = new Set(['running', 'implemented', 'reviewing', 'gating']);
/** Tasks that will not move again. */
export const TERMINAL: ReadonlySet<TaskStatus> = new Set(['merged', 'escalated', 'cancelled']);

const ACTIVE: TaskStatus[] = ['running', 'implemented', 'reviewing', 'gating'];
const OPEN: TaskStatus[] = ['planned', 'ready', ...ACTIVE, 'interrupted'];

/** For each status-changing event: the statuses it may leave from, and where it goes. */
export const MOVES = {
  'task.ready': { from: ['planned', 'interrupted'], to: 'ready' },
  'task.dispatched': { from: ['ready'], to: 'running' },
  'attempt.finished:ok': { from: ['running'], to: 'implemented' },
  'review.started': { from: ['implemented'], to: 'reviewing' },
  'review.accepted': { from: ['reviewing'], to: 'gating' },
  'task.merged': { from: ['gating'], to: 'merged' },
  'repair.scheduled': { from: ACTIVE, to: 'ready' },
  'retry.scheduled': { from: ACTIVE, to: 'ready' },
  'task.escalated': { from: OPEN, to: 'escalated' },
  'task.cancelled': { from: OPEN, to: 'cancelled' },
  'task.interrupted': { from: ['ready', ...ACTIVE], to: 'interrupted' },
  // a person asked for another round (`loop retry`): back to planned, promoted when its dependencies merged
  'task.reopened': { from: ['escalated'], to: 'planned' },
} as const satisfies Record<string, { from: readonly TaskStatus[]; to: TaskStatus }>;
export type Move = keyof typeof MOVES;

/** Events that must find the task in a given status without moving it. */
export const EXPECTS = {
  'attempt.started': ['running'],
  'attempt.finished': ['running'],
  'gate.captured': ['implemented'],
  // the gate's tests run while the critic reviews, so their verdict may come during or after the review
  'gate.passed': ['implemented', 'reviewing', 'gating'],
  'gate.failed': ['implemented', 'reviewing', 'gating'],
  'review.rejected': ['reviewing'],
  'critic.edit-discarded': ['reviewing'],
  'merge.failed': ['gating'],
} as const satisfies Record<string, readonly TaskStatus[]>;

export class IllegalTransitionError extends Error {
  override name = 'IllegalTransitionError';
  constructor(
    readonly seq: number,
    readonly taskId: string,
    readonly from: TaskStatus | 'unknown',
    readonly eventType: string,
  ) {
    super(`board event #${seq} ${eventType} is illegal for task ${taskId} in status ${from} (a bug in loop)`);
  }
}

export function checkMove(move: Move, from: TaskStatus, seq: number, taskId: string): TaskStatus {
  const rule = MOVES[move];
  if (!(rule.from as readonly TaskStatus[]).includes(from)) throw new IllegalTransitionError(seq, taskId, from, move);
  return rule.to;
}

export function checkExpected(type: keyof typeof EXPECTS, from: TaskStatus, seq: number, taskId: string): void {
  if (!(EXPECTS[type] as readonly TaskStatus[]).includes(from)) throw new IllegalTransitionError(seq, taskId, from, type);
}
