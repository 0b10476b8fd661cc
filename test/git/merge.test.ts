import { test } from 'node:test';
import assert from 'node:assert/strict';
import { commitFiles, fixture, git, read, writeFiles } from './support.js';
import { captureWork } from '../../src/git/capture.js';
import { advanceRef, mergeInObjectStore, mergeInScratch } from '../../src/git/merge.js';
import { ensureIntegrationBranch } from '../../src/git/integration.js';

async function setup(t: Parameters<typeof fixture>[0]) {
  const f = fixture(t, { 'shared.txt': 'line 1\nline 2\nline 3\n', 'README.md': '# demo\n' });
  const pool = f.pool();
  const integration = await ensureIntegrationBranch(f.repo, 'run1');
  const [task, scratch] = [await pool.acquire('task'), await pool.acquire('scratch')];
  const attempt = async (branch: string, files: Record<string, string>) => {
    const base = git(f.repo, ['rev-parse', integration.ref]);
    await pool.pointAt(task, { sha: base, branch });
    writeFiles(task.path, files);
    return (await captureWork(task.path, { baseSha: base, message: branch })).commit!;
  };
  return { ...f, pool, integration, scratch, attempt };
}

test('mergeInScratch merges a task onto the integration head without touching the user checkout', async (t) => {
  const s = await setup(t);
  const before = git(s.repo, ['status', '--porcelain']);
  writeFiles(s.repo, { 'user-notes.txt': 'mine\n' });
  const commit = await s.attempt('loop/run1/t1', { 'feature.txt': 'feature\n' });
  const result = await mergeInScratch({ repo: s.repo, scratch: s.scratch, pool: s.pool, integrationRef: s.integration.ref, taskCommit: commit, message: 'loop: merge t1' });
  assert.ok(result.ok);
  assert.equal(result.baseSha, s.integration.headSha);
  assert.equal(git(s.repo, ['log', '-1', '--format=%P|%s|%an', result.sha]), `${result.baseSha} ${commit}|loop: merge t1|loop`);
  assert.equal(read(s.scratch.path, 'feature.txt'), 'feature\n', 'the merged tree is in the scratch slot, ready for the re-test');
  assert.equal(git(s.repo, ['rev-parse', s.integration.ref]), s.integration.headSha, 'the branch moves only through advanceRef');
  assert.equal(git(s.repo, ['status', '--porcelain']), `${before}?? user-notes.txt`.trim());
  assert.equal(await advanceRef(s.repo, s.integration.ref, result.sha, result.baseSha), true);
  assert.equal(git(s.repo, ['rev-parse', s.integration.ref]), result.sha);
});

test('mergeInScratch reports a conflict with the files and git message, and leaves the scratch slot clean', async (t) => {
  const s = await setup(t);
  const first = await s.attempt('loop/run1/t1', { 'shared.txt': 'line 1\nline 2 by t1\nline 3\n' });
  const second = await s.attempt('loop/run1/t2', { 'shared.txt': 'line 1\nline 2 by t2\nline 3\n' });
  const merged = await mergeInScratch({ repo: s.repo, scratch: s.scratch, pool: s.pool, integrationRef: s.integration.ref, taskCommit: first, message: 'm1' });
  assert.ok(merged.ok);
  assert.equal(await advanceRef(s.repo, s.integration.ref, merged.sha, merged.baseSha), true);

  const conflict = await mergeInScratch({ repo: s.repo, scratch: s.scratch, pool: s.pool, integrationRef: s.integration.ref, taskCommit: second, message: 'm2' });
  assert.equal(conflict.ok, false);
  assert.ok(!conflict.ok);
  assert.deepEqual(conflict.conflict.files, ['shared.txt']);
  assert.match(conflict.conflict.message, /CONFLICT \(content\): Merge conflict in shared\.txt/);
  assert.equal(conflict.baseSha, merged.sha);
  assert.equal(git(s.scratch.path, ['status', '--porcelain']), '', 'merge --abort ran');
  assert.equal(git(s.scratch.path, ['rev-parse', 'HEAD']), merged.sha);
});

test('advanceRef is a compare-and-swap: a stale expected SHA is refused and the ref is unchanged', async (t) => {
  const f = fixture(t);
  const integration = await ensureIntegrationBranch(f.repo, 'run1');
  const old = integration.headSha;
  const newer = commitFiles(f.repo, { 'a.txt': 'a\n' }, 'a');
  const newest = commitFiles(f.repo, { 'b.txt': 'b\n' }, 'b');
  assert.equal(await advanceRef(f.repo, integration.ref, newer, old), true);
  assert.equal(await advanceRef(f.repo, integration.ref, newest, old), false, 'expected old SHA is stale');
  assert.equal(git(f.repo, ['rev-parse', integration.ref]), newer);
});

test('mergeInObjectStore builds the same merge without any worktree: two parents, the merged tree, no file written', async (t) => {
  const s = await setup(t);
  const first = await s.attempt('loop/run1/t1', { 'feature.txt': 'feature\n' });
  const second = await s.attempt('loop/run1/t2', { 'other.txt': 'other\n' });
  const base = git(s.repo, ['rev-parse', s.integration.ref]);
  const scratchHead = git(s.scratch.path, ['rev-parse', 'HEAD']);
  const one = await mergeInObjectStore(s.repo, base, first, 'loop: merge t1');
  assert.ok(one?.ok);
  const two = await mergeInObjectStore(s.repo, one.sha, second, 'loop: merge t2');
  assert.ok(two?.ok);
  assert.equal(git(s.repo, ['log', '-1', '--format=%P|%s|%an', two.sha]), `${one.sha} ${second}|loop: merge t2|loop`);
  assert.equal(git(s.repo, ['rev-parse', `${two.sha}^{tree}`]), two.tree);
  assert.deepEqual(git(s.repo, ['ls-tree', '--name-only', two.sha]).split('\n').sort(), ['README.md', 'feature.txt', 'other.txt', 'shared.txt']);
  assert.equal(git(s.scratch.path, ['rev-parse', 'HEAD']), scratchHead, 'no slot was touched');
});

test('mergeInObjectStore reports a conflict with the files and git\'s CONFLICT line', async (t) => {
  const s = await setup(t);
  const first = await s.attempt('loop/run1/t1', { 'shared.txt': 'line 1\nline 2 by t1\nline 3\n' });
  const second = await s.attempt('loop/run1/t2', { 'shared.txt': 'line 1\nline 2 by t2\nline 3\n' });
  const base = git(s.repo, ['rev-parse', s.integration.ref]);
  const one = await mergeInObjectStore(s.repo, base, first, 'm1');
  assert.ok(one?.ok);
  const two = await mergeInObjectStore(s.repo, one.sha, second, 'm2');
  assert.ok(two && !two.ok);
  assert.deepEqual(two.conflict.files, ['shared.txt']);
  assert.match(two.conflict.message, /^CONFLICT \(content\): Merge conflict in shared\.txt/);
});
