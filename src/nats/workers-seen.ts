/**
 * From the heartbeats a NATS server holds to the workers `loop status` and the dashboard list. Pure:
 * each heartbeat is validated (it comes from another machine), a goodbye drops its worker, and a
 * worker is stale once three of its beats are missing. Ages are the reader's clock against the
 * server's time of storing the beat, so a worker machine's clock does not matter.
 */
import * as v from 'valibot';
import { WorkerBeatSchema, type WorkerSeen } from '../../protocol/index.js';

export const STALE_AFTER_BEATS = 3;

export interface StoredBeat {
  /** The message as stored, parsed as JSON (not yet validated). */
  beat: unknown;
  /** When the server stored it (ms since the epoch). */
  storedAt: number;
}

export function seenWorkers(stored: readonly StoredBeat[], nowMs: number): WorkerSeen[] {
  const workers: WorkerSeen[] = [];
  for (const { beat, storedAt } of stored) {
    const parsed = v.safeParse(WorkerBeatSchema, beat);
    if (!parsed.success || parsed.output.state === 'gone') continue;
    const seenAgoMs = Math.max(0, nowMs - storedAt);
    workers.push({ ...parsed.output, seenAgoMs, stale: seenAgoMs > STALE_AFTER_BEATS * parsed.output.everyMs });
  }
  return workers.sort((a, b) => a.name.localeCompare(b.name));
}

/** The workers that take tasks of at least one of these roles. */
export function servingRoles(workers: readonly WorkerSeen[], roles: readonly string[]): WorkerSeen[] {
  return workers.filter((worker) => worker.roles.some((role) => roles.includes(role)));
}
