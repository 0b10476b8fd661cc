import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { snapshotUncommitted } from '../../src/git/archive.js';
import { fixture, git, writeFiles } from './support.js';

test('a snapshot of uncommitted work holds every edit, staged or not, also one made right after the index was written', async (t) => {
  const f = fixture(t, { 'README.md': '# demo\n', 'src/a.js': 'aaaa\n', 'src/b.js': 'bbbb\n', 'src/c.js': 'cccc\n' });
  const pool = f.pool();
  const slot = await pool.acquire('task');
  const head = git(slot.path, ['rev-parse', 'HEAD']);
  assert.equal(await snapshotUncommitted(slot.path, 'nothing'), null, 'a clean worktree has nothing to pin');
  writeFiles(slot.path, { 'src/a.js': 'AAAA\n', 'new/untracked.js': 'new\n' });
  git(slot.path, ['add', 'src/a.js']);
  // same size, same second as the index just written: only its content tells it changed
  writeFileSync(join(slot.path, 'src/b.js'), 'BBBB\n');
  git(slot.path, ['rm', '-q', 'src/c.js']);
  const indexBefore = git(slot.path, ['ls-files', '-s']);
  const snapshot = await snapshotUncommitted(slot.path, 'work');
  assert.ok(snapshot);
  assert.equal(git(slot.path, ['rev-parse', `${snapshot}^`]), head);
  assert.equal(git(slot.path, ['show', `${snapshot}:src/a.js`]), 'AAAA');
  assert.equal(git(slot.path, ['show', `${snapshot}:src/b.js`]), 'BBBB');
  assert.equal(git(slot.path, ['show', `${snapshot}:new/untracked.js`]), 'new');
  assert.equal(git(slot.path, ['ls-tree', '--name-only', `${snapshot}`, '--', 'src/c.js']), '', 'the deletion is in it');
  assert.equal(git(slot.path, ['ls-files', '-s']), indexBefore, "the worktree's own index is untouched");
  assert.equal(git(slot.path, ['status', '--porcelain']).split('\n').sort().join('\n'), ['?? new/', 'D  src/c.js', 'M  src/a.js', ' M src/b.js'].sort().join('\n'));
  // an index git cannot read: the snapshot starts from HEAD's tree instead
  writeFileSync(join(git(slot.path, ['rev-parse', '--absolute-git-dir']), 'index'), 'not an index');
  const fromHead = await snapshotUncommitted(slot.path, 'work');
  assert.ok(fromHead);
  assert.equal(git(f.repo, ['show', `${fromHead}:src/b.js`]), 'BBBB');
  git(slot.path, ['read-tree', 'HEAD']);
  pool.release(slot);
});
