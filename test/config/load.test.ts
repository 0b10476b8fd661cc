import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, findConfigFile, loadConfig } from '../../src/config/load.js';
import { isUserError } from '../../src/util/errors.js';
import { git, tempDir, tempRepo, writeFiles } from '../helpers/temp.js';

const TEAM = `version: 1
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

test('the config is found in the cwd or the nearest parent folder', (t) => {
  const root = tempDir(t);
  writeFiles(root, { 'loop.config.yaml': TEAM, 'a/b/c/.keep': '' });
  assert.equal(findConfigFile(join(root, 'a', 'b', 'c')), join(root, 'loop.config.yaml'));
});

test('loop.config.yml is found too', (t) => {
  const root = tempDir(t);
  writeFiles(root, { 'loop.config.yml': TEAM });
  assert.equal(findConfigFile(root), join(root, 'loop.config.yml'));
});

test('no config anywhere is one line telling the user to run loop init', (t) => {
  const root = tempDir(t);
  assert.throws(() => findConfigFile(root), (error: unknown) => isUserError(error)
    && error.message === `no loop.config.yaml in ${root} or any parent folder; run \`loop init\` to create one`);
});

test('an explicit -c file must exist', (t) => {
  const root = tempDir(t);
  assert.throws(() => findConfigFile(root, 'other.yaml'), /config file other.yaml does not exist; check the -c path/);
});

test('an explicit folder holding loop.config.yaml is accepted; one without it is refused', (t) => {
  const root = tempDir(t);
  writeFiles(root, { 'team/loop.config.yaml': TEAM, 'empty/.keep': '' });
  assert.equal(findConfigFile(root, 'team'), join(root, 'team', 'loop.config.yaml'));
  assert.throws(() => findConfigFile(root, 'empty'), /empty is a folder without a loop.config.yaml/);
});

test('loadConfig returns the config, its folder, warnings, the implicit repository and a short hash', async (t) => {
  const repo = realpathSync(tempRepo(t, { 'loop.config.yaml': TEAM, 'brief.md': '# b\n', 'sub/.keep': '' }));
  const loaded = await loadConfig({ cwd: join(repo, 'sub') });
  assert.equal(loaded.file, join(repo, 'loop.config.yaml'));
  assert.equal(loaded.dir, repo);
  assert.equal(loaded.hash, createHash('sha256').update(TEAM).digest('hex').slice(0, 12));
  assert.deepEqual(loaded.warnings, []);
  assert.equal(loaded.config.roles.length, 2);
  assert.deepEqual(loaded.repositories, [{ name: repo.split('/').at(-1)!.replace(/[^A-Za-z0-9_-]+/g, '-'), path: repo, protectedBranches: [], copyFiles: [], implicit: true }]);
});

test('loadConfig throws a ConfigError with every problem and a count, exit code 2', async (t) => {
  const root = tempRepo(t, { 'brief.md': '# b\n', 'loop.config.yaml': TEAM.replace('provider: sim', 'provider: sym').replace('version: 1', 'version: 1\nmaxParallel: 3') });
  await assert.rejects(loadConfig({ cwd: root }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.equal(error.exitCode, 2);
    assert.equal(error.problems.length, 2);
    assert.equal(error.message, [
      'loop.config.yaml:2:1: maxParallel: unknown key "maxParallel" at the top level; it belongs in the `loop:` block',
      'loop.config.yaml:10:15: roles[0].provider: role "backend" references provider "sym", which is not defined under providers (did you mean "sim"?)',
      '2 problems in loop.config.yaml; fix them and run `loop validate`',
    ].join('\n'));
    return true;
  });
});

test('relative repository paths resolve against the config folder, not the cwd; ~/ uses the home folder', async (t) => {
  const workspace = realpathSync(tempDir(t));
  const home = realpathSync(tempDir(t));
  mkdirSync(join(workspace, 'repos'));
  mkdirSync(join(home, 'work'));
  for (const dir of [join(workspace, 'repos', 'api'), join(home, 'work', 'web')]) {
    mkdirSync(dir);
    git(dir, ['init', '-q', '-b', 'main']);
  }
  writeFiles(workspace, {
    'brief.md': '# b\n',
    'team/loop.config.yaml': `${TEAM}repositories:
  - name: api
    path: ../repos/api
    protectedBranches: [main]
    setup: npm ci
  - name: web
    path: ~/work/web
    defaultBranch: main
    copyFiles: [.env]
loop:
  testCommand: npm test
`,
  });
  writeFiles(workspace, { 'team/brief.md': '# b\n' });
  const elsewhere = tempDir(t);
  const loaded = await loadConfig({ cwd: elsewhere, configFile: join(workspace, 'team', 'loop.config.yaml'), home });
  assert.deepEqual(loaded.repositories, [
    { name: 'api', path: join(workspace, 'repos', 'api'), protectedBranches: ['main'], setup: 'npm ci', testCommand: 'npm test', copyFiles: [], implicit: false },
    { name: 'web', path: join(home, 'work', 'web'), defaultBranch: 'main', protectedBranches: [], testCommand: 'npm test', copyFiles: ['.env'], implicit: false },
  ]);
});
