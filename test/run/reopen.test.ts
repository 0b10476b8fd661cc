/** planReopen: which tasks `loop retry` gives another round, and which requests it refuses (pure, table-driven). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../src/board/fold.js';
import { planReopen } from '../../src/run/reopen.js';
import { created, runStarted, stamp, type TimedDraft } from '../helpers/board-events.js';

const task = (taskId: string, dependsOn: string[] = []): TimedDraft => created(taskId, 'backend', dependsOn);
const escalated = (taskId: string, reason: string): TimedDraft[] => [
  { type: 'task.ready', taskId }, { type: 'task.dispatched', taskId, attempt: 1, role: 'backend' }, { type: 'task.escalated', taskId, reason },
];
const upstream = (taskId: string, dead: string): TimedDraft => ({ type: 'task.escalated', taskId, reason: `upstream task ${dead} was escalated: tests failed` });

// t1 ← t2 ← t3 (escalated because of t1, then t2), t4 ← t1 but escalated for its own reason, t5 independent and merged-free.
// t3 is created before t2 to show the plan's order need not put a dependency first.
const board = foldBoard(stamp([
  runStarted(),
  task('t1'), task('t3', ['t2']), task('t2', ['t1']), task('t4', ['t1']), task('t5'),
  ...escalated('t1', 'tests failed: add'), upstream('t2', 't1'), upstream('t3', 't2'), ...escalated('t4', 'agent failed: exit 1'),
]));

const cases: Array<[string, string, ReturnType<typeof planReopen>]> = [
  ['an unknown task is refused, naming the tasks', 'nope', { ok: false, problem: 'no task "nope" in this run (its tasks: t1, t3, t2, t4, t5)' }],
  ['a task that is not escalated is refused', 't5', { ok: false, problem: 'task t5 is planned; only an escalated task can be retried' }],
  ['an escalated task reopens with the tasks escalated because they waited on it, transitively', 't1', {
    ok: true,
    reopen: [
      { taskId: 't1', reason: 'retried by a person after: tests failed: add' },
      { taskId: 't2', reason: 'its upstream task t1 is retried' },
      { taskId: 't3', reason: 'its upstream task t2 is retried' },
    ],
  }],
  ['a dependent escalated for its own reason reopens alone', 't4', { ok: true, reopen: [{ taskId: 't4', reason: 'retried by a person after: agent failed: exit 1' }] }],
];
for (const [name, taskId, expected] of cases) test(name, () => assert.deepEqual(planReopen(board, taskId), expected));

test('the fold moves a reopened task back to planned with fresh repair and retry counts, and refuses it from any other status', () => {
  const drafts: TimedDraft[] = [
    runStarted(),
    task('t1'), { type: 'task.ready', taskId: 't1' }, { type: 'task.dispatched', taskId: 't1', attempt: 1, role: 'backend' },
    { type: 'repair.scheduled', taskId: 't1', nextAttempt: 2, failure: { kind: 'tests', summary: 'tests failed: add', evidence: 'not ok 1 - add' } },
    { type: 'task.escalated', taskId: 't1', reason: 'tests failed: add' },
    { type: 'task.reopened', taskId: 't1', by: 'cli', reason: 'retried' },
  ];
  const view = foldBoard(stamp(drafts));
  const t1 = view.tasks['t1']!;
  assert.deepEqual([t1.status, t1.repairs, t1.retries, t1.attempt, t1.reason, t1.finishedAt], ['planned', 0, 0, 1, undefined, undefined]);
  assert.equal(t1.lastFailure?.summary, 'tests failed: add', 'the next attempt still sees what went wrong');
  assert.throws(() => foldBoard(stamp([...drafts, { type: 'task.reopened', taskId: 't1', by: 'cli', reason: 'again' }])), /task\.reopened is illegal for task t1 in status planned/);
});
