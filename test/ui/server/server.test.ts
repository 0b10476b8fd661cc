/** The dashboard server: snapshot then live events per run, resume without gap or repeat, logs, JSON 404s, bad input. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import type { BoardEvent } from '../../../protocol/index.js';
import { runPaths } from '../../../src/util/paths.js';
import { appendAll, httpRequest, runsFolder, serve } from '../../helpers/dashboard.js';
import { connectWs, type WsClient } from '../../helpers/ws-client.js';
import { created, runStarted } from '../../helpers/board-events.js';

const note = (message: string) => ({ type: 'run.note', level: 'info', message }) as const;
type Frame = Record<string, unknown> & { type: string };

async function subscribed(port: number, runId: string, extra: Record<string, unknown> = {}): Promise<{ ws: WsClient; first: Frame }> {
  const ws = await connectWs(`ws://127.0.0.1:${port}/ws`);
  await ws.next((m) => m['type'] === 'hello');
  ws.send({ type: 'subscribe', runId, ...extra });
  const first = await ws.next<Frame>((m) => m['type'] === 'snapshot' || m['type'] === 'events');
  return { ws, first };
}

/** Collects event seqs from `events` frames until `lastSeq` is reached. */
async function seqsUntil(ws: WsClient, lastSeq: number): Promise<number[]> {
  const seqs: number[] = [];
  while (seqs[seqs.length - 1] !== lastSeq) {
    const frame = await ws.next<Frame>((m) => m['type'] === 'events');
    seqs.push(...(frame['events'] as BoardEvent[]).map((e) => e.seq));
  }
  return seqs;
}

test('a page gets the run as a snapshot, then each event the moment it is appended, in order', async (t) => {
  const folder = runsFolder(t);
  const board = folder.board('r1');
  appendAll(board, [runStarted(), created('t1'), created('t2')]);
  const d = await serve(t, folder.dir);
  const { ws, first } = await subscribed(d.port, 'r1');
  assert.equal(first.type, 'snapshot');
  const state = first['state'] as { view: { lastSeq: number; order: string[] } };
  assert.equal(state.view.lastSeq, 3);
  assert.deepEqual(state.view.order, ['t1', 't2']);
  for (let i = 0; i < 20; i++) board.append(note(`n${i}`));
  assert.deepEqual(await seqsUntil(ws, 23), Array.from({ length: 20 }, (_, i) => i + 4));
  ws.close();
});

test('after a reconnect a page resumes from the last seq it saw: nothing lost, nothing twice', async (t) => {
  const folder = runsFolder(t);
  const board = folder.board('r1');
  appendAll(board, [runStarted(), created('t1')]);
  const d = await serve(t, folder.dir);
  const a = await subscribed(d.port, 'r1');
  const epoch = a.first['epoch'] as string;
  board.append(note('seen'));
  assert.deepEqual(await seqsUntil(a.ws, 3), [3]);
  a.ws.close();
  await a.ws.closed;
  for (let i = 0; i < 5; i++) board.append(note(`missed ${i}`));
  const b = await subscribed(d.port, 'r1', { afterSeq: 3, epoch });
  assert.equal(b.first.type, 'events', 'the events it missed, not a snapshot');
  const missed = (b.first['events'] as BoardEvent[]).map((e) => e.seq);
  for (let i = 0; i < 3; i++) board.append(note(`after ${i}`));
  const seqs = [...missed, ...(missed[missed.length - 1] === 11 ? [] : await seqsUntil(b.ws, 11))];
  assert.deepEqual(seqs, [4, 5, 6, 7, 8, 9, 10, 11]);
  b.ws.close();

  // A page holding another board under the same run id (another epoch) gets a snapshot.
  const c = await subscribed(d.port, 'r1', { afterSeq: 3, epoch: '1:0' });
  assert.equal(c.first.type, 'snapshot');
  c.ws.close();
});

