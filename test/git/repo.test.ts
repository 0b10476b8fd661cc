import { test } from 'node:test';
import assert from 'node:assert/strict';
import { realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, tempDir, tempRepo, writeFiles } from '../helpers/temp.js';
import { UserError } from '../../src/util/errors.js';
import { GitError, git as runGit, gitTry, refreshGitEnv } from '../../src/git/git.js';
import { isAncestor, repoInfo, resolveSha, userCheckoutState } from '../../src/git/repo.js';
import { queueKey, serialize } from '../../src/git/repo-queue.js';

test('repoInfo reports toplevel, common dir, branch and head, also from a subfolder', async (t) => {
  const repo = tempRepo(t, { 'src/a.js': 'a\n' });
  const info = await repoInfo(join(repo, 'src'));
  assert.equal(info.toplevel, realpathSync(repo));
  assert.equal(realpathSync(info.commonDir), realpathSync(join(repo, '.git')));
  assert.equal(info.branch, 'main');
  assert.equal(info.head, git(repo, ['rev-parse', 'HEAD']));
  git(repo, ['checkout', '-q', '--detach']);
  assert.equal((await repoInfo(repo)).branch, null);
});

test('repoInfo on a repository without commits has head null; outside a repository it is a UserError', async (t) => {
  const empty = tempDir(t);
  git(empty, ['init', '-q', '-b', 'trunk']);
  assert.deepEqual({ ...(await repoInfo(empty)), toplevel: '', commonDir: '' }, { toplevel: '', commonDir: '', branch: 'trunk', head: null });
  const outside = tempDir(t);
  await assert.rejects(repoInfo(outside), (error: unknown) => error instanceof UserError && /not inside a git repository/.test(error.message));
});

test('git throws GitError with args, cwd, stderr and code; gitTry returns them', async (t) => {
  const repo = tempRepo(t, { 'a.txt': 'a\n' });
  const error = await runGit(repo, ['rev-parse', '--verify', 'no-such-ref']).catch((e: unknown) => e);
  assert.ok(error instanceof GitError);
  assert.deepEqual([error.args, error.cwd, error.code], [['rev-parse', '--verify', 'no-such-ref'], repo, 128]);
  assert.match(error.stderr, /fatal/);
  const result = await gitTry(repo, ['rev-parse', 'HEAD']);
  assert.deepEqual([result.ok, result.stdout], [true, git(repo, ['rev-parse', 'HEAD'])]);
});

test('git ignores GIT_DIR and GIT_INDEX_FILE inherited from the environment', async (t) => {
  const repo = tempRepo(t, { 'a.txt': 'a\n' });
  const other = tempRepo(t, { 'b.txt': 'b\n' });
  const saved = process.env['GIT_DIR'];
  process.env['GIT_DIR'] = join(other, '.git');
  refreshGitEnv();
  t.after(() => {
    if (saved === undefined) delete process.env['GIT_DIR'];
    else process.env['GIT_DIR'] = saved;
    refreshGitEnv();
  });
  assert.equal(await runGit(repo, ['ls-files']), 'a.txt');
});

test('resolveSha and isAncestor', async (t) => {
  const repo = tempRepo(t, { 'a.txt': 'a\n' });
  const first = git(repo, ['rev-parse', 'HEAD']);
  writeFiles(repo, { 'b.txt': 'b\n' });
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', 'b']);
  const second = await resolveSha(repo, 'main');
  assert.equal(await isAncestor(repo, first, second), true);
  assert.equal(await isAncestor(repo, second, first), false);
  await assert.rejects(resolveSha(repo, 'nope'), /names no commit/);
});

test('userCheckoutState lists modified and untracked files but not ignored ones', async (t) => {
  const repo = tempRepo(t, { '.gitignore': 'build/\n', 'a.txt': 'a\n' });
  assert.deepEqual(await userCheckoutState(repo), { branch: 'main', clean: true, dirtyFiles: [], untrackedFiles: [] });
  writeFiles(repo, { 'build/out.js': 'ignored\n' });
  assert.equal((await userCheckoutState(repo)).clean, true);
  writeFileSync(join(repo, 'a.txt'), 'changed\n');
  writeFiles(repo, { 'new dir/b.txt': 'b\n' });
  assert.deepEqual(await userCheckoutState(repo), { branch: 'main', clean: false, dirtyFiles: ['a.txt', 'new dir/b.txt'], untrackedFiles: ['new dir/b.txt'] });
});

test('serialize runs one task at a time per repository, in call order, keyed by the common git dir', async (t) => {
  const repo = tempRepo(t, { 'a.txt': 'a\n' });
  const worktree = join(tempDir(t), 'wt');
  git(repo, ['worktree', 'add', '-q', '--detach', worktree]);
  try {
    assert.equal(queueKey(worktree), queueKey(join(repo, 'a.txt')));
  } finally {
    git(repo, ['worktree', 'remove', '--force', worktree]);
  }

  const events: string[] = [];
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const first = serialize(repo, async () => {
    events.push('first start');
    await gate;
    events.push('first end');
  });
  const second = serialize(worktree, async () => {
    events.push('second');
    throw new Error('a failure does not stall the queue');
  });
  const third = serialize(repo, async () => events.push('third'));
  await Promise.resolve();
  assert.deepEqual(events, ['first start']);
  release();
  await first;
  await assert.rejects(second, /does not stall/);
  await third;
  assert.deepEqual(events, ['first start', 'first end', 'second', 'third']);
});
