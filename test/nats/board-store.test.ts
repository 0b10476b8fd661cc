/**
 * The board on JetStream, against a real nats-server (test/helpers/nats-server.ts): append, replay
 * and tail give the board the local writer gives; a retried publish is stored once; a second
 * writer is fenced; a server restart keeps the board; a restarted writer reconciles its mirror
 * with the stream in both directions and refuses copies that differ.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { foldBoard } from '../../src/board/fold.js';
import { BoardWriter, readBoard } from '../../src/board/store.js';
import { connectBoard, openBoardStream, readBoardStream, tailBoardStream, type BoardConnection } from '../../src/nats/board-stream.js';
import { JetStreamBoardStore } from '../../src/nats/board-store.js';
import { boardStream } from '../../src/nats/names.js';
import { publishBoardEvent } from '../../src/nats/publish.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { waitFor } from '../helpers/loop-cli.js';
import { tempDir } from '../helpers/temp.js';

/** A task through its whole lifecycle, with a cost: every kind of line the board and costs files hold. */
const DRAFTS: BoardEventDraft[] = [
  { type: 'run.started', runId: 'r', goal: 'g', mode: 'dry-run', configHash: 'h', configFile: 'loop.config.yaml', pid: 1, roles: ['be'], budgetUsd: null, maxParallel: 2 },
  { type: 'task.created', taskId: 't1', title: 'Task 1', role: 'be', dependsOn: [], acceptance: ['works'] },
  { type: 'task.ready', taskId: 't1' },
  { type: 'task.dispatched', taskId: 't1', role: 'be', attempt: 1 },
  { type: 'attempt.started', taskId: 't1', attempt: 1, role: 'be', provider: 'sim', providerType: 'sim' },
  { type: 'cost.recorded', role: 'be', taskId: 't1', phase: 'attempt', provider: 'sim', usd: 0.25, tokens: { input: 1200, output: 150 } },
  { type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'sim: implemented', durationMs: 10, usd: 0.25 },
  { type: 'gate.passed', taskId: 't1', attempt: 1, tests: 'passed', summary: 'tests passed', durationMs: 300 },
  { type: 'review.started', taskId: 't1', attempt: 1, critic: 'qa', provider: 'sim' },
  { type: 'review.accepted', taskId: 't1', attempt: 1, critic: 'qa', reasons: ['meets the criteria'], notes: [{ criterion: 'works', met: true }] },
  { type: 'task.merged', taskId: 't1', attempt: 1, branch: 'loop/r/integration' },
  { type: 'run.finished', status: 'merged', exitCode: 0, reason: 'all 1 tasks merged' },
];

const mirrorOf = (dir: string) => ({ eventsFile: join(dir, 'events.jsonl'), costsFile: join(dir, 'costs.jsonl') });

async function openStore(t: TestContext, server: NatsServer, runId: string, dir: string, extra: { onNote?: (m: string) => void } = {}): Promise<JetStreamBoardStore> {
  const store = await JetStreamBoardStore.open({ runId, nats: server.supervisor, ...mirrorOf(dir), now: () => 1000, ...extra });
  t.after(() => store.close().catch(() => undefined));
  return store;
}

async function connect(t: TestContext, server: NatsServer, runId: string): Promise<BoardConnection> {
  const board = await connectBoard(server.supervisor, runId, 'test');
  t.after(() => board.nc.close());
  return board;
}

/** Stands in for a server that lost its last acknowledged writes: the stream again, holding only `keep` events. */
async function shrinkStream(board: BoardConnection, events: readonly BoardEvent[], keep: number): Promise<void> {
  await board.jsm.streams.delete(boardStream(board.runId));
  await openBoardStream(board.jsm, board.runId);
  for (const event of events.slice(0, keep)) {
    assert.equal(await publishBoardEvent({ js: board.js, runId: board.runId, url: board.url, deadline: Date.now() + 10_000 }, event), 'stored');
  }
}

