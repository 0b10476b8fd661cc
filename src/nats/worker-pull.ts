/**
 * Dispatch on JetStream, a worker's side: pull jobs from the queues this worker serves, at most
 * `slots` at a time, hold each job's lease while it runs (`working()` three times per lease), report
 * "started" and then the result on the job's result subject, and acknowledge. A worker killed
 * mid-job stops extending its lease; the server hands the job to another worker when it runs out.
 * Uses only what the worker identity of `loop nats setup` may do (pull, ack, publish results).
 */
import type { NatsConnection } from '@nats-io/transport-node';
import { millis } from '@nats-io/transport-node';
import { jetstream, type Consumer, type JsMsg } from '@nats-io/jetstream';
import type { Result } from '../../protocol/index.js';
import { sleep } from '../util/sleep.js';
import type { JobReport, JobRequest } from './dispatch.js';
import { queueConsumer, resultSubject, WORK_STREAM, type Queue } from './names.js';

export interface WorkerLoopOptions {
  nc: NatsConnection;
  /** Shown to the supervisor with each report (host:pid, or the name given with --name). */
  worker: string;
  queues: readonly Queue[];
  slots: number;
  handle(queue: Queue, request: JobRequest): Promise<Result>;
  signal: AbortSignal;
  /** How long one pull waits for a job before it asks again. */
  pullMs?: number;
}

/** Serves the queues until the signal aborts, then lets running jobs finish. */
export async function runWorkerLoop(o: WorkerLoopOptions): Promise<void> {
  const js = jetstream(o.nc);
  let free = o.slots;
  const waiting: Array<() => void> = [];
  const running = new Set<Promise<void>>();
  // A slot given back goes straight to the queue that waited longest: taken back by the queue that
  // just gave it up, a worker with fewer slots than queues never pulled from its other queues.
  const takeSlot = async (): Promise<void> => {
    if (free > 0 && waiting.length === 0) {
      free -= 1;
      return;
    }
    await new Promise<void>((resolve) => waiting.push(resolve));
  };
  const giveSlot = (): void => {
    const next = waiting.shift();
    if (next) next();
    else free += 1;
  };
  const serve = async (queue: Queue): Promise<void> => {
    const consumer = await waitForQueue(js, queue, o.signal);
    if (consumer === null) return;
    const leaseMs = millis((await consumer.info(true)).config.ack_wait ?? 30_000_000_000);
    while (!o.signal.aborted) {
      await takeSlot();
      let message: JsMsg | null = null;
      try {
        message = o.signal.aborted ? null : await consumer.next({ expires: o.pullMs ?? 5_000 });
      } catch {
        // The server is away (restarting, unreachable): ask again in a moment, not in a tight loop.
        await sleep(1_000);
      }
      if (message === null) {
        giveSlot();
        continue;
      }
      const job = runJob(o, queue, message, leaseMs).finally(() => {
        giveSlot();
        running.delete(job);
      });
      running.add(job);
    }
  };
  await Promise.all(o.queues.map(serve));
  await Promise.all(running);
}

/** The supervisor creates the queues; a worker started first waits for them. */
async function waitForQueue(js: ReturnType<typeof jetstream>, queue: Queue, signal: AbortSignal): Promise<Consumer | null> {
  while (!signal.aborted) {
    try {
      return await js.consumers.get(WORK_STREAM, queueConsumer(queue));
    } catch {
      await sleep(1_000);
    }
  }
  return null;
}

async function runJob(o: WorkerLoopOptions, queue: Queue, message: JsMsg, leaseMs: number): Promise<void> {
  const request = message.json<JobRequest>();
  const delivery = message.info.deliveryCount;
  const subject = resultSubject(request.runId, request.job);
  const ack = ackSubject(message);
  const report = (r: JobReport): void => o.nc.publish(subject, JSON.stringify(r));
  const lease = setInterval(() => message.working(), Math.max(100, Math.floor(leaseMs / 3)));
  try {
    report({ kind: 'started', worker: o.worker, delivery });
    try {
      report({ kind: 'result', worker: o.worker, delivery, result: await o.handle(queue, request), ack });
    } catch (error) {
      report({ kind: 'crashed', worker: o.worker, delivery, reason: error instanceof Error ? error.message : String(error), ack });
    }
    await o.nc.flush();
    message.ack();
  } finally {
    clearInterval(lease);
  }
}

/** The subject that acknowledges this delivery (the message's reply subject; the client's JsMsg type leaves it out). */
function ackSubject(message: JsMsg): string {
  const reply = (message as JsMsg & { reply?: string }).reply;
  if (typeof reply !== 'string' || reply.length === 0) throw new Error(`job message ${message.seq} has no reply subject to acknowledge it`);
  return reply;
}
