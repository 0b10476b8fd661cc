/**
 * What a `loop worker` says about itself every few seconds (its heartbeat, kept on the NATS server
 * in stream LOOP_WORKERS, src/nats/worker-presence.ts), and the list of workers `loop status` and
 * the dashboard show. A heartbeat comes from another machine: readers validate it.
 */
import * as v from 'valibot';

export const WORKER_BEAT_VERSION = 1;

/** A job the worker holds now: a task's attempt of a run, since when (the worker's clock). */
export const WorkerJobSchema = v.object({
  runId: v.string(),
  job: v.string(),
  role: v.string(),
  taskId: v.optional(v.string()),
  attempt: v.optional(v.number()),
  since: v.number(),
});
export type WorkerJob = v.InferOutput<typeof WorkerJobSchema>;

export const WorkerBeatSchema = v.object({
  v: v.literal(WORKER_BEAT_VERSION),
  /** `up` while it serves; `gone` is its goodbye (it stopped cleanly). */
  state: v.picklist(['up', 'gone']),
  name: v.string(),
  host: v.string(),
  pid: v.number(),
  roles: v.array(v.string()),
  slots: v.number(),
  jobs: v.array(WorkerJobSchema),
  version: v.string(),
  startedAt: v.number(),
  /** How often it beats: a reader calls it stale after three missed beats. */
  everyMs: v.number(),
});
export type WorkerBeat = v.InferOutput<typeof WorkerBeatSchema>;

/** One worker as a reader sees it: its last heartbeat, how long ago the server stored it, stale or not. */
export interface WorkerSeen extends WorkerBeat {
  seenAgoMs: number;
  stale: boolean;
}

/** The workers on a run's server, or why they could not be read (one line). */
export type WorkerListing =
  | { server: string; reachable: true; workers: WorkerSeen[] }
  | { server: string; reachable: false; error: string; workers: [] };
