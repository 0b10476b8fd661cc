import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { foldBoard } from '../../src/board/fold.js';
import { runOutcome } from '../../src/run/outcome.js';

const board = (...drafts: BoardEventDraft[]): BoardEvent[] => drafts.map((d, i) => ({ ...d, v: 1, seq: i + 1, ts: i }) as BoardEvent);
const created = (taskId: string): BoardEventDraft => ({ type: 'task.created', taskId, title: taskId, role: 'be', dependsOn: [], acceptance: [] });
const merged = (taskId: string): BoardEventDraft[] => [
  { type: 'task.ready', taskId }, { type: 'task.dispatched', taskId, role: 'be', attempt: 1 },
  { type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: '', durationMs: 1, usd: 0 },
  { type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'p' },
  { type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: [], notes: [] },
  { type: 'task.merged', taskId, attempt: 1 },
];
const escalated = (taskId: string): BoardEventDraft => ({ type: 'task.escalated', taskId, reason: 'tests' });
const exhausted: BoardEventDraft = { type: 'budget.exhausted', spentUsd: 0.8, reservedUsd: 0, budgetUsd: 1, unstarted: ['b'] };

const cases: Array<[string, BoardEventDraft[], { stopped?: boolean; bug?: string }, number, string]> = [
  ['every task merged', [created('a'), ...merged('a')], {}, 0, 'merged'],
  ['a task escalated', [created('a'), created('b'), ...merged('a'), escalated('b')], {}, 1, 'escalated'],
  ['the budget ran out', [created('a'), created('b'), ...merged('a'), exhausted], {}, 3, 'budget-exhausted'],
  ['the run was stopped', [created('a'), created('b'), ...merged('a')], { stopped: true }, 4, 'interrupted'],
  ['the planner failed', [{ type: 'plan.failed', reason: 'garbage twice' }], {}, 1, 'failed'],
  ['a bug', [created('a')], { bug: 'boom' }, 5, 'failed'],
  ['every task merged even though a stop came at the very end', [created('a'), ...merged('a')], { stopped: true }, 0, 'merged'],
];
for (const [what, drafts, facts, exit, status] of cases) {
  test(`exit ${exit} (${status}) when ${what}`, () => {
    const outcome = runOutcome(foldBoard(board(...drafts)), { stopped: facts.stopped ?? false, bug: facts.bug ?? null });
    assert.equal(outcome.exitCode, exit);
    assert.equal(outcome.status, status);
  });
}