test('append, replay and tail on JetStream give the same events, costs and fold as the local board', async (t) => {
  const server = await startNatsServer(t);
  const localDir = tempDir(t);
  const local = new BoardWriter({ ...mirrorOf(localDir), now: () => 1000 });
  const localEvents = DRAFTS.map((draft, i) => local.append(draft, `k${i}`));
  local.close();

  const natsDir = tempDir(t);
  const store = await openStore(t, server, 'same', natsDir);
  const board = await connect(t, server, 'same');
  const tailed: BoardEvent[] = [];
  const tail = await tailBoardStream(board.js, 'same', 1, { event: (event) => tailed.push(event) });
  t.after(() => tail.stop());
  const stored: BoardEvent[] = [];
  for (const [i, draft] of DRAFTS.entries()) stored.push(await store.append(draft, `k${i}`));

  assert.deepEqual(stored, localEvents, 'the store answers with the events the local writer stores');
  assert.deepEqual(readBoard(mirrorOf(natsDir).eventsFile).events, localEvents, 'the mirror holds them line for line');
  assert.equal(readFileSync(mirrorOf(natsDir).costsFile, 'utf8'), readFileSync(mirrorOf(localDir).costsFile, 'utf8'), 'costs.jsonl is the same');
  const replay = await readBoardStream(board.js, board.jsm, 'same');
  assert.deepEqual(replay.events, localEvents, 'the stream replays them in seq order');
  assert.deepEqual(replay.problems, []);
  assert.deepEqual(foldBoard(replay.events), foldBoard(localEvents));
  assert.deepEqual((await readBoardStream(board.js, board.jsm, 'same', 9)).events.map((e) => e.seq), [9, 10, 11, 12], 'replay starts at a seq');
  await waitFor('the tail to deliver every event', () => tailed.length === DRAFTS.length);
  await tail.stop();
  assert.deepEqual(tailed, localEvents, 'the live tail delivers the same events');

  assert.deepEqual(await store.append(DRAFTS[2]!, 'k2'), localEvents[2], 'an append retried with its key returns the stored event');
  assert.equal((await board.jsm.streams.info(boardStream('same'))).state.messages, DRAFTS.length, 'and stores nothing');
});

test('a publish retried after a lost acknowledgement is answered "duplicate" and stored once', async (t) => {
  const server = await startNatsServer(t);
  const board = await connect(t, server, 'dedup');
  await openBoardStream(board.jsm, 'dedup');
  const event = { v: 1, seq: 1, ts: 5, type: 'task.ready', taskId: 't1', key: 'only-once' } as BoardEvent;
  const ctx = { js: board.js, runId: 'dedup', url: board.url, deadline: Date.now() + 10_000 };
  assert.equal(await publishBoardEvent(ctx, event), 'stored');
  assert.equal(await publishBoardEvent(ctx, event), 'duplicate');
  const info = await board.jsm.streams.info(boardStream('dedup'));
  assert.equal(info.state.messages, 1);
  assert.equal(await publishBoardEvent(ctx, { ...event, key: 'another' }), 'wrong-last-sequence', 'another event at the same seq is fenced, not deduplicated');
});

test('a second writer on the same board is fenced at its first append, and stays fenced', async (t) => {
  const server = await startNatsServer(t);
  const first = await openStore(t, server, 'two', tempDir(t));
  await first.append(DRAFTS[0]!, 'a0');
  const secondDir = tempDir(t);
  const second = await openStore(t, server, 'two', secondDir);
  assert.equal(second.lastSeq, 1, 'the second writer caught up with the stream when it opened');
  await first.append(DRAFTS[1]!, 'a1');
  await assert.rejects(second.append(DRAFTS[2]!, 'b2'), (error: Error) => {
    assert.equal(error.name, 'BoardFencedError');
    assert.match(error.message, /another supervisor wrote event 2 \(task\.created\) of run two's board on nats:\/\/127\.0\.0\.1:\d+; this one stops/);
    return true;
  });
  await assert.rejects(second.append(DRAFTS[3]!, 'b3'), { name: 'BoardFencedError' });
  assert.deepEqual(readBoard(mirrorOf(secondDir).eventsFile).events.map((e) => e.seq), [1], 'the fenced writer mirrored nothing it did not store');
  const third = await first.append(DRAFTS[2]!, 'a2');
  assert.equal(third.seq, 3, 'the first writer goes on');
});

test('the board survives a server restart, orderly or kill -9, and the writer goes on across it', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const store = await openStore(t, server, 'durable', dir);
  for (const [i, draft] of DRAFTS.slice(0, 6).entries()) await store.append(draft, `d${i}`);
  await server.restart('SIGTERM');
  await store.append(DRAFTS[6]!, 'd6');
  await server.restart('SIGKILL');
  await store.append(DRAFTS[7]!, 'd7');
  const board = await connect(t, server, 'durable');
  const replay = await readBoardStream(board.js, board.jsm, 'durable');
  assert.deepEqual(replay.events.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8]);
  assert.deepEqual(replay.events, readBoard(mirrorOf(dir).eventsFile).events);
  const info = await board.jsm.streams.info(boardStream('durable'));
  assert.equal(info.config.storage, 'file');
});

