import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { foldBoard } from '../../src/board/fold.js';
import { chainHeights, leaseHolders, nextWakeMs, pickDispatch, tasksBlockedByUpstream, tasksToPromote, type DispatchLimits } from '../../src/run/scheduler.js';
import { TaskIndex } from '../../src/run/task-index.js';

const board = (...drafts: BoardEventDraft[]): BoardEvent[] => drafts.map((d, i) => ({ ...d, v: 1, seq: i + 1, ts: i }) as BoardEvent);
const task = (taskId: string, role: string, dependsOn: string[] = [], files?: string[]): BoardEventDraft => ({ type: 'task.created', taskId, title: taskId, role, dependsOn, acceptance: [], ...(files ? { files } : {}) });
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
  // maxParallel bounds agents: a change in its gate, review or merge train holds no place, even while its flow goes on
  ['a task whose agent finished holds no agent place', [task('a', 'x'), task('b', 'y'), ...mergedPath('a', 'x').slice(0, 3), ready('b')], { maxParallel: 1, active: new Set(['a']) }, ['b']],
  ['a task in its merge train holds no agent place', [task('a', 'x'), task('b', 'y'), ...mergedPath('a', 'x').slice(0, 5), ready('b')], { maxParallel: 1, active: new Set(['a']) }, ['b']],
  ['a ready task whose flow is still finishing is not dispatched twice', [task('a', 'x'), ready('a')], { active: new Set(['a']) }, []],
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

const scoped = (taskId: string, role: string, files: string[]): BoardEventDraft => task(taskId, role, [], files);
const toReady = (taskId: string, attempt: number): BoardEventDraft[] => [
  { type: 'task.dispatched', taskId, role: 'x', attempt },
  { type: 'repair.scheduled', taskId, nextAttempt: attempt + 1, failure: { kind: 'tests', summary: 'red', evidence: 'e' } },
];

const leaseCases: Array<[string, BoardEventDraft[], Partial<DispatchLimits>, string[]]> = [
  ['two ready tasks with overlapping scopes: only the first goes', [scoped('a', 'x', ['src/api/**']), scoped('b', 'y', ['src/api/users.ts']), ready('a'), ready('b')], {}, ['a']],
  ['disjoint scopes run together', [scoped('a', 'x', ['src/api/**']), scoped('b', 'y', ['src/ui/**']), ready('a'), ready('b')], {}, ['a', 'b']],
  ['a task without files neither holds nor waits', [scoped('a', 'x', ['src/**']), task('b', 'y'), ready('a'), ready('b')], {}, ['a', 'b']],
  ['a running task holds its lease', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ready('a'), dispatched('a', 'x'), ready('b')], {}, []],
  ['a task in the merge queue still holds it', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ...mergedPath('a', 'x').slice(0, 5), ready('b')], {}, []],
  ['a task waiting for its repair keeps it', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ready('a'), ...toReady('a', 1), ready('b')], { roleConcurrency: { x: 0 } }, []],
  ['a merged task releases it', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ...mergedPath('a', 'x'), ready('b')], {}, ['b']],
  ['an escalated task releases it', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ready('a'), dispatched('a', 'x'), { type: 'task.escalated', taskId: 'a', reason: 'gave up' }, ready('b')], {}, ['b']],
  ['a flow started but not folded yet holds it', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ready('a'), ready('b')], { active: new Set(['a']) }, []],
  ['the critical path goes first, the overlapping leaf waits', [scoped('leaf', 'x', ['lib/**']), scoped('root', 'y', ['lib/core.js']), task('next', 'z', ['root']), ready('leaf'), ready('root')], {}, ['root']],
  ['two holders that overlap (a board from before leases) both go on, never deadlock', [scoped('a', 'x', ['src/a.js']), scoped('b', 'y', ['src/a.js']), ready('a'), ready('b'), ...toReady('a', 1), ...toReady('b', 1)], {}, ['a', 'b']],
];

