import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldBoard } from '../../src/board/fold.js';
import type { BoardEvent } from '../../protocol/index.js';
import { pullRequestText } from '../../src/run/pull-request.js';
import { landingLines } from '../../src/run/summary.js';

let seq = 0;
const event = (e: Record<string, unknown>): BoardEvent => ({ v: 1, seq: ++seq, ts: 1000 + seq, ...e }) as BoardEvent;
const created = (taskId: string, role: string, title: string): BoardEvent => event({ type: 'task.created', taskId, title, role, dependsOn: [], acceptance: [] });

function board(): BoardEvent[] {
  seq = 0;
  return [
    event({ type: 'run.started', runId: 'r1', goal: 'g', mode: 'execute', configHash: 'h', configFile: 'f', pid: 1, roles: ['be'], budgetUsd: null, maxParallel: 2 }),
    created('a', 'be', 'Add a'),
    created('b', 'be', 'Add b'),
    created('c', 'be', 'Add c'),
    event({ type: 'task.ready', taskId: 'a' }),
    event({ type: 'task.dispatched', taskId: 'a', role: 'be', attempt: 1 }),
    event({ type: 'attempt.finished', taskId: 'a', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 1, usd: 0 }),
    event({ type: 'review.started', taskId: 'a', attempt: 1, critic: 'qa', provider: 'p' }),
    event({ type: 'review.accepted', taskId: 'a', attempt: 1, critic: 'qa', reasons: [], notes: [] }),
    event({ type: 'task.merged', taskId: 'a', attempt: 1, sha: 'abcdef1234567' }),
    event({ type: 'task.escalated', taskId: 'b', reason: 'tests failed 3 times' }),
  ];
}

test('the pull request title is the goal\'s first line (shortened), the body lists what is in it and what is not, with reasons', () => {
  const view = foldBoard(board());
  const long = `${'Make the importer stream rows instead of loading the whole file '.repeat(2)}\nDetails follow.`;
  const text = pullRequestText({ runId: 'r1', goal: long, view, tasks: ['a'], integration: 'loop/r1/integration' });
  assert.ok(text.title.length <= 72 && text.title.endsWith('…'), text.title);
  assert.match(text.body, /^Make the importer/);
  assert.match(text.body, /## In this pull request\n- `a` Add a \(be\) — abcdef1\n/);
  assert.match(text.body, /## Not in it\n- `b` Add b \(be\) — escalated: tests failed 3 times\n- `c` Add c \(be\) — planned \(not started\)/);
  assert.equal(pullRequestText({ runId: 'r1', goal: 'Short goal', view, tasks: ['a'], integration: 'x' }).title, 'Short goal');
});

test('the summary says what landed (with its tasks) and which tasks did not land', () => {
  const events = board();
  const view = foldBoard([...events, event({ type: 'run.landed', repo: 'app', branch: 'main', sha: 'abcdef1234567', fastForwarded: true, tasks: ['a'] })]);
  assert.deepEqual(landingLines(view), ['landed: main fast-forwarded to abcdef1 in app (a)', 'did not land: b (escalated), c (not started)']);
  const pr = foldBoard([...board(), event({ type: 'run.landed', repo: 'app', branch: 'main', sha: 'abcdef1234567', fastForwarded: false, tasks: ['a'], url: 'https://example.test/pull/3' })]);
  assert.deepEqual(landingLines(pr), ['pull request: https://example.test/pull/3 into main in app (a)', 'did not land: b (escalated), c (not started)']);
  const blocked = foldBoard([...board(), event({ type: 'run.landed', repo: 'app', branch: 'main', sha: 'abcdef1234567', fastForwarded: false, tasks: ['a'], reason: 'busy', command: 'git x' })]);
  assert.deepEqual(landingLines(blocked), ['not landed in app (a): busy\n  land it with: git x']);
});
