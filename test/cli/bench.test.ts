/**
 * `loop bench` through the real CLI: a small sweep on sim agents writes its JSON and its chart with
 * numbers that make sense (behaviour, not timing), and `--repo` measures a repository's own suite
 * in slots it removes afterwards.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runLoop } from '../helpers/loop-cli.js';
import { git, tempDir, tempRepo } from '../helpers/temp.js';

test('a small sweep runs the real pipeline at each maxParallel and writes the JSON and an HTML chart', async (t) => {
  const cwd = tempDir(t);
  const out = join(cwd, 'out');
  const result = await runLoop(['bench', '--tasks', '3', '--roles', '2', '--parallel', '2,1', '--latency', 'fixed:50ms', '--tests', 'synthetic:50ms', '--repo-files', '30', '--json', '--out', out], { cwd, env: { LOOP_HOME: tempDir(t) }, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout) as {
    kind: string;
    results: Array<{ parallel: number; merged: number; tasks: number; makespanMs: number; boundMs: number; ratio: number; tasksPerSecond: number; suiteRunsPerMergedTask: number; stages: Record<string, { n: number; p50: number }>; resources: Record<string, number | null> }>;
    recommendation: { parallel: number; reason: string };
  };
  assert.equal(report.kind, 'sweep');
  assert.deepEqual(report.results.map((r) => r.parallel), [1, 2]);
  for (const r of report.results) {
    assert.equal(r.tasks, 3);
    assert.equal(r.merged, 3);
    assert.ok(r.boundMs >= 50 && r.makespanMs >= r.boundMs, `makespan ${r.makespanMs} ≥ bound ${r.boundMs}`);
    assert.ok(r.ratio >= 1);
    assert.ok(r.tasksPerSecond > 0);
    // a train tests the changes it carries in one run, so fewer runs than changes is the point
    assert.ok(r.suiteRunsPerMergedTask > 0 && r.suiteRunsPerMergedTask <= 3, `suite runs per merged task ${r.suiteRunsPerMergedTask}`);
    for (const stage of ['slot', 'agent', 'gate', 'critic', 'merge', 'queue wait']) assert.equal(r.stages[stage]!.n, 3, stage);
    assert.ok(r.stages['agent']!.p50 >= 50);
    assert.ok((r.resources['supervisorPeakRssMb'] ?? 0) > 10, 'the supervisor was sampled');
    assert.ok((r.resources['actorPeakRssMb'] ?? 0) > 10, 'its actors were sampled');
    assert.ok((r.resources['totalCpuMs'] ?? 0) > 0);
  }
  assert.ok([1, 2].includes(report.recommendation.parallel));
  assert.ok(report.recommendation.reason.length > 20);
  const files = readdirSync(out);
  const json = files.find((f) => f.endsWith('.json'))!;
  const html = files.find((f) => f.endsWith('.html'))!;
  assert.deepEqual(JSON.parse(readFileSync(join(out, json), 'utf8')), report);
  const page = readFileSync(join(out, html), 'utf8');
  assert.match(page, /<svg[^>]+role="img"/);
  assert.equal((page.match(/<polyline/g) ?? []).length, 3, 'throughput, makespan and bound');
  assert.match(page, /Recommended maxParallel: <strong>[12]<\/strong>/);
  assert.match(result.stderr, /maxParallel 1 \(1\/2\): running 3 tasks/);
});

test('bad flags are one line each, exit 2, before anything runs', async (t) => {
  const cwd = tempDir(t);
  for (const [args, message] of [
    [['--latency', 'soon'], /--latency soon: expected fixed:DURATION/],
    [['--parallel', '0,2'], /--parallel 0,2: expected a comma-separated list/],
    [['--tasks', 'many'], /--tasks many: expected a whole number/],
  ] as const) {
    const result = await runLoop(['bench', ...args], { cwd, t });
    assert.equal(result.code, 2, result.stderr);
    assert.match(result.stderr, message);
    assert.equal(existsSync(join(cwd, '.loop')), false);
  }
});

test('--repo measures the repository\'s own test command in slots it removes afterwards, without touching the checkout', async (t) => {
  const repo = tempRepo(t, {
    'package.json': `${JSON.stringify({ name: 'demo', type: 'module', scripts: { test: 'node --test' } })}\n`,
    'test/one.test.js': "import { test } from 'node:test';\ntest('one', () => {});\n",
  });
  const home = tempDir(t);
  const out = tempDir(t);
  const result = await runLoop(['bench', '--repo', repo, '--parallel', '1,2', '--rounds', '2', '--json', '--out', out], { cwd: tempDir(t), env: { LOOP_HOME: home }, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const report = JSON.parse(result.stdout) as { kind: string; testCommand: string; suite: { runs: Array<{ status: string; wallMs: number }> }; parallel: Array<{ parallel: number; suitesPerMinute: number; statuses: string[] }>; recommendation: { parallel: number; reason: string }; slot: { createMs: number; repointMs: number } };
  assert.equal(report.kind, 'repo');
  assert.equal(report.testCommand, 'npm test');
  assert.deepEqual(report.suite.runs.map((r) => r.status), ['passed', 'passed']);
  assert.deepEqual(report.parallel.map((p) => [p.parallel, p.statuses]), [[1, ['passed']], [2, ['passed', 'passed']]]);
  assert.ok(report.parallel.every((p) => p.suitesPerMinute > 0));
  assert.ok([1, 2].includes(report.recommendation.parallel));
  assert.ok(report.slot.createMs > 0 && report.slot.repointMs > 0);
  assert.equal(git(repo, ['worktree', 'list']).split('\n').length, 1, 'its slots are gone');
  assert.equal(git(repo, ['status', '--porcelain']), '');
  assert.equal(git(repo, ['for-each-ref', 'refs/loop']), '', 'nothing archived: the slots held no work');
  assert.equal(readdirSync(out).filter((f) => f.endsWith('.json')).length, 1);
});
