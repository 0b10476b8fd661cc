/**
 * Dispatch on JetStream, the supervisor's side: jobs go to a queue (a role's work, or a
 * repository's merges) on stream `LOOP_WORK` (work-queue retention, file storage), and the answer
 * comes back on the job's result subject. Each queue is one durable pull consumer that every worker
 * of that queue shares: `ack_wait` is the lease a worker extends while its job runs, `max_deliver`
 * how often a job whose worker vanished is handed out again, and a merge queue has
 * `max_ack_pending: 1`, so the server never hands out a second merge of a repository before the
 * first is acknowledged. The supervisor acknowledges a job itself when its result arrives, so a
 * worker that dies between reporting and acknowledging does not get the job redone.
 *
 * Shaped as `callActor`'s reply (src/run/actor-call.ts): `result`, or `crashed` when no worker
 * finished the job within its deliveries or the deadline.
 */
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { nanos } from '@nats-io/transport-node';
import {
  AckPolicy, DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType,
  type JetStreamClient, type JetStreamManager,
} from '@nats-io/jetstream';
import type { Result } from '../../protocol/index.js';
import { addStreamIfMissing } from './board-stream.js';
import { queueConsumer, queueFilter, queueSubject, resultSubject, WORK_STREAM, WORK_SUBJECTS, type Queue } from './names.js';

/** What a worker publishes on a job's result subject. */
export type JobReport =
  | { kind: 'started'; worker: string; delivery: number }
  | { kind: 'result'; worker: string; delivery: number; result: Result; ack: string }
  /** The job threw on the worker (an agent that crashed or hung): a failure for the supervisor to retry, not a redelivery. */
  | { kind: 'crashed'; worker: string; delivery: number; reason: string; ack: string };

export interface JobRequest {
  runId: string;
  /** Unique in the run (a task's attempt, a merge): the message id, so a retried dispatch is stored once. */
  job: string;
  body: unknown;
}

export interface QueueSettings {
  /** The lease: a worker that neither acknowledges nor extends within it loses the job. */
  ackWaitMs: number;
  /** Deliveries of one job before it is given up on (the first one included). */
  maxDeliver: number;
  /** Jobs of this queue handed out and not yet acknowledged; 1 serialises them (merges). */
  maxAckPending: number;
}

export const DEFAULT_ACK_WAIT_MS = 30_000;

export async function ensureWorkStream(jsm: JetStreamManager): Promise<void> {
  await addStreamIfMissing(jsm, {
    name: WORK_STREAM,
    subjects: [WORK_SUBJECTS],
    description: 'loop: work queues of every run (roles and merges)',
    storage: StorageType.File,
    retention: RetentionPolicy.Workqueue,
    discard: DiscardPolicy.New,
    num_replicas: 1,
    duplicate_window: nanos(120_000),
  });
}

/** Creates the queue's consumer, or updates its lease and limits (the supervisor that starts last sets them). */
export async function ensureQueue(jsm: JetStreamManager, queue: Queue, settings: QueueSettings): Promise<void> {
  const name = queueConsumer(queue);
  const limits = { ack_wait: nanos(settings.ackWaitMs), max_deliver: settings.maxDeliver, max_ack_pending: settings.maxAckPending };
  try {
    await jsm.consumers.info(WORK_STREAM, name);
    await jsm.consumers.update(WORK_STREAM, name, limits);
  } catch (error) {
    if ((error as { code?: number }).code !== 10014 && !/consumer not found/i.test(String(error))) throw error;
    await jsm.consumers.add(WORK_STREAM, {
      durable_name: name, filter_subject: queueFilter(queue), ack_policy: AckPolicy.Explicit, deliver_policy: DeliverPolicy.All, ...limits,
    });
  }
}

