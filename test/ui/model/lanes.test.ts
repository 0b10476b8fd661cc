import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../../src/board/fold.js';
import { idleLevel, IDLE_AMBER_MS, IDLE_RED_MS, lanes } from '../../../ui/model/lanes.js';
import { created, mergedTask, runningTask, runStarted, stamp } from '../../helpers/board-events.js';

for (const [ms, level] of [[0, 'ok'], [IDLE_AMBER_MS - 1, 'ok'], [IDLE_AMBER_MS, 'amber'], [IDLE_RED_MS - 1, 'amber'], [IDLE_RED_MS, 'red']] as const) {
  test(`an agent silent for ${ms / 1000}s is ${level}`, () => assert.equal(idleLevel(ms), level));
}

const board = () => foldBoard(stamp([
  runStarted({ roles: ['planner', 'backend', 'frontend', 'qa'] }),
  created('t1'), created('t2', 'frontend'), created('t3', 'frontend', ['t2']), created('t4', 'backend', ['t1']),
  ...runningTask('t1', 'backend', 1000),
  ...runningTask('t2', 'frontend', 1000),
  [2000, { type: 'attempt.finished', taskId: 't2', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 5, usd: 0 }],
  [2000, { type: 'gate.passed', taskId: 't2', attempt: 1, tests: 'passed', summary: 'ok', durationMs: 1 }],
  [3000, { type: 'review.started', taskId: 't2', attempt: 1, critic: 'qa', provider: 'sim-critic' }],
  [3000, { type: 'cost.recorded', role: 'frontend', taskId: 't2', phase: 'attempt', provider: 'sim', usd: 0.3, tokens: { input: 1, output: 1 } }],
]));

test('each role has a lane saying what it does now, with its silence timer, spend and tally', () => {
  const outputAt = { t1: 1000 + 200_000 };
  const byRole = Object.fromEntries(lanes(board(), outputAt, 1000 + 200_000 + 130_000).map((l) => [l.role, l]));
  assert.deepEqual(Object.keys(byRole), ['planner', 'backend', 'frontend', 'qa']);
  const backend = byRole['backend']!;
  assert.equal(backend.state, 'working');
  assert.equal(backend.text, 'agent working on t1');
  assert.deepEqual(backend.work.map((w) => [w.taskId, w.phase, w.silentMs, w.silence, w.log]), [['t1', 'agent', 130_000, 'amber', { attempt: 1, kind: 'agent' }]]);
  assert.deepEqual([backend.merged, backend.total], [0, 2]);
  const qa = byRole['qa']!;
  assert.equal(qa.state, 'reviewing');
  assert.equal(qa.text, 'reviewing t2');
  assert.deepEqual(qa.work.map((w) => [w.taskId, w.phase, w.silence, w.log?.kind]), [['t2', 'critic', 'red', 'review']]);
  const frontend = byRole['frontend']!;
  assert.equal(frontend.state, 'busy');
  assert.equal(frontend.text, 'in review: t2');
  assert.equal(frontend.spendUsd, 0.3);
  assert.equal(frontend.work[0]!.silentMs, null, 'no agent of its own is running, so no silence timer');
  assert.equal(byRole['planner']!.text, 'idle');
});

test('an idle role says which of its tasks is next and what it waits for', () => {
  const view = foldBoard(stamp([runStarted({ roles: ['backend'] }), created('t1'), created('t2', 'backend', ['t1']), ...mergedTask('t1', 'backend', 0, 10)]));
  assert.equal(lanes(view, {}, 100)[0]!.text, 'idle · t2 ready');
  const waiting = foldBoard(stamp([runStarted({ roles: ['backend', 'frontend'] }), created('t1', 'frontend'), created('t2', 'backend', ['t1'])]));
  assert.equal(lanes(waiting, {}, 100)[0]!.text, 'idle · t2 waits for t1');
});

test('a role whose actor gave up says so, with the reason', () => {
  const view = foldBoard(stamp([runStarted({ roles: ['backend'] }), { type: 'supervisor.report', supervisor: 'role/backend', context: 'reached_max_restart_intensity', reason: 'crashed on start', offender: 'sme/backend' }]));
  const [lane] = lanes(view, {}, 100);
  assert.equal(lane!.state, 'gave-up');
  assert.equal(lane!.text, 'gave-up: crashed on start');
});

test('a finished run shows no work in progress and no timers', () => {
  const view = foldBoard(stamp([runStarted({ roles: ['backend'] }), created('t1'), ...runningTask('t1', 'backend', 10), { type: 'task.interrupted', taskId: 't1', reason: 'stopped' }, { type: 'run.finished', status: 'interrupted', exitCode: 4, reason: 'stopped' }]));
  assert.deepEqual(lanes(view, {}, 10_000_000)[0]!.work, []);
});
