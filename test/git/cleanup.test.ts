import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitFiles, fixture, git, writeFiles } from './support.js';
import { cleanupRun, deleteBranches, findLeftovers } from '../../src/git/cleanup.js';
import { captureWork } from '../../src/git/capture.js';

test('cleanupRun archives an unmerged branch before deleting it and deletes merged ones outright', async (t) => {
  const f = fixture(t);
  const main = git(f.repo, ['rev-parse', 'main']);
  git(f.repo, ['branch', 'loop/run1/merged', main]);
  git(f.repo, ['switch', '-q', '-c', 'loop/run1/unmerged']);
  const unmergedTip = commitFiles(f.repo, { 'wip.js': 'work nobody merged\n' }, 'unmerged work');
  git(f.repo, ['switch', '-q', 'main']);
  git(f.repo, ['branch', 'loop/run1/integration', main]);
  git(f.repo, ['branch', 'loop/other-run/t1', main]);

  const result = await cleanupRun({ repo: f.repo, runId: 'run1', targetBranch: 'main', keepIntegration: false });
  assert.deepEqual(result.archived, ['refs/loop/archive/run1/unmerged']);
  assert.equal(git(f.repo, ['rev-parse', 'refs/loop/archive/run1/unmerged']), unmergedTip, 'the archive ref points at the old tip');
  assert.deepEqual(result.deleted.sort(), ['loop/run1/integration', 'loop/run1/merged', 'loop/run1/unmerged']);
  assert.deepEqual(result.kept, []);
  assert.equal(git(f.repo, ['branch', '--list', 'loop/*']), 'loop/other-run/t1', "other runs' branches are untouched");
  git(f.repo, ['branch', '-q', '-D', 'loop/other-run/t1']);
});

test('cleanupRun keeps an unlanded integration branch and does not archive work it contains', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  const main = git(f.repo, ['rev-parse', 'main']);
  await pool.pointAt(slot, { sha: main, branch: 'loop/run1/t1' });
  writeFiles(slot.path, { 't1.js': 't1\n' });
  const t1 = (await captureWork(slot.path, { baseSha: main, message: 't1' })).commit!;
  await pool.dispose();
  git(f.repo, ['branch', 'loop/run1/integration', t1]);

  const result = await cleanupRun({ repo: f.repo, runId: 'run1', targetBranch: 'main', keepIntegration: true });
  assert.deepEqual(result, { archived: [], deleted: ['loop/run1/t1'], kept: ['loop/run1/integration'] });
  git(f.repo, ['branch', '-q', '-D', 'loop/run1/integration']);
});

test('cleanupRun keeps a branch that a worktree still has checked out', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  await pool.pointAt(slot, { sha: git(f.repo, ['rev-parse', 'main']), branch: 'loop/run1/t1' });
  const result = await cleanupRun({ repo: f.repo, runId: 'run1', targetBranch: 'main', keepIntegration: false });
  assert.deepEqual(result.kept, ['loop/run1/t1']);
  await pool.dispose();
  git(f.repo, ['branch', '-q', '-D', 'loop/run1/t1']);
});

test('findLeftovers groups slot folders, registered worktrees and loop branches by run', async (t) => {
  const f = fixture(t);
  const pool = f.pool({ runId: 'crashed' });
  const slot = await pool.acquire('task');
  await pool.pointAt(slot, { sha: git(f.repo, ['rev-parse', 'main']), branch: 'loop/crashed/t1' });
  git(f.repo, ['branch', 'loop/other/t9', 'main']);

  const leftovers = await findLeftovers(f.repo, f.home);
  assert.deepEqual(leftovers, [
    { runId: 'crashed', slots: [slot.path], branches: ['loop/crashed/t1'] },
    { runId: 'other', slots: [], branches: ['loop/other/t9'] },
  ]);
  await pool.dispose();
  git(f.repo, ['branch', '-q', '-D', 'loop/crashed/t1', 'loop/other/t9']);
  assert.deepEqual(await findLeftovers(f.repo, f.home), []);
});

test('branches are deleted in one transaction only where they still point where they were seen; one that moved is kept and the others still go', async (t) => {
  const f = fixture(t);
  const main = git(f.repo, ['rev-parse', 'main']);
  for (const name of ['a', 'b', 'c']) git(f.repo, ['branch', `loop/r/${name}`, main]);
  const seen = (name: string) => ({ ref: `refs/heads/loop/r/${name}`, name: `loop/r/${name}`, sha: main });
  assert.deepEqual([...(await deleteBranches(f.repo, [seen('a'), seen('b')]))].sort(), ['refs/heads/loop/r/a', 'refs/heads/loop/r/b']);
  git(f.repo, ['switch', '-q', 'loop/r/c']);
  const moved = commitFiles(f.repo, { 'late.js': 'work that arrived after the check\n' }, 'late work');
  git(f.repo, ['switch', '-q', 'main']);
  for (const name of ['d', 'e']) git(f.repo, ['branch', `loop/r/${name}`, main]);
  const removed = await deleteBranches(f.repo, [seen('c'), seen('d'), seen('e')]);
  assert.deepEqual([...removed].sort(), ['refs/heads/loop/r/d', 'refs/heads/loop/r/e']);
  assert.equal(git(f.repo, ['rev-parse', 'loop/r/c']), moved, 'the branch that moved keeps its new work');
  assert.equal(git(f.repo, ['branch', '--list', 'loop/r/*']), 'loop/r/c');
});
