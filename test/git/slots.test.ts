import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync, mkdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { commitFiles, fixture, git, read, worktreeCount, writeFiles } from './support.js';
import { SetupError, slotPatienceMs } from '../../src/git/slots.js';
import { poolRoot } from '../../src/git/slot-paths.js';

test('a slot is created under $LOOP_HOME, outside the repository, and reused after release', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  assert.equal(slot.id, 'slot-1');
  assert.equal(slot.fresh, true);
  assert.ok(slot.path.startsWith(poolRoot(f.repo, f.home)), slot.path);
  assert.ok(relative(f.repo, slot.path).startsWith('..'), 'slot must not be inside the repository');
  assert.equal(worktreeCount(f.repo), 2);

  const second = await pool.acquire('task');
  assert.equal(second.id, 'slot-2');
  pool.release(slot);
  const again = await pool.acquire('task');
  assert.equal(again.id, 'slot-1');
  assert.equal(again.fresh, false);
  assert.equal(again.path, slot.path);
  assert.equal(worktreeCount(f.repo), 3, 'reuse adds no worktree');

  const critic = await pool.acquire('critic');
  const scratch = await pool.acquire('scratch');
  assert.deepEqual([critic.id, scratch.id], ['critic-1', 'scratch']);
});

test('prewarm makes slots ahead of need: acquires take them, no more are made than asked, and a prewarm that cannot make its slot leaves acquire to try itself', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  pool.prewarm('task', 2);
  pool.prewarm('task', 2);
  const [a, b] = await Promise.all([pool.acquire('task'), pool.acquire('task')]);
  assert.deepEqual([a.id, b.id].sort(), ['slot-1', 'slot-2']);
  assert.equal(worktreeCount(f.repo), 3, 'two slots made, the second prewarm asked for none');
  const c = await pool.acquire('task');
  assert.equal(c.id, 'slot-3', 'beyond the prewarmed ones, acquire makes its own');

  // a prewarm that fails (here: a repository without commits) says so; acquire then tries itself
  const lines: string[] = [];
  const g = fixture(t);
  const broken = g.pool({ onLog: (line) => lines.push(line) });
  git(g.repo, ['update-ref', '-d', 'HEAD']);
  broken.prewarm('task', 1);
  await assert.rejects(broken.acquire('task'), /has no commits yet/);
  assert.ok(lines.some((line) => /slot-1: could not be made ahead of time \(.*has no commits yet/.test(line)), lines.join('\n'));
  assert.equal((await broken.dispose()).removed.length, 0);
});

test('re-pointing a slot at a newer SHA shows work merged upstream since the slot was created', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  const first = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: first, branch: 'loop/run1/t1' });
  assert.equal(existsSync(join(slot.path, 'src/feature.js')), false);

  const upstream = commitFiles(f.repo, { 'src/feature.js': 'export const feature = 1;\n' }, 'upstream work');
  await pool.pointAt(slot, { sha: upstream, branch: 'loop/run1/t2' });
  assert.equal(read(slot.path, 'src/feature.js'), 'export const feature = 1;\n');
  assert.equal(git(slot.path, ['rev-parse', 'HEAD']), upstream);
  assert.equal(git(slot.path, ['symbolic-ref', '--short', 'HEAD']), 'loop/run1/t2');
  assert.equal(git(slot.path, ['status', '--porcelain']), '');

  await pool.pointAt(slot, { sha: first, branch: null });
  assert.equal(git(slot.path, ['rev-parse', 'HEAD']), first);
  assert.throws(() => git(slot.path, ['symbolic-ref', '-q', 'HEAD']), 'detached when branch is null');
});

test('pointAt refuses a ref name: only SHAs, so a ref moving mid-checkout cannot mix two commits', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  await assert.rejects(pool.pointAt(slot, { sha: 'main', branch: null }), /needs a commit SHA/);
});

