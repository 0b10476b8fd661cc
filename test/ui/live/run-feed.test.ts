import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import type { BoardEvent } from '../../../protocol/index.js';
import { runPaths } from '../../../src/util/paths.js';
import { RunFeed } from '../../../ui/live/run-feed.js';
import { appendAll, runsFolder } from '../../helpers/dashboard.js';
import { created, runStarted } from '../../helpers/board-events.js';
import { waitFor } from '../../helpers/loop-cli.js';

test('a feed folds what is on the board, then follows appends as they happen, with no poll sleep', async (t) => {
  const folder = runsFolder(t);
  const board = folder.board('r1');
  appendAll(board, [runStarted(), created('t1')]);
  const seen: number[] = [];
  const feed = new RunFeed('r1', runPaths(folder.dir, 'r1'), { onEvents: (events: BoardEvent[]) => seen.push(...events.map((e) => e.seq)) }).start();
  t.after(() => feed.close());
  assert.equal(feed.state.view.lastSeq, 2);
  board.append({ type: 'task.ready', taskId: 't1' });
  board.append(created('t2'));
  await waitFor('the appends to reach the feed', () => feed.state.view.lastSeq === 4);
  assert.deepEqual(seen, [3, 4], 'what was on the board at the start is the state, not news');
  assert.deepEqual(feed.eventsAfter(2).map((e) => e.seq), [3, 4]);
  assert.deepEqual(feed.eventsAfter(4), []);
  assert.equal(feed.epoch, `1:${feed.events[0]!.ts}`);
});

test('bad lines become problems with file and line, and the lines after them still count', (t) => {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted()]);
  const events = runPaths(folder.dir, 'r1').events;
  appendFileSync(events, 'not json\n{"v":1,"seq":2,"ts":5,"type":"no.such"}\n');
  appendFileSync(events, `${JSON.stringify({ v: 1, seq: 3, ts: 6, type: 'task.created', taskId: 't1', title: 'T', role: 'backend', dependsOn: [], acceptance: [] })}\n`);
  const feed = new RunFeed('r1', runPaths(folder.dir, 'r1'));
  feed.refresh();
  assert.deepEqual(feed.state.problems, [`${events}:2: not valid JSON`, `${events}:3: unknown event type "no.such"`]);
  assert.deepEqual(feed.state.view.order, ['t1']);
});

test('a growing transcript marks its task as talking', async (t) => {
  const folder = runsFolder(t);
  appendAll(folder.board('r1'), [runStarted(), created('t1'), { type: 'task.ready', taskId: 't1' }, { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 1 }]);
  let clock = 1_000_000;
  const outputs: string[] = [];
  const feed = new RunFeed('r1', runPaths(folder.dir, 'r1'), { onOutput: (taskId) => outputs.push(taskId) }, () => clock).start();
  t.after(() => feed.close());
  clock = 2_000_000;
  folder.log('r1', 't1.1.log', 'working…');
  await waitFor('the transcript write to be noticed', () => outputs.includes('t1'));
  assert.equal(feed.state.outputAt['t1'], 2_000_000);
});
