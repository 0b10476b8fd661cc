import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fakeBin, isolatedEnv, runLoop } from '../config/helpers.js';
import { tempDir, tempRepo } from '../helpers/temp.js';

const SIM_TEAM = `version: 1
providers:
  sim:
    type: sim
  critic:
    type: sim
roles:
  - name: backend
    provider: sim
  - name: qa
    provider: critic
`;

test('doctor on a ready repository with a sim team exits 0; a missing tmux is only a warning', (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': SIM_TEAM, 'brief.md': '# b\n' });
  const result = runLoop(['doctor'], { cwd: repo, env: isolatedEnv(t, { PATH: fakeBin(t, {}) }) });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const lines = result.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /^ok {4}node: v\d+/);
  assert.ok(lines.includes('warn  tmux: not found; loop runs headless without it (no live pane per role)'), result.stdout);
  assert.ok(lines.some((l) => l.startsWith('      fix: ') && l.includes('install -y tmux')));
  assert.ok(lines.includes('ok    provider sim: built-in simulator (used by backend)'));
  assert.equal(lines.at(-1), 'ready: nothing required is missing (1 warning)');
});

test('doctor fails (exit 1) when a provider a role uses is not installed, and says how to fix it', (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': SIM_TEAM.replace('critic:\n    type: sim', 'critic:\n    type: codex'), 'brief.md': '# b\n' });
  const result = runLoop(['doctor'], { cwd: repo, env: isolatedEnv(t, { PATH: fakeBin(t, { tmux: 'echo "tmux 3.3a"' }) }) });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /\nfail  provider critic: codex not found; needed for `loop run --execute` \(used by qa\)\n {6}fix: codex is not on PATH: install it with `npm install -g @openai\/codex`/);
  assert.match(result.stdout, /\nok    tmux: tmux 3.3a\n/);
  assert.match(result.stdout, /not ready: 1 required item missing; fix the lines marked fail and run `loop doctor` again\n$/);
});

test('doctor --json lists every check with its status', (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': SIM_TEAM, 'brief.md': '# b\n' });
  const result = runLoop(['doctor', '--json'], { cwd: repo, env: isolatedEnv(t, { PATH: fakeBin(t, {}) }) });
  const report = JSON.parse(result.stdout) as { ok: boolean; checks: Array<{ status: string; name: string }> };
  assert.equal(report.ok, true);
  assert.deepEqual(report.checks.map((c) => c.name).filter((n) => !n.startsWith('disk') && !n.startsWith('repository ')), [
    'node', 'git', 'tmux', 'config', 'provider sim', 'provider critic', 'state folder .loop/', '$LOOP_HOME',
  ]);
});

test('doctor outside any repository and config fails on the repository and suggests loop init', (t) => {
  const dir = tempDir(t);
  const result = runLoop(['doctor'], { cwd: dir, env: isolatedEnv(t, { PATH: fakeBin(t, {}) }) });
  assert.equal(result.code, 1);
  assert.match(result.stdout, /\nfail  repository: .* is not inside a git repository/);
  assert.match(result.stdout, /\nwarn  config: no loop.config.yaml here or in a parent folder\n {6}fix: run `loop init`\n/);
});

test('doctor with a missing -c file is one line, exit 2', (t) => {
  const result = runLoop(['doctor', '-c', 'nope.yaml'], { cwd: tempDir(t) });
  assert.equal(result.code, 2);
  assert.equal(result.stderr, 'loop: config file nope.yaml does not exist; check the -c path or run `loop init` to create one\n');
});

test('doctor --help has an example', (t) => {
  assert.match(runLoop(['doctor', '--help'], { cwd: tempDir(t) }).stdout, /\$ loop doctor --json/);
});

/** A Python project whose lockfile says uv: `uv sync` to set up, `uv run pytest` to test. */
const UV_PROJECT = {
  'pyproject.toml': '[project]\nname = "calc"\nversion = "0.1.0"\ndependencies = []\n\n[dependency-groups]\ndev = ["pytest>=8"]\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n',
  'uv.lock': 'version = 1\nrequires-python = ">=3.10"\n',
  'src/calc/__init__.py': 'def add(a, b):\n    return a + b\n',
  'tests/test_calc.py': 'from calc import add\n\ndef test_add():\n    assert add(2, 3) == 5\n',
};

test('doctor on a uv project on a machine without uv fails on the setup and test commands, naming the program and the keys that override them', (t) => {
  const repo = tempRepo(t, { ...UV_PROJECT, 'loop.config.yaml': SIM_TEAM, 'brief.md': '# b\n' });
  const result = runLoop(['doctor'], { cwd: repo, env: isolatedEnv(t, { PATH: fakeBin(t, { tmux: 'echo "tmux 3.3a"' }) }) });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /\nfail  repository \S+ commands: the setup command "uv sync" \(learned from uv\.lock\) runs "uv", which is not on PATH\n {6}fix: install uv, or set loop\.setup in the loop config/);
  assert.match(result.stdout, /\nfail  repository \S+ commands: the test command "uv run pytest" \(learned from pyproject\.toml[^\n]*\) runs "uv", which is not on PATH\n {6}fix: install uv, or set loop\.testCommand in the loop config/);
  assert.doesNotMatch(result.stdout, /ready: nothing required is missing/);

  // A test command this machine can run, with an environment assignment, is fine.
  const python = tempRepo(t, { ...UV_PROJECT, 'loop.config.yaml': `${SIM_TEAM}loop:\n  setup: "true"\n  testCommand: PYTHONPATH=src python3 -m pytest\n`, 'brief.md': '# b\n' });
  const fixed = runLoop(['doctor'], { cwd: python, env: isolatedEnv(t, { PATH: fakeBin(t, { tmux: 'echo "tmux 3.3a"', python3: 'exit 0' }) }) });
  assert.equal(fixed.code, 0, fixed.stdout);
  assert.match(fixed.stdout, /\nok    repository \S+ commands: setup "true", test "PYTHONPATH=src python3 -m pytest": every program they start is on PATH\n/);
});
