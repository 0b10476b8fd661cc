import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles, fixture, git } from './support.js';
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
