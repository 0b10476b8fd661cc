import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fixture, git, gitCommandsDuring, writeFiles } from './support.js';
import { captureWork } from '../../src/git/capture.js';
import { diffForReview, rawToNameStatus } from '../../src/git/diff.js';
import { refreshGitEnv } from '../../src/git/git.js';

async function taskSlot(t: Parameters<typeof fixture>[0], files?: Record<string, string>, poolOptions = {}) {
  const f = fixture(t, files);
  const pool = f.pool(poolOptions);
  const slot = await pool.acquire('task');
  const base = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: base, branch: 'loop/run1/t1' });
  return { ...f, slot, base };
}

test('captureWork counts what the agent committed and what it left uncommitted', async (t) => {
  const { slot, base } = await taskSlot(t);
  writeFiles(slot.path, { 'src/committed.js': 'export const a = 1;\n' });
  git(slot.path, ['add', '-A']);
  git(slot.path, ['commit', '-q', '-m', 'agent commit']);
  writeFiles(slot.path, { 'src/uncommitted.js': 'export const b = 2;\n', 'src/math.js': 'export const add = (a, b) => b + a;\n' });

  const work = await captureWork(slot.path, { baseSha: base, message: 'loop: t1 attempt 1' });
  assert.ok(work.commit);
  assert.deepEqual(work.changedFiles.sort(), ['src/committed.js', 'src/math.js', 'src/uncommitted.js']);
  assert.equal(git(slot.path, ['status', '--porcelain']), '');
  assert.equal(git(slot.path, ['log', '-1', '--format=%an <%ae>|%s', work.commit]), 'loop <loop@localhost>|loop: t1 attempt 1');
  assert.equal(git(slot.path, ['rev-parse', 'loop/run1/t1']), work.commit, 'the branch holds the capture');
});

test('captureWork returns commit null when nothing changed against the base', async (t) => {
  const { slot, base } = await taskSlot(t);
  assert.deepEqual(await captureWork(slot.path, { baseSha: base, message: 'm' }), { commit: null, changedFiles: [], refused: [], tree: null });
  // an agent commit that is undone by an uncommitted edit nets to nothing
  writeFiles(slot.path, { 'README.md': 'changed\n' });
  git(slot.path, ['commit', '-q', '-am', 'change']);
  writeFiles(slot.path, { 'README.md': '# demo\n' });
  assert.equal((await captureWork(slot.path, { baseSha: base, message: 'm' })).commit, null);
});

