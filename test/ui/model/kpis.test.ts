import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../../src/board/fold.js';
import { kpis, spendLevel } from '../../../ui/model/kpis.js';
import { eta } from '../../../ui/model/schedule.js';
import { created, mergedTask, runningTask, runStarted, stamp } from '../../helpers/board-events.js';

const levels: Array<[number, number | null, boolean, string]> = [
  [0, 10, false, 'ok'],
  [7.99, 10, false, 'ok'],
  [8, 10, false, 'amber'],
  [9.49, 10, false, 'amber'],
  [9.5, 10, false, 'red'],
  [12, 10, false, 'red'],
  [1, 10, true, 'red'],
  [5, null, false, 'none'],
  [0, 0, false, 'ok'],
];
for (const [spent, budget, exhausted, level] of levels) {
  test(`spend $${spent} of ${budget === null ? 'no budget' : `$${budget}`}${exhausted ? ' (exhausted)' : ''} is ${level}`, () => {
    assert.equal(spendLevel(spent, budget, exhausted).level, level);
  });
}

test('the KPI bar counts progress, agents at work, in progress, blocked, retries and repairs', () => {
  const failure = { kind: 'tests' as const, summary: 'tests failed: add', evidence: 'x' };
  const view = foldBoard(stamp([
    runStarted({ roles: ['backend', 'frontend', 'qa'], budgetUsd: 2 }),
    created('t1'), created('t2', 'frontend'), created('t3'), created('t4', 'frontend'),
    ...mergedTask('t1', 'backend', 0, 1000, 0.5),
    ...runningTask('t2', 'frontend', 1000),
    [1500, { type: 'attempt.finished', taskId: 't2', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 5, usd: 0 }],
    [1500, { type: 'gate.failed', taskId: 't2', attempt: 1, failure }],
    [1500, { type: 'repair.scheduled', taskId: 't2', nextAttempt: 2, failure }],
    [1600, { type: 'task.dispatched', taskId: 't2', role: 'frontend', attempt: 2 }],
    ...runningTask('t3', 'backend', 1100),
    [1200, { type: 'retry.scheduled', taskId: 't3', reason: 'agent crashed', retries: 1, delayMs: 0 }],
    [1300, { type: 'task.escalated', taskId: 't4', reason: 'no' }],
    [1400, { type: 'cost.recorded', role: 'backend', taskId: 't1', phase: 'attempt', provider: 'sim', usd: 1.7, tokens: { input: 1, output: 1 } }],
  ]));
  const k = kpis(view, eta(view, 2000), 2000);
  assert.deepEqual(
    { total: k.total, merged: k.merged, progressPct: k.progressPct, agentsActive: k.agentsActive, roles: k.roles, inProgress: k.inProgress, blocked: k.blocked, retries: k.retries, repairs: k.repairs },
    { total: 4, merged: 1, progressPct: 25, agentsActive: 1, roles: 3, inProgress: 1, blocked: 1, retries: 1, repairs: 1 },
  );
  assert.equal(k.spend.usd, 1.7);
  assert.equal(k.spend.level, 'amber');
  assert.equal(Math.round(k.spend.pct!), 85);
  assert.equal(k.elapsedMs, 2000 - 1);
});
