/**
 * Before anything is spent, `loop run --execute` checks that the setup and test commands it will
 * execute can run here: a program that is not installed, or a setup that fails in the run's first
 * worktree slots, is one line and exit 2 naming the command and the keys that override it — the
 * fake agents are never started, and no worktree or branch is left behind.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { stringify } from 'yaml';
import { fakeAgents } from '../helpers/fake-agents.js';
import { runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { git, tempDir, tempRepo } from '../helpers/temp.js';
import { sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

/** PATH without any folder that holds `program`, so a test means the same on a machine that has it. */
const pathWithout = (path: string, program: string): string => path.split(delimiter).filter((dir) => dir !== '' && !existsSync(join(dir, program))).join(delimiter);

function assertNothingLeft(dir: string): void {
  assert.equal(git(dir, ['worktree', 'list']).split('\n').length, 1, 'no worktree slot left');
  assert.equal(git(dir, ['for-each-ref', 'refs/heads/loop/']), '', 'no loop branch left');
}

test('a uv project on a machine without uv: refused before any provider call, exit 2, one line per command naming uv and loop.setup / loop.testCommand', async (t) => {
  const dir = tempRepo(t, {
    'pyproject.toml': '[project]\nname = "calc"\nversion = "0.1.0"\ndependencies = []\n\n[dependency-groups]\ndev = ["pytest>=8"]\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
    'uv.lock': 'version = 1\nrequires-python = ">=3.10"\n',
    'src/calc/__init__.py': 'def add(a, b):\n    return a + b\n',
    'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n',
  }, 'loop-uv-');
  writeFileSync(join(dir, 'loop.config.yaml'), stringify(seedTeam()));
  const fakes = fakeAgents(t);
  const env = { ...fakes.env, PATH: pathWithout(fakes.env['PATH'] ?? '', 'uv'), LOOP_HOME: tempDir(t, 'loop-home-') };
  const result = await runLoop(['run', 'add subtract', '--execute', '--run', 'nouv'], { cwd: dir, env, t });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  const lines = result.stderr.trim().split('\n');
  assert.equal(lines.length, 2, result.stderr);
  assert.match(lines[0]!, /^loop: repository \S+: the setup command "uv sync" \(learned from uv\.lock\) runs "uv", which is not on PATH; install uv, or set loop\.setup in the loop config/);
  assert.match(lines[1]!, /^repository \S+: the test command "uv run pytest" \(learned from pyproject\.toml[^\n]*\) runs "uv", which is not on PATH; install uv, or set loop\.testCommand in the loop config/);
  assert.doesNotMatch(result.stdout + result.stderr, /internal error/);
  assert.deepEqual(fakes.readLog(), [], 'no agent was started');
  assertNothingLeft(dir);
});

test('a repository\'s configured test command whose program is missing: exit 2 before any provider call, naming the per-repository key', async (t) => {
  const config = { ...seedTeam(), repositories: [{ name: 'app', path: '.', testCommand: 'PYTHONPATH=src pytest-not-installed-here -q' }] };
  const project = sandboxProject(t, { config, userEdits: null });
  const result = await project.run(['run', 'add subtract', '--execute', '--run', 'norunner']);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /repository app: the test command "PYTHONPATH=src pytest-not-installed-here -q" \(testCommand of repository app\) runs "pytest-not-installed-here", which is not on PATH; install pytest-not-installed-here, or set loop\.testCommand \(or testCommand under repository app\)/);
  assert.deepEqual(project.fakes.readLog(), [], 'no agent was started');
  assertNothingLeft(project.dir);
});

test('a setup that fails in the first worktree slots is an environment problem: exit 2 before any provider call, with its log kept in the run folder', async (t) => {
  const setup = `sh -c 'echo "ERROR: could not reach the package index" >&2; exit 3'`;
  const project = sandboxProject(t, { config: seedTeam({ setup }), userEdits: null });
  const result = await project.run(['run', 'add subtract', '--execute', '--run', 'nosetup']);
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /the setup command "sh -c .*" \(loop\.setup\) exited with 3 in a new worktree slot \("ERROR: could not reach the package index"\); this is the machine's environment, not a task: fix it, or set loop\.setup in the loop config \(log: (\S+)\)/);
  assert.doesNotMatch(result.stdout + result.stderr, /internal error/);
  const log = /\(log: (\S+)\)/.exec(result.stderr)![1]!;
  assert.ok(log.startsWith(join(project.dir, '.loop/runs/nosetup/logs/')), log);
  assert.match(readFileSync(log, 'utf8'), /could not reach the package index/);
  assert.deepEqual(project.fakes.readLog(), [], 'no agent was started');
  assertNothingLeft(project.dir);
});

