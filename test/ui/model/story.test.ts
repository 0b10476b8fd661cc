import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../../src/board/fold.js';
import { taskStory } from '../../../ui/model/story.js';
import { created, runningTask, runStarted, stamp } from '../../helpers/board-events.js';

test("a task's story tells each attempt: agent, gate evidence, critic verdicts, merge, and what came next", () => {
  const failure = { kind: 'tests' as const, summary: 'tests failed: ADD_SUM_CHECK', evidence: 'AssertionError: 3 !== 4' };
  const view = foldBoard(stamp([
    runStarted(), created('t1'),
    ...runningTask('t1', 'backend', 10),
    { type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'added sum', durationMs: 900, usd: 0.02, commit: 'c1', changedFiles: ['math.js'] },
    { type: 'gate.failed', taskId: 't1', attempt: 1, failure },
    { type: 'repair.scheduled', taskId: 't1', nextAttempt: 2, failure },
    { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 2 },
    { type: 'attempt.started', taskId: 't1', attempt: 2, role: 'backend', provider: 'claude', providerType: 'claude' },
    { type: 'attempt.finished', taskId: 't1', attempt: 2, outcome: 'ok', summary: 'fixed', durationMs: 700, usd: 0.03, commit: 'c2' },
    { type: 'gate.passed', taskId: 't1', attempt: 2, tests: 'passed', summary: 'tests passed (npm test)', durationMs: 40, commit: 'c2', changedFiles: ['math.js', 'test/sum.test.js'] },
    { type: 'review.started', taskId: 't1', attempt: 2, critic: 'qa', provider: 'codex' },
    { type: 'review.accepted', taskId: 't1', attempt: 2, critic: 'qa', reasons: ['meets the criteria'], notes: [{ criterion: 'works', met: true }] },
    { type: 'task.merged', taskId: 't1', attempt: 2, sha: 'feedbeef99', branch: 'loop/r1/integration' },
  ]));
  const story = taskStory(view, 't1', new Set(), 100)!;
  assert.equal(story.attempts.length, 2);
  const [first, second] = story.attempts;
  assert.deepEqual(first!.gate, { passed: false, text: 'tests failed: ADD_SUM_CHECK', evidence: 'AssertionError: 3 !== 4' });
  assert.deepEqual(first!.next, { kind: 'repair', text: 'attempt 2 repairs: tests failed: ADD_SUM_CHECK' });
  assert.equal(first!.commit, 'c1');
  assert.equal(second!.provider, 'claude');
  assert.deepEqual(second!.changedFiles, ['math.js', 'test/sum.test.js']);
  assert.deepEqual(second!.reviews, [{ critic: 'qa', provider: 'codex', verdict: 'accepted', reasons: ['meets the criteria'], notes: [{ criterion: 'works', met: true }] }]);
  assert.deepEqual(second!.merge, { merged: true, text: 'merged feedbee on loop/r1/integration', sha: 'feedbeef99' });
  assert.equal(story.card.costUsd, 0);
  assert.equal(story.lastFailure, 'tests failed: ADD_SUM_CHECK');
});

test('an unknown task has no story', () => {
  assert.equal(taskStory(foldBoard(stamp([runStarted()])), 'nope', new Set(), 0), null);
});
