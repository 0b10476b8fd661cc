/**
 * The run's setup cache (src/git/setup-cache.ts): setup runs once per lockfile however many slots
 * and processes ask, each slot gets an independent copy, a failure is said once and not run again,
 * output that records its own folder is made per slot. Setup commands count their runs in a file
 * outside the repository.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, readlinkSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { commitFiles, fixture, git, read, tempDir, writeFiles } from './support.js';
import { SetupError, setupStamp } from '../../src/git/slot-setup.js';
import { setupCacheDir, setupRetryDelayMs } from '../../src/git/setup-cache.js';
import { waitFor } from '../helpers/loop-cli.js';

const runsOf = (file: string): number => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean).length : 0);

test('two slots asking at once run setup once; each gets its own copy: what an agent writes into node_modules of one slot, even in place, is not seen in the other or in the cache', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\n', 'package-lock.json': '{"v":1}\n' });
  const runs = join(f.home, 'runs');
  const pool = f.pool({ setupCommand: `echo ran >> ${runs}; mkdir -p node_modules/dep node_modules/.bin && echo original > node_modules/dep/index.js && ln -s ../dep/index.js node_modules/.bin/dep` });
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  const [a, b] = [await pool.acquire('task'), await pool.acquire('task')];
  await Promise.all([pool.pointAt(a, { sha: head, branch: 'loop/run1/t1' }), pool.pointAt(b, { sha: head, branch: 'loop/run1/t2' })]);
  assert.equal(runsOf(runs), 1);
  for (const slot of [a, b]) {
    assert.equal(read(slot.path, 'node_modules/dep/index.js'), 'original\n');
    assert.equal(readlinkSync(join(slot.path, 'node_modules/.bin/dep')), '../dep/index.js', 'a relative symlink is copied as a link');
    assert.equal(git(slot.path, ['status', '--porcelain']), '', 'setup output is ignored: the slot is clean');
  }

  appendFileSync(join(a.path, 'node_modules/dep/index.js'), 'patched in place\n');
  writeFileSync(join(a.path, 'node_modules/dep/new.js'), 'new\n');
  assert.equal(read(b.path, 'node_modules/dep/index.js'), 'original\n');
  assert.equal(existsSync(join(b.path, 'node_modules/dep/new.js')), false);
  const cached = join(setupCacheDir(await pool.dir()));
  const [stamp] = execFileSync('ls', [cached], { encoding: 'utf8' }).trim().split('\n');
  assert.equal(read(join(cached, stamp!, 'tree'), 'node_modules/dep/index.js'), 'original\n');
  assert.notEqual(statSync(join(a.path, 'node_modules/dep/index.js')).ino, statSync(join(b.path, 'node_modules/dep/index.js')).ino, 'no hard links');

  // a new slot later takes the recorded output without running setup
  const c = await pool.acquire('task');
  await pool.pointAt(c, { sha: head, branch: 'loop/run1/t3' });
  assert.equal(read(c.path, 'node_modules/dep/index.js'), 'original\n');
  assert.equal(runsOf(runs), 1);
});

test('two processes (a supervisor and its gate actor) wanting the same lockfile at once run setup once', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\n', 'package-lock.json': '{"v":1}\n' });
  const marks = tempDir(t, 'loop-setup-marks-');
  const runs = join(marks, 'runs');
  const go = join(marks, 'go');
  // the first to get the lock holds it until the test says go, so the other one waits on it
  const setupCommand = `echo ran >> ${runs}; while [ ! -e ${go} ]; do sleep 0.05; done; mkdir -p node_modules && echo dep > node_modules/dep.js`;
  const pool = f.pool();
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  const slots = [await pool.acquire('scratch'), await pool.acquire('scratch')];
  for (const slot of slots) await pool.pointAt(slot, { sha: head, branch: null });
  const poolDir = await pool.dir();
  const module = new URL('../../src/git/slot-state.js', import.meta.url).href;
  const children = slots.map((slot) => new Promise<string>((resolve, reject) => {
    const script = `const { restoreSetupState } = await import(${JSON.stringify(module)}); const s = await restoreSetupState(${JSON.stringify(slot.path)}, { sha: ${JSON.stringify(head)}, setupCommand: ${JSON.stringify(setupCommand)}, poolDir: ${JSON.stringify(poolDir)} }); process.stdout.write(String(s.setupRan));`;
    execFile(process.execPath, ['--input-type=module', '-e', script], (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout)));
  }));
  await waitFor('one process to start setup', () => runsOf(runs) === 1, 30_000);
  writeFileSync(go, '');
  assert.deepEqual(await Promise.all(children), ['true', 'true']);
  assert.equal(runsOf(runs), 1);
  for (const slot of slots) assert.equal(read(slot.path, 'node_modules/dep.js'), 'dep\n');
});

test('a failed setup is said once with its log, not run again for the next slot of the run; a new lockfile or a resumed run tries again', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\n', 'package-lock.json': '{"v":1}\n' });
  const runs = join(f.home, 'runs');
  const setupCommand = `echo ran >> ${runs}; grep -q '"v":2' package-lock.json || { echo "no such package" >&2; exit 3; }`;
  const pool = f.pool({ setupCommand });
  const v1 = git(f.repo, ['rev-parse', 'HEAD']);
  const [a, b] = [await pool.acquire('task'), await pool.acquire('task')];
  const failures = await Promise.all([a, b].map((slot) => pool.pointAt(slot, { sha: v1, branch: null }).then(() => null, (error: unknown) => error)));
  for (const error of failures) assert.ok(error instanceof SetupError, String(error));
  assert.equal(runsOf(runs), 1);
  const said = f.logs.filter((line) => /exited with 3/.test(line));
  assert.equal(said.length, 1, f.logs.join('\n'));
  assert.match(said[0]!, /log: \S+setup\.log/);
  assert.match(readFileSync(/log: (\S+setup\.log)/.exec(said[0]!)![1]!, 'utf8'), /no such package/);

  const again = await pool.pointAt(a, { sha: v1, branch: null }).catch((error: unknown) => error);
  assert.ok(again instanceof SetupError);
  assert.match(again.message, /failed earlier in this run and runs again at \d\d:\d\d:\d\d/);
  assert.equal(runsOf(runs), 1, 'not run again for the same lockfile before its retry time');

  // its retry time passed (set back in the record rather than slept for): it runs again, and a
  // second failure in a row waits twice as long
  const record = join(setupCacheDir(await pool.dir()), await setupStamp(a.path, v1, setupCommand), 'result.json');
  const recorded = JSON.parse(readFileSync(record, 'utf8')) as { failures: number; retryAt: number };
  assert.equal(recorded.failures, 1);
  writeFileSync(record, JSON.stringify({ ...recorded, retryAt: Date.now() - 1 }));
  const retried = await pool.pointAt(a, { sha: v1, branch: null }).catch((error: unknown) => error);
  assert.ok(retried instanceof SetupError && retried.retryAt !== undefined, String(retried));
  assert.equal(runsOf(runs), 2, 'run again once its retry time passed');
  const second = JSON.parse(readFileSync(record, 'utf8')) as { failures: number; retryAt: number };
  assert.equal(second.failures, 2);
  assert.ok(second.retryAt - Date.now() > setupRetryDelayMs(1), `${second.retryAt - Date.now()} ms`);

  const v2 = commitFiles(f.repo, { 'package-lock.json': '{"v":2}\n' }, 'fixed lockfile');
  await pool.pointAt(a, { sha: v2, branch: null });
  assert.equal(runsOf(runs), 3, 'a new lockfile runs setup again');

  const resumed = f.pool({ setupCommand });
  const c = await resumed.acquire('task');
  await assert.rejects(resumed.pointAt(c, { sha: v1, branch: null }), SetupError);
  assert.equal(runsOf(runs), 4, 'a resumed run (a new pool) tries the failed lockfile again');
});

test('setup output that records the folder it was made in (a virtualenv, an absolute symlink) is made in each slot itself', async (t) => {
  const f = fixture(t, { '.gitignore': '.venv/\n', 'requirements.txt': 'six\n' });
  const runs = join(f.home, 'runs');
  const pool = f.pool({ setupCommand: `echo ran >> ${runs}; mkdir -p .venv/bin && echo "VIRTUAL_ENV=$PWD/.venv" > .venv/bin/activate && ln -s "$PWD/.venv/bin/activate" .venv/link` });
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  const [a, b] = [await pool.acquire('task'), await pool.acquire('task')];
  for (const slot of [a, b]) await pool.pointAt(slot, { sha: head, branch: null });
  for (const slot of [a, b]) assert.equal(read(slot.path, '.venv/bin/activate'), `VIRTUAL_ENV=${slot.path}/.venv\n`);
  assert.equal(runsOf(runs), 3, 'once in the cache, where the path was found, then in each slot');
  assert.equal(f.logs.filter((line) => /records the folder it was made in \(\.venv\/bin\/activate\)/.test(line)).length, 2, f.logs.join('\n'));

  // only an absolute symlink into the cache's folder
  const g = fixture(t, { '.gitignore': 'out/\n', 'package-lock.json': '{}\n' });
  const linked = g.pool({ setupCommand: 'mkdir -p out && echo x > out/x && ln -s "$PWD/out/x" out/abs' });
  const slot = await linked.acquire('task');
  await linked.pointAt(slot, { sha: git(g.repo, ['rev-parse', 'HEAD']), branch: null });
  assert.equal(readlinkSync(join(slot.path, 'out/abs')), join(slot.path, 'out/x'));
  assert.ok(g.logs.some((line) => /records the folder it was made in \(out\/abs \(a symlink\)\)/.test(line)), g.logs.join('\n'));
});

test('real npm ci with an offline tarball dependency: run once for two slots; npm install in one slot changes that slot only', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\n', 'README.md': '# app\n' });
  const work = tempDir(t, 'loop-npm-');
  const npmCache = join(work, 'npm-cache');
  const runs = join(work, 'runs');
  const npm = (cwd: string, args: string[]): string => execFileSync('npm', [...args, '--offline', '--no-audit', '--no-fund', '--cache', npmCache], { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  const pack = (version: string, body: string): string => {
    const dir = join(work, `dep-${version}`);
    writeFiles(dir, { 'package.json': JSON.stringify({ name: 'dep', version, main: 'index.js' }), 'index.js': body });
    return join(work, npm(dir, ['pack', '--pack-destination', work]).trim().split('\n').pop()!);
  };
  const v1 = pack('1.0.0', 'module.exports = 1;\n');
  execFileSync('mkdir', ['-p', join(f.repo, 'vendor')]);
  execFileSync('cp', [v1, join(f.repo, 'vendor/dep-1.0.0.tgz')]);
  writeFiles(f.repo, { 'package.json': JSON.stringify({ name: 'app', version: '1.0.0', dependencies: { dep: 'file:vendor/dep-1.0.0.tgz' }, scripts: { prepare: `echo ran >> ${runs}` } }) });
  npm(f.repo, ['install']);
  const head = commitFiles(f.repo, {}, 'app with a vendored dependency');
  assert.match(git(f.repo, ['show', '--stat', 'HEAD']), /package-lock\.json/);
  writeFileSync(runs, '');

  const pool = f.pool({ setupCommand: `npm ci --offline --no-audit --no-fund --cache ${npmCache}` });
  const [a, b] = [await pool.acquire('task'), await pool.acquire('task')];
  await Promise.all([a, b].map((slot) => pool.pointAt(slot, { sha: head, branch: null })));
  assert.equal(runsOf(runs), 1, 'npm ci ran once (its prepare script counts)');
  for (const slot of [a, b]) assert.equal(read(slot.path, 'node_modules/dep/index.js'), 'module.exports = 1;\n');

  // the agent of slot a installs another version: npm replaces the package folder; b and the cache keep theirs
  npm(a.path, ['install', pack('2.0.0', 'module.exports = 2;\n')]);
  assert.equal(read(a.path, 'node_modules/dep/index.js'), 'module.exports = 2;\n');
  assert.equal(read(b.path, 'node_modules/dep/index.js'), 'module.exports = 1;\n');
  const c = await pool.acquire('task');
  await pool.pointAt(c, { sha: head, branch: null });
  assert.equal(read(c.path, 'node_modules/dep/index.js'), 'module.exports = 1;\n', 'the cache still holds what npm ci made');
  assert.equal(runsOf(runs), 1);
});

test('a setup left half-made by a killed process (its lock and checkout still there) is taken over and made again', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\n', 'package-lock.json': '{"v":1}\n' });
  const runs = join(f.home, 'runs');
  const setupCommand = `echo ran >> ${runs}; mkdir -p node_modules && echo dep > node_modules/dep.js`;
  const pool = f.pool({ setupCommand });
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  const slot = await pool.acquire('task');
  const stamp = await setupStamp(slot.path, head, setupCommand);
  const left = join(setupCacheDir(await pool.dir()), stamp);
  const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
  writeFiles(left, { lock: `${dead}\n`, 'tree/node_modules/half.js': 'half\n' });
  await pool.pointAt(slot, { sha: head, branch: null });
  assert.equal(runsOf(runs), 1);
  assert.equal(read(slot.path, 'node_modules/dep.js'), 'dep\n');
  assert.equal(existsSync(join(slot.path, 'node_modules/half.js')), false, 'nothing of the half-made checkout');
  assert.equal(existsSync(join(left, 'lock')), false);
});

test('a failed setup runs again 10 s after its first failure, twice as long after each further one, at most 5 min apart', () => {
  const cases: Array<[number, number]> = [[1, 10_000], [2, 20_000], [3, 40_000], [5, 160_000], [6, 300_000], [50, 300_000]];
  for (const [failures, delayMs] of cases) assert.equal(setupRetryDelayMs(failures), delayMs, `after ${failures} failures`);
});