test('re-pointing pins uncommitted work on an archive ref, removes untracked files, keeps setup output and drops ignored leftovers', async (t) => {
  const f = fixture(t, { '.gitignore': 'node_modules/\ngen/\n.env\n', 'a.txt': 'a\n' });
  writeFileSync(join(f.repo, '.env'), 'SECRET=1\n');
  const pool = f.pool({ setupCommand: 'mkdir -p node_modules/dep && echo dep > node_modules/dep/index.js', copyFiles: ['.env'] });
  const slot = await pool.acquire('task');
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: head, branch: 'loop/run1/t1' });
  writeFiles(slot.path, {
    'a.txt': 'edited\n', 'stray.txt': 'not captured\n',
    'gen/sub.js': 'export const sub = 1;\n', 'node_modules/evil/index.js': 'planted\n', 'node_modules/dep/extra.js': 'inside setup output\n',
  });

  await pool.pointAt(slot, { sha: head, branch: 'loop/run1/t2' });
  assert.equal(read(slot.path, 'a.txt'), 'a\n');
  assert.equal(existsSync(join(slot.path, 'stray.txt')), false, 'untracked leftovers would leak into the next capture');
  assert.equal(read(slot.path, 'node_modules/dep/index.js'), 'dep\n', 'setup output survives re-pointing');
  assert.equal(read(slot.path, '.env'), 'SECRET=1\n', 'copied files stay');
  assert.equal(existsSync(join(slot.path, 'gen')), false, 'an ignored folder setup did not make is removed');
  assert.equal(existsSync(join(slot.path, 'node_modules/evil')), false, 'a new entry inside setup output is removed');
  assert.equal(read(slot.path, 'node_modules/dep/extra.js'), 'inside setup output\n', 'changes deeper inside setup output are not tracked (documented limit)');
  assert.ok(f.logs.some((line) => /removed ignored leftovers .*gen\//.test(line)), f.logs.join('\n'));
  const archive = git(f.repo, ['for-each-ref', '--format=%(refname)', 'refs/loop/archive/run1/']);
  assert.equal(archive, 'refs/loop/archive/run1/slot-1-discarded');
  assert.equal(git(f.repo, ['show', `${archive}:a.txt`]), 'edited');
  assert.equal(git(f.repo, ['show', `${archive}:stray.txt`]), 'not captured');
});

test('a cargo target/ folder is kept as a build cache even when setup did not make it', async (t) => {
  const f = fixture(t, { '.gitignore': 'target/\n', 'Cargo.toml': '[package]\nname = "x"\n' });
  const pool = f.pool();
  const slot = await pool.acquire('task');
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  await pool.pointAt(slot, { sha: head, branch: 'loop/run1/t1' });
  writeFiles(slot.path, { 'target/debug/x': 'built\n' });
  await pool.pointAt(slot, { sha: head, branch: 'loop/run1/t2' });
  assert.equal(read(slot.path, 'target/debug/x'), 'built\n');
});

test('setup runs once per lockfile, not per slot, and again only when the lockfile changes; copyFiles are copied', async (t) => {
  const f = fixture(t, { 'package-lock.json': '{"v":1}\n', 'package.json': '{"name":"x"}\n', '.gitignore': 'setup-count\n.env\n' });
  writeFileSync(join(f.repo, '.env'), 'SECRET=1\n');
  const runs = join(f.home, 'setup-runs');
  const pool = f.pool({ setupCommand: `echo run >> setup-count; echo run >> ${runs}`, copyFiles: ['.env', 'missing.txt'] });
  const slot = await pool.acquire('task');
  const v1 = git(f.repo, ['rev-parse', 'HEAD']);

  assert.equal((await pool.pointAt(slot, { sha: v1, branch: 'loop/run1/t1' })).setupRan, true);
  assert.equal(read(slot.path, 'setup-count'), 'run\n');
  assert.equal(read(slot.path, '.env'), 'SECRET=1\n');

  const v2 = commitFiles(f.repo, { 'src/other.js': 'x\n', 'package.json': '{"name":"x","version":"2"}\n' }, 'no lockfile change');
  assert.equal((await pool.pointAt(slot, { sha: v2, branch: 'loop/run1/t2' })).setupRan, false);
  assert.equal(read(slot.path, 'setup-count'), 'run\n');

  const v3 = commitFiles(f.repo, { 'package-lock.json': '{"v":2}\n' }, 'lockfile change');
  assert.equal((await pool.pointAt(slot, { sha: v3, branch: 'loop/run1/t3' })).setupRan, true);
  assert.equal(read(slot.path, 'setup-count'), 'run\n', 'the output of setup for the new lockfile replaces the old one');
  assert.equal(read(f.home, 'setup-runs'), 'run\nrun\n');

  const other = await pool.acquire('task');
  assert.equal((await pool.pointAt(other, { sha: v3, branch: 'loop/run1/t4' })).setupRan, true, 'a new slot gets setup output');
  assert.equal(read(other.path, 'setup-count'), 'run\n');
  assert.equal(read(f.home, 'setup-runs'), 'run\nrun\n', 'made once for these lockfiles, not again for the new slot');
  assert.equal(read(other.path, '.env'), 'SECRET=1\n');
});

