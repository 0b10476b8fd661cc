import { test } from 'node:test';
import assert from 'node:assert/strict';
import { listFiles, parseLsFiles } from '../../src/learn/list-files.js';
import { git, tempDir, tempRepo, writeFiles } from '../helpers/temp.js';

test('git ls-files output: empty entries, nested repositories and repeated stages are dropped', () => {
  assert.deepEqual(parseLsFiles('a.ts\0a.ts\0a.ts\0b/c.py\0nested/\0\0d'), ['a.ts', 'b/c.py', 'd']);
  assert.deepEqual(parseLsFiles(''), []);
});

test('a file with a merge conflict is listed once', async (t) => {
  const dir = tempRepo(t, { 'a.ts': 'base\n' });
  git(dir, ['checkout', '-q', '-b', 'other']);
  writeFiles(dir, { 'a.ts': 'other\n' });
  git(dir, ['commit', '-q', '-am', 'other']);
  git(dir, ['checkout', '-q', 'main']);
  writeFiles(dir, { 'a.ts': 'main\n' });
  git(dir, ['commit', '-q', '-am', 'main']);
  assert.throws(() => git(dir, ['merge', '-q', 'other']));
  assert.match(git(dir, ['ls-files', '--stage']), /a\.ts[\s\S]*a\.ts/, 'the index holds several stages of a.ts');
  const { files } = await listFiles(dir);
  assert.deepEqual(files, ['a.ts']);
});

test('file names with spaces, quotes and non-ASCII characters come through unquoted', async (t) => {
  const dir = tempRepo(t, { 'my file.ts': 'x\n', 'naïve "quoted".py': 'y\n' });
  const { files, via } = await listFiles(dir);
  assert.equal(via, 'git');
  assert.deepEqual(files.sort(), ['my file.ts', 'naïve "quoted".py']);
});

test('scanning a subfolder of a repository lists only that subfolder, relative to it', async (t) => {
  const dir = tempRepo(t, { 'root.ts': 'x\n', 'web/app.ts': 'x\n', 'web/src/ui.ts': 'x\n' });
  const { files } = await listFiles(`${dir}/web`);
  assert.deepEqual(files.sort(), ['app.ts', 'src/ui.ts']);
});

test('deleted-but-tracked and staged files follow git; ignored files never appear', async (t) => {
  const dir = tempRepo(t, { '.gitignore': 'out/\n', 'keep.ts': 'x\n' });
  writeFiles(dir, { 'new.ts': 'x\n', 'out/gen.ts': 'x\n' });
  git(dir, ['add', 'new.ts']);
  const { files } = await listFiles(dir);
  assert.deepEqual(files.sort(), ['.gitignore', 'keep.ts', 'new.ts']);
});

test('outside git every regular file is walked, except dependency and build folders', async (t) => {
  const dir = tempDir(t);
  writeFiles(dir, { 'a.ts': '', 'src/b.ts': '', 'node_modules/x.js': '', 'target/x.rs': '', 'docs/build.md': '' });
  const { files, via } = await listFiles(dir);
  assert.equal(via, 'walk');
  assert.deepEqual(files, ['a.ts', 'docs/build.md', 'src/b.ts']);
});
