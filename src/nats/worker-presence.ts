/**
 * Worker heartbeats on the NATS server. Each `loop worker` publishes a heartbeat (name, host, pid,
 * roles, slots, the jobs it holds, version, started-at) on `loop.worker.<name>` every few seconds
 * and at once when it takes or finishes a job; stream LOOP_WORKERS keeps the last one of each
 * worker (`max_msgs_per_subject: 1`) for `max_age`, so a reader gets every worker's latest state
 * in one pass, with the server's time of storing it, without listening for a while. A worker that
 * stops cleanly says goodbye (`state: gone`); one killed outright just stops beating: readers show
 * it stale with its age, and the server drops it after the stream's max_age.
 *
 * Why a stream and not a subject the supervisor listens to: `loop status` and the dashboard are
 * short-lived readers on any machine, and a worker killed with -9 must still be shown ("last seen
 * 40 s ago"); a listener would have to wait a beat to see anyone and would forget the dead.
 * Memory storage: a heartbeat is worth nothing after a server restart, the next one comes within
 * seconds. The worker identity may publish only on `loop.worker.*` (a plain publish: no stream API).
 */
import { hostname } from 'node:os';
import type { NatsConnection } from '@nats-io/transport-node';
import { connect, nanos } from '@nats-io/transport-node';
import { DiscardPolicy, jetstreamManager, RetentionPolicy, StorageType, type JetStreamManager } from '@nats-io/jetstream';
import { WORKER_BEAT_VERSION, type NatsSettings, type WorkerBeat, type WorkerJob, type WorkerListing } from '../../protocol/index.js';
import { UserError } from '../util/errors.js';
import { addStreamIfMissing, isStreamNotFound } from './board-stream.js';
import { connectionOptions, describeConnectError } from './connect.js';
import type { JobRequest } from './dispatch.js';
import { WORKER_SUBJECTS, WORKERS_STREAM, workerSubject } from './names.js';
import { seenWorkers, type StoredBeat } from './workers-seen.js';

export const HEARTBEAT_MS = 5_000;
/** A worker that stopped beating is listed (stale) this long, then the server forgets it. */
export const WORKERS_TTL_MS = 60_000;

/** Made by the supervisor (workers cannot create streams); an existing stream is kept as it is. */
export async function ensureWorkersStream(jsm: JetStreamManager, ttlMs = WORKERS_TTL_MS): Promise<void> {
  await addStreamIfMissing(jsm, {
    name: WORKERS_STREAM,
    subjects: [WORKER_SUBJECTS],
    description: 'loop: the last heartbeat of each loop worker',
    storage: StorageType.Memory,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.Old,
    max_msgs_per_subject: 1,
    max_age: nanos(ttlMs),
    num_replicas: 1,
  });
}

export type WorkerIdentity = Omit<WorkerBeat, 'v' | 'state' | 'jobs' | 'host' | 'pid' | 'everyMs'>;

/** A worker's side: beats until `goodbye()`. */
export class Heartbeat {
  readonly #nc: NatsConnection;
  readonly #beat: Omit<WorkerBeat, 'state' | 'jobs'>;
  readonly #jobs = new Map<string, WorkerJob>();
  #timer: NodeJS.Timeout | null = null;

  constructor(nc: NatsConnection, identity: WorkerIdentity, everyMs = HEARTBEAT_MS) {
    this.#nc = nc;
    this.#beat = { v: WORKER_BEAT_VERSION, ...identity, host: hostname(), pid: process.pid, everyMs };
  }

  start(): void {
    this.#publish('up');
    this.#timer = setInterval(() => this.#publish('up'), this.#beat.everyMs);
    // A connection closed without a goodbye (the worker is going down) beats no more.
    void this.#nc.closed().then(() => this.#stop());
  }

  hold(job: WorkerJob): void {
    this.#jobs.set(job.job, job);
    this.#publish('up');
  }

  release(job: string): void {
    this.#jobs.delete(job);
    this.#publish('up');
  }

  /** The last beat says the worker is gone; flushed, so it reaches the server before the connection closes. */
  async goodbye(): Promise<void> {
    this.#stop();
    this.#publish('gone');
    await this.#nc.flush().catch(() => undefined);
  }

  #stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  #publish(state: WorkerBeat['state']): void {
    const beat: WorkerBeat = { ...this.#beat, state, jobs: [...this.#jobs.values()] };
    try {
      this.#nc.publish(workerSubject(beat.name), JSON.stringify(beat));
    } catch {
      // The connection is closed: the worker is stopping; the next beat (if any) says the rest.
    }
  }
}

/** What the heartbeat says about a job: its run, and the task and attempt when it is a task's attempt. */
export function heldJob(role: string, request: JobRequest, now = Date.now()): WorkerJob {
  const body = request.body as { taskId?: unknown; attempt?: unknown } | null;
  return {
    runId: request.runId, job: request.job, role, since: now,
    ...(typeof body?.taskId === 'string' ? { taskId: body.taskId } : {}),
    ...(typeof body?.attempt === 'number' ? { attempt: body.attempt } : {}),
  };
}

/** Every worker's last heartbeat on the server (none when no supervisor has made the stream yet). */
export async function readWorkerBeats(jsm: JetStreamManager): Promise<StoredBeat[]> {
  let subjects: string[];
  try {
    const info = await jsm.streams.info(WORKERS_STREAM, { subjects_filter: WORKER_SUBJECTS });
    subjects = Object.keys(info.state.subjects ?? {});
  } catch (error) {
    if (isStreamNotFound(error)) return [];
    throw error;
  }
  const stored: StoredBeat[] = [];
  for (const subject of subjects) {
    const message = await jsm.streams.getMessage(WORKERS_STREAM, { last_by_subj: subject }).catch(() => null);
    if (message === null) continue; // aged out between the two requests
    let beat: unknown;
    try {
      beat = message.json();
    } catch {
      continue;
    }
    stored.push({ beat, storedAt: message.time.getTime() });
  }
  return stored;
}

/** How long `loop status` and the dashboard wait for the server before saying it is unreachable. */
const READ_TIMEOUT_MS = 5_000;

/** Connects with the run's settings, reads the workers, lets go; an unreachable server is one line. */
export async function listWorkers(settings: NatsSettings, now: () => number = Date.now): Promise<WorkerListing> {
  let nc: NatsConnection;
  try {
    nc = await connect({ ...connectionOptions(settings, 'loop status'), maxReconnectAttempts: 0, timeout: READ_TIMEOUT_MS });
  } catch (error) {
    // An unreadable seed file is already a line of its own; anything else is the server's refusal or absence.
    const line = error instanceof UserError ? error.message : describeConnectError(error, settings);
    return { server: settings.url, reachable: false, error: line, workers: [] };
  }
  try {
    const jsm = await jetstreamManager(nc, { timeout: READ_TIMEOUT_MS });
    return { server: settings.url, reachable: true, workers: seenWorkers(await readWorkerBeats(jsm), now()) };
  } catch (error) {
    return { server: settings.url, reachable: false, error: `the NATS server at ${settings.url} did not list its workers: ${error instanceof Error ? error.message : String(error)}`, workers: [] };
  } finally {
    await nc.close().catch(() => undefined);
  }
}