test('a failing setup command raises SetupError with its output and runs again next time', async (t) => {
  const f = fixture(t);
  const pool = f.pool({ setupCommand: 'echo installing; echo broken >&2; exit 3' });
  const slot = await pool.acquire('task');
  const head = git(f.repo, ['rev-parse', 'HEAD']);
  const error = await pool.pointAt(slot, { sha: head, branch: null }).catch((e: unknown) => e);
  assert.ok(error instanceof SetupError);
  assert.equal(error.exitCode, 3);
  assert.match(error.log, /installing[\s\S]*broken/);
  await assert.rejects(pool.pointAt(slot, { sha: head, branch: null }), SetupError);
});

test('dispose archives uncommitted work, removes every slot and is idempotent', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const slot = await pool.acquire('task');
  await pool.acquire('scratch');
  await pool.pointAt(slot, { sha: git(f.repo, ['rev-parse', 'HEAD']), branch: 'loop/run1/t1' });
  writeFiles(slot.path, { 'src/new.js': 'export const unsaved = true;\n' });
  // a clean slot whose HEAD is a commit no ref holds: its status is empty, its work still pinned
  const other = await pool.acquire('task');
  await pool.pointAt(other, { sha: git(f.repo, ['rev-parse', 'HEAD']), branch: null });
  writeFiles(other.path, { 'src/kept.js': 'export const committed = true;\n' });
  git(other.path, ['add', '-A']);
  git(other.path, ['commit', '-q', '-m', 'committed in a detached slot']);
  const orphan = git(other.path, ['rev-parse', 'HEAD']);

  const result = await pool.dispose();
  assert.equal(result.removed.length, 3);
  assert.deepEqual(result.archived.sort(), ['refs/loop/archive/run1/slot-1-uncommitted', 'refs/loop/archive/run1/slot-2-head']);
  assert.equal(git(f.repo, ['rev-parse', 'refs/loop/archive/run1/slot-2-head']), orphan);
  assert.equal(git(f.repo, ['show', 'refs/loop/archive/run1/slot-1-uncommitted:src/new.js']), 'export const unsaved = true;');
  assert.equal(existsSync(slot.path), false);
  assert.equal(worktreeCount(f.repo), 1);
  assert.deepEqual(await pool.dispose(), { removed: [], archived: [] });
});

test('a new pool for the same run adopts the slot a crashed process left, archiving what it held', async (t) => {
  const f = fixture(t);
  const crashed = f.pool();
  const slot = await crashed.acquire('task');
  await crashed.pointAt(slot, { sha: git(f.repo, ['rev-parse', 'HEAD']), branch: 'loop/run1/t1' });
  writeFiles(slot.path, { 'half-done.js': 'x\n' });

  const resumed = f.pool();
  const adopted = await resumed.acquire('task');
  assert.equal(adopted.path, slot.path);
  assert.equal(adopted.fresh, false);
  await resumed.pointAt(adopted, { sha: git(f.repo, ['rev-parse', 'HEAD']), branch: 'loop/run1/t1' });
  assert.equal(git(f.repo, ['show', 'refs/loop/archive/run1/slot-1-discarded:half-done.js']), 'x');
});

test('a stray folder with a slot name is left alone and the pool takes the next name', async (t) => {
  const f = fixture(t);
  const pool = f.pool();
  const stray = join(poolRoot(f.repo, f.home), 'run1', 'slot-1');
  mkdirSync(stray, { recursive: true });
  writeFileSync(join(stray, 'keep.txt'), 'user data\n');
  const slot = await pool.acquire('task');
  assert.equal(slot.id, 'slot-2');
  await pool.dispose();
  assert.equal(read(stray, 'keep.txt'), 'user data\n');
});

