/**
 * What a pane shows for its role, from board events and transcripts (followed through an in-memory
 * stand-in here; the real follower and tmux are in follow-file and viewport tests).
 */
import assert from 'node:assert/strict';
import test from 'node:test';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { applyEvent } from '../../src/board/fold.js';
import { emptyRunView } from '../../src/board/view.js';
import { Feed, type FeedSubject, type Follower } from '../../src/tmux/feed.js';

/** A board, transcripts in memory, and what the feed printed. */
function harness(subject: FeedSubject, options: { bell?: boolean } = {}) {
  const files = new Map<string, string[]>();
  const readers = new Map<string, { offset: number; onLines: (lines: string[]) => void; stopped: boolean }>();
  const printed: string[] = [];
  const feed = new Feed({
    subject, logsDir: '/run/logs', color: false, bell: options.bell ?? false, write: (text) => printed.push(text),
    follow: (path, onLines): Follower => {
      const reader = { offset: 0, onLines, stopped: false };
      readers.set(path, reader);
      const readNow = (): void => {
        const lines = files.get(path) ?? [];
        if (reader.stopped || reader.offset >= lines.length) return;
        onLines(lines.slice(reader.offset));
        reader.offset = lines.length;
      };
      return { readNow, flushPartial: () => {}, watch: readNow, stop: () => (reader.stopped = true) };
    },
  });
  const view = emptyRunView();
  let seq = 0;
  return {
    feed,
    /** A writer appends to a transcript; a watching follower reads it at once. */
    append(path: string, ...lines: string[]): void {
      files.set(path, [...(files.get(path) ?? []), ...lines]);
      const reader = readers.get(path);
      if (!reader || reader.stopped) return;
      reader.onLines(lines);
      reader.offset += lines.length;
    },
    board(draft: BoardEventDraft): void {
      seq += 1;
      const event = { ...draft, v: 1, seq, ts: Date.UTC(2026, 11, 4, 10, 0, seq) } as BoardEvent;
      applyEvent(view, event);
      feed.event(event, view);
    },
    text: (): string => printed.join(''),
    readers,
  };
}

const started: BoardEventDraft = { type: 'run.started', runId: 'r', goal: 'add things', mode: 'execute', configHash: 'h', configFile: 'c', pid: 1, roles: ['planner', 'be1', 'be2', 'qa'], budgetUsd: null, maxParallel: 2 };
const task = (taskId: string, role: string, title: string): BoardEventDraft => ({ type: 'task.created', taskId, title, role, dependsOn: [], acceptance: ['works'] });

test("a role's pane: a header per attempt, the decoded transcript as it grows, then the verdicts in the printer's words", () => {
  const h = harness({ role: 'be1', planner: false });
  h.feed.goLive();
  h.board(started);
  h.board(task('t1', 'be1', 'Add subtract'));
  h.board(task('t2', 'be2', 'Add multiply'));
  h.board({ type: 'task.ready', taskId: 't1' });
  h.board({ type: 'task.dispatched', taskId: 't1', role: 'be1', attempt: 1 });
  h.board({ type: 'attempt.started', taskId: 't1', attempt: 1, role: 'be1', provider: 'claude', providerType: 'claude', logFile: '/run/logs/t1.1.log' });
  h.append('/run/logs/t1.1.log', '{"type":"assistant","message":{"content":[{"type":"tool_use","name":"Bash","input":{"command":"npm test"}}]}}');
  assert.match(h.text(), /→ Bash  npm test\n$/);
  h.append('/run/logs/t1.1.log', '{"type":"user","message":{"content":[{"type":"tool_result","content":"5 passed"}]}}');
  h.board({ type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 1, usd: 0 });
  assert.equal(h.readers.get('/run/logs/t1.1.log')!.stopped, true, 'a finished attempt is no longer followed');
  h.board({ type: 'gate.passed', taskId: 't1', attempt: 1, tests: 'passed', summary: 'tests passed (npm test)', durationMs: 1 });
  h.board({ type: 'task.ready', taskId: 't2' });
  h.board({ type: 'task.dispatched', taskId: 't2', role: 'be2', attempt: 1 });
  assert.equal([...h.text().matchAll(/t1 +be1 +planned/g)].length, 1);
  assert.equal(h.text(),
    '10:00:02  t1     be1        planned      Add subtract\n' +
    '\n━━ t1 · Add subtract · attempt 1 · claude ━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n' +
    '→ Bash  npm test\n' +
    '  ← 5 passed\n' +
    '10:00:07  t1     be1        implemented  done\n' +
    '10:00:08  t1     be1        verified     tests passed (npm test)\n');
});

