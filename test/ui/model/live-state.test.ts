import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyToLive, emptyLiveState, FEED_MAX, noteOutput } from '../../../ui/model/live-state.js';
import { created, mergedTask, runStarted, stamp } from '../../helpers/board-events.js';

test('an event at or below the last seq is ignored, so a resent event is never folded twice', () => {
  const state = emptyLiveState();
  const events = stamp([runStarted(), created('t1'), ...mergedTask('t1', 'backend', 10, 100, 0.5)]);
  for (const e of events) assert.equal(applyToLive(state, e), true);
  const before = JSON.stringify(state);
  for (const e of events) assert.equal(applyToLive(state, e), false);
  assert.equal(JSON.stringify(state), before);
  assert.equal(state.view.tasks['t1']!.status, 'merged');
});

test('an event the fold refuses is recorded as a problem and the next events still apply', () => {
  const state = emptyLiveState();
  const events = stamp([runStarted(), created('t1'), { type: 'task.merged', taskId: 't1', attempt: 1 }, created('t2')]);
  for (const e of events) applyToLive(state, e);
  assert.equal(state.problems.length, 1);
  assert.match(state.problems[0]!, /#3 \(task\.merged\)/);
  assert.ok(state.view.tasks['t2'], 't2 was still folded');
  assert.equal(state.view.lastSeq, 4);
});

test('the cost and tasks-done series grow with each provider call and each merge', () => {
  const state = emptyLiveState();
  const cost = (usd: number) => ({ type: 'cost.recorded', role: 'backend', taskId: 't1', phase: 'attempt', provider: 'sim', usd, tokens: { input: 1, output: 1 } }) as const;
  for (const e of stamp([runStarted(), created('t1'), created('t2'), [50, cost(0.25)], [60, cost(0.5)], ...mergedTask('t1', 'backend', 70, 10), ...mergedTask('t2', 'backend', 90, 10)])) applyToLive(state, e);
  assert.deepEqual(state.cost, [[50, 0.25], [60, 0.75]]);
  assert.deepEqual(state.done, [[80, 1], [100, 2]]);
});

test('the feed says events in words, with the task and role, and keeps only the newest entries', () => {
  const state = emptyLiveState();
  const drafts = [runStarted(), ...Array.from({ length: FEED_MAX + 20 }, (_, i) => created(`t${i}`))];
  for (const e of stamp(drafts)) applyToLive(state, e);
  assert.equal(state.feed.length, FEED_MAX);
  const last = state.feed[state.feed.length - 1]!;
  assert.deepEqual({ taskId: last.taskId, role: last.role, what: last.what, text: last.text }, { taskId: `t${FEED_MAX + 19}`, role: 'backend', what: 'planned', text: `Task t${FEED_MAX + 19}` });
});

test('an agent starts its silence clock when it starts, and output moves it forward only', () => {
  const state = emptyLiveState();
  for (const e of stamp([runStarted(), created('t1'), [100, { type: 'task.ready', taskId: 't1' }], [100, { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 1 }], [120, { type: 'attempt.started', taskId: 't1', attempt: 1, role: 'backend', provider: 'sim', providerType: 'sim' }]])) applyToLive(state, e);
  assert.equal(state.outputAt['t1'], 120);
  noteOutput(state, 't1', 500);
  noteOutput(state, 't1', 300);
  assert.equal(state.outputAt['t1'], 500);
});
