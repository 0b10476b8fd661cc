/** A slot restored to "committed tree plus setup output", the way the gate prepares one before testing. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles, fixture, git, read, writeFiles } from './support.js';
import { detachOwnSlot } from '../../src/git/slot-reset.js';
import { listIgnored, removeNewIgnored, restoreSetupState } from '../../src/git/slot-state.js';
import { readMeta } from '../../src/git/slot-paths.js';
import { SetupError } from '../../src/git/slot-setup.js';

/** Counts its runs in a file outside the repository (setup output is made once, in the run's setup cache). */
const setup = (count: string): string => `mkdir -p node_modules/dep && cat package-lock.json > node_modules/dep/lock-copy && echo ran >> ${count}`;

test('a test run sees setup output only: leftovers of an earlier run are removed, setup runs again when the lockfile changed', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\ncoverage/\n', 'package-lock.json': '{"v":1}\n', 'src/a.js': 'a\n' });
  const count = join(f.home, 'setup-runs');
  const SETUP = setup(count);
  const pool = f.pool({ setupCommand: SETUP });
  const slot = await pool.acquire('scratch');
  const v1 = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: v1, branch: null });
  const poolDir = await pool.dir();
  assert.deepEqual(readMeta(slot.path).ignored, await listIgnored(slot.path), 'setup output is recorded');

  // an earlier test run wrote coverage/; the next one must not see it
  writeFiles(slot.path, { 'coverage/lcov.info': 'x\n' });
  const same = await restoreSetupState(slot.path, { sha: v1, setupCommand: SETUP, poolDir });
  assert.deepEqual(same, { setupRan: false, removed: ['coverage/'] });
  assert.equal(readFileSync(count, 'utf8'), 'ran\n');

  // a change with a new lockfile: setup runs again for it, and its output is the new record
  const v2 = commitFiles(f.repo, { 'package-lock.json': '{"v":2}\n' }, 'new dependency');
  await detachOwnSlot(slot.path, v2, poolDir);
  const changed = await restoreSetupState(slot.path, { sha: v2, setupCommand: SETUP, poolDir });
  assert.equal(changed.setupRan, true);
  assert.equal(read(slot.path, 'node_modules/dep/lock-copy'), '{"v":2}\n');
  assert.equal(readFileSync(count, 'utf8'), 'ran\nran\n');
  pool.release(slot);
});

test('a file loop copied into an ignored folder stays; a failing setup is a SetupError', async (t) => {
  const f = fixture(t, { '.gitignore': 'secrets/\n', 'src/a.js': 'a\n' });
  writeFiles(f.repo, { 'secrets/.env': 'TOKEN=1\n' });
  const pool = f.pool({ copyFiles: ['secrets/.env'] });
  const slot = await pool.acquire('task');
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: head, branch: 'loop/run1/t1' });
  writeFileSync(join(slot.path, 'secrets', 'stolen.txt'), 'x\n');
  const state = await restoreSetupState(slot.path, { sha: head, setupCommand: null, poolDir: await pool.dir() });
  assert.deepEqual(state.removed, ['secrets/stolen.txt']);
  assert.equal(read(slot.path, 'secrets/.env'), 'TOKEN=1\n');
  await assert.rejects(restoreSetupState(slot.path, { sha: head, setupCommand: 'exit 3', poolDir: await pool.dir() }), SetupError);
  pool.release(slot);
});

test('nothing outside loop\'s slot folder is ever cleaned', async (t) => {
  const f = fixture(t, { '.gitignore': 'gen/\n' });
  writeFiles(f.repo, { 'gen/user-file.js': 'mine\n' });
  await assert.rejects(removeNewIgnored(f.repo, join(f.home, 'worktrees'), new Set()), /not one of loop's worktree slots/);
  assert.equal(existsSync(join(f.repo, 'gen/user-file.js')), true);
});