test('the critic\'s pane follows its reviews; the planner\'s follows the planning; every pane shows the run\'s end', () => {
  const qa = harness({ role: 'qa', planner: false });
  const planner = harness({ role: 'planner', planner: true });
  for (const h of [qa, planner]) {
    h.feed.goLive();
    h.board(started);
    h.append('/run/logs/plan.log', 't1 → be1: Add subtract');
    h.board({ type: 'plan.accepted', source: 'planner', taskCount: 1, planner: 'planner' });
    h.board(task('t1', 'be1', 'Add subtract'));
    h.board({ type: 'task.ready', taskId: 't1' });
    h.board({ type: 'task.dispatched', taskId: 't1', role: 'be1', attempt: 1 });
    h.board({ type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'done', durationMs: 1, usd: 0 });
    h.board({ type: 'review.started', taskId: 't1', attempt: 1, critic: 'qa', provider: 'codex' });
    h.append('/run/logs/t1.1.review.log', '{"type":"item.completed","item":{"id":"i","type":"agent_message","text":"Looks right."}}');
    h.board({ type: 'review.accepted', taskId: 't1', attempt: 1, critic: 'qa', reasons: ['ok'], notes: [] });
    h.board({ type: 'run.finished', status: 'merged', exitCode: 0, reason: 'all 1 tasks merged' });
  }
  assert.match(qa.text(), /━━ review of t1 · Add subtract · attempt 1 · codex ━+\nLooks right\.\n.*accepted +by qa\n/);
  assert.doesNotMatch(qa.text(), /t1 → be1/);
  assert.match(planner.text(), /^━━ planning · add things ━+\nt1 → be1: Add subtract\n/);
  assert.doesNotMatch(planner.text(), /Looks right/);
  for (const h of [qa, planner]) assert.match(h.text(), /run finished: merged \(exit 0\): all 1 tasks merged\n$/);
});

test('two attempts of one role at once are told apart by a prefix; streamed pieces of a message share a line', () => {
  const h = harness({ role: 'be', planner: false });
  h.feed.goLive();
  h.board(started);
  for (const id of ['t1', 't2']) {
    h.board(task(id, 'be', id.toUpperCase()));
    h.board({ type: 'task.ready', taskId: id });
    h.board({ type: 'task.dispatched', taskId: id, role: 'be', attempt: 1 });
    h.board({ type: 'attempt.started', taskId: id, attempt: 1, role: 'be', provider: 'gemini', providerType: 'gemini' });
  }
  h.append('/run/logs/t1.1.log', '{"type":"message","timestamp":"x","role":"assistant","content":"Hel","delta":true}', '{"type":"message","timestamp":"x","role":"assistant","content":"lo.","delta":true}');
  h.append('/run/logs/t2.1.log', 'plain line');
  assert.match(h.text(), /t1 │ Hello\.\nt2 │ plain line\n$/);
});

test('the bell rings for what needs the user, and only live (not when replaying the past)', () => {
  const replay = harness({ role: 'be', planner: false }, { bell: true });
  const live = harness({ role: 'be', planner: false }, { bell: true });
  live.feed.goLive();
  for (const h of [replay, live]) {
    h.board(started);
    h.board(task('t1', 'be', 'T1'));
    h.board(task('t2', 'other', 'T2'));
    h.board({ type: 'task.escalated', taskId: 't2', reason: 'not mine' });
    assert.ok(!h.text().includes('\u0007'), "another role's escalation does not ring here");
    h.board({ type: 'task.escalated', taskId: 't1', reason: 'stuck' });
  }
  assert.ok(!replay.text().includes('\u0007'));
  assert.equal(live.text().split('\u0007').length - 1, 1);
});