for (const [what, drafts, over, expected] of leaseCases) {
  test(`scope lease: ${what}`, () => {
    const view = foldBoard(board(...drafts));
    assert.deepEqual(pickDispatch(view, limits(over)), expected);
    assert.deepEqual(pickDispatch(view, limits(over), new TaskIndex(view, chainHeights)), expected, 'the same with a task index');
  });
}

test('lease holders are the tasks with files that were dispatched and have not merged, escalated or been cancelled', () => {
  const view = foldBoard(board(
    scoped('planned', 'x', ['a']), scoped('run', 'x', ['b']), scoped('done', 'x', ['c']), task('nofiles', 'y'),
    ready('run'), dispatched('run', 'x'), ...mergedPath('done', 'x'), ready('nofiles'), dispatched('nofiles', 'y'),
  ));
  assert.deepEqual(leaseHolders(view, new Set()).map((t) => t.id), ['run']);
});

test('a task index kept event by event gives every decision the scan gives, at every step of random runs', () => {
  let seed = 7;
  const random = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  for (let run = 0; run < 40; run++) {
    const n = 3 + random(8);
    const drafts: BoardEventDraft[] = [];
    for (let i = 0; i < n; i++) {
      const deps = i > 0 && random(2) === 0 ? [`t${random(i)}`] : [];
      drafts.push(task(`t${i}`, `r${random(3)}`, deps, random(2) === 0 ? [`src/m${random(4)}/**`] : undefined));
    }
    const events: BoardEvent[] = [];
    let view = foldBoard([]);
    const index = new TaskIndex(view, chainHeights);
    const apply = (draft: BoardEventDraft): void => {
      const event = { ...draft, v: 1, seq: events.length + 1, ts: events.length } as BoardEvent;
      events.push(event);
      view = foldBoard(events);
      // A fresh index per step would hide stale entries: this one follows the events, as in a run.
      index.observe(event, view);
    };
    // The index observes views folded from scratch here; in a run it observes one live view.
    for (const draft of drafts) apply(draft);
    for (let step = 0; step < 60; step++) {
      const lim = limits({ maxParallel: 1 + random(3) });
      assert.deepEqual(tasksToPromote(view, index), tasksToPromote(view), `promote, run ${run} step ${step}`);
      assert.deepEqual(tasksBlockedByUpstream(view, index), tasksBlockedByUpstream(view), `blocked, run ${run} step ${step}`);
      const picks = pickDispatch(view, lim, index);
      assert.deepEqual(picks, pickDispatch(view, lim), `dispatch, run ${run} step ${step}`);
      const promote = tasksToPromote(view);
      const blocked = tasksBlockedByUpstream(view);
      const inFlight = view.order.filter((id) => ['running', 'implemented', 'reviewing', 'gating'].includes(view.tasks[id]!.status));
      if (promote.length > 0) apply(ready(promote[0]!));
      else if (blocked.length > 0) apply({ type: 'task.escalated', taskId: blocked[0]!.taskId, reason: blocked[0]!.reason });
      else if (picks.length > 0) apply(dispatched(picks[0]!, view.tasks[picks[0]!]!.role));
      else if (inFlight.length > 0) {
        const id = inFlight[random(inFlight.length)]!;
        const t = view.tasks[id]!;
        const outcome = random(6);
        if (outcome === 0) apply({ type: 'task.escalated', taskId: id, reason: 'random' });
        else if (outcome === 1) apply({ type: 'repair.scheduled', taskId: id, nextAttempt: t.attempt + 1, failure: { kind: 'tests', summary: 's', evidence: 'e' } });
        else if (t.status === 'running') apply({ type: 'attempt.finished', taskId: id, attempt: t.attempt, outcome: 'ok', summary: '', durationMs: 1, usd: 0 });
        else if (t.status === 'implemented') apply({ type: 'review.started', taskId: id, attempt: t.attempt, critic: 'qa', provider: 'p' });
        else if (t.status === 'reviewing') apply({ type: 'review.accepted', taskId: id, attempt: t.attempt, critic: 'qa', reasons: [], notes: [] });
        else apply({ type: 'task.merged', taskId: id, attempt: t.attempt });
      } else break;
    }
  }
});
