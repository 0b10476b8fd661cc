import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { behaviourFor, DEFAULT_SIM, effectiveSim, latencyFor } from '../../../src/providers/sim/behaviour.js';
import { runSimAgent, SimCrash } from '../../../src/providers/sim/agent.js';
import { goalParts, simPlan, splitGoal } from '../../../src/providers/sim/planner.js';
import { simVerdictText } from '../../../src/providers/sim/critic.js';
import { parseVerdict } from '../../../src/providers/verdict.js';
import { tempDir, writeFiles } from '../../helpers/temp.js';

test('behaviour: a per-task override wins, and failAttempts limits a failure to the first attempts', () => {
  const sim = { ...DEFAULT_SIM, behaviour: 'ok' as const, tasks: { t2: 'fail' as const }, failAttempts: 1 };
  assert.equal(behaviourFor(sim, 't1', 1), 'ok');
  assert.equal(behaviourFor(sim, 't2', 1), 'fail');
  assert.equal(behaviourFor(sim, 't2', 2), 'ok');
  assert.equal(behaviourFor({ ...sim, failAttempts: 0 }, 't2', 9), 'fail');
});

test('environment overrides apply globally or to one provider key', () => {
  const env = { LOOP_SIM_BEHAVIOUR: 'hang', LOOP_SIM_COST_USD_SIM_CRITIC: '0.25', LOOP_SIM_TASKS: 't1=crash, t2=garbage' };
  const critic = effectiveSim(undefined, 'sim-critic', env);
  assert.equal(critic.behaviour, 'hang');
  assert.equal(critic.costUsd, 0.25);
  assert.deepEqual(critic.tasks, { t1: 'crash', t2: 'garbage' });
  assert.equal(effectiveSim(undefined, 'sim', env).costUsd, 0);
  assert.throws(() => effectiveSim(undefined, 'sim', { LOOP_SIM_BEHAVIOUR: 'explode' }), /unknown sim behaviour "explode"/);
});

test('latency is deterministic per task and attempt', () => {
  const sim = { ...DEFAULT_SIM, latencyMs: 100, jitterMs: 50 };
  assert.equal(latencyFor(sim, 't1#1'), latencyFor(sim, 't1#1'));
  assert.ok(latencyFor(sim, 't1#1') >= 100 && latencyFor(sim, 't1#1') <= 150);
});

test('with latencySigma, latencies spread log-normally around the median latencyMs, still the same per task and attempt', () => {
  const sim = { ...DEFAULT_SIM, latencyMs: 1000, latencySigma: 0.5 };
  const samples = Array.from({ length: 2000 }, (_, i) => latencyFor(sim, `t${i}#1`)).sort((a, b) => a - b);
  assert.equal(latencyFor(sim, 't7#1'), latencyFor(sim, 't7#1'));
  const median = samples[1000]!;
  assert.ok(median > 930 && median < 1070, `median ${median}`);
  // For a log-normal, the 84th percentile is the median times e^sigma (one standard deviation).
  const p84 = samples[1680]!;
  assert.ok(p84 / median > 1.5 && p84 / median < 1.8, `p84/median ${p84 / median}`);
  assert.ok(samples[0]! > 0);
});

test('goals split at top-level separators, never inside brackets', () => {
  assert.deepEqual(splitGoal('Add subtract(a,b) and multiply(a,b) to math.js, each with a test'), ['Add subtract(a,b)', 'multiply(a,b) to math.js', 'each with a test']);
  assert.deepEqual(splitGoal('one thing'), ['one thing']);
});

