import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles, fixture, git, writeFiles } from './support.js';
import { ensureIntegrationBranch, isProtected, landIntegration, pathsOverwritten } from '../../src/git/integration.js';

/** A run whose integration branch is one commit ahead of main: `changes` (null deletes a file), feature.js by default. */
async function finishedRun(t: Parameters<typeof fixture>[0], changes: Record<string, string | null> = { 'feature.js': 'export const feature = true;\n' }, files?: Record<string, string>) {
  const f = fixture(t, files ?? { 'README.md': '# demo\n', 'src/app.js': 'app\n', '.gitignore': 'ignored.log\n' });
  const integration = await ensureIntegrationBranch(f.repo, 'run1');
  assert.deepEqual([integration.branch, integration.ref], ['main', 'refs/heads/loop/run1/integration']);
  const work = git(f.repo, ['commit-tree', '-p', integration.headSha, '-m', 'merged work', await treeWith(f.repo, integration.headSha, changes)]);
  git(f.repo, ['update-ref', integration.ref, work]);
  return { ...f, integration, work };
}

/** The tree of `sha` with `changes` applied, built without touching the checkout. */
async function treeWith(repo: string, sha: string, changes: Record<string, string | null>): Promise<string> {
  const index = join(repo, '.git', 'tmp-index');
  const env = { ...process.env, GIT_INDEX_FILE: index };
  const run = (args: string[], input?: string) => execFileSync('git', args, { cwd: repo, env, input, encoding: 'utf8' }).trim();
  run(['read-tree', sha]);
  for (const [path, content] of Object.entries(changes)) {
    if (content === null) run(['update-index', '--force-remove', path]);
    else run(['update-index', '--add', '--cacheinfo', `100644,${run(['hash-object', '-w', '--stdin'], content)},${path}`]);
  }
  const tree = run(['write-tree']);
  rmSync(index, { force: true });
  return tree;
}

function snapshot(repo: string, files: string[]): Record<string, string> {
  return Object.fromEntries(files.map((file) => [file, readFileSync(join(repo, file), 'utf8')]));
}

test('ensureIntegrationBranch creates loop/<run>/integration at the branch head and reuses it on resume', async (t) => {
  const f = fixture(t);
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  const first = await ensureIntegrationBranch(f.repo, 'run1');
  assert.deepEqual(first, { ref: 'refs/heads/loop/run1/integration', branch: 'main', baseSha: head, headSha: head });
  const moved = commitFiles(f.repo, { 'x.txt': 'x\n' }, 'later');
  git(f.repo, ['update-ref', first.ref, moved]);
  const resumed = await ensureIntegrationBranch(f.repo, 'run1');
  assert.equal(resumed.headSha, moved);
  await assert.rejects(ensureIntegrationBranch(f.repo, 'bad..id'), /cannot be part of a git branch name/);
  await assert.rejects(ensureIntegrationBranch(f.repo, 'run2', { branch: 'nope' }), /branch "nope" does not exist/);
});

test('landIntegration fast-forwards a clean checkout that is on the target branch', async (t) => {
  const r = await finishedRun(t);
  writeFileSync(join(r.repo, 'ignored.log'), 'ignored files do not count\n');
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, true);
  assert.equal(git(r.repo, ['rev-parse', 'main']), r.work);
  assert.equal(readFileSync(join(r.repo, 'feature.js'), 'utf8'), 'export const feature = true;\n');
  assert.equal(git(r.repo, ['status', '--porcelain']), '');
});

