/** What a merge request says is on its way to the queue (src/run/on-the-way.ts): a table of task states, no clock but the one given. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { TaskView } from '../../src/board/view.js';
import { changesOnTheWay, typicalAgentMs } from '../../src/run/on-the-way.js';

type Ev = { type: string; ts: number; durationMs?: number };

function task(id: string, status: TaskView['status'], history: Ev[], repo = 'app'): TaskView {
  return { id, title: id, role: 'be', dependsOn: [], acceptance: [], status, attempt: 1, repairs: 0, retries: 0, costUsd: 0, createdAt: 0, updatedAt: 0, repo, history: history as unknown as TaskView['history'] };
}

const finished = (ts: number, durationMs: number): Ev[] => [{ type: 'task.dispatched', ts: ts - durationMs }, { type: 'attempt.started', ts: ts - durationMs }, { type: 'attempt.finished', ts, durationMs }];

test('agents done are on their way; agents at work are expected after the typical agent time less their time so far', () => {
  const tasks = [
    task('self', 'gating', finished(1_000, 400)),
    task('review', 'reviewing', finished(1_100, 600)),
    task('accepted', 'gating', finished(1_200, 500)),
    task('working', 'running', [{ type: 'task.dispatched', ts: 1_500 }, { type: 'attempt.started', ts: 1_600 }]),
    task('late', 'running', [{ type: 'task.dispatched', ts: 100 }, { type: 'attempt.started', ts: 100 }]),
    task('elsewhere', 'reviewing', finished(1_300, 100), 'other'),
    task('waiting', 'ready', []),
    task('done', 'merged', finished(900, 700)),
  ];
  const view = { order: tasks.map((t) => t.id), tasks: Object.fromEntries(tasks.map((t) => [t.id, t])) };
  // finished attempts: 400, 600, 500, 100, 700 → median 500
  assert.equal(typicalAgentMs(tasks), 500);
  assert.deepEqual(changesOnTheWay(view, (t) => t.repo === 'app', 'self', 1_800), {
    onTheWay: ['review', 'accepted'],
    arriving: [{ taskId: 'working', inMs: 300 }, { taskId: 'late', inMs: 0 }],
  });
});

test('before any attempt has finished, no agent at work is expected', () => {
  const tasks = [task('a', 'running', [{ type: 'attempt.started', ts: 0 }]), task('b', 'implemented', [])];
  const view = { order: ['a', 'b'], tasks: { a: tasks[0]!, b: tasks[1]! } };
  assert.equal(typicalAgentMs(tasks), null);
  assert.deepEqual(changesOnTheWay(view, () => true, 'x', 10), { onTheWay: ['b'], arriving: [] });
});

test('the typical agent time is the median of the latest 20 finished attempts', () => {
  const tasks = Array.from({ length: 30 }, (_, i) => task(`t${i}`, 'merged', finished(1_000 + i, i < 10 ? 10_000 : 100)));
  assert.equal(typicalAgentMs(tasks), 100, 'the 10 oldest (10 s each) are not among the latest 20');
});
