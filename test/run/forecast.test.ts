import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BoardEvent, BoardEventDraft } from '../../protocol/index.js';
import { criticalPath, forecastRun, type ForecastProvider, type ForecastSetup, type ForecastTask } from '../../src/run/forecast.js';
import { budgetDecision, formatForecast } from '../../src/run/forecast-step.js';
import { addRun, emptyHistory } from '../../src/run/history.js';

const claude: ForecastProvider = { key: 'claude', estimateUsd: 0.5 };
const codex: ForecastProvider = { key: 'codex', estimateUsd: 0.3, priceTokens: (t) => (t.input * 2 + t.output * 10) / 1_000_000 };

function setup(tasks: ForecastTask[], over: Partial<ForecastSetup> = {}): ForecastSetup {
  return {
    tasks,
    implementerOf: () => claude,
    criticOf: () => codex,
    maxParallel: 4,
    roleConcurrency: {},
    maxRepairs: 2,
    ...over,
  };
}

const t = (id: string, role: string, dependsOn: string[] = [], files?: string[]): ForecastTask => ({ id, role, dependsOn, ...(files ? { files } : {}) });

/** A finished earlier run: each task one attempt of `agentMs` on claude, reviewed by codex in `reviewMs`. */
function earlierRun(tasks: number, agentMs: number, reviewMs: number, attemptUsd = 0.2): BoardEvent[] {
  const drafts: BoardEventDraft[] = [];
  const at: number[] = [];
  let ts = 1_000;
  const push = (draft: BoardEventDraft, advance = 0): void => {
    ts += advance;
    drafts.push(draft);
    at.push(ts);
  };
  for (let i = 0; i < tasks; i++) {
    const taskId = `e${i}`;
    push({ type: 'attempt.started', taskId, attempt: 1, role: 'be', provider: 'claude', providerType: 'claude' });
    push({ type: 'cost.recorded', role: 'be', taskId, phase: 'attempt', provider: 'claude', usd: attemptUsd, tokens: { input: 1000, output: 100 } });
    push({ type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: '', durationMs: agentMs, usd: attemptUsd }, agentMs);
    push({ type: 'gate.passed', taskId, attempt: 1, tests: 'passed', summary: '', durationMs: 1_000 }, 1_000);
    push({ type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'codex' });
    // codex bills by tokens: the recorded dollars are re-priced with today's table.
    push({ type: 'cost.recorded', role: 'qa', taskId, phase: 'review', provider: 'codex', usd: 99, tokens: { input: 10_000, output: 1_000 }, priced: true });
    push({ type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: [], notes: [] }, reviewMs);
    push({ type: 'task.merged', taskId, attempt: 1 }, 500);
  }
  return drafts.map((d, i) => ({ ...d, v: 1, seq: i + 1, ts: at[i]! }) as BoardEvent);
}

