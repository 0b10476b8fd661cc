import { test } from 'node:test';
import assert from 'node:assert/strict';
import { afterFailure, afterValidationFailure } from '../../src/run/outcomes.js';
import type { TaskView } from '../../src/board/view.js';

const task = (repairs: number, retries: number): TaskView => ({
  id: 't1', title: 'T', role: 'be', dependsOn: [], acceptance: [], status: 'running', attempt: repairs + retries + 1,
  repairs, retries, costUsd: 0, createdAt: 0, updatedAt: 0, history: [],
});
const failure = { kind: 'tests' as const, summary: 'tests failed: add', evidence: 'x' };

const repairCases: Array<[number, number, string]> = [
  [0, 2, 'repair.scheduled'],
  [1, 2, 'repair.scheduled'],
  [2, 2, 'task.escalated'],
  [0, 0, 'task.escalated'],
];
for (const [repairs, maxRepairs, expected] of repairCases) {
  test(`after ${repairs} repairs with maxRepairs ${maxRepairs} a validation failure leads to ${expected}`, () => {
    assert.equal(afterValidationFailure(task(repairs, 0), repairs + 1, failure, maxRepairs).type, expected);
  });
}

test('a task gets exactly 1 + maxRepairs attempts, and the escalation says why', () => {
  const event = afterValidationFailure(task(2, 0), 3, failure, 2);
  assert.equal(event.type, 'task.escalated');
  assert.match((event as { reason: string }).reason, /tests failed: add \(gave up after 3 attempts; maxRepairs 2\)/);
  const repair = afterValidationFailure(task(0, 0), 1, failure, 2);
  assert.deepEqual(repair, { type: 'repair.scheduled', taskId: 't1', nextAttempt: 2, failure });
});

test('failures are retried up to maxRetries, separately from repairs', () => {
  assert.equal(afterFailure(task(2, 0), 'agent crashed', 100, 1).type, 'retry.scheduled');
  const escalated = afterFailure(task(0, 1), 'agent crashed', 100, 1);
  assert.equal(escalated.type, 'task.escalated');
  assert.match((escalated as { reason: string }).reason, /agent crashed \(failed 2 times; maxRetries 1\)/);
});
