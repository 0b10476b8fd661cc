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
