import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { commitFiles, fixture, git, worktreeCount, writeFiles } from '../git/support.js';
import { captureWork } from '../../src/git/capture.js';
import { poolRoot } from '../../src/git/slot-paths.js';

const CLEAN = fileURLToPath(new URL('../../src/cli/commands/clean.js', import.meta.url));

/**
 * Runs `loop clean <args>` as its own process in `cwd`. Only the clean command is registered, so
 * the state of other commands cannot interfere with this test.
 */
function loopClean(cwd: string, home: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const runner = join(home, 'run-clean.mjs');
  writeFileSync(
    runner,
    [
      `import { Cli } from ${JSON.stringify(import.meta.resolve('clipanion'))};`,
      `import { CleanCommand } from ${JSON.stringify(pathToFileURL(CLEAN).href)};`,
      "const cli = new Cli({ binaryName: 'loop', enableColors: false });",
      'cli.register(CleanCommand);',
      "process.exitCode = await cli.run(['clean', ...process.argv.slice(2)]);",
      '',
    ].join('\n'),
  );
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner, ...args], {
      cwd,
      env: { ...process.env, LOOP_HOME: home, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

/** A run that crashed mid-way: slots with and without uncommitted work, an unmerged task branch, an integration branch. */
async function crashedRun(t: Parameters<typeof fixture>[0]) {
  const f = fixture(t, { 'README.md': '# demo\n', 'src/app.js': 'app\n', '.gitignore': 'node_modules/\n' });
  // with a setup command, so the run's setup cache is left too
  const pool = f.pool({ runId: 'crashed', setupCommand: 'mkdir -p node_modules && echo dep > node_modules/dep.js' });
  const main = git(f.repo, ['rev-parse', 'main']);
  const [a, b] = [await pool.acquire('task'), await pool.acquire('task')];
  await pool.acquire('scratch');
  await pool.pointAt(a, { sha: main, branch: 'loop/crashed/t1' });
  writeFiles(a.path, { 't1.js': 'captured but never merged\n' });
  const t1 = (await captureWork(a.path, { baseSha: main, message: 't1' })).commit!;
  await pool.pointAt(b, { sha: main, branch: 'loop/crashed/t2' });
  writeFiles(b.path, { 't2.js': 'the agent was still typing\n', 'src/app.js': 'app, half edited\n' });
  git(f.repo, ['branch', 'loop/crashed/integration', main]);
  mkdirSync(join(f.repo, '.loop', 'runs', 'crashed'), { recursive: true });
  writeFileSync(join(f.repo, '.loop', 'runs', 'crashed', 'run.json'), JSON.stringify({ goal: 'x', status: 'running', pid: deadPid() }));
  return { ...f, a, b, t1 };
}

test('loop clean archives the uncommitted and unmerged work of a crashed run and removes the rest', async (t) => {
  const run = await crashedRun(t);
  assert.equal(worktreeCount(run.repo), 4);
  const result = await loopClean(run.repo, run.home, []);
  assert.equal(result.code, 0, result.stderr);

  assert.equal(worktreeCount(run.repo), 1);
  assert.equal(existsSync(run.a.path), false);
  assert.equal(existsSync(join(poolRoot(run.repo, run.home), 'crashed')), false);
  assert.equal(git(run.repo, ['branch', '--list', 'loop/*']), '');
  const archive = 'refs/loop/archive/crashed/slot-2-uncommitted';
  assert.equal(git(run.repo, ['show', `${archive}:t2.js`]), 'the agent was still typing');
  assert.equal(git(run.repo, ['show', `${archive}:src/app.js`]), 'app, half edited');
  assert.equal(git(run.repo, ['rev-parse', 'refs/loop/archive/crashed/t1']), run.t1);
  assert.match(result.stdout, /archive {3}uncommitted work in .*slot-2 → refs\/loop\/archive\/crashed\/slot-2-uncommitted/);
  assert.match(result.stdout, /archive {3}branch loop\/crashed\/t1 → refs\/loop\/archive\/crashed\/t1/);
  assert.match(result.stdout, /delete {4}branch loop\/crashed\/integration/);
  assert.match(result.stdout, /remove {4}setup cache \S+\/crashed\/\.setup/);
  assert.match(result.stdout, /git branch \S+ refs\/loop\/archive\/crashed\//);

  // restoring works as printed
  git(run.repo, ['branch', 'restored', archive]);
  assert.equal(git(run.repo, ['show', 'restored:t2.js']), 'the agent was still typing');
  git(run.repo, ['branch', '-q', '-D', 'restored']);
  assert.match((await loopClean(run.repo, run.home, [])).stdout, /Nothing to clean/);
});

test('loop clean --dry-run reports the same plan and changes nothing', async (t) => {
  const run = await crashedRun(t);
  const refsBefore = git(run.repo, ['for-each-ref']);
  const result = await loopClean(run.repo, run.home, ['--dry-run', '--json']);
  assert.equal(result.code, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { dryRun: boolean; runs: { runId: string; archived: { ref: string }[]; removedWorktrees: string[]; deletedBranches: string[]; removedSetupCache?: string }[] };
  assert.equal(report.dryRun, true);
  assert.equal(report.runs[0]!.runId, 'crashed');
  assert.deepEqual(report.runs[0]!.archived.map((archive) => archive.ref).sort(), ['refs/loop/archive/crashed/slot-2-uncommitted', 'refs/loop/archive/crashed/t1']);
  assert.equal(report.runs[0]!.removedWorktrees.length, 3);
  assert.equal(existsSync(report.runs[0]!.removedSetupCache!), true, 'the setup cache is reported and left in place');
  assert.deepEqual(report.runs[0]!.deletedBranches.sort(), ['loop/crashed/integration', 'loop/crashed/t1', 'loop/crashed/t2']);
  assert.equal(git(run.repo, ['for-each-ref']), refsBefore);
  assert.equal(worktreeCount(run.repo), 4);
});

test('loop clean skips a run that is still running and --run limits it to one run', async (t) => {
  const run = await crashedRun(t);
  git(run.repo, ['branch', 'loop/live/t1', 'main']);
  mkdirSync(join(run.repo, '.loop', 'runs', 'live'), { recursive: true });
  // this test process stands in for the live run's supervisor
  writeFileSync(join(run.repo, '.loop', 'runs', 'live', 'run.json'), JSON.stringify({ status: 'running', pid: process.pid }));

  const only = await loopClean(run.repo, run.home, ['--run', 'live']);
  assert.equal(only.code, 0, only.stderr);
  assert.match(only.stdout, /Run live: skipped, still running \(pid \d+\)/);
  assert.doesNotMatch(only.stdout, /crashed/);
  assert.equal(worktreeCount(run.repo), 4);

  const all = await loopClean(run.repo, run.home, []);
  assert.match(all.stdout, /Run crashed\n/);
  assert.equal(git(run.repo, ['branch', '--list', 'loop/*']), 'loop/live/t1');
  git(run.repo, ['branch', '-q', '-D', 'loop/live/t1']);
  commitFiles(run.repo, {}, 'keep the fixture happy');
});

test('loop clean outside a git repository prints one line and exits 2', async (t) => {
  const run = await crashedRun(t);
  const outside = join(run.home, 'not-a-repo');
  mkdirSync(outside, { recursive: true });
  const result = await loopClean(outside, run.home, []);
  assert.equal(result.code, 2);
  assert.match(result.stderr, /^loop: .*not inside a git repository/);
  assert.equal(result.stderr.trim().split('\n').length, 1);
  const bad = await loopClean(run.repo, run.home, ['--run', '../x']);
  assert.equal(bad.code, 2);
});