test('goal parts share the leading verb, a trailing place and a closing "each with …"', () => {
  const table: [string, string[]][] = [
    ['Add subtract(a,b) and multiply(a,b) to math.js, each with a test', ['Add subtract(a,b) to math.js, with a test', 'Add multiply(a,b) to math.js, with a test']],
    ['add subtract, multiply, divide and pow to math.js, with docs', ['add subtract to math.js, with docs', 'add multiply to math.js, with docs', 'add divide to math.js, with docs', 'add pow to math.js, with docs']],
    ['Add a login page and fix the header in ui.tsx', ['Add a login page', 'fix the header in ui.tsx']],
    ['Implement parse and format in dates.ts', ['Implement parse in dates.ts', 'Implement format in dates.ts']],
    ['api, ui', ['api', 'ui']],
    ['Build the api; then write docs for users', ['Build the api', 'write docs for users']],
    ['one thing', ['one thing']],
    ['each with a test', ['each with a test']],
  ];
  for (const [goal, parts] of table) assert.deepEqual(goalParts(goal), parts, goal);
});

test('the sim planner gives every role its tasks, design first, with dependencies', () => {
  const roles = [
    { name: 'architect', title: 'Architect', sme: 'architect', responsibilities: [] },
    { name: 'backend', title: 'Backend', responsibilities: [] },
    { name: 'frontend', title: 'Frontend', responsibilities: [] },
  ];
  const plan = simPlan('api, ui', roles, 2);
  assert.equal(plan.tasks.length, 6);
  assert.deepEqual(plan.tasks.map((t) => t.role), ['architect', 'architect', 'backend', 'backend', 'frontend', 'frontend']);
  assert.deepEqual(plan.tasks[2]!.dependsOn, ['t1']);
  assert.deepEqual(plan.tasks[3]!.dependsOn, ['t3']);
});

const attempt = (over: Partial<Parameters<typeof runSimAgent>[0]>) => runSimAgent({
  sim: DEFAULT_SIM, taskId: 't1', attempt: 1, title: 'Add subtract', files: undefined, workdir: null,
  signal: new AbortController().signal, hang: async () => ({ timedOut: true, durationMs: 1, argv: ['sh'] }), ...over,
});

test('in dry-run the sim agent touches nothing; with a worktree it appends a comment to the task\'s file', async (t) => {
  const dry = await attempt({});
  assert.equal(dry.ok, true);
  const dir = tempDir(t);
  writeFiles(dir, { 'math.js': 'export const add = (a, b) => a + b;\n' });
  const wet = await attempt({ workdir: dir, files: ['math.js'] });
  assert.equal(wet.ok, true);
  assert.match(readFileSync(join(dir, 'math.js'), 'utf8'), /\/\/ sim: Add subtract \(task t1, attempt 1\)\n$/);
  await attempt({ workdir: dir, files: ['src/**/*.js'] });
  assert.equal(existsSync(join(dir, 'loop-sim', 't1.md')), true);
});

test('each failure behaviour is reachable', async () => {
  const sim = (behaviour: 'fail' | 'garbage' | 'crash' | 'hang' | 'no-changes') => ({ ...DEFAULT_SIM, behaviour, costUsd: 0.4 });
  const failed = await attempt({ sim: sim('fail') });
  assert.equal(failed.ok, false);
  assert.equal(failed.usd, 0.4);
  assert.equal((await attempt({ sim: sim('garbage') })).errorKind, 'bad-output');
  await assert.rejects(attempt({ sim: sim('crash') }), SimCrash);
  const hung = await attempt({ sim: sim('hang') });
  assert.equal(hung.timedOut, true);
  assert.equal(hung.errorKind, 'timeout');
});

test('the sim critic\'s answers parse like a real critic\'s', () => {
  const accept = parseVerdict(simVerdictText(DEFAULT_SIM, 't1', 1, ['works']));
  assert.equal(accept.ok && accept.verdict.verdict, 'accept');
  const reject = parseVerdict(simVerdictText({ ...DEFAULT_SIM, behaviour: 'reject' }, 't1', 1, []));
  assert.equal(reject.ok && reject.verdict.verdict, 'reject');
  assert.equal(parseVerdict(simVerdictText({ ...DEFAULT_SIM, behaviour: 'garbage' }, 't1', 1, [])).ok, false);
});
