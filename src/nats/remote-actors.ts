/**
 * `loop.nats.dispatch: workers`: the SME actors of a run answered by `loop worker` processes
 * through the roles' work queues, behind the same `SupervisorPort` the pipeline already calls
 * (`callActor` in src/run/actor-call.ts), so no stage changes. A call to `sme/<role>` becomes a
 * remote attempt on that role's queue: the repository's git remote, the commit the agent's slot was
 * pointed at, the task branch and the prompt texts, never a path of this machine; the worker's
 * commit comes back through the remote into the same slot, where the gate captures and checks it
 * as if the agent had worked there. A merge goes through the repository's merge queue (one in
 * flight, taken by this supervisor's own consumer) and its effect is idempotent
 * (src/nats/merge-once.ts); the integration branch is published to the remote after each one, in
 * the background (a base a job needs is made sure of before that job is dispatched).
 * Every other actor (board, planner, critic, gate capture and tests) stays local.
 *
 * Failures keep their local meaning: a worker whose lease ran out (killed, cut off), whose agent
 * crashed, or whose commit could not be taken is an `ActorExitedError` (the task is retried and the
 * retry counted, as for a crashed actor), no answer by the deadline a `CallTimeoutError`.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { nanoid } from 'nanoid';
import * as v from 'valibot';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import { MergeRequestSchema, RemoteAttemptResultSchema, WORKDIR_MARK, type RemoteAttempt, type RequestOf, type Result } from '../../protocol/index.js';
import { ActorExitedError, CallTimeoutError } from '../../supervisor/errors.js';
import { git } from '../git/git.js';
import type { SupervisorPort } from '../run/run-context.js';
import { taskBranch, type RepoWorkspace } from '../run/workspace.js';
import { Dispatcher, ensureQueue, ensureWorkStream, DEFAULT_ACK_WAIT_MS } from './dispatch.js';
import { mergeOnce } from './merge-once.js';
import { mergeQueue, queueConsumer, WORK_STREAM, type Queue } from './names.js';
import { RemoteRepos } from './remote-repos.js';
import { runWorkerLoop } from './worker-pull.js';
import { ensureWorkersStream } from './worker-presence.js';

const SME = 'sme/';
const DAY_MS = 24 * 3_600_000;
type CallOptions = NonNullable<Parameters<SupervisorPort['call']>[2]>;

export interface RemoteActors {
  /** The port the pipeline calls: SME attempts and merges through the work queues, the rest to `local`. */
  port(local: SupervisorPort, workspaces: ReadonlyMap<string, RepoWorkspace>): SupervisorPort;
  /** Stops the merge consumer (after its merge in hand) and removes the run's merge queues. */
  close(): Promise<void>;
}

export interface RemoteActorsOptions {
  runId: string;
  roles: readonly string[];
  /** Repository names: one merge queue each. */
  repositories: readonly string[];
  leaseSeconds: number | undefined;
  /** `loop.nats.remote`. */
  remote: string | undefined;
}

/**
 * Makes sure the work stream, each role's queue and each repository's merge queue exist with this
 * run's lease, with none of this run's jobs left in them. A role's job is delivered once
 * (`max_deliver: 1`): a lease that runs out answers the call as a crash, and the retry is the
 * pipeline's, counted on the board like any other. A merge is delivered up to three times, one at
 * a time per repository (`max_ack_pending: 1`).
 */
