import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyToLive, emptyLiveState } from '../../../ui/model/live-state.js';
import { buildDashboard } from '../../../ui/model/dashboard.js';
import { renderScreen } from '../../../ui/monitor/screen.js';
import { created, mergedTask, runningTask, runStarted, stamp } from '../../helpers/board-events.js';

const ANSI = /\x1b\[[0-9;]*m/g;
const visible = (line: string): number => [...line.replace(ANSI, '')].length;

function model(now: number) {
  const state = emptyLiveState();
  const drafts = [
    runStarted({ roles: ['backend', 'frontend', 'qa'], budgetUsd: 1 }),
    ...Array.from({ length: 12 }, (_, i) => created(`t${i + 1}`, i % 2 ? 'frontend' : 'backend', i > 0 ? [`t${i}`] : [])),
    ...mergedTask('t1', 'backend', 1000, 4000),
    ...runningTask('t2', 'frontend', 5000),
    [6000, { type: 'cost.recorded', role: 'frontend', taskId: 't2', phase: 'attempt', provider: 'sim', usd: 0.85, tokens: { input: 1, output: 1 } }] as const,
    [7000, { type: 'task.escalated', taskId: 't12', reason: 'tests failed: ADD_SUM_CHECK (gave up after 3 attempts; maxRepairs 2)' }] as const,
  ];
  for (const e of stamp(drafts as Parameters<typeof stamp>[0])) applyToLive(state, e);
  return buildDashboard(state, now);
}

for (const [width, height] of [[40, 10], [80, 24], [120, 40], [200, 60]] as const) {
  test(`a ${width}×${height} terminal gets at most ${height} lines of at most ${width} columns, ending with the quit key`, () => {
    const lines = renderScreen(model(200_000), { width, height, color: true, nowMs: 200_000 });
    assert.ok(lines.length <= height, `${lines.length} lines`);
    for (const line of lines) assert.ok(visible(line) <= width, `too wide (${visible(line)}): ${line.replace(ANSI, '')}`);
    assert.match(lines[lines.length - 1]!.replace(ANSI, ''), /^q quit/);
  });
}

test('plain output (--once, pipes) has no escape codes and shows every section in full', () => {
  const text = renderScreen(model(200_000), { width: Number.POSITIVE_INFINITY, height: null, color: false, nowMs: 200_000 }).join('\n');
  assert.doesNotMatch(text, /\x1b/);
  for (const heading of ['needs attention (2)', 'roles', 'tasks (12)', 'events']) assert.match(text, new RegExp(`── ${heading.replace(/[()]/g, '\\$&')}`));
  assert.match(text, /progress 1\/12 8%/);
  assert.match(text, /✗ t12 .*ESCALATED tests failed: ADD_SUM_CHECK \(gave up after 3 attempts; maxRepairs 2\)/);
  assert.match(text, /frontend +working +agent working on t2 +silent 3m 15s/);
  assert.match(text, /agent working +t2 +★ Task t2 \(frontend · \$0\.85\) ← t1✓/);
  assert.match(text, /waiting +t3 .*← t2/);
  assert.equal(text.split('\n').filter((l) => /^(agent working|waiting|merged|escalated) /.test(l)).length, 12, 'every task is listed');
});

test('spend past 80 % of the budget is amber and an agent silent for over 2 minutes is amber, in colour', () => {
  const lines = renderScreen(model(200_000), { width: 200, height: 40, color: true, nowMs: 200_000 });
  const kpi = lines[2]!;
  assert.match(kpi, /\x1b\[33m\$0\.85 \/ \$1\.00 \(85%\)\x1b\[0m/);
  const frontend = lines.find((l) => l.replace(ANSI, '').startsWith('frontend'))!;
  assert.match(frontend, /\x1b\[33msilent 3m 15s/);
});
