import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../../src/board/fold.js';
import { deadTasks, eta } from '../../../ui/model/schedule.js';
import { created, mergedTask, runningTask, runStarted, stamp, type TimedDraft } from '../../helpers/board-events.js';

const S = 1000;
const view = (drafts: TimedDraft[]) => foldBoard(stamp(drafts));

const cases: Array<{ name: string; drafts: TimedDraft[]; now: number; ms: number | null; basis: string; path: string[] }> = [
  {
    name: 'before any merge there is no estimate, but the chain of open tasks is marked',
    drafts: [runStarted(), created('t1'), created('t2', 'backend', ['t1']), created('t3', 'frontend')],
    now: 5 * S, ms: null, basis: 'no-data', path: ['t1', 't2'],
  },
  {
    name: 'a chain of two open tasks after one 10 s merge is 20 s of critical path',
    drafts: [runStarted({ maxParallel: 4 }), created('t1'), created('t2', 'backend', ['t1']), created('t3', 'backend', ['t2']), ...mergedTask('t1', 'backend', 0, 10 * S)],
    now: 10 * S, ms: 20 * S, basis: 'critical-path', path: ['t2', 't3'],
  },
  {
    name: 'four independent tasks on one slot are bounded by the work, not the chain',
    drafts: [runStarted({ maxParallel: 1 }), created('t0'), created('a'), created('b'), created('c'), created('d'), ...mergedTask('t0', 'backend', 0, 10 * S)],
    now: 10 * S, ms: 40 * S, basis: 'parallel-work', path: ['a'],
  },
  {
    name: 'a running task counts only the time it has left',
    drafts: [runStarted({ maxParallel: 4 }), created('t1'), created('t2'), ...mergedTask('t1', 'backend', 0, 10 * S), ...runningTask('t2', 'backend', 12 * S)],
    now: 16 * S, ms: 6 * S, basis: 'critical-path', path: ['t2'],
  },
  {
    name: 'a task past its estimate keeps a tenth of it: late, not done',
    drafts: [runStarted({ maxParallel: 4 }), created('t1'), created('t2'), ...mergedTask('t1', 'backend', 0, 10 * S), ...runningTask('t2', 'backend', 12 * S)],
    now: 60 * S, ms: 1 * S, basis: 'critical-path', path: ['t2'],
  },
  {
    name: 'each role is estimated from its own merged tasks',
    drafts: [runStarted({ maxParallel: 4 }), created('b1'), created('f1', 'frontend'), created('b2'), created('f2', 'frontend'), ...mergedTask('b1', 'backend', 0, 10 * S), ...mergedTask('f1', 'frontend', 0, 30 * S)],
    now: 30 * S, ms: 30 * S, basis: 'critical-path', path: ['f2'],
  },
  {
    name: 'tasks downstream of an escalated task are left out of the estimate',
    drafts: [runStarted({ maxParallel: 4 }), created('t1'), created('t2'), created('t3', 'backend', ['t2']), ...mergedTask('t1', 'backend', 0, 10 * S), [11 * S, { type: 'task.escalated', taskId: 't2', reason: 'x' }]],
    now: 12 * S, ms: 0, basis: 'critical-path', path: [],
  },
];

for (const c of cases) {
  test(`ETA: ${c.name}`, () => {
    const result = eta(view(c.drafts), c.now);
    assert.equal(result.basis, c.basis);
    assert.equal(result.ms, c.ms);
    assert.deepEqual(result.criticalPath.ids, c.path);
  });
}

test('after the run, the critical path is the chain that took longest, by observed durations', () => {
  const v = view([
    runStarted(), created('a'), created('b', 'backend', ['a']), created('c', 'frontend'),
    ...mergedTask('a', 'backend', 0, 10 * S), ...mergedTask('b', 'backend', 10 * S, 10 * S), ...mergedTask('c', 'frontend', 0, 15 * S),
    [30 * S, { type: 'run.finished', status: 'merged', exitCode: 0, reason: 'all merged' }],
  ]);
  const result = eta(v, 99 * S);
  assert.equal(result.basis, 'finished');
  assert.equal(result.ms, null);
  assert.deepEqual(result.criticalPath.ids, ['a', 'b']);
  assert.equal(result.criticalPath.lengthMs, 20 * S);
});

test('a task can never run when anything upstream of it escalated or was cancelled', () => {
  const v = view([runStarted(), created('a'), created('b', 'backend', ['a']), created('c', 'backend', ['b']), created('d'), { type: 'task.escalated', taskId: 'a', reason: 'x' }]);
  assert.deepEqual([...deadTasks(v)].sort(), ['a', 'b', 'c']);
});
