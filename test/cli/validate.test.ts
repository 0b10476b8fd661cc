import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { runLoop } from '../config/helpers.js';
import { SEED_PROVIDERS, SEED_REPOSITORIES, SEED_ROLES, seedWorkspace } from '../config/seed-fixture.js';
import { tempDir, tempRepo, writeFiles } from '../helpers/temp.js';

const TEAM = `version: 1
providers:
  sim:
    type: sim
  critic:
    type: sim
  claude:
    type: claude
    enabled: false
roles:
  - name: planner
    provider: sim
  - name: backend
    provider: sim
  - name: qa
    provider: critic
`;

const noStack = (text: string) => assert.doesNotMatch(text, /\n\s+at |Error:|node:internal/);

test('a valid config prints the one-line verdict and exits 0', (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': TEAM, 'brief.md': '# b\n' });
  const result = runLoop(['validate'], { cwd: repo });
  assert.equal(result.code, 0, result.stderr);
  assert.equal(result.stdout, 'loop.config.yaml is valid: 3 roles, 2 providers (1 disabled), 1 repository\n');
});

test('errors and warnings print one line each, then the count; exit 2', (t) => {
  const broken = TEAM.replace('provider: critic', 'provider: critik').replace('version: 1', 'version: 1\nloop:\n  maxParalel: 3');
  const repo = tempRepo(t, { 'team/loop.config.yaml': broken, 'team/brief.md': '# b\n' });
  const result = runLoop(['validate', '-c', 'team/loop.config.yaml'], { cwd: repo });
  assert.equal(result.code, 2);
  assert.equal(result.stdout, [
    'team/loop.config.yaml:3:3: loop.maxParalel: unknown key "maxParalel" (did you mean "maxParallel"?)',
    'team/loop.config.yaml:18:15: roles[2].provider: role "qa" references provider "critik", which is not defined under providers (did you mean "critic"?)',
    'team/loop.config.yaml: 2 errors; fix them and run `loop validate` again',
    '',
  ].join('\n'));
});

test('warnings alone do not fail validation', (t) => {
  const dir = tempDir(t);
  writeFiles(dir, { 'loop.config.yaml': TEAM, 'brief.md': '# b\n' });
  const result = runLoop(['validate'], { cwd: dir });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /^warning: loop.config.yaml: this folder is not inside a git repository/);
  assert.match(result.stdout, /\nloop.config.yaml is valid: 3 roles, 2 providers \(1 disabled\), 0 repositories, 1 warning\n$/);
});

test('--json prints ok, file, errors, warnings and summary', (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': TEAM.replace('provider: sim', 'provider: nope'), 'brief.md': '# b\n' });
  const result = runLoop(['validate', '--json'], { cwd: repo });
  assert.equal(result.code, 2);
  const report = JSON.parse(result.stdout) as { ok: boolean; file: string; errors: Array<{ line: number; path: string }>; warnings: unknown[]; summary: unknown };
  assert.equal(report.ok, false);
  assert.equal(report.file, join(repo, 'loop.config.yaml'));
  assert.deepEqual(report.errors.map((e) => [e.line, e.path]), [[12, 'roles[0].provider']]);
  assert.deepEqual(report.warnings, []);
  assert.deepEqual(report.summary, { roles: 3, providers: 2, disabledProviders: 1, repositories: 1 });
});

test('--json reports a missing -c file as JSON too', (t) => {
  const dir = tempDir(t);
  const result = runLoop(['validate', '--json', '-c', 'missing.yaml'], { cwd: dir });
  assert.equal(result.code, 2);
  const report = JSON.parse(result.stdout) as { ok: boolean; errors: Array<{ message: string }> };
  assert.equal(report.ok, false);
  assert.match(report.errors[0]!.message, /config file missing.yaml does not exist/);
});

const badInputs: Array<[string, (dir: string) => string[], RegExp, 'stdout' | 'stderr']> = [
  ['a missing -c file', () => ['validate', '-c', 'nope.yaml'], /^loop: config file nope.yaml does not exist; check the -c path or run `loop init` to create one\n$/, 'stderr'],
  ['a folder without a config as -c', (dir) => { writeFiles(dir, { 'sub/.keep': '' }); return ['validate', '-c', 'sub']; }, /^loop: sub is a folder without a loop.config.yaml/, 'stderr'],
  ['no config anywhere', () => ['validate'], /^loop: no loop.config.yaml in .* or any parent folder; run `loop init` to create one\n$/, 'stderr'],
  ['an empty file', (dir) => { writeFiles(dir, { 'loop.config.yaml': '' }); return ['validate']; }, /^loop.config.yaml:1:1: the file is empty; run `loop init --force` to write a starter config\nloop.config.yaml: 1 error; fix them/, 'stdout'],
  ['malformed YAML', (dir) => { writeFiles(dir, { 'loop.config.yaml': 'version: 1\nproviders: [\n' }); return ['validate']; }, /^loop.config.yaml:\d+:\d+: YAML syntax error: /, 'stdout'],
  ['an unknown flag', () => ['validate', '--jsn'], /^loop: .*--jsn/, 'stderr'],
];

for (const [name, args, expected, stream] of badInputs) {
  test(`validate with ${name} says so in one clear line, exit 2, no stack trace`, (t) => {
    const dir = tempDir(t);
    const result = runLoop(args(dir), { cwd: dir });
    assert.equal(result.code, 2);
    assert.match(result[stream], expected);
    noStack(result.stdout + result.stderr);
  });
}

test('the seed README config validates through the CLI, with ~/ expanded from HOME', (t) => {
  const { home, workspace } = seedWorkspace(t);
  writeFiles(workspace, { 'loop.config.yaml': `version: 1\n${SEED_PROVIDERS}${SEED_REPOSITORIES}${SEED_ROLES}` });
  const result = runLoop(['validate'], { cwd: workspace, env: { ...process.env, HOME: home, NO_COLOR: '1' } });
  assert.equal(result.code, 0, result.stdout);
  assert.match(result.stdout, /loop.config.yaml is valid: 4 roles, 4 providers, 2 repositories, 1 warning\n$/);
});

test('validate --help explains the command with an example', (t) => {
  const result = runLoop(['validate', '--help'], { cwd: tempDir(t) });
  assert.equal(result.code, 0);
  assert.match(result.stdout, /Examples/);
  assert.match(result.stdout, /\$ loop validate/);
});
