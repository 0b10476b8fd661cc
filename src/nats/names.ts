/**
 * Every subject and stream name loop uses on a NATS server, in one place: the server config that
 * `loop nats setup` writes grants permissions on these patterns, and the engine publishes on them.
 *
 *   loop.board.<run>.<event type>   the board of one run, captured by stream BOARD_<run>
 *   loop.run.<run>.supervisor       core request/reply: "is a supervisor driving this run?"
 *   loop.work.<run>.role.<role>     a role's work queue, captured by stream LOOP_WORK (src/nats/dispatch.ts)
 *   loop.work.<run>.merge.<run>_<repo>  a repository's merges in a run, one at a time (same stream)
 *   loop.result.<run>.<job>         what a worker reports about one job: started, then its result
 *   loop.worker.>                   reserved for worker heartbeats
 *
 * Run ids (letters, digits, `-`, `_`) are valid subject tokens and stream name parts as they are.
 */
import { createHash } from 'node:crypto';
import type { BoardEvent } from '../../protocol/index.js';

export const BOARD_SUBJECTS = 'loop.board.>';
export const WORK_SUBJECTS = 'loop.work.>';
export const RESULT_SUBJECTS = 'loop.result.>';
export const WORKER_SUBJECTS = 'loop.worker.>';
export const BOARD_STREAM_PREFIX = 'BOARD_';
/**
 * Dispatch: one stream for every run's work, because a permission can only name a
 * stream by a whole subject token (`$JS.API.CONSUMER.MSG.NEXT.LOOP_WORK.*`), never by a prefix.
 */
export const WORK_STREAM = 'LOOP_WORK';

/** One stream per run: its sequence is the board's `seq` (see docs/architecture.md, "Engines"). */
export const boardStream = (runId: string): string => `${BOARD_STREAM_PREFIX}${runId}`;
export const boardSubjects = (runId: string): string => `loop.board.${runId}.>`;
export const boardSubject = (runId: string, type: string): string => `loop.board.${runId}.${type}`;
export const presenceSubject = (runId: string): string => `loop.run.${runId}.supervisor`;

/**
 * The `Nats-Msg-Id` of a stored event: run, seq and the append's idempotency key, so a retried
 * publish of the same append is deduplicated while another writer's event at the same seq never is.
 */
export function boardMessageId(runId: string, event: BoardEvent): string {
  const key = event.key ?? createHash('sha256').update(JSON.stringify(event)).digest('hex').slice(0, 24);
  return `${runId}:${event.seq}:${key}`;
}

/** Consumer names are one subject token: role and repository names are kept to letters, digits, `-` and `_`. */
const token = (name: string): string => name.replace(/[^A-Za-z0-9_-]/g, '_');
export type Queue = { kind: 'role'; name: string } | { kind: 'merge'; name: string };
/** The durable pull consumer every worker of a queue shares, across runs (workers do not know run ids). */
export const queueConsumer = (queue: Queue): string => `${queue.kind}_${token(queue.name)}`;
export const queueFilter = (queue: Queue): string => `loop.work.*.${queue.kind}.${token(queue.name)}`;
export const queueSubject = (runId: string, queue: Queue): string => `loop.work.${runId}.${queue.kind}.${token(queue.name)}`;
export const resultSubject = (runId: string, job: string): string => `loop.result.${runId}.${token(job)}`;
/** A repository's merges in one run: taken only by that run's supervisor, so its consumer is the run's own. */
export const mergeQueue = (runId: string, repo: string): Queue => ({ kind: 'merge', name: `${runId}_${repo}` });
