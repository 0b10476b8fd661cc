/**
 * Dispatch on JetStream against a real nats-server, with real worker processes using the worker
 * identity of `loop nats setup` (test/helpers/nats-sim-worker.ts): jobs spread over workers and
 * come back once; a worker killed with -9 mid-job loses its lease and another worker finishes the
 * job once; a job's lease is extended while it runs; merges of one repository never overlap; a
 * job whose last delivery's worker died is answered `crashed` and leaves the queue.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { connectNats } from '../../src/nats/connect.js';
import { Dispatcher, ensureQueue, ensureWorkStream, type DispatchReply, type QueueSettings } from '../../src/nats/dispatch.js';
import { openRemoteActors } from '../../src/nats/remote-actors.js';
import { queueSubject, WORK_STREAM, type Queue } from '../../src/nats/names.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import type { SimJob, SimWorkerSettings } from '../helpers/nats-sim-worker.js';
import { tempDir } from '../helpers/temp.js';
import { sleep } from '../../src/util/sleep.js';

const WORKER_SCRIPT = fileURLToPath(new URL('../helpers/nats-sim-worker.js', import.meta.url));
const BE: Queue = { kind: 'role', name: 'backend' };
const RUN = 'r1';

interface LogLine { what: 'start' | 'end'; job: string; worker: string; at: number }

async function supervisorSide(t: TestContext, server: NatsServer): Promise<{ dispatcher: Dispatcher; jsm: Awaited<ReturnType<typeof jetstreamManager>> }> {
  const nc = await connectNats(server.supervisor, 'test supervisor');
  const jsm = await jetstreamManager(nc);
  await ensureWorkStream(jsm);
  const dispatcher = new Dispatcher(nc, jetstream(nc), jsm);
  t.after(async () => {
    dispatcher.close();
    await nc.close();
  });
  return { dispatcher, jsm };
}

async function startWorker(t: TestContext, server: NatsServer, dir: string, name: string, queues: Queue[], slots = 1): Promise<ChildProcess> {
  const settings: SimWorkerSettings = { nats: server.worker, name, queues, slots, log: join(dir, 'jobs.log') };
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(settings));
  const child = spawn(process.execPath, [WORKER_SCRIPT, file], { stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code} before it was ready`)));
  });
  return child;
}

const jobLog = (dir: string): LogLine[] => existsSync(join(dir, 'jobs.log'))
  ? readFileSync(join(dir, 'jobs.log'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as LogLine)
  : [];

/**
 * Jobs still in the work stream once the acknowledgements sent with the answers were applied: the
 * server applies an ack apart from the API request that follows it on the same connection, so a
 * count taken at once may still include an answered job (seen under load). Waits up to 10 s for 0.
 */
async function jobsLeft(jsm: Awaited<ReturnType<typeof jetstreamManager>>): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const left = (await jsm.streams.info(WORK_STREAM)).state.messages;
    if (left === 0 || Date.now() > deadline) return left;
    await sleep(50);
  }
}

const queueSettings = (over: Partial<QueueSettings> = {}): QueueSettings => ({ ackWaitMs: 5_000, maxDeliver: 3, maxAckPending: 1000, ...over });
const job = (name: string, ms: number) => ({ runId: RUN, job: name, body: { ms } satisfies SimJob });
const TIMEOUT_MS = 120_000;

test('jobs of a role spread over three worker processes; each result comes back once and each job ran once', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const { dispatcher, jsm } = await supervisorSide(t, server);
  await ensureQueue(jsm, BE, queueSettings());
  for (const name of ['w1', 'w2', 'w3']) await startWorker(t, server, dir, name, [BE]);
  const names = Array.from({ length: 9 }, (_, i) => `t${i + 1}`);
  const replies = await Promise.all(names.map((name) => dispatcher.dispatch(BE, job(name, 300), { timeoutMs: TIMEOUT_MS })));
  for (const reply of replies) assert.equal(reply.kind, 'result', JSON.stringify(reply));
  const log = jobLog(dir);
  for (const name of names) assert.equal(log.filter((l) => l.job === name && l.what === 'end').length, 1, `${name} ran once`);
  assert.ok(new Set(log.map((l) => l.worker)).size >= 2, `the jobs went to more than one worker: ${JSON.stringify(log)}`);
  assert.equal(await jobsLeft(jsm), 0, 'every job left the queue');
});

test('a worker with one slot and two queues takes jobs of both (a slot given back goes to the queue that waited, not back to the one that gave it)', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const { dispatcher, jsm } = await supervisorSide(t, server);
  const FE: Queue = { kind: 'role', name: 'frontend' };
  await ensureQueue(jsm, BE, queueSettings());
  await ensureQueue(jsm, FE, queueSettings());
  await startWorker(t, server, dir, 'w1', [BE, FE], 1);
  // Frontend jobs only, each after both queues sat idle: the backend queue's pulls come back empty
  // meanwhile, and each time it gives the slot up the frontend queue must get it.
  for (const name of ['f1', 'f2']) {
    await sleep(2_000);
    const reply = await dispatcher.dispatch(FE, job(name, 50), { timeoutMs: 30_000 });
    assert.equal(reply.kind, 'result', `${name}: ${JSON.stringify(reply)}`);
  }
  assert.deepEqual(jobLog(dir).filter((l) => l.what === 'end').map((l) => l.job), ['f1', 'f2']);
});

