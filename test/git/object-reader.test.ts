import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { objectInfo, readerPid, readObject, readTree } from '../../src/git/object-reader.js';
import { refSha, resolveSha } from '../../src/git/repo.js';
import { setupStamp } from '../../src/git/slot-setup.js';
import { git, tempRepo } from '../helpers/temp.js';
import { commitFiles, fixture } from './support.js';

function repoFor(t: { after: (fn: () => void) => void }, files: Record<string, string>): string {
  const repo = tempRepo(null, files);
  t.after(() => rmSync(repo, { recursive: true, force: true }));
  return repo;
}

test('the batch reader answers what one-off git commands answer', async (t) => {
  const repo = repoFor(t, { 'README.md': '# demo\n', 'src/a.js': 'export const a = 1;\n', 'package-lock.json': '{}\n' });
  const head = git(repo, ['rev-parse', 'HEAD']);
  const cases: [string, string | null][] = [
    [head, head],
    [`refs/heads/main^{commit}`, head],
    [`${head}^{tree}`, git(repo, ['rev-parse', `${head}^{tree}`])],
    [`${head}:src/a.js`, git(repo, ['rev-parse', `${head}:src/a.js`])],
    ['refs/heads/no-such-branch^{commit}', null],
    [`${head}:no/such/file`, null],
    ['0000000000000000000000000000000000000001', null],
    ['two\nlines', null],
  ];
  for (const [name, expected] of cases) {
    assert.equal((await objectInfo(repo, name))?.sha ?? null, expected, name);
  }
  const blob = await readObject(repo, `${head}:src/a.js`);
  assert.equal(blob?.info.type, 'blob');
  assert.equal(blob?.data.toString('utf8'), 'export const a = 1;\n');
  const lsTree = git(repo, ['ls-tree', head]).split('\n');
  assert.deepEqual((await readTree(repo, head))!.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.name}`), lsTree);
  assert.equal(await refSha(repo, 'refs/heads/nope'), null);
  await assert.rejects(resolveSha(repo, 'refs/heads/nope'), /names no commit/);
});

test('one reader per repository sees refs moved and objects written by other git processes after it started', async (t) => {
  const repo = repoFor(t, { 'README.md': '# demo\n' });
  const first = await resolveSha(repo, 'refs/heads/main');
  const pid = readerPid(repo);
  assert.ok(pid !== undefined, 'a reader serves the repository');
  const second = commitFiles(repo, { 'b.txt': 'b\n' }, 'second');
  assert.notEqual(second, first);
  assert.equal(await resolveSha(repo, 'refs/heads/main'), second, 'the moved ref is read afresh');
  git(repo, ['update-ref', 'refs/heads/other', first]);
  assert.equal(await refSha(repo, 'refs/heads/other'), first, 'a ref created later is found');
  git(repo, ['pack-refs', '--all']);
  git(repo, ['update-ref', 'refs/heads/other', second]);
  assert.equal(await refSha(repo, 'refs/heads/other'), second, 'a packed ref updated later is read afresh');
  assert.equal(readerPid(repo), pid, 'all of it through the same process');
});

test('a killed reader costs no answer: calls in flight fall back to one-off git, the next call starts a new reader', async (t) => {
  const repo = repoFor(t, { 'README.md': '# demo\n' });
  const head = git(repo, ['rev-parse', 'HEAD']);
  assert.equal(await refSha(repo, 'refs/heads/main'), head);
  const pid = readerPid(repo)!;
  // a burst of requests with the reader killed under them
  const burst = Array.from({ length: 20 }, () => refSha(repo, 'refs/heads/main'));
  process.kill(pid, 'SIGKILL');
  const more = Array.from({ length: 20 }, () => objectInfo(repo, `${head}^{tree}`));
  assert.deepEqual(await Promise.all(burst), burst.map(() => head));
  const tree = git(repo, ['rev-parse', `${head}^{tree}`]);
  assert.deepEqual((await Promise.all(more)).map((info) => info?.sha), more.map(() => tree));
  assert.equal(await refSha(repo, 'refs/heads/main'), head);
  const next = readerPid(repo);
  assert.ok(next !== undefined && next !== pid, 'a new reader serves the repository');
});

test('setup stamps: same as the ls-tree of the lockfiles, cached only for commit ids, an unseen commit is always read', async (t) => {
  const f = fixture(t, { 'package.json': '{"name":"a"}\n', 'src/a.js': '1\n' });
  const lsTreeStamp = (sha: string, command: string): string => {
    // what setupStamp computed with one `git ls-tree` per call before the batch reader
    const lines = git(f.repo, ['ls-tree', sha, '--', 'package-lock.json', 'yarn.lock', 'package.json']).split('\n').filter(Boolean);
    const locks = lines.filter((line) => line.endsWith('\tpackage-lock.json') || line.endsWith('\tyarn.lock'));
    return createHash('sha256').update(`${command}\0${(locks.length > 0 ? locks : lines).join('\n')}`).digest('hex').slice(0, 20);
  };
  const manifestOnly = git(f.repo, ['rev-parse', 'HEAD']);
  const withLock = commitFiles(f.repo, { 'package-lock.json': '{"v":1}\n' }, 'lock');
  const otherFileOnly = commitFiles(f.repo, { 'src/a.js': '2\n' }, 'code');
  const lockChanged = commitFiles(f.repo, { 'package-lock.json': '{"v":2}\n' }, 'lock 2');
  const pool = f.pool();
  const slot = await pool.acquire('task');
  const table: [string, string][] = [[manifestOnly, 'npm ci'], [withLock, 'npm ci'], [otherFileOnly, 'npm ci'], [lockChanged, 'npm ci'], [withLock, 'npm install']];
  for (const round of [1, 2]) {
    for (const [sha, command] of table) {
      // asked in the slot (a linked worktree) and in the repository: the same answer
      assert.equal(await setupStamp(slot.path, sha, command), lsTreeStamp(sha, command), `${sha} ${command}, round ${round}`);
      assert.equal(await setupStamp(f.repo, sha, command), lsTreeStamp(sha, command));
    }
  }
  assert.equal(await setupStamp(f.repo, withLock, 'npm ci'), await setupStamp(f.repo, otherFileOnly, 'npm ci'), 'only the lockfile counts');
  assert.notEqual(await setupStamp(f.repo, withLock, 'npm ci'), await setupStamp(f.repo, lockChanged, 'npm ci'));
  // a ref is never cached (it moves); an id unknown when first asked is read again once it exists
  assert.equal(await setupStamp(f.repo, 'refs/heads/main', 'npm ci'), lsTreeStamp(lockChanged, 'npm ci'));
  git(f.repo, ['update-ref', 'refs/heads/main', withLock]);
  assert.equal(await setupStamp(f.repo, 'refs/heads/main', 'npm ci'), lsTreeStamp(withLock, 'npm ci'));
  // a commit whose id is known before it exists: asked first, it has nothing to read and is not kept
  const commitText = `tree ${git(f.repo, ['rev-parse', `${lockChanged}^{tree}`])}\nparent ${lockChanged}\nauthor a <a@b> 1700000000 +0000\ncommitter a <a@b> 1700000000 +0000\n\nnot yet written\n`;
  const file = join(f.home, 'commit.txt');
  writeFileSync(file, commitText);
  const unseen = git(f.repo, ['hash-object', '-t', 'commit', file]);
  assert.equal(await setupStamp(f.repo, unseen, 'npm ci'), createHash('sha256').update('npm ci\0').digest('hex').slice(0, 20), 'nothing to read: the empty basis');
  assert.equal(git(f.repo, ['hash-object', '-w', '-t', 'commit', file]), unseen);
  assert.equal(await setupStamp(f.repo, unseen, 'npm ci'), lsTreeStamp(lockChanged, 'npm ci'), 'read once it exists');
  assert.ok(readFileSync(join(slot.path, 'package.json'), 'utf8').length > 0);
  pool.release(slot);
});
