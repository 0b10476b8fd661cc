import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles, fixture, git, gitCommandsDuring, read, writeFiles } from './support.js';
import { detachOwnSlot } from '../../src/git/slot-reset.js';
import { worktreeGitDir } from '../../src/git/git-dir.js';

test('a slot whose git was killed mid-checkout (HEAD.lock and index.lock left behind) is re-pointed, the stale locks removed', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('scratch');
  const v1 = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: v1, branch: null });
  const gitDir = worktreeGitDir(slot.path);
  for (const lock of ['HEAD.lock', 'index.lock']) writeFileSync(join(gitDir, lock), '');
  const v2 = commitFiles(f.repo, { 'b.js': 'b\n' }, 'b');
  await detachOwnSlot(slot.path, v2, await pool.dir());
  assert.equal(git(slot.path, ['rev-parse', 'HEAD']), v2);
  assert.equal(existsSync(join(gitDir, 'HEAD.lock')) || existsSync(join(gitDir, 'index.lock')), false);
  pool.release(slot);
});

test('detachOwnSlot leaves the commit\'s tree and the ignored files: tracked edits overwritten, untracked leftovers removed, with one checkout and one listing', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\n', 'README.md': '# demo\n', 'src/a.js': 'a\n' });
  const pool = f.pool();
  const slot = await pool.acquire('scratch');
  const v1 = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: v1, branch: null });
  writeFiles(slot.path, { 'README.md': 'edited by a test run\n', 'out/report.txt': 'r\n', 'stray.txt': 's\n', 'node_modules/dep/index.js': 'kept\n' });
  // the next commit ignores what a test run writes to out/: listed after the checkout, out/ is ignored and stays
  const v2 = commitFiles(f.repo, { 'src/b.js': 'b\n', '.gitignore': 'node_modules/\nout/\n' }, 'b');
  const { result: removed, commands } = await gitCommandsDuring(() => detachOwnSlot(slot.path, v2, f.home));
  assert.deepEqual(commands.map((command) => command.split(' ')[0]), ['checkout', 'ls-files']);
  assert.deepEqual(removed, ['stray.txt']);
  assert.equal(git(slot.path, ['rev-parse', 'HEAD']), v2);
  assert.equal(git(slot.path, ['status', '--porcelain']), '');
  assert.equal(read(slot.path, 'README.md'), '# demo\n');
  assert.equal(read(slot.path, 'node_modules/dep/index.js'), 'kept\n');
  pool.release(slot);
});