export type DispatchReply =
  | { kind: 'result'; result: Result; worker: string; delivery: number }
  /**
   * `lease`: every delivery's lease ran out; `agent`: the job threw on its worker; `deadline`: no
   * answer in time; `stopped`: the signal; `server`: the job could not be queued.
   */
  | { kind: 'crashed'; reason: string; cause: 'lease' | 'agent' | 'deadline' | 'stopped' | 'server' };

export interface DispatchOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** A worker started the job: the first one (delivery 1) or, after a lease ran out, another one. */
  onStarted?: (report: { worker: string; delivery: number }) => void;
}

/**
 * Dispatches jobs and waits for their results. Listens for the server's "max deliveries"
 * advisories to answer `crashed` when a job's last lease ran out: the server notices that when a
 * worker of the queue next asks for work; with no worker left, the dispatch's deadline answers.
 */
export class Dispatcher {
  readonly #nc: NatsConnection;
  readonly #js: JetStreamClient;
  readonly #jsm: JetStreamManager;
  readonly #exhausted = new Map<number, (reason: string) => void>();
  readonly #advisories: Subscription;

  constructor(nc: NatsConnection, js: JetStreamClient, jsm: JetStreamManager) {
    this.#nc = nc;
    this.#js = js;
    this.#jsm = jsm;
    this.#advisories = nc.subscribe(`$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES.${WORK_STREAM}.*`, {
      callback: (_error, message) => {
        if (!message) return;
        const advisory = message.json<{ stream_seq: number; consumer: string; deliveries: number }>();
        this.#exhausted.get(advisory.stream_seq)?.(`no worker of ${advisory.consumer} finished it in ${advisory.deliveries} deliveries (each lease ran out)`);
      },
    });
  }

  async dispatch(queue: Queue, request: JobRequest, options: DispatchOptions): Promise<DispatchReply> {
    const results = this.#nc.subscribe(resultSubject(request.runId, request.job));
    let streamSeq = 0;
    let settle: (reply: DispatchReply) => void = () => undefined;
    const done = new Promise<DispatchReply>((resolve) => {
      settle = resolve;
    });
    const timer = setTimeout(() => settle({ kind: 'crashed', cause: 'deadline', reason: `no worker answered within ${Math.round(options.timeoutMs / 1000)}s` }), options.timeoutMs);
    const onAbort = (): void => settle({ kind: 'crashed', cause: 'stopped', reason: 'the run was stopped' });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    void (async () => {
      for await (const message of results) {
        let report: JobReport;
        try {
          report = message.json<JobReport>();
        } catch {
          continue; // not a report: only workers may publish here, and they publish reports
        }
        if (report.kind === 'started') {
          options.onStarted?.({ worker: report.worker, delivery: report.delivery });
          continue;
        }
        // Acknowledged here, so the job is never handed out again once its answer is in.
        this.#nc.publish(report.ack, '+ACK');
        if (report.kind === 'crashed') settle({ kind: 'crashed', cause: 'agent', reason: `on worker ${report.worker}: ${report.reason}` });
        else settle({ kind: 'result', result: report.result, worker: report.worker, delivery: report.delivery });
      }
    })();
    try {
      try {
        const ack = await this.#js.publish(queueSubject(request.runId, queue), JSON.stringify(request), { msgID: `${request.runId}:${queue.kind}:${request.job}` });
        streamSeq = ack.seq;
      } catch (error) {
        return { kind: 'crashed', cause: 'server', reason: `the job could not be queued on the NATS server: ${error instanceof Error ? error.message : String(error)}` };
      }
      this.#exhausted.set(streamSeq, (reason) => settle({ kind: 'crashed', cause: 'lease', reason }));
      const reply = await done;
      // A job nobody finished stays in the work queue: take it out so no worker starts it later.
      if (reply.kind === 'crashed') await this.#jsm.streams.deleteMessage(WORK_STREAM, streamSeq, false).catch(() => undefined);
      return reply;
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      this.#exhausted.delete(streamSeq);
      results.unsubscribe();
    }
  }

  close(): void {
    this.#advisories.unsubscribe();
  }
}