test('captureWork commits even with a blocking user hook, signing required and no git identity configured', async (t) => {
  const { slot, base, repo } = await taskSlot(t);
  writeFileSync(join(repo, '.git', 'hooks', 'pre-commit'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  writeFileSync(join(repo, '.git', 'hooks', 'commit-msg'), '#!/bin/sh\nexit 1\n', { mode: 0o755 });
  git(repo, ['config', 'commit.gpgSign', 'true']);
  // no global or system config: no user.name anywhere
  const saved = { global: process.env['GIT_CONFIG_GLOBAL'], nosystem: process.env['GIT_CONFIG_NOSYSTEM'] };
  process.env['GIT_CONFIG_GLOBAL'] = '/dev/null';
  process.env['GIT_CONFIG_NOSYSTEM'] = '1';
  refreshGitEnv();
  t.after(() => {
    for (const [name, value] of [['GIT_CONFIG_GLOBAL', saved.global], ['GIT_CONFIG_NOSYSTEM', saved.nosystem]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    refreshGitEnv();
  });
  writeFiles(slot.path, { 'x.js': 'x\n' });
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  assert.ok(work.commit);
  assert.equal(git(repo, ['log', '-1', '--format=%cn <%ce>', work.commit]), 'loop <loop@localhost>');
});

test('captureWork never commits .loop/ and reports what it refused', async (t) => {
  const { slot, base } = await taskSlot(t);
  writeFiles(slot.path, { '.loop/runs/r/board/events.jsonl': '{}\n', 'feature.js': 'ok\n' });
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  assert.deepEqual(work.changedFiles, ['feature.js']);
  assert.deepEqual(work.refused, ['.loop/runs/r/board/events.jsonl']);
  assert.equal(git(slot.path, ['ls-tree', '-r', '--name-only', work.commit!]).includes('.loop'), false);
});

test('captureWork removes .loop/ even from a commit the agent made itself', async (t) => {
  const { slot, base } = await taskSlot(t);
  writeFiles(slot.path, { '.loop/state.json': '{}\n', 'feature.js': 'ok\n' });
  git(slot.path, ['add', '-A', '-f']);
  git(slot.path, ['commit', '-q', '-m', 'agent committed state']);
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  assert.deepEqual(work.changedFiles, ['feature.js']);
  assert.deepEqual(work.refused, ['.loop/state.json']);
});

test('a copied .env that the repository does not ignore is never captured', async (t) => {
  const f = fixture(t);
  writeFileSync(join(f.repo, '.env'), 'SECRET=hunter2\n');
  const pool = f.pool({ copyFiles: ['.env'] });
  const slot = await pool.acquire('task');
  const base = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: base, branch: 'loop/run1/t1' });
  writeFiles(slot.path, { 'feature.js': 'ok\n' });
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  assert.deepEqual(work.changedFiles, ['feature.js']);
  // nor archived when the slot is disposed with other uncommitted work in it
  writeFiles(slot.path, { 'later.js': 'later\n' });
  const disposed = await pool.dispose();
  assert.equal(disposed.archived.length, 1);
  const archivedFiles = git(f.repo, ['ls-tree', '-r', '--name-only', disposed.archived[0]!]).split('\n');
  assert.ok(archivedFiles.includes('later.js'));
  assert.equal(archivedFiles.includes('.env'), false);
});

test('diffForReview shows added files in full and says how much it cut', async (t) => {
  const { slot, base } = await taskSlot(t);
  writeFiles(slot.path, { 'src/new-file.js': 'export const brandNew = "visible to the critic";\n', 'big.txt': 'line\n'.repeat(5000) });
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  const small = await diffForReview(slot.path, base, work.commit!, { maxChars: 100_000 });
  assert.match(small, /\+export const brandNew = "visible to the critic";/);
  assert.match(small, /src\/new-file\.js \|\s+1 \+/);
  const cut = await diffForReview(slot.path, base, work.commit!, { maxChars: 2000 });
  assert.ok(cut.length <= 2000 + 200, `${cut.length}`);
  assert.match(cut, /diff truncated: (at least )?\d+ more characters/);
  assert.match(cut, /src\/new-file\.js/, 'the stat header still names every file');
});

test('the changed files of a capture are the paths `git diff --name-only --no-renames` lists, in its order, renames and copies included', async (t) => {
  const long = Array.from({ length: 40 }, (_, i) => `line ${i} of a file long enough to be found as a rename\n`).join('');
  const { slot, base } = await taskSlot(t, { 'README.md': '# demo\n', 'src/old.js': long, 'src/keep.js': long.replace(/line/g, 'row'), 'a.b': 'x\n', 'a-b/c.js': 'y\n', 'gone.txt': 'z\n' });
  git(slot.path, ['mv', 'src/old.js', 'src/renamed.js']);
  writeFiles(slot.path, { 'src/copy.js': long.replace(/line/g, 'row'), 'a/x.js': 'new\n', 'a.b': 'changed\n', 'ümlaut.txt': 'u\n', 'Z.txt': 'upper\n' });
  git(slot.path, ['rm', '-q', 'gone.txt']);
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  const expected = git(slot.path, ['-c', 'core.quotePath=false', 'diff', '--name-only', '--no-renames', base, work.commit!]).split('\n');
  assert.deepEqual(work.changedFiles, expected);
  // the same under a configuration that detects copies (the copy's source did not change)
  git(slot.path, ['config', 'diff.renames', 'copies']);
  assert.deepEqual((await captureWork(slot.path, { baseSha: base, message: 'm' })).changedFiles, expected);
});

test('a capture is three git processes: add, one diff of the index against the base, commit; its name-status is the commit\'s against the base', async (t) => {
  const long = Array.from({ length: 40 }, (_, i) => `line ${i} of a file long enough to be found as a rename\n`).join('');
  const { slot, base } = await taskSlot(t, { 'README.md': '# demo\n', 'src/old.js': long, 'run.sh': 'echo hi\n', 'gone.txt': 'z\n' });
  git(slot.path, ['mv', 'src/old.js', 'src/renamed.js']);
  git(slot.path, ['rm', '-q', 'gone.txt']);
  chmodSync(join(slot.path, 'run.sh'), 0o755);
  writeFiles(slot.path, { 'README.md': '# changed\n', 'new.js': 'n\n' });
  const { result: work, commands } = await gitCommandsDuring(() => captureWork(slot.path, { baseSha: base, message: 'm' }));
  assert.deepEqual(commands.map((command) => command.split(' ')[0]), ['add', 'diff', 'commit'], commands.join('\n'));
  assert.equal(work.commit, git(slot.path, ['rev-parse', 'HEAD']));
  assert.equal(work.tree, git(slot.path, ['rev-parse', 'HEAD^{tree}']));
  assert.equal(work.nameStatus, git(slot.path, ['diff', '--name-status', '-z', '-M', base, work.commit!]));
  assert.match(work.nameStatus!, /R\d+\0src\/old\.js\0src\/renamed\.js\0/);
  assert.deepEqual(work.changedFiles, ['README.md', 'gone.txt', 'new.js', 'run.sh', 'src/old.js', 'src/renamed.js']);
});

test('a capture after the agent\'s own commits asks git whether anything is left to commit, and reads the new HEAD', async (t) => {
  const { slot, base } = await taskSlot(t);
  writeFiles(slot.path, { 'a.js': 'a\n' });
  git(slot.path, ['add', '-A']);
  git(slot.path, ['commit', '-q', '-m', 'agent']);
  const agentCommit = git(slot.path, ['rev-parse', 'HEAD']);
  // everything committed: no commit of loop's
  const committed = await gitCommandsDuring(() => captureWork(slot.path, { baseSha: base, message: 'm' }));
  assert.equal(committed.result.commit, agentCommit);
  assert.deepEqual(committed.commands.map((command) => command.split(' ').slice(0, 3).join(' ')), ['add -A', 'diff --cached --raw', 'diff --cached --quiet']);
  // more left uncommitted, on a detached HEAD: loop's commit on top, read back from the HEAD file
  git(slot.path, ['checkout', '-q', '--detach']);
  writeFiles(slot.path, { 'b.js': 'b\n' });
  const work = await captureWork(slot.path, { baseSha: base, message: 'loop commit' });
  assert.equal(work.commit, git(slot.path, ['rev-parse', 'HEAD']));
  assert.equal(git(slot.path, ['rev-parse', 'HEAD^']), agentCommit);
  assert.deepEqual(work.changedFiles, ['a.js', 'b.js']);
});

test('the copied files and .loop/ are put back even when the agent renamed them into its change', async (t) => {
  const f = fixture(t, { 'README.md': '# demo\n', '.loop/kept.json': '{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6}\n' });
  writeFileSync(join(f.repo, '.env'), 'SECRET=hunter2\n');
  const pool = f.pool({ copyFiles: ['.env'] });
  const slot = await pool.acquire('task');
  const base = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: base, branch: 'loop/run1/t1' });
  git(slot.path, ['mv', '.loop/kept.json', 'kept.json']);
  writeFiles(slot.path, { 'feature.js': 'ok\n' });
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  assert.deepEqual(work.refused, ['.loop/kept.json']);
  assert.deepEqual(work.changedFiles, ['feature.js', 'kept.json']);
  assert.equal(work.nameStatus, git(slot.path, ['diff', '--name-status', '-z', '-M', base, work.commit!]));
  assert.deepEqual(git(slot.path, ['ls-tree', '-r', '--name-only', work.commit!]).split('\n').sort(), ['.loop/kept.json', 'README.md', 'feature.js', 'kept.json']);
});