test('a $LOOP_HOME inside the repository is refused: slots never live in the checkout', async (t) => {
  const f = fixture(t);
  const pool = f.pool({ home: join(f.repo, '.state') });
  await assert.rejects(pool.acquire('task'), /inside the repository/);
  assert.equal(existsSync(join(f.repo, '.state')), false);
});

test('a pool at its task-slot limit makes no more checkouts: acquires wait, in order, for a release or a retired slot', async (t) => {
  const f = fixture(t);
  const pool = f.pool({ maxTaskSlots: 2 });
  const one = await pool.acquire('task');
  const two = await pool.acquire('task');
  const order: string[] = [];
  const third = pool.acquire('task').then((slot) => (order.push(`third:${slot.id}`), slot));
  const fourth = pool.acquire('task').then((slot) => (order.push(`fourth:${slot.id}`), slot));
  // other kinds are not limited
  const critic = await pool.acquire('critic');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, [], 'both wait while every task slot is held');
  pool.release(two);
  const gotThird = await third;
  assert.equal(gotThird.id, 'slot-2');
  assert.equal(gotThird.fresh, false, 'the released slot, not a new checkout');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['third:slot-2']);
  // a broken slot retired frees its place: the waiter gets a new one
  await pool.retire(one);
  const gotFourth = await fourth;
  assert.deepEqual(order, ['third:slot-2', `fourth:${gotFourth.id}`]);
  assert.equal(gotFourth.fresh, true);
  assert.equal(pool.slots().filter((slot) => slot.kind === 'task').length, 2);
  for (const slot of [gotThird, gotFourth, critic]) pool.release(slot);
});

test('every task slot held and the pool below its limit: an acquire waits up to its patience for a release before it makes a new checkout', async (t) => {
  const f = fixture(t);
  const patient = f.pool({ patienceMs: 60_000 });
  const held = await patient.acquire('task');
  let got: string | null = null;
  const waiting = patient.acquire('task').then((slot) => ((got = slot.id), slot));
  await new Promise((resolve) => setTimeout(resolve, 50));
  assert.equal(got, null, 'still waiting: a release is expected sooner than a checkout takes');
  patient.release(held);
  const slot = await waiting;
  assert.deepEqual([slot.id, slot.fresh], ['slot-1', false], 'the released slot, not a new checkout');
  assert.equal(worktreeCount(f.repo), 2);

  // no release within the patience: the waiting acquire makes a slot of its own
  const g = fixture(t);
  const hurried = g.pool({ patienceMs: 20 });
  const first = await hurried.acquire('task');
  const second = await hurried.acquire('task');
  assert.deepEqual([second.id, second.fresh], ['slot-2', true]);
  assert.equal(worktreeCount(g.repo), 3);
  for (const s of [first, second]) hurried.release(s);
});

test('the patience of a waiting acquire is the median time the pool took to make its last slots, 0 before it made any', () => {
  const cases: Array<[number[], number]> = [
    [[], 0],
    [[400], 400],
    [[100, 3000, 200], 200],
    // only the last five count: a machine that got busier (or quieter) is followed
    [[9000, 9000, 9000, 100, 100, 100, 100, 100], 100],
  ];
  for (const [made, patience] of cases) assert.equal(slotPatienceMs(made), patience, JSON.stringify(made));
});

test('waits add up: once acquires have waited as long as a new slot costs, the next one makes a slot without waiting for a release', async (t) => {
  const f = fixture(t);
  const pool = f.pool({ patienceMs: 1500 });
  const a = await pool.acquire('task');
  // the first waiter gets the slot back after ~900 ms of its 1500 ms patience
  const first = pool.acquire('task');
  setTimeout(() => pool.release(a), 900);
  const b = await first;
  assert.deepEqual([b.id, b.fresh], ['slot-1', false]);
  // the second waiter has ~600 ms left of the price; the release that comes at 1400 ms is too late
  const second = pool.acquire('task');
  const late = setTimeout(() => pool.release(b), 1400);
  const c = await second;
  clearTimeout(late);
  assert.deepEqual([c.id, c.fresh], ['slot-2', true], 'a new slot, made before the late release');
  pool.release(b);
  pool.release(c);
});