test('a writer that opens a board brings its mirror up to date with the stream: missing lines are copied', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const store = await openStore(t, server, 'behind', dir);
  for (const [i, draft] of DRAFTS.entries()) await store.append(draft, `b${i}`);
  await store.close();
  const file = mirrorOf(dir).eventsFile;
  const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
  writeFileSync(file, `${lines.slice(0, 7).join('\n')}\n`); // killed between the stream and the mirror, several times over
  const notes: string[] = [];
  const reopened = await openStore(t, server, 'behind', dir, { onNote: (m) => notes.push(m) });
  assert.equal(reopened.lastSeq, DRAFTS.length);
  assert.deepEqual(readBoard(file).events.map((e) => e.seq), DRAFTS.map((_, i) => i + 1));
  assert.match(notes.join('\n'), /copied 5 event\(s\) from the server into .*events\.jsonl/);
});

test('events the server lost are published again from the mirror, when the writer opens and while it writes', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const board = await connect(t, server, 'lost');
  const store = await openStore(t, server, 'lost', dir);
  for (const [i, draft] of DRAFTS.slice(0, 5).entries()) await store.append(draft, `l${i}`);
  const written = readBoard(mirrorOf(dir).eventsFile).events;

  // While it writes: the stream lost events 4-5; the next append restores them first, then lands at 6.
  await shrinkStream(board, written, 3);
  const sixth = await store.append(DRAFTS[5]!, 'l5');
  assert.equal(sixth.seq, 6);
  assert.deepEqual((await readBoardStream(board.js, board.jsm, 'lost')).events, readBoard(mirrorOf(dir).eventsFile).events);
  await store.close();

  // When it opens: the stream lost 3-6.
  await shrinkStream(board, readBoard(mirrorOf(dir).eventsFile).events, 2);
  const notes: string[] = [];
  const reopened = await openStore(t, server, 'lost', dir, { onNote: (m) => notes.push(m) });
  assert.equal(reopened.lastSeq, 6);
  assert.deepEqual((await readBoardStream(board.js, board.jsm, 'lost')).events, readBoard(mirrorOf(dir).eventsFile).events);
  assert.match(notes.join('\n'), /published events 3–6 of run lost again: the server at nats:\/\/127\.0\.0\.1:\d+ had lost them/);
});

test('a mirror that differs from the stream is refused with the seq and the file to move aside; neither copy changes', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t);
  const board = await connect(t, server, 'split');
  const store = await openStore(t, server, 'split', dir);
  for (const [i, draft] of DRAFTS.slice(0, 5).entries()) await store.append(draft, `s${i}`);
  await store.close();
  const mine = readBoard(mirrorOf(dir).eventsFile).events;
  // Another writer's history from seq 4 on.
  await shrinkStream(board, [...mine.slice(0, 3), { ...mine[3]!, type: 'task.cancelled', reason: 'someone else', key: 'other' } as BoardEvent], 4);
  const before = readFileSync(mirrorOf(dir).eventsFile, 'utf8');
  await assert.rejects(JetStreamBoardStore.open({ runId: 'split', nats: server.supervisor, ...mirrorOf(dir) }), (error: Error) => {
    assert.match(error.message, /the board on nats:\/\/\S+ and this machine's copy \S+events\.jsonl differ \(seq 4 is task\.cancelled on the server but task\.dispatched in this machine's copy\)/);
    assert.match(error.message, /move \S+events\.jsonl aside .* run `loop resume split`/);
    return true;
  });
  assert.equal(readFileSync(mirrorOf(dir).eventsFile, 'utf8'), before);
  assert.equal((await board.jsm.streams.info(boardStream('split'))).state.messages, 4);
});