test('the capture\'s one diff also brings the critic\'s review, the same text diffForReview prints for the commit, cut the same way', async (t) => {
  const long = Array.from({ length: 40 }, (_, i) => `line ${i} of a file long enough to be found as a rename\n`).join('');
  const { slot, base } = await taskSlot(t, { 'README.md': '# demo\n', 'src/old.js': long, 'gone.txt': 'z\n' });
  git(slot.path, ['mv', 'src/old.js', 'src/renamed.js']);
  git(slot.path, ['rm', '-q', 'gone.txt']);
  writeFiles(slot.path, { 'README.md': '# changed\n', 'src/new-file.js': 'export const brandNew = 1;\n' });
  const work = await captureWork(slot.path, { baseSha: base, message: 'm' });
  assert.equal(work.reviewDiff, await diffForReview(slot.path, base, work.commit!));
  assert.match(work.reviewDiff!, /\+export const brandNew = 1;/);

  // a change larger than the review shows: the text is cut as diffForReview cuts it (how much is
  // left unread is a lower bound: the records came out of the same read), the name-status is whole
  writeFiles(slot.path, Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`many/file-${i}.txt`, `${'x'.repeat(2000)}\n`])));
  const big = await captureWork(slot.path, { baseSha: base, message: 'big' });
  const unread = (text: string) => text.replace(/at least \d+/g, 'at least N');
  assert.equal(unread(big.reviewDiff!), unread(await diffForReview(slot.path, base, big.commit!)));
  assert.match(big.reviewDiff!, /diff truncated/);
  assert.equal(big.changedFiles.length, 300 + 5);
  assert.equal(big.nameStatus, git(slot.path, ['diff', '--name-status', '-z', '-M', base, big.commit!]));
});

test('rawToNameStatus: --raw -z records as --name-status -z prints them, and null for a record cut short', () => {
  const raw = ':100644 100644 aaaaaaa bbbbbbb M\0a.txt\0:000000 100644 0000000 ccccccc A\0n.txt\0:100644 100644 ddddddd ddddddd R100\0old.txt\0new.txt\0 3 files changed\n\0diff --git';
  assert.deepEqual(rawToNameStatus(raw), { nameStatus: 'M\0a.txt\0A\0n.txt\0R100\0old.txt\0new.txt\0', rest: ' 3 files changed\n\0diff --git' });
  assert.deepEqual(rawToNameStatus(':100644 100644 ddddddd ddddddd R100\0old.txt\0ne'), { nameStatus: null, rest: '' });
  assert.deepEqual(rawToNameStatus(''), { nameStatus: '', rest: '' });
});
