/**
 * `loop.nats.dispatch: workers`: the SME actors of a run answered by `loop worker` processes
 * through the roles' work queues, behind the same `SupervisorPort` the pipeline already calls
 * (`callActor` in src/run/actor-call.ts), so no stage changes. A call to `sme/<role>` becomes a job on
 * that role's queue; every other actor (board, planner, critic, gate) stays local. Failures keep
 * their local meaning: a worker whose lease ran out (killed, cut off) or whose agent crashed is an
 * `ActorExitedError` (the task is retried and the retry counted, as for a crashed actor), no answer
 * by the deadline a `CallTimeoutError`.
 */
import { nanoid } from 'nanoid';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { ActorExitedError, CallTimeoutError } from '../../supervisor/errors.js';
import type { SupervisorPort } from '../run/run-context.js';
import { Dispatcher, ensureQueue, ensureWorkStream, DEFAULT_ACK_WAIT_MS } from './dispatch.js';
import { WORK_STREAM, type Queue } from './names.js';
import { ensureWorkersStream } from './worker-presence.js';

const SME = 'sme/';

export interface RemoteActors {
  /** The port the pipeline calls: SME calls through the work queues, the rest to `local`. */
  port(local: SupervisorPort): SupervisorPort;
  close(): void;
}

/**
 * Makes sure the work stream and each role's queue exist with this run's lease, with none of this
 * run's jobs left in them. Each job is
 * delivered once (`max_deliver: 1`): a lease that runs out answers the call as a crash, and the
 * retry is the pipeline's, counted on the board like any other.
 */
export async function openRemoteActors(nc: NatsConnection, jsm: JetStreamManager, runId: string, roles: readonly string[], leaseSeconds: number | undefined): Promise<RemoteActors> {
  await ensureWorkStream(jsm);
  await ensureWorkersStream(jsm);
  // Jobs an earlier supervisor of this run left queued (it was killed): resume dispatches its own.
  await jsm.streams.purge(WORK_STREAM, { filter: `loop.work.${runId}.>` });
  const ackWaitMs = leaseSeconds === undefined ? DEFAULT_ACK_WAIT_MS : leaseSeconds * 1000;
  for (const role of roles) await ensureQueue(jsm, { kind: 'role', name: role }, { ackWaitMs, maxDeliver: 1, maxAckPending: 10_000 });
  const dispatcher = new Dispatcher(nc, jetstream(nc), jsm);
  return {
    port: (local) => ({
      whenRunning: (id) => (id.startsWith(SME) ? Promise.resolve() : local.whenRunning(id)),
      // A worker's job cannot be killed from here; its lease is dropped when the call gives up.
      kill: (id, reason) => (id.startsWith(SME) ? undefined : local.kill(id, reason)),
      async call(id, body, options = {}) {
        if (!id.startsWith(SME) || body.type !== 'run-attempt') return local.call(id, body, options);
        const queue: Queue = { kind: 'role', name: id.slice(SME.length) };
        const timeoutMs = options.timeoutMs ?? 24 * 3_600_000;
        const reply = await dispatcher.dispatch(queue, { runId, job: `${body.taskId}-a${body.attempt}-${nanoid(6)}`, body }, {
          timeoutMs, ...(options.signal ? { signal: options.signal } : {}),
        });
        if (reply.kind === 'result') return reply.result;
        if (reply.cause === 'deadline') throw new CallTimeoutError(id, body.type, timeoutMs);
        throw new ActorExitedError(id, { code: null, signal: null, reason: reply.reason });
      },
    }),
    close: () => dispatcher.close(),
  };
}