test('landIntegration leaves a dirty checkout byte-identical and returns the command', async (t) => {
  const r = await finishedRun(t);
  writeFiles(r.repo, { 'src/app.js': 'my unsaved edit\n', 'notes.txt': 'untracked notes\n' });
  const before = snapshot(r.repo, ['src/app.js', 'notes.txt', 'README.md']);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, false);
  assert.equal(result.command, `git -C ${r.repo} merge --ff-only --no-overwrite-ignore loop/run1/integration`);
  // Only what blocks the fast-forward is named: the tracked edit, not the unrelated untracked notes.
  assert.match(result.reason!, /uncommitted changes \(src\/app\.js\)/);
  assert.deepEqual(snapshot(r.repo, ['src/app.js', 'notes.txt', 'README.md']), before);
  assert.equal(git(r.repo, ['rev-parse', 'main']), r.integration.headSha, 'main did not move');
});

test('landIntegration never writes a protected branch and says how to land it', async (t) => {
  const r = await finishedRun(t);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: ['main'] });
  assert.equal(result.landed, false);
  assert.match(result.reason!, /protected/);
  assert.match(result.command!, /git push origin loop\/run1\/integration/);
  assert.equal(git(r.repo, ['rev-parse', 'main']), r.integration.headSha);
});

test('when the user switched to another branch, nothing is moved: the exact command to land the work is returned and their files stay as they are', async (t) => {
  const r = await finishedRun(t);
  git(r.repo, ['switch', '-q', '-c', 'experiment']);
  writeFiles(r.repo, { 'src/app.js': 'work in progress\n', 'scratch.txt': 'untracked\n' });
  const before = snapshot(r.repo, ['src/app.js', 'scratch.txt']);
  const mainBefore = git(r.repo, ['rev-parse', 'main']);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, false);
  assert.match(result.reason!, /your checkout is on experiment, not main/);
  assert.match(result.command!, /fetch \. loop\/run1\/integration:main/);
  assert.equal(git(r.repo, ['rev-parse', 'main']), mainBefore);
  assert.equal(git(r.repo, ['symbolic-ref', '--short', 'HEAD']), 'experiment');
  assert.deepEqual(snapshot(r.repo, ['src/app.js', 'scratch.txt']), before);
  // The printed command really lands it, as a fast-forward, without touching the checkout.
  execFileSync('sh', ['-c', result.command!.split('#')[0]!], { stdio: 'pipe' });
  assert.equal(git(r.repo, ['rev-parse', 'main']), r.work);
  assert.deepEqual(snapshot(r.repo, ['src/app.js', 'scratch.txt']), before);
});

test('when main moved on since the run started, landIntegration returns a merge command instead', async (t) => {
  const r = await finishedRun(t);
  commitFiles(r.repo, { 'hotfix.txt': 'fix\n' }, 'user hotfix');
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, false);
  assert.match(result.reason!, /moved since the run started/);
  assert.match(result.command!, /merge loop\/run1\/integration/);
});

test('protected branch patterns match whole names or globs', () => {
  assert.equal(isProtected('main', ['main']), true);
  assert.equal(isProtected('release/1.2', ['release/*']), true);
  assert.equal(isProtected('feature/main', ['main']), false);
  assert.equal(isProtected('develop', ['main', 'release/*']), false);
});

test('untracked files the merge does not write (a fresh `loop init`, notes) do not stop the fast-forward, and stay byte-identical', async (t) => {
  const r = await finishedRun(t);
  writeFiles(r.repo, { 'loop.config.yaml': 'version: 1\n', 'notes/todo.txt': 'mine\n' });
  const before = snapshot(r.repo, ['loop.config.yaml', 'notes/todo.txt']);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, true, result.reason);
  assert.equal(git(r.repo, ['rev-parse', 'main']), r.work);
  assert.deepEqual(snapshot(r.repo, ['loop.config.yaml', 'notes/todo.txt']), before);
});

test('an untracked file at a path the merge would write stops the landing and is left as it is', async (t) => {
  const r = await finishedRun(t);
  writeFiles(r.repo, { 'feature.js': 'my own feature file\n' });
  const mainBefore = git(r.repo, ['rev-parse', 'main']);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, false);
  assert.match(result.reason!, /feature\.js/);
  assert.equal(git(r.repo, ['rev-parse', 'main']), mainBefore);
  assert.deepEqual(snapshot(r.repo, ['feature.js']), { 'feature.js': 'my own feature file\n' });
});