test('a watched transcript arrives decoded: its last lines first, then each new line once, to every watcher', async (t) => {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted(), created('t1'), { type: 'task.ready', taskId: 't1' }, { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 1 }]);
  folder.log('r1', 't1.1.log', '# loop agent transcript 2026-01-01T00:00:00Z', '# argv: claude -p hi --output-format stream-json', JSON.stringify({ type: 'assistant', message: { content: [{ type: 'text', text: 'Reading math.js first.' }] } }));
  const d = await serve(t, folder.dir);
  const watch = { type: 'watch-log', runId: 'r1', taskId: 't1', attempt: 1, kind: 'agent' };
  assert.deepEqual(JSON.parse((await httpRequest(`${d.base}/api/runs/r1/tasks/t1/logs`)).body), [{ attempt: 1, kind: 'agent' }], 'the logs that exist');
  const one = (await subscribed(d.port, 'r1')).ws;
  one.send(watch);
  const tail = await one.next<Frame>((m) => m['type'] === 'log');
  assert.equal(tail['reset'], true);
  assert.deepEqual((tail['lines'] as { text: string }[]).map((l) => l.text), ['$ claude -p hi --output-format stream-json', 'Reading math.js first.']);
  folder.log('r1', 't1.1.log', JSON.stringify({ type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Bash', input: { command: 'npm test' } }] } }));
  const more = await one.next<Frame>((m) => m['type'] === 'log');
  assert.equal(more['reset'], false);
  assert.deepEqual((more['lines'] as { kind: string; text: string }[]).map((l) => l.kind), ['tool']);
  assert.match((more['lines'] as { text: string }[])[0]!.text, /Bash.*npm test/);

  const two = (await subscribed(d.port, 'r1')).ws;
  two.send(watch);
  const second = await two.next<Frame>((m) => m['type'] === 'log');
  assert.equal((second['lines'] as unknown[]).length, 3, 'the newcomer sees the tail, including the line the first watcher got live');
  folder.log('r1', 't1.1.log', 'plain line');
  for (const ws of [one, two]) {
    const next = await ws.next<Frame>((m) => m['type'] === 'log');
    assert.deepEqual((next['lines'] as { text: string }[]).map((l) => l.text), ['plain line']);
  }
  one.close();
  two.close();
});

test('unknown runs, roles, tasks and paths are JSON 404s, and the server keeps serving', async (t) => {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted(), created('t1')]);
  const d = await serve(t, folder.dir);
  const paths = [
    '/api/runs/nope', '/api/runs/..%2F..%2Fetc', '/api/runs/r1/tasks/nope', '/api/runs/r1/tasks/nope/logs', '/api/runs/r1/roles/nope', '/api/runs/r1/tasks/t1/attempts/1/logs/agent',
    '/api/runs/r1/tasks/t1/attempts/zero/logs/agent', '/api/runs/r1/tasks/t1/attempts/1/logs/passwd', '/api/runs/r1/tasks/t1/attempts/1/diff',
    '/nothing/here', '/app/../../package.json', '/m/src/board/store.js', '/m/../../etc/passwd',
  ];
  for (const path of paths) {
    const answer = await httpRequest(`${d.base}${path}`);
    assert.equal(answer.status, 404, path);
    assert.equal(answer.headers['content-type'], 'application/json; charset=utf-8', path);
    assert.equal(JSON.parse(answer.body).error, 'not found', path);
  }
  assert.equal((await httpRequest(`${d.base}/api/runs`, { method: 'DELETE' })).status, 405);
  assert.equal((await httpRequest(`${d.base}/api/runs/nope/stop`, { method: 'POST', headers: { Authorization: `Bearer ${d.token}` } })).status, 404);
  assert.equal((await httpRequest(`${d.base}/api/health`)).status, 200);
});

test('malformed frames are answered with an error frame or dropped, and never take the server down', async (t) => {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted(), created('t1')]);
  const d = await serve(t, folder.dir);
  const ws = await connectWs(`ws://127.0.0.1:${d.port}/ws`);
  await ws.next((m) => m['type'] === 'hello');
  const bad: Array<[string, () => void]> = [
    ['not JSON', () => ws.sendFrame(0x1, Buffer.from('{nope'))],
    ['an unknown type', () => ws.send({ type: 'format-disk' })],
    ['a traversal run id', () => ws.send({ type: 'subscribe', runId: '../../etc' })],
    ['an unknown run', () => ws.send({ type: 'subscribe', runId: 'ghost' })],
    ['an unknown task', () => ws.send({ type: 'watch-log', runId: 'r1', taskId: 'ghost', attempt: 1, kind: 'agent' })],
    ['a bad log kind', () => ws.send({ type: 'watch-log', runId: 'r1', taskId: 't1', attempt: 1, kind: '../../passwd' })],
    ['extra keys', () => ws.send({ type: 'subscribe', runId: 'r1', admin: true })],
    ['a binary frame', () => ws.sendFrame(0x2, Buffer.from([0, 1, 2]))],
  ];
  for (const [what, send] of bad) {
    send();
    const error = await ws.next<Frame>((m) => m['type'] === 'error');
    assert.match(String(error['message']), /bad frame|no run|no task/, what);
  }
  // Invalid UTF-8 in a text frame, or a frame past the size limit, closes that socket only (RFC 6455).
  for (const payload of [Buffer.from([0xff, 0xfe, 0x7b]), Buffer.alloc(64 * 1024, 0x61)]) {
    const doomed = await connectWs(`ws://127.0.0.1:${d.port}/ws`);
    doomed.sendFrame(0x1, payload);
    await doomed.closed;
  }
  const { ws: fresh, first } = await subscribed(d.port, 'r1');
  assert.equal(first.type, 'snapshot', 'the server still serves');
  fresh.close();
  ws.close();
});

test('a run that appears in the folder is announced to every page', async (t) => {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted()]);
  const d = await serve(t, folder.dir);
  const ws = await connectWs(`ws://127.0.0.1:${d.port}/ws`);
  const hello = await ws.next<Frame>((m) => m['type'] === 'hello');
  assert.deepEqual((hello['runs'] as { id: string }[]).map((r) => r.id), ['r1']);
  mkdirSync(runPaths(folder.dir, 'r2').dir, { recursive: true });
  appendAll(folder.board('r2'), [runStarted({ runId: 'r2' }), created('t1')]);
  const runs = await ws.next<Frame>((m) => m['type'] === 'runs' && (m['runs'] as { id: string; total: number }[]).some((r) => r.id === 'r2' && r.total === 1));
  assert.ok(runs);
  ws.close();
});
