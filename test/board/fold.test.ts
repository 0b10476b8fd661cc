import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { foldBoard } from '../../src/board/fold.js';
import { IllegalTransitionError, MOVES, type TaskStatus } from '../../src/board/transitions.js';

/** Stamps drafts as the board actor would. */
function board(...drafts: BoardEventDraft[]): BoardEvent[] {
  return drafts.map((draft, i) => ({ ...draft, v: 1, seq: i + 1, ts: 1000 + i }) as BoardEvent);
}

const created = (taskId: string, dependsOn: string[] = []): BoardEventDraft => ({
  type: 'task.created', taskId, title: `Task ${taskId}`, role: 'backend', dependsOn, acceptance: ['works'],
});
const failure = { kind: 'tests' as const, summary: 'tests failed: add', evidence: 'AssertionError: 3 !== 4' };

const happyPath: BoardEventDraft[] = [
  created('t1'),
  { type: 'task.ready', taskId: 't1' },
  { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 1 },
  { type: 'attempt.started', taskId: 't1', attempt: 1, role: 'backend', provider: 'sim', providerType: 'sim' },
  { type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 5, usd: 0.1 },
  { type: 'gate.passed', taskId: 't1', attempt: 1, tests: 'passed', summary: 'tests passed', durationMs: 3, commit: 'abc' },
  { type: 'review.started', taskId: 't1', attempt: 1, critic: 'qa', provider: 'sim-critic' },
  { type: 'review.accepted', taskId: 't1', attempt: 1, critic: 'qa', reasons: ['ok'], notes: [] },
  { type: 'task.merged', taskId: 't1', attempt: 1, sha: 'def' },
];

test('a task walks planned → ready → running → implemented → reviewing → gating → merged', () => {
  const statuses: TaskStatus[] = [];
  for (let n = 1; n <= happyPath.length; n++) statuses.push(foldBoard(board(...happyPath.slice(0, n))).tasks['t1']!.status);
  assert.deepEqual(statuses, ['planned', 'ready', 'running', 'running', 'implemented', 'implemented', 'reviewing', 'gating', 'merged']);
  const view = foldBoard(board(...happyPath));
  assert.equal(view.tasks['t1']!.commit, 'abc');
  assert.equal(view.tasks['t1']!.mergedSha, 'def');
  assert.equal(view.tasks['t1']!.history.length, happyPath.length);
});

test('a repair goes back to ready with the failure attached and counts as a repair, not a retry', () => {
  const view = foldBoard(board(
    ...happyPath.slice(0, 6),
    { type: 'repair.scheduled', taskId: 't1', nextAttempt: 2, failure },
  ));
  const t = view.tasks['t1']!;
  assert.equal(t.status, 'ready');
  assert.equal(t.repairs, 1);
  assert.equal(t.retries, 0);
  assert.deepEqual(t.lastFailure, failure);
});

test('a retry goes back to ready and counts as a retry', () => {
  const view = foldBoard(board(...happyPath.slice(0, 4), { type: 'retry.scheduled', taskId: 't1', reason: 'agent crashed', retries: 1, delayMs: 500 }));
  assert.equal(view.tasks['t1']!.status, 'ready');
  assert.equal(view.tasks['t1']!.retries, 1);
  assert.equal(view.tasks['t1']!.repairs, 0);
});

test('a rejected review records the critic\'s reasons as the failure to fix', () => {
  const view = foldBoard(board(
    ...happyPath.slice(0, 7),
    { type: 'review.rejected', taskId: 't1', attempt: 1, critic: 'qa', reasons: ['multiply(2,3) returns 5'], notes: [] },
  ));
  assert.equal(view.tasks['t1']!.status, 'reviewing');
  assert.equal(view.tasks['t1']!.lastFailure?.evidence, 'multiply(2,3) returns 5');
});

const illegal: Array<[string, BoardEventDraft[]]> = [
  ['dispatching a planned task whose dependencies are not merged', [created('t1'), { type: 'task.dispatched', taskId: 't1', role: 'backend', attempt: 1 }]],
  ['merging a task that was never reviewed', [...happyPath.slice(0, 5), { type: 'task.merged', taskId: 't1', attempt: 1 }]],
  ['anything after merged', [...happyPath, { type: 'task.ready', taskId: 't1' }]],
  ['escalating a merged task', [...happyPath, { type: 'task.escalated', taskId: 't1', reason: 'late' }]],
  ['an event for an unknown task', [{ type: 'task.ready', taskId: 'ghost' }]],
  ['a duplicate task id', [created('t1'), created('t1')]],
  ['gate result while the agent still runs', [...happyPath.slice(0, 4), { type: 'gate.passed', taskId: 't1', attempt: 1, tests: 'passed', summary: '', durationMs: 1 }]],
];

for (const [what, drafts] of illegal) {
  test(`the fold rejects ${what} loudly`, () => {
    assert.throws(() => foldBoard(board(...drafts)), IllegalTransitionError);
  });
}

test('every move in the transition table leaves from at least one status and lands on a known one', () => {
  for (const [name, rule] of Object.entries(MOVES)) {
    assert.ok(rule.from.length > 0, name);
    assert.ok(typeof rule.to === 'string', name);
  }
});

test('events must be folded in seq order', () => {
  const events = board({ type: 'run.note', level: 'info', message: 'a' }, { type: 'run.note', level: 'info', message: 'b' });
  assert.throws(() => foldBoard([events[1]!, events[0]!]), /seq order/);
});

test('costs add up per role, task and phase, and onto the task', () => {
  const view = foldBoard(board(
    created('t1'),
    { type: 'cost.recorded', role: 'planner', phase: 'plan', provider: 'claude', usd: 0.05, tokens: { input: 100, output: 10 } },
    { type: 'cost.recorded', role: 'backend', taskId: 't1', phase: 'attempt', provider: 'claude', usd: 0.4, tokens: { input: 1000, output: 200 } },
    { type: 'cost.recorded', role: 'qa', taskId: 't1', phase: 'review', provider: 'codex', usd: 0.1, tokens: { input: 500, output: 50 } },
  ));
  assert.equal(view.spend.calls, 3);
  assert.ok(Math.abs(view.spend.totalUsd - 0.55) < 1e-9);
  assert.ok(Math.abs(view.tasks['t1']!.costUsd - 0.5) < 1e-9);
  assert.deepEqual(view.spend.tokens, { input: 1600, output: 260 });
  assert.equal(view.spend.byPhase['plan'], 0.05);
});

test('a role supervisor that reached its restart intensity marks the offender as gave-up', () => {
  const view = foldBoard(board(
    { type: 'actor.started', actor: 'sme/backend', pid: 10, restarts: 0 },
    { type: 'actor.crashed', actor: 'sme/backend', reason: 'boom', exitCode: 1, signal: null },
    { type: 'supervisor.report', supervisor: 'role/backend', context: 'reached_max_restart_intensity', reason: 'boom', offender: 'sme/backend' },
  ));
  assert.equal(view.actors['sme/backend']!.status, 'gave-up');
});

test('run.finished and run.resumed set and clear the outcome', () => {
  const finished = foldBoard(board({ type: 'run.finished', status: 'interrupted', exitCode: 4, reason: 'stopped' }));
  assert.equal(finished.status, 'interrupted');
  const resumed = foldBoard(board({ type: 'run.finished', status: 'interrupted', exitCode: 4, reason: 'stopped' }, { type: 'run.resumed', pid: 1, interrupted: [] }));
  assert.equal(resumed.status, 'running');
  assert.equal(resumed.exitCode, undefined);
  assert.equal(resumed.resumes, 1);
});