export async function openRemoteActors(nc: NatsConnection, jsm: JetStreamManager, o: RemoteActorsOptions): Promise<RemoteActors> {
  await ensureWorkStream(jsm);
  await ensureWorkersStream(jsm);
  // Jobs an earlier supervisor of this run left queued (it was killed): resume dispatches its own.
  await jsm.streams.purge(WORK_STREAM, { filter: `loop.work.${o.runId}.>` });
  const ackWaitMs = o.leaseSeconds === undefined ? DEFAULT_ACK_WAIT_MS : o.leaseSeconds * 1000;
  for (const role of o.roles) await ensureQueue(jsm, { kind: 'role', name: role }, { ackWaitMs, maxDeliver: 1, maxAckPending: 10_000 });
  const merges = o.repositories.map((repo) => mergeQueue(o.runId, repo));
  for (const queue of merges) await ensureQueue(jsm, queue, { ackWaitMs, maxDeliver: 3, maxAckPending: 1 });
  const dispatcher = new Dispatcher(nc, jetstream(nc), jsm);
  const remotes = new RemoteRepos(o.remote);
  const stopConsumer = new AbortController();
  let consumer: Promise<void> | null = null;
  /** The caller's options of each merge this supervisor queued, for its consumer's call to the gate. */
  const mergeCalls = new Map<string, CallOptions>();

  const dispatch = async (id: string, queue: Queue, job: string, body: { type: string }, options: CallOptions): Promise<Result> => {
    const timeoutMs = options.timeoutMs ?? DAY_MS;
    const reply = await dispatcher.dispatch(queue, { runId: o.runId, job, body }, { timeoutMs, ...(options.signal ? { signal: options.signal } : {}) });
    if (reply.kind === 'result') return reply.result;
    if (reply.cause === 'deadline') throw new CallTimeoutError(id, body.type, timeoutMs);
    throw new ActorExitedError(id, { code: null, signal: null, reason: reply.reason });
  };

  return {
    port(local, workspaces) {
      consumer ??= runWorkerLoop({
        nc, worker: `supervisor ${hostname()}:${process.pid}`, queues: merges, slots: Math.max(1, merges.length), signal: stopConsumer.signal, pullMs: 1_000,
        async handle(_queue, request) {
          const body = v.parse(MergeRequestSchema, request.body);
          const result = await mergeOnce(body, (merge) => local.call('gate', merge, mergeCalls.get(request.job) ?? {}));
          const ws = workspaces.get(body.repo);
          if (ws !== undefined) remotes.publishSoon(ws);
          return result;
        },
      });
      return {
        whenRunning: (id) => (id.startsWith(SME) ? Promise.resolve() : local.whenRunning(id)),
        // A worker's job cannot be killed from here; its lease is dropped when the call gives up.
        kill: (id, reason) => (id.startsWith(SME) ? undefined : local.kill(id, reason)),
        async call(id, body, options = {}) {
          if (id.startsWith(SME) && body.type === 'run-attempt') return remoteAttempt(id, body, options);
          if (id === 'gate' && body.type === 'merge' && body.repoPath !== null) {
            const job = `${body.taskId}-a${body.attempt}-merge-${nanoid(6)}`;
            mergeCalls.set(job, options);
            try {
              // one merge in flight per repository here: a change on its way could never join a waiting train
              const alone: RequestOf<'merge'> = { ...body, onTheWay: [], arriving: [] };
              return await dispatch(id, mergeQueue(o.runId, body.repo), job, alone, options);
            } finally {
              mergeCalls.delete(job);
            }
          }
          return local.call(id, body, options);
        },
      };

      async function remoteAttempt(id: string, body: RequestOf<'run-attempt'>, options: CallOptions): Promise<Result> {
        let job: RemoteAttempt;
        const ws = body.workdir === null ? null : workspaceOfSlot(workspaces, body.workdir);
        const branch = taskBranch(o.runId, body.taskId);
        try {
          job = {
            type: 'remote-attempt', runId: body.runId, taskId: body.taskId, attempt: body.attempt, role: body.role, taskTitle: body.taskTitle,
            ...(body.taskFiles ? { taskFiles: body.taskFiles } : {}), provider: body.provider,
            prompt: body.workdir === null ? body.prompt : body.prompt.split(body.workdir).join(WORKDIR_MARK),
            systemPrompt: readFileSync(body.systemPromptFile, 'utf8'), deadlineMs: body.deadlineMs,
            ...(body.allowedCommands ? { allowedCommands: body.allowedCommands } : {}),
            repo: ws === null ? null : await remoteRepo(ws, body.workdir!, branch),
          };
        } catch (error) {
          throw new ActorExitedError(id, { code: null, signal: null, reason: `the job could not be prepared: ${error instanceof Error ? error.message : String(error)}` });
        }
        const result = await dispatch(id, { kind: 'role', name: id.slice(SME.length) }, `${body.taskId}-a${body.attempt}-${nanoid(6)}`, job, options);
        if (result.tag !== 'ok') return result;
        const parsed = v.safeParse(RemoteAttemptResultSchema, result.value);
        if (!parsed.success) throw new ActorExitedError(id, { code: null, signal: null, reason: `the worker's answer is not a remote attempt's result (${v.summarize(parsed.issues).split('\n')[0]})` });
        writeFileSync(body.logFile, parsed.output.remote.log);
        const commit = parsed.output.remote.commit;
        if (ws !== null && commit !== null) {
          try {
            await remotes.takeCommit(ws, body.workdir!, branch, commit);
          } catch (error) {
            throw new ActorExitedError(id, { code: null, signal: null, reason: error instanceof Error ? error.message : String(error) });
          }
        }
        return result;
      }

      async function remoteRepo(ws: RepoWorkspace, slot: string, branch: string): Promise<RemoteAttempt['repo']> {
        const base = await git(slot, ['rev-parse', 'HEAD']);
        await remotes.ensureBase(ws, base, branch);
        return { name: ws.repo.name, remote: await remotes.url(ws), base, branch, setupCommand: ws.setupCommand, copyFiles: ws.repo.copyFiles };
      }
    },
    async close() {
      stopConsumer.abort();
      await consumer;
      consumer = null;
      await remotes.settled();
      dispatcher.close();
      for (const queue of merges) await jsm.consumers.delete(WORK_STREAM, queueConsumer(queue)).catch(() => undefined);
    },
  };
}

/** The repository whose slot pool holds `slot` (the agent stage pointed it at the attempt's base). */
function workspaceOfSlot(workspaces: ReadonlyMap<string, RepoWorkspace>, slot: string): RepoWorkspace {
  for (const ws of workspaces.values()) if (ws.pool.slots().some((s) => s.path === slot)) return ws;
  throw new Error(`no repository of this run has the worktree slot ${slot}`);
}
