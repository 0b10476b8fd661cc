/**
 * The identities `loop nats setup` writes, against a real nats-server started with the config it
 * writes: the supervisor may write a run's board; a worker may not publish to the board's subjects
 * (the server answers "Permissions Violation" and stores nothing), nor read them, nor manage streams;
 * it may publish its heartbeat on `loop.worker.<name>` and nothing deeper.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { PermissionViolationError, type NatsConnection } from '@nats-io/transport-node';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { BOARD_EVENT_VERSION, type BoardEvent } from '../../protocol/index.js';
import { connectNats } from '../../src/nats/connect.js';
import { connectBoard, openBoardStream } from '../../src/nats/board-stream.js';
import { boardStream, boardSubject, WORKERS_STREAM, workerSubject } from '../../src/nats/names.js';
import { ensureWorkersStream } from '../../src/nats/worker-presence.js';
import { publishBoardEvent } from '../../src/nats/publish.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/loop-cli.js';

const RUN = 'perm';
const event = (seq: number): BoardEvent => ({ v: BOARD_EVENT_VERSION, seq, ts: 1000 + seq, key: `k${seq}`, type: 'task.ready', taskId: 't1' });

async function workerConnection(t: TestContext, server: NatsServer): Promise<{ nc: NatsConnection; violations: PermissionViolationError[] }> {
  const nc = await connectNats(server.worker, 'test worker');
  t.after(() => nc.close());
  const violations: PermissionViolationError[] = [];
  void (async () => {
    for await (const status of nc.status()) {
      if (status.type === 'error' && status.error instanceof PermissionViolationError) violations.push(status.error);
    }
  })();
  return { nc, violations };
}

/** The supervisor's stream for the run, holding one event it wrote itself. */
async function boardWithOneEvent(t: TestContext, server: NatsServer): Promise<() => Promise<number>> {
  const board = await connectBoard(server.supervisor, RUN, 'test supervisor');
  t.after(() => board.nc.close());
  await openBoardStream(board.jsm, RUN);
  assert.equal(await publishBoardEvent({ js: board.js, runId: RUN, url: server.url, deadline: Date.now() + 30_000 }, event(1)), 'stored');
  return async () => (await board.jsm.streams.info(boardStream(RUN))).state.messages;
}

test('the supervisor identity writes the board; a worker identity publishing to the board gets a permission violation and nothing is stored', async (t) => {
  const server = await startNatsServer(t);
  const stored = await boardWithOneEvent(t, server);
  const { nc, violations } = await workerConnection(t, server);

  // A plain publish: the server refuses it and says so on the connection.
  const subject = boardSubject(RUN, 'task.ready');
  nc.publish(subject, JSON.stringify(event(2)));
  const refused = await waitFor('the server to report the permission violation', () => violations.find((v) => v.subject === subject));
  assert.equal(refused.operation, 'publish');
  assert.match(refused.message, /Permissions Violation for Publish to "loop\.board\.perm\.task\.ready"/);

  // A JetStream publish, fenced at the right sequence, as a supervisor would send it: no ack, nothing stored.
  const js = jetstream(nc);
  await assert.rejects(js.publish(subject, JSON.stringify(event(2)), { msgID: `${RUN}:2:k2`, expect: { lastSequence: 1 }, timeout: 3_000 }));
  await nc.flush();
  assert.equal(await stored(), 1, 'the worker stored nothing on the board');
});

test('a worker identity can neither read the board nor create, purge or delete streams', async (t) => {
  const server = await startNatsServer(t);
  const stored = await boardWithOneEvent(t, server);
  const { nc, violations } = await workerConnection(t, server);

  const sub = nc.subscribe(`loop.board.${RUN}.>`);
  // The client ends a refused subscription with the server's error (it resolves `closed` with it).
  const ended = await sub.closed;
  assert.ok(ended instanceof PermissionViolationError && ended.operation === 'subscription', `the subscription ended with ${String(ended)}`);

  // The JetStream API for streams is denied: managing the board's stream goes nowhere.
  const jsm = await jetstreamManager(nc, { checkAPI: false, timeout: 3_000 });
  await assert.rejects(jsm.streams.delete(boardStream(RUN)));
  await assert.rejects(jsm.streams.purge(boardStream(RUN)));
  await assert.rejects(jsm.streams.add({ name: 'EVIL', subjects: [`loop.board.${RUN}.>`] }));
  await waitFor('the violations of the stream API', () => violations.some((v) => v.subject.startsWith('$JS.API.STREAM.DELETE.')));
  assert.equal(await stored(), 1);
});

test('a worker identity may publish its heartbeat (stored in LOOP_WORKERS) and nothing else under loop.worker, and still not the board', async (t) => {
  const server = await startNatsServer(t);
  const stored = await boardWithOneEvent(t, server);
  const supervisor = await connectNats(server.supervisor, 'test supervisor');
  t.after(() => supervisor.close());
  const jsm = await jetstreamManager(supervisor);
  await ensureWorkersStream(jsm);
  const { nc, violations } = await workerConnection(t, server);

  nc.publish(workerSubject('w1'), JSON.stringify({ hello: 'beat' }));
  // Two tokens deep is not a heartbeat subject: refused.
  nc.publish('loop.worker.w1.extra', 'x');
  nc.publish(boardSubject(RUN, 'task.ready'), JSON.stringify(event(2)));
  await nc.flush();
  await waitFor('both refusals', () => violations.length >= 2);
  assert.deepEqual(violations.map((v) => v.subject).sort(), [boardSubject(RUN, 'task.ready'), 'loop.worker.w1.extra']);
  const beat = await jsm.streams.getMessage(WORKERS_STREAM, { last_by_subj: workerSubject('w1') });
  assert.deepEqual(beat?.json(), { hello: 'beat' });
  assert.equal((await jsm.streams.info(WORKERS_STREAM)).state.messages, 1, 'only the heartbeat was stored');
  assert.equal(await stored(), 1, 'the board is untouched');

  // Nor can it read the heartbeats through the stream API, or remove them.
  const workerJsm = await jetstreamManager(nc, { checkAPI: false, timeout: 3_000 });
  await assert.rejects(workerJsm.streams.getMessage(WORKERS_STREAM, { last_by_subj: workerSubject('w1') }));
  await assert.rejects(workerJsm.streams.purge(WORKERS_STREAM));
});