test('kill -9 of a worker mid-job: its lease runs out, another worker takes the job (delivery 2), holds the lease past ack_wait, and the job finishes once', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const { dispatcher, jsm } = await supervisorSide(t, server);
  await ensureQueue(jsm, BE, queueSettings({ ackWaitMs: 2_000 }));
  const workers = new Map([['w1', await startWorker(t, server, dir, 'w1', [BE])], ['w2', await startWorker(t, server, dir, 'w2', [BE])]]);
  const starts: Array<{ worker: string; delivery: number }> = [];
  // 6 s: three leases of 2 s, so the second worker only keeps it by extending its lease.
  const reply: DispatchReply = await dispatcher.dispatch(BE, job('t1', 6_000), {
    timeoutMs: TIMEOUT_MS,
    onStarted: (started) => {
      starts.push(started);
      if (started.delivery === 1) workers.get(started.worker)!.kill('SIGKILL');
    },
  });
  assert.equal(reply.kind, 'result', JSON.stringify(reply));
  assert.equal(starts.length, 2, `started twice: ${JSON.stringify(starts)}`);
  const [first, second] = starts;
  assert.equal(second!.delivery, 2);
  assert.notEqual(second!.worker, first!.worker);
  assert.deepEqual(reply.kind === 'result' && [reply.worker, reply.delivery, reply.result], [second!.worker, 2, { tag: 'ok', value: { by: second!.worker } }]);
  const ends = jobLog(dir).filter((l) => l.what === 'end');
  assert.deepEqual(ends.map((l) => [l.job, l.worker]), [['t1', second!.worker]], 'the job\'s effect happened once, by the second worker');
  assert.equal(await jobsLeft(jsm), 0);
});

test('merges of one repository never overlap across three workers with two slots each (max_ack_pending 1); a role queue does overlap', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const { dispatcher, jsm } = await supervisorSide(t, server);
  const merges: Queue = { kind: 'merge', name: 'app' };
  await ensureQueue(jsm, merges, queueSettings({ maxAckPending: 1 }));
  await ensureQueue(jsm, BE, queueSettings());
  for (const name of ['w1', 'w2', 'w3']) await startWorker(t, server, dir, name, [merges, BE], 2);
  const replies = await Promise.all([
    ...Array.from({ length: 6 }, (_, i) => dispatcher.dispatch(merges, job(`m${i + 1}`, 400), { timeoutMs: TIMEOUT_MS })),
    ...Array.from({ length: 6 }, (_, i) => dispatcher.dispatch(BE, job(`t${i + 1}`, 1_500), { timeoutMs: TIMEOUT_MS })),
  ]);
  for (const reply of replies) assert.equal(reply.kind, 'result', JSON.stringify(reply));
  const spans = (prefix: string): Array<[number, number]> => {
    const log = jobLog(dir).filter((l) => l.job.startsWith(prefix));
    return [...new Set(log.map((l) => l.job))].map((name): [number, number] => [
      log.find((l) => l.job === name && l.what === 'start')!.at, log.find((l) => l.job === name && l.what === 'end')!.at,
    ]).sort((a, b) => a[0] - b[0]);
  };
  const overlaps = (list: Array<[number, number]>): number => list.filter((span, i) => i > 0 && span[0] < list[i - 1]![1]).length;
  assert.equal(spans('m').length, 6);
  assert.equal(overlaps(spans('m')), 0, `merges overlapped: ${JSON.stringify(spans('m'))}`);
  assert.ok(overlaps(spans('t')) > 0, 'the role queue ran jobs side by side (so the merge check could have failed)');
});

test('a job whose last delivery\'s worker died is answered "crashed" once the lease runs out (another worker asking for work), and leaves the queue', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const { dispatcher, jsm } = await supervisorSide(t, server);
  await ensureQueue(jsm, BE, queueSettings({ ackWaitMs: 1_500, maxDeliver: 1 }));
  // The server finds the lease ran out when a worker asks for work: w2 keeps asking.
  const workers = new Map([['w1', await startWorker(t, server, dir, 'w1', [BE])], ['w2', await startWorker(t, server, dir, 'w2', [BE])]]);
  const reply = await dispatcher.dispatch(BE, job('t1', 60_000), { timeoutMs: TIMEOUT_MS, onStarted: (started) => workers.get(started.worker)!.kill('SIGKILL') });
  assert.equal(reply.kind, 'crashed');
  assert.match(reply.kind === 'crashed' ? reply.reason : '', /no worker of role_backend finished it in 1 deliveries/);
  // The dispatcher removes it before it answers.
  assert.equal((await jsm.streams.info(WORK_STREAM)).state.messages, 0);
  assert.equal(jobLog(dir).filter((l) => l.what === 'end').length, 0);
});

test('a resumed run\'s remote actors drop the jobs its killed supervisor left queued, and only that run\'s', async (t) => {
  const server = await startNatsServer(t);
  const nc = await connectNats(server.supervisor, 'test supervisor');
  t.after(() => nc.close());
  const jsm = await jetstreamManager(nc);
  const js = jetstream(nc);
  await ensureWorkStream(jsm);
  await js.publish(queueSubject(RUN, BE), JSON.stringify(job('t1', 10)));
  await js.publish(queueSubject('other', BE), JSON.stringify({ ...job('t1', 10), runId: 'other' }));
  const remote = await openRemoteActors(nc, jsm, { runId: RUN, roles: ['backend'], repositories: [], leaseSeconds: 5, remote: undefined });
  t.after(() => remote.close());
  const left = await jsm.streams.getMessage(WORK_STREAM, { last_by_subj: queueSubject('other', BE) });
  assert.equal((await jsm.streams.info(WORK_STREAM)).state.messages, 1);
  assert.equal(left?.subject, queueSubject('other', BE));
});
