/**
 * Worker heartbeats: which workers a reader lists (pure, table), and the heartbeat on a real
 * nats-server with the worker identity: a beat is stored, a held job shows at once, a goodbye drops
 * the worker, a worker that stops beating turns stale and is forgotten after the stream's max_age.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { jetstreamManager } from '@nats-io/jetstream';
import { WORKER_BEAT_VERSION, type WorkerBeat } from '../../protocol/index.js';
import { connectNats } from '../../src/nats/connect.js';
import { ensureWorkersStream, Heartbeat, heldJob, listWorkers, readWorkerBeats } from '../../src/nats/worker-presence.js';
import { seenWorkers, servingRoles } from '../../src/nats/workers-seen.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';

const beat = (name: string, over: Partial<WorkerBeat> = {}): WorkerBeat => ({
  v: WORKER_BEAT_VERSION, state: 'up', name, host: 'h', pid: 1, roles: ['backend'], slots: 1, jobs: [], version: '0', startedAt: 0, everyMs: 1_000, ...over,
});

test('seenWorkers: validated, goodbyes dropped, stale after three missed beats, sorted by name', () => {
  const now = 100_000;
  const cases: Array<{ what: string; stored: Array<{ beat: unknown; storedAt: number }>; expect: Array<[string, number, boolean]> }> = [
    { what: 'fresh', stored: [{ beat: beat('a'), storedAt: now - 500 }], expect: [['a', 500, false]] },
    { what: 'exactly three beats is not yet stale', stored: [{ beat: beat('a'), storedAt: now - 3_000 }], expect: [['a', 3_000, false]] },
    { what: 'past three beats is stale', stored: [{ beat: beat('a'), storedAt: now - 3_001 }], expect: [['a', 3_001, true]] },
    { what: 'the interval is the worker\'s own', stored: [{ beat: beat('a', { everyMs: 10_000 }), storedAt: now - 29_000 }], expect: [['a', 29_000, false]] },
    { what: 'a goodbye is not listed', stored: [{ beat: beat('a', { state: 'gone' }), storedAt: now }], expect: [] },
    { what: 'not a heartbeat', stored: [{ beat: { hello: 1 }, storedAt: now }, { beat: beat('b', { v: 2 as 1 }), storedAt: now }], expect: [] },
    { what: 'a server clock ahead of ours is age 0', stored: [{ beat: beat('a'), storedAt: now + 700 }], expect: [['a', 0, false]] },
    { what: 'sorted', stored: [{ beat: beat('z'), storedAt: now }, { beat: beat('m'), storedAt: now }], expect: [['m', 0, false], ['z', 0, false]] },
  ];
  for (const c of cases) {
    assert.deepEqual(seenWorkers(c.stored, now).map((w) => [w.name, w.seenAgoMs, w.stale]), c.expect, c.what);
  }
});

test('servingRoles keeps the workers that take at least one of the roles', () => {
  const workers = seenWorkers([beat('a', { roles: ['backend'] }), beat('b', { roles: ['docs', 'frontend'] }), beat('c', { roles: ['docs'] })].map((b) => ({ beat: b, storedAt: 0 })), 0);
  assert.deepEqual(servingRoles(workers, ['frontend', 'backend']).map((w) => w.name), ['a', 'b']);
});

test('heldJob names the task and attempt of a run-attempt job, and only the job otherwise', () => {
  assert.deepEqual(heldJob('backend', { runId: 'r', job: 't1-a2-x', body: { type: 'run-attempt', taskId: 't1', attempt: 2 } }, 5), { runId: 'r', job: 't1-a2-x', role: 'backend', since: 5, taskId: 't1', attempt: 2 });
  assert.deepEqual(heldJob('backend', { runId: 'r', job: 'j', body: null }, 5), { runId: 'r', job: 'j', role: 'backend', since: 5 });
});

async function workerHeartbeat(t: TestContext, server: NatsServer, name: string, everyMs: number): Promise<{ heartbeat: Heartbeat; close(): Promise<void> }> {
  const nc = await connectNats(server.worker, `test worker ${name}`);
  t.after(() => nc.close());
  const heartbeat = new Heartbeat(nc, { name, roles: ['backend'], slots: 2, version: '9.9.9', startedAt: 1234 }, everyMs);
  return { heartbeat, close: () => nc.close() };
}

test('a worker identity\'s heartbeats are stored; a held job shows at once; a goodbye drops the worker', async (t) => {
  const server = await startNatsServer(t);
  const supervisor = await connectNats(server.supervisor, 'test supervisor');
  t.after(() => supervisor.close());
  await ensureWorkersStream(await jetstreamManager(supervisor));

  const { heartbeat } = await workerHeartbeat(t, server, 'box.example:77', 60_000);
  heartbeat.start();
  const [first] = await pollWorkers(server, (workers) => workers.length === 1);
  assert.ok(first);
  assert.equal(first.name, 'box.example:77');
  assert.equal(first.pid, process.pid);
  assert.deepEqual([first.roles, first.slots, first.version, first.startedAt, first.stale, first.jobs], [['backend'], 2, '9.9.9', 1234, false, []]);

  heartbeat.hold({ runId: 'r1', job: 't3-a1-abc', role: 'backend', taskId: 't3', attempt: 1, since: 42 });
  const holding = await pollWorkers(server, (workers) => workers[0]?.jobs.length === 1);
  assert.deepEqual(holding[0]!.jobs, [{ runId: 'r1', job: 't3-a1-abc', role: 'backend', taskId: 't3', attempt: 1, since: 42 }]);
  heartbeat.release('t3-a1-abc');
  await pollWorkers(server, (workers) => workers[0]?.jobs.length === 0);

  await heartbeat.goodbye();
  await pollWorkers(server, (workers) => workers.length === 0);
});

test('a worker that stops beating is listed stale with its age, then forgotten after the stream\'s max_age', async (t) => {
  const server = await startNatsServer(t);
  const supervisor = await connectNats(server.supervisor, 'test supervisor');
  t.after(() => supervisor.close());
  const jsm = await jetstreamManager(supervisor);
  await ensureWorkersStream(jsm, 4_000);

  const { heartbeat, close } = await workerHeartbeat(t, server, 'w1', 200);
  heartbeat.start();
  await pollWorkers(server, (workers) => workers.length === 1 && !workers[0]!.stale);
  // Gone without a goodbye, as after kill -9.
  await close();
  const stale = await pollWorkers(server, (workers) => workers[0]?.stale === true);
  assert.ok(stale[0]!.seenAgoMs > 600, `stale after three missed beats of 200 ms (seen ${stale[0]!.seenAgoMs} ms ago)`);
  await pollWorkers(server, (workers) => workers.length === 0);
  assert.deepEqual(await readWorkerBeats(jsm), [], 'the server itself dropped the heartbeat after max_age');
});

test('listWorkers: no stream yet is no workers; an unreachable server is one line', async (t) => {
  const server = await startNatsServer(t);
  assert.deepEqual(await listWorkers(server.supervisor), { server: server.url, reachable: true, workers: [] });
  await server.stop();
  const away = await listWorkers(server.supervisor);
  assert.equal(away.reachable, false);
  assert.match(away.reachable ? '' : away.error, new RegExp(`^cannot reach the NATS server at ${server.url.replace(/\./g, '\\.')} .*; start it`));
  assert.doesNotMatch(away.reachable ? '' : away.error, /\n/);
});

async function pollWorkers(server: NatsServer, done: (workers: Awaited<ReturnType<typeof listWorkers>>['workers']) => boolean) {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const listing = await listWorkers(server.supervisor);
    if (done(listing.workers)) return listing.workers;
    if (Date.now() > deadline) throw new Error(`timed out; last listing: ${JSON.stringify(listing)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
