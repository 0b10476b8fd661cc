import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { foldBoard } from '../../src/board/fold.js';
import { nextWakeMs, pickDispatch, tasksBlockedByUpstream, tasksToPromote, type DispatchLimits } from '../../src/run/scheduler.js';

const board = (...drafts: BoardEventDraft[]): BoardEvent[] => drafts.map((d, i) => ({ ...d, v: 1, seq: i + 1, ts: i }) as BoardEvent);
const task = (taskId: string, role: string, dependsOn: string[] = []): BoardEventDraft => ({ type: 'task.created', taskId, title: taskId, role, dependsOn, acceptance: [] });
const ready = (taskId: string): BoardEventDraft => ({ type: 'task.ready', taskId });
const dispatched = (taskId: string, role: string): BoardEventDraft => ({ type: 'task.dispatched', taskId, role, attempt: 1 });
const mergedPath = (taskId: string, role: string): BoardEventDraft[] => [
  ready(taskId), dispatched(taskId, role),
  { type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: '', durationMs: 1, usd: 0 },
  { type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'p' },
  { type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: [], notes: [] },
  { type: 'task.merged', taskId, attempt: 1 },
];

const limits = (over: Partial<DispatchLimits> = {}): DispatchLimits => ({
  maxParallel: 4, roleConcurrency: {}, blockedRoles: new Set(), active: new Set(), notBefore: new Map(), nowMs: 0, ...over,
});

test('a planned task is promoted only when every dependency is merged', () => {
  const view = foldBoard(board(task('a', 'be'), task('b', 'be'), task('c', 'fe', ['a', 'b']), ...mergedPath('a', 'be')));
  assert.deepEqual(tasksToPromote(view), ['b']);
  const after = foldBoard(board(task('a', 'be'), task('b', 'be'), task('c', 'fe', ['a', 'b']), ...mergedPath('a', 'be'), ...mergedPath('b', 'be')));
  assert.deepEqual(tasksToPromote(after), ['c']);
});

test('a task whose dependency was escalated can never run and says which one', () => {
  const view = foldBoard(board(task('a', 'be'), task('b', 'fe', ['a']), { type: 'task.escalated', taskId: 'a', reason: 'tests kept failing' }));
  const blocked = tasksBlockedByUpstream(view);
  assert.equal(blocked.length, 1);
  assert.equal(blocked[0]!.taskId, 'b');
  assert.match(blocked[0]!.reason, /upstream task a was escalated: tests kept failing/);
});

const dispatchCases: Array<[string, BoardEventDraft[], Partial<DispatchLimits>, string[]]> = [
  ['ready tasks go in plan order up to maxParallel', [task('a', 'x'), task('b', 'y'), task('c', 'z'), ready('a'), ready('b'), ready('c')], { maxParallel: 2 }, ['a', 'b']],
  ['a role runs one task at a time by default', [task('a', 'be'), task('b', 'be'), ready('a'), ready('b')], {}, ['a']],
  ['a role with concurrency 2 runs two', [task('a', 'be'), task('b', 'be'), ready('a'), ready('b')], { roleConcurrency: { be: 2 } }, ['a', 'b']],
  ['running tasks use up the team slots', [task('a', 'x'), task('b', 'y'), ready('a'), dispatched('a', 'x'), ready('b')], { maxParallel: 1 }, []],
  ['an active flow that is not folded yet counts as busy', [task('a', 'x'), task('b', 'y'), ready('a'), ready('b')], { maxParallel: 1, active: new Set(['a']) }, []],
  ['a blocked role gets nothing', [task('a', 'be'), ready('a')], { blockedRoles: new Set(['be']) }, []],
  ['a task backing off waits', [task('a', 'be'), ready('a')], { notBefore: new Map([['a', 100]]), nowMs: 50 }, []],
  ['a task whose backoff passed goes', [task('a', 'be'), ready('a')], { notBefore: new Map([['a', 100]]), nowMs: 100 }, ['a']],
  ['a task in review frees its role for the next one', [task('a', 'be'), task('b', 'be'), ...mergedPath('a', 'be').slice(0, 4), ready('b')], {}, ['b']],
];

for (const [what, drafts, over, expected] of dispatchCases) {
  test(`dispatch: ${what}`, () => {
    assert.deepEqual(pickDispatch(foldBoard(board(...drafts)), limits(over)), expected);
  });
}

test('nextWakeMs is the earliest backoff of a ready task still in the future', () => {
  const view = foldBoard(board(task('a', 'x'), task('b', 'y'), ready('a'), ready('b')));
  assert.equal(nextWakeMs(view, new Map([['a', 300], ['b', 200]]), 100), 200);
  assert.equal(nextWakeMs(view, new Map([['a', 50]]), 100), null);
});

test('the ready task with the longest chain of dependents goes first (critical path), ties in plan order', () => {
  const view = foldBoard(board(
    task('leaf', 'a'), task('root', 'b'), task('mid', 'c', ['root']), task('end', 'd', ['mid']), task('other', 'e'),
    ready('leaf'), ready('root'), ready('other'),
  ));
  assert.deepEqual(pickDispatch(view, limits({ maxParallel: 1 })), ['root']);
  assert.deepEqual(pickDispatch(view, limits({ maxParallel: 3 })), ['root', 'leaf', 'other']);
});