test('an ignored file at a path the merge creates (the user\'s .env, committed by a task that emptied .gitignore) stops the landing and stays byte-identical', async (t) => {
  const r = await finishedRun(t, { '.gitignore': '', '.env': 'API_KEY=from-the-agent\n' }, { 'README.md': '# demo\n', '.gitignore': '.env\n' });
  writeFiles(r.repo, { '.env': 'API_KEY=the-users-real-key\n' });
  assert.equal(git(r.repo, ['status', '--porcelain']), '', 'the .env is ignored: git calls the checkout clean');
  const mainBefore = git(r.repo, ['rev-parse', 'main']);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [] });
  assert.equal(result.landed, false);
  assert.match(result.reason!, /would overwrite files .*\(\.env\)/);
  assert.equal(result.command, `git -C ${r.repo} merge --ff-only --no-overwrite-ignore loop/run1/integration`);
  assert.equal(git(r.repo, ['rev-parse', 'main']), mainBefore);
  assert.equal(readFileSync(join(r.repo, '.env'), 'utf8'), 'API_KEY=the-users-real-key\n');
  // The printed command is just as careful: git itself refuses to replace the ignored file.
  assert.throws(() => execFileSync('sh', ['-c', result.command!], { stdio: 'pipe' }));
  assert.equal(readFileSync(join(r.repo, '.env'), 'utf8'), 'API_KEY=the-users-real-key\n');
  assert.equal(git(r.repo, ['rev-parse', 'main']), mainBefore);
});

test('pathsOverwritten names files in the way of created files and of created folders, and lets a tracked file become a folder', async (t) => {
  const r = await finishedRun(t, { 'gen/out.js': 'x\n', 'build/app.js': 'y\n', 'docs/guide.md': 'z\n', 'src/app.js': null, 'src/app.js/index.js': 'w\n' }, {
    'README.md': '# demo\n', 'src/app.js': 'app\n', '.gitignore': 'gen\nbuild/\n',
  });
  writeFiles(r.repo, { gen: 'an ignored file where the merge needs a folder\n', 'build/app.js': 'ignored build output\n', 'build/other.js': 'not in the way\n' });
  assert.deepEqual(await pathsOverwritten(r.repo, r.repo, r.integration.headSha, r.work), ['build/app.js', 'gen']);
});

test('pathsOverwritten lets a folder of tracked files become a file, but not when it also holds an ignored one', async (t) => {
  const r = await finishedRun(t, { 'lib/a.js': null, 'lib/b.js': null, lib: 'now a file\n' }, { 'README.md': '# demo\n', 'lib/a.js': 'a\n', 'lib/b.js': 'b\n', '.gitignore': '*.log\n' });
  assert.deepEqual(await pathsOverwritten(r.repo, r.repo, r.integration.headSha, r.work), []);
  writeFiles(r.repo, { 'lib/debug.log': 'ignored\n' });
  assert.deepEqual(await pathsOverwritten(r.repo, r.repo, r.integration.headSha, r.work), ['lib']);
});

test('apply: false (loop.land: none) checks and returns the command but leaves the checkout alone', async (t) => {
  const r = await finishedRun(t);
  const mainBefore = git(r.repo, ['rev-parse', 'main']);
  const result = await landIntegration({ repo: r.repo, runId: 'run1', branch: 'main', protectedBranches: [], apply: false });
  assert.equal(result.landed, false);
  assert.equal(result.reason, undefined, 'nothing stands in the way');
  assert.equal(git(r.repo, ['rev-parse', 'main']), mainBefore);
  execFileSync('sh', ['-c', result.command!], { stdio: 'pipe' });
  assert.equal(git(r.repo, ['rev-parse', 'main']), r.work, 'the printed command lands it');
});