test('a setup that fails later, in a new task slot, is a retried failure of that task with its log path, never an internal error', async (t) => {
  // its output records where it was made, so every slot runs it itself (the run's setup cache would serve the others)
  const setup = `sh -c 'mkdir -p out && pwd > out/where; case "$PWD" in */slot-*) echo "disk full" >&2; exit 4;; esac'`;
  const project = sandboxProject(t, {
    userEdits: null,
    files: { '.gitignore': 'out/\n' },
    config: {
      version: 1,
      providers: { sim: { type: 'sim' }, 'sim-critic': { type: 'sim' } },
      roles: [{ name: 'be1', provider: 'sim' }, { name: 'qa', provider: 'sim-critic' }],
      loop: { reviewer: 'qa', maxRetries: 1, backoff: { minMs: 10, maxMs: 20 }, setup },
    },
  });
  const plan = join(tempDir(t, 'loop-plan-'), 'plan.json');
  writeFileSync(plan, JSON.stringify({ tasks: [{ id: 'a', title: 'Write note a', role: 'be1' }] }));
  const result = await project.run(['run', 'one note', '--execute', '--plan', plan, '--run', 'later']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.doesNotMatch(result.stdout + result.stderr, /internal error/);
  const escalated = project.events('later').find((e) => e.type === 'task.escalated');
  assert.match(String(escalated?.['reason']), /setup failed: the setup command failed in a new worktree slot: setup ".*" exited with 4 .*\(log: \S+\)/);
  assertNothingLeft(project.dir);
});

test('a critic\'s read-only copy runs no setup: a setup that would fail there does not stop the review', async (t) => {
  const setup = `sh -c 'case "$PWD" in */critic-*) echo "critic copies need no setup" >&2; exit 4;; esac'`;
  // tests in the agent's slot (preMergeTests: always), so the critic reviews in a copy of its own
  const project = sandboxProject(t, { userEdits: null, config: seedTeam({ setup, gate: { preMergeTests: 'always' } }) });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: JSON.stringify({ verdict: 'accept', reasons: ['subtract is correct'], notes: [] }) };
  ctx.writeFile('math.js', ctx.readFile('math.js') + '\\nexport function subtract(a, b) {\\n  return a - b;\\n}\\n');
  return { text: 'Added subtract(a, b)' };
};
`);
  const plan = writePlan(t, [{ id: 'sub', title: 'Add subtract', role: 'be1', acceptance: ['subtract(a, b) returns a - b'] }]);
  const result = await project.run(['run', 'add subtract', '--execute', '--plan', plan, '--run', 'copy']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('copy');
  assert.ok(events.some((e) => e.type === 'review.accepted' && e['taskId'] === 'sub'));
  assert.equal(project.fakes.readLog().filter((call) => call.cli === 'codex' && call.cwd.includes('/critic-')).length, 1, 'the codex critic ran in a critic slot');
});

test('loop resume checks the same way: a setup that now fails is refused with exit 2, the run keeps its merged work and branches, and resumes once fixed', async (t) => {
  const config = {
    version: 1,
    providers: { sim: { type: 'sim', sim: { latencyMs: 1500 } }, 'sim-critic': { type: 'sim' } },
    roles: [{ name: 'be1', provider: 'sim' }, { name: 'qa', provider: 'sim-critic' }],
    // a's train leaves at once: waiting for b (on a loaded machine the suite outlasts b's agent)
    // would merge both together, and this test stops the run between the two
    loop: { reviewer: 'qa', maxParallel: 1, gate: { trainWait: 0 } },
  };
  const project = sandboxProject(t, { config, userEdits: null });
  const plan = join(tempDir(t, 'loop-plan-'), 'plan.json');
  writeFileSync(plan, JSON.stringify({ tasks: [{ id: 'a', title: 'Write note a', role: 'be1' }, { id: 'b', title: 'Write note b', role: 'be1' }] }));
  const run = startLoop(['run', 'two notes', '--execute', '--plan', plan, '--run', 'again'], { cwd: project.dir, env: project.env, t });
  await waitFor('a to merge', () => project.events('again').some((e) => e.type === 'task.merged'), 60_000);
  run.child.kill('SIGINT');
  assert.equal((await run.done).code, 4);
  const merged = git(project.dir, ['rev-parse', 'loop/again/integration']);

  writeFileSync(join(project.dir, 'loop.config.yaml'), stringify({ ...config, loop: { ...config.loop, setup: 'sh -c "exit 7"' } }));
  const refused = await project.run(['resume', 'again']);
  assert.equal(refused.code, 2, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /the setup command "sh -c "exit 7"" \(loop\.setup\) exited with 7 in a new worktree slot/);
  assert.equal(git(project.dir, ['rev-parse', 'loop/again/integration']), merged, 'the merged work stays on the integration branch');

  writeFileSync(join(project.dir, 'loop.config.yaml'), stringify(config));
  const resumed = await project.run(['resume', 'again']);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  for (const id of ['a', 'b']) assert.equal(project.events('again').filter((e) => e.type === 'task.merged' && e['taskId'] === id).length, 1, `${id} merged once`);
  assert.match(git(project.dir, ['ls-tree', '-r', '--name-only', 'main']), /loop-sim\/b\.md/);
  assertNothingLeft(project.dir);
});
