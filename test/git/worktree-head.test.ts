import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, git, gitCommandsDuring } from './support.js';
import { worktreeHead } from '../../src/git/worktree-head.js';

test('worktreeHead reads a slot\'s branch or detached HEAD without a git process, and asks git rev-parse for anything else', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  const base = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: base, branch: 'loop/run1/t1' });
  git(slot.path, ['commit', '-q', '--allow-empty', '-m', 'on the branch']);
  const onBranch = await gitCommandsDuring(() => worktreeHead(slot.path));
  assert.deepEqual([onBranch.result, onBranch.commands], [git(slot.path, ['rev-parse', 'HEAD']), []]);
  assert.notEqual(onBranch.result, git(f.repo, ['rev-parse', 'HEAD']), 'the slot\'s HEAD, not the main checkout\'s');

  git(slot.path, ['checkout', '-q', '--detach', base]);
  const detached = await gitCommandsDuring(() => worktreeHead(slot.path));
  assert.deepEqual([detached.result, detached.commands], [base, []]);

  // a symbolic ref outside refs/heads/ (per-worktree refs are not the repository's reader's to answer)
  git(slot.path, ['update-ref', 'refs/worktree/mine', base]);
  git(slot.path, ['symbolic-ref', 'HEAD', 'refs/worktree/mine']);
  const other = await gitCommandsDuring(() => worktreeHead(slot.path));
  assert.equal(other.result, base);
  assert.deepEqual(other.commands.map((command) => command.split(' ')[0]), ['rev-parse']);
  git(slot.path, ['checkout', '-q', '--detach', base]);
  pool.release(slot);
});