test('with no history: the critical path by task count, no wall time, and a cost range from the per-call estimates', () => {
  const f = forecastRun(setup([t('a', 'be'), t('b', 'be', ['a']), t('c', 'fe')]), emptyHistory());
  assert.deepEqual(f.criticalPath, ['a', 'b']);
  assert.equal(f.criticalPathMs, null);
  assert.equal(f.wallMs, null);
  assert.deepEqual(f.attempts, { low: 1, high: 3 });
  assert.equal(f.costLowUsd.toFixed(2), (3 * (0.5 + 0.3)).toFixed(2));
  assert.equal(f.costHighUsd.toFixed(2), (3 * 3 * (0.5 + 0.3)).toFixed(2));
  assert.deepEqual(f.estimated, ['claude', 'codex']);
  const text = formatForecast(f, 5, 4).join('\n');
  assert.match(text, /no history yet/);
  assert.match(text, /critical path a → b \(2 tasks\); expected wall time: unknown/);
  assert.match(text, /cost \$2\.40–\$7\.20 \(1–3 attempts per task; claude, codex by loop's per-call estimate/);
});

test('with history: durations give the critical path and the wall time; calls are priced, tokens with today\'s table', () => {
  const history = addRun(emptyHistory(), earlierRun(3, 60_000, 20_000));
  const f = forecastRun(setup([t('a', 'be'), t('b', 'be', ['a']), t('c', 'fe')], { maxParallel: 2 }), history);
  // per task: 1 × (60 s agent + 1 s gate + 20 s review) + 0.5 s merge = 81.5 s
  assert.equal(f.criticalPathMs, 163_000);
  assert.deepEqual(f.criticalPath, ['a', 'b']);
  assert.equal(f.wallMs, 163_000, 'c runs beside the chain');
  assert.deepEqual(f.attempts, { low: 1, high: 1 });
  const review = (10_000 * 2 + 1_000 * 10) / 1_000_000;
  assert.equal(f.costLowUsd.toFixed(4), (3 * (0.2 + review)).toFixed(4));
  assert.deepEqual(f.estimated, []);
  assert.match(formatForecast(f, null, 2).join('\n'), /from 1 earlier run here[\s\S]*~2m 43s\); expected wall time ~2m 43s at maxParallel 2[\s\S]*no budget set/);
});

test('the expected wall time follows the schedule: one slot, one task per role at a time, overlapping files one after the other', () => {
  const history = addRun(emptyHistory(), earlierRun(2, 10_000, 0));
  const per = 10_000 + 1_000 + 0 + 500;
  const cases: Array<[string, ForecastTask[], Partial<ForecastSetup>, number]> = [
    ['independent tasks, two slots', [t('a', 'x'), t('b', 'y')], { maxParallel: 2 }, per],
    ['one slot', [t('a', 'x'), t('b', 'y')], { maxParallel: 1 }, 2 * per],
    ['one role: its agents one after the other, the rest overlaps', [t('a', 'x'), t('b', 'x')], { maxParallel: 2 }, 10_000 + per],
    ['overlapping files', [t('a', 'x', [], ['src/**']), t('b', 'y', [], ['src/a.ts'])], { maxParallel: 2 }, 2 * per],
    ['disjoint files', [t('a', 'x', [], ['src/**']), t('b', 'y', [], ['docs/**'])], { maxParallel: 2 }, per],
  ];
  for (const [what, tasks, over, expected] of cases) assert.equal(forecastRun(setup(tasks, over), history).wallMs, expected, what);
});

test('attempts per task come from history: a run that needed repairs widens the range', () => {
  const history = addRun(emptyHistory(), earlierRun(1, 1_000, 0));
  const repaired: BoardEventDraft[] = [1, 2, 3].flatMap((attempt) => [
    { type: 'attempt.started', taskId: 'r', attempt, role: 'be', provider: 'claude', providerType: 'claude' } as BoardEventDraft,
  ]);
  addRun(history, [...repaired, { type: 'task.escalated', taskId: 'r', reason: 'x' } as BoardEventDraft].map((d, i) => ({ ...d, v: 1, seq: i + 1, ts: i }) as BoardEvent));
  assert.deepEqual(history.attemptsPerTask, [1, 3]);
  assert.deepEqual(forecastRun(setup([t('a', 'be')]), history).attempts, { low: 1, high: 3 });
});

test('a critical path is the longest chain by duration, not by count', () => {
  const tasks = [t('a', 'x'), t('b', 'x', ['a']), t('c', 'x', ['b']), t('slow', 'y')];
  assert.deepEqual(criticalPath(tasks, new Map([['a', 1], ['b', 1], ['c', 1], ['slow', 10]])).ids, ['slow']);
  assert.deepEqual(criticalPath(tasks, null).ids, ['a', 'b', 'c']);
});

const decisions: Array<[string, number, number | null, 'dry-run' | 'execute', { yes: boolean; ask: boolean }, string]> = [
  ['within the budget', 4, 5, 'execute', { yes: false, ask: true }, 'within-budget'],
  ['no budget', 400, null, 'execute', { yes: false, ask: true }, 'within-budget'],
  ['a dry-run spends nothing', 400, 5, 'dry-run', { yes: false, ask: true }, 'within-budget'],
  ['over, on a terminal', 6, 5, 'execute', { yes: false, ask: true }, 'ask'],
  ['over, --yes', 6, 5, 'execute', { yes: true, ask: true }, 'go-yes'],
  ['over, no terminal', 6, 5, 'execute', { yes: false, ask: false }, 'go-no-terminal'],
];
for (const [what, high, budget, mode, q, expected] of decisions) {
  test(`budget question: ${what} → ${expected}`, () => {
    assert.equal(budgetDecision(high, budget, mode, { yes: q.yes, ask: q.ask ? async () => true : null }), expected);
  });
}
