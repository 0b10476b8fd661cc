import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Failure } from '../../../protocol/index.js';
import { foldBoard } from '../../../src/board/fold.js';
import { attentionItems, failureInWords } from '../../../ui/model/attention.js';
import { deadTasks } from '../../../ui/model/schedule.js';
import { created, runningTask, runStarted, stamp, type TimedDraft } from '../../helpers/board-events.js';

const words: Array<[Failure, string]> = [
  [{ kind: 'tests', summary: 'tests failed: ADD_SUM_CHECK adds two numbers', evidence: '' }, 'tests failed: ADD_SUM_CHECK adds two numbers'],
  [{ kind: 'tests', summary: 'new test failures', evidence: '' }, 'tests failed: new test failures'],
  [{ kind: 'review', summary: 'rejected by qa: multiply(2,3) returns 5', evidence: '' }, 'critic qa: multiply(2,3) returns 5'],
  [{ kind: 'tamper', summary: 'changed protected file(s): .npmrc', evidence: '', files: ['.npmrc'] }, 'tampered: .npmrc'],
  [{ kind: 'conflict', summary: 'merge conflict in math.js', evidence: '' }, 'merge conflict in math.js'],
  [{ kind: 'no-changes', summary: 'the agent finished without changing any file', evidence: '' }, 'no changes: the agent finished without changing any file'],
];
for (const [failure, expected] of words) {
  test(`a ${failure.kind} failure reads "${expected}"`, () => assert.equal(failureInWords(failure), expected));
}

const gateFailure: Failure = { kind: 'tests', summary: 'tests failed: ADD_SUM_CHECK', evidence: 'AssertionError: 3 !== 4' };
const rejection = (taskId: string, attempt: number): TimedDraft[] => [
  { type: 'attempt.finished', taskId, attempt, outcome: 'ok', summary: 'done', durationMs: 1, usd: 0 },
  { type: 'gate.passed', taskId, attempt, tests: 'passed', summary: 'ok', durationMs: 1 },
  { type: 'review.started', taskId, attempt, critic: 'qa', provider: 'sim-critic' },
  { type: 'review.rejected', taskId, attempt, critic: 'qa', reasons: ['multiply(2,3) returns 5'], notes: [] },
  { type: 'repair.scheduled', taskId, nextAttempt: attempt + 1, failure: { kind: 'review', summary: 'rejected by qa: multiply(2,3) returns 5', evidence: 'multiply(2,3) returns 5' } },
];

test('escalated, rejected, retrying and blocked tasks need attention, each with its reason, attempts and evidence', () => {
  const view = foldBoard(stamp([
    runStarted({ budgetUsd: 10 }),
    created('t1'), created('t2'), created('t3'), created('t4', 'backend', ['t1']), created('t5'),
    ...runningTask('t1', 'backend', 1),
    { type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 1, usd: 0 },
    { type: 'gate.failed', taskId: 't1', attempt: 1, failure: gateFailure },
    { type: 'task.escalated', taskId: 't1', reason: 'tests failed: ADD_SUM_CHECK (gave up after 3 attempts; maxRepairs 2)' },
    ...runningTask('t2', 'backend', 2),
    ...rejection('t2', 1),
    ...runningTask('t3', 'backend', 3),
    { type: 'retry.scheduled', taskId: 't3', reason: 'the agent timed out', retries: 1, delayMs: 500 },
  ]));
  const items = attentionItems(view, { spendLevel: 'ok', spendPct: 0, dead: deadTasks(view), problems: [] });
  const byTask = Object.fromEntries(items.map((i) => [i.taskId, i]));
  assert.deepEqual(items.map((i) => [i.taskId, i.kind, i.severity]), [['t1', 'escalated', 'red'], ['t2', 'rejected', 'amber'], ['t3', 'retrying', 'amber'], ['t4', 'blocked', 'amber']]);
  assert.equal(byTask['t1']!.reason, 'tests failed: ADD_SUM_CHECK (gave up after 3 attempts; maxRepairs 2)');
  assert.deepEqual(byTask['t1']!.evidence, { taskId: 't1', attempt: 1, log: 'gate' });
  assert.equal(byTask['t1']!.attempts, 1);
  assert.equal(byTask['t2']!.reason, 'critic qa: multiply(2,3) returns 5');
  assert.deepEqual(byTask['t2']!.evidence, { taskId: 't2', attempt: 1, log: 'review' });
  assert.equal(byTask['t3']!.reason, 'retrying: the agent timed out');
  assert.equal(byTask['t4']!.reason, 'blocked: waits for t1, which cannot finish');
});

test('an escalation whose reason does not name the failure carries the failure as its detail', () => {
  const view = foldBoard(stamp([runStarted(), created('t1'), ...runningTask('t1', 'backend', 1), ...rejection('t1', 1), { type: 'task.escalated', taskId: 't1', reason: 'the critic could not review it: timeout' }]));
  const [item] = attentionItems(view, { spendLevel: 'ok', spendPct: 0, dead: deadTasks(view), problems: [] });
  assert.equal(item!.detail, 'critic qa: multiply(2,3) returns 5');
});

test('run-level problems come first when red: budget, a role that gave up, a failed plan; landing and fold problems are amber', () => {
  const view = foldBoard(stamp([
    runStarted({ budgetUsd: 1 }),
    { type: 'supervisor.report', supervisor: 'role/backend', context: 'reached_max_restart_intensity', reason: 'crashed on start', offender: 'sme/backend' },
    { type: 'budget.exhausted', spentUsd: 0.9, reservedUsd: 0.2, budgetUsd: 1, unstarted: ['t9'] },
    { type: 'run.landed', repo: 'app', branch: 'main', sha: 'abc1234', fastForwarded: false, command: 'git merge --ff-only loop/r1/integration', reason: 'your checkout has uncommitted changes' },
  ]));
  const items = attentionItems(view, { spendLevel: 'red', spendPct: 90, dead: new Set(), problems: ['board line 7: not valid JSON'] });
  assert.deepEqual(items.map((i) => [i.kind, i.severity]), [['budget', 'red'], ['actor', 'red'], ['landing', 'amber'], ['problem', 'amber']]);
  assert.match(items[0]!.reason, /budget reached: \$0\.90 spent \+ \$0\.20 in flight of \$1\.00; not started: t9/);
  assert.match(items[1]!.reason, /sme\/backend gave up/);
  assert.match(items[2]!.reason, /land it with: git merge --ff-only/);
});

test('spend past 80 % of the budget is an amber item before the budget is reached', () => {
  const view = foldBoard(stamp([runStarted({ budgetUsd: 10 })]));
  const items = attentionItems(view, { spendLevel: 'amber', spendPct: 83.4, dead: new Set(), problems: [] });
  assert.deepEqual(items.map((i) => [i.kind, i.severity, i.reason]), [['budget', 'amber', '83% of the $10.00 budget spent']]);
});
