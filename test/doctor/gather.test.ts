import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gatherFacts } from '../../src/doctor/gather.js';
import { fakeBin, isolatedEnv } from '../config/helpers.js';
import { tempDir, tempRepo } from '../helpers/temp.js';

const CONFIG = `version: 1
providers:
  sim:
    type: sim
  claude:
    type: claude
roles:
  - name: backend
    provider: sim
  - name: qa
    provider: claude
`;

test('facts: repository, tmux absent from PATH, providers used by roles, disk and writable folders', async (t) => {
  const repo = realpathSync(tempRepo(t, { 'loop.config.yaml': CONFIG, 'brief.md': '# b\n' }));
  const bin = fakeBin(t, { claude: 'echo "2.1.331 (Claude Code)"' });
  const env = isolatedEnv(t, { PATH: bin, ANTHROPIC_API_KEY: 'x' });
  const facts = await gatherFacts({ cwd: repo, env });
  assert.match(facts.gitVersion ?? '', /^git version /);
  assert.deepEqual(facts.repositories.map((r) => [r.path, r.worktreeListOk, r.hasCommits]), [[repo, true, true]]);
  assert.deepEqual(facts.tmux, { path: null, version: null });
  assert.deepEqual(facts.config, { file: 'loop.config.yaml', errors: [], warnings: 0, roles: 2 });
  assert.deepEqual(facts.providers.map((p) => [p.key, p.ready]), [['sim', true], ['claude', true]]);
  assert.deepEqual(facts.disks.map((d) => [d.label, d.path, typeof d.freeBytes]), [['at ' + facts.repositories[0]!.name, repo, 'number'], ['at $LOOP_HOME', env['LOOP_HOME'], 'number']]);
  assert.deepEqual(facts.writable.map((w) => [w.label, w.ok, w.willCreate]), [['state folder .loop/', true, true], ['$LOOP_HOME', true, true]]);
});

test('facts: a $LOOP_HOME under a file is not writable, and the probe leaves nothing behind', async (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': CONFIG, 'brief.md': '# b\n' });
  const blocker = join(tempDir(t), 'file');
  writeFileSync(blocker, 'x');
  const env = isolatedEnv(t, { PATH: fakeBin(t, {}), LOOP_HOME: join(blocker, 'state') });
  const facts = await gatherFacts({ cwd: repo, env });
  const home = facts.writable.find((w) => w.label === '$LOOP_HOME');
  assert.equal(home?.ok, false);
  assert.equal(home?.error, 'ENOTDIR');
});

test('facts: an invalid config is reported with its errors and no provider checks', async (t) => {
  const repo = tempRepo(t, { 'loop.config.yaml': CONFIG.replace('provider: sim', 'provider: nope'), 'brief.md': '# b\n' });
  const facts = await gatherFacts({ cwd: repo, env: isolatedEnv(t, { PATH: fakeBin(t, {}) }) });
  assert.equal(facts.config.errors.length, 1);
  assert.match(facts.config.errors[0]!, /^loop.config.yaml:9:15: roles\[0\].provider: role "backend" references provider "nope"/);
  assert.deepEqual(facts.providers, []);
  assert.equal(facts.repositories.length, 1);
});
