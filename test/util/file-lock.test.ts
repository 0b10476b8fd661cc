/** The lock between processes the setup cache takes (src/util/file-lock.ts). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { withFileLock } from '../../src/util/file-lock.js';
import { tempDir } from '../helpers/temp.js';

test('holders of one lock file run one after another, and the file is gone afterwards', async (t) => {
  const file = join(tempDir(t, 'loop-lock-'), 'lock');
  const order: string[] = [];
  let releaseFirst!: () => void;
  const first = withFileLock(file, { staleMs: 60_000 }, async () => {
    order.push('first in');
    await new Promise<void>((resolve) => (releaseFirst = resolve));
    order.push('first out');
  });
  const second = withFileLock(file, { staleMs: 60_000 }, async () => {
    order.push('second in');
  });
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(order, ['first in'], 'the second waits while the first holds it');
  releaseFirst();
  await Promise.all([first, second]);
  assert.deepEqual(order, ['first in', 'first out', 'second in']);
  assert.equal(existsSync(file), false);
});

test('a lock left by a dead process, or older than staleMs, is taken over', async (t) => {
  const dir = tempDir(t, 'loop-lock-');
  const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' }).stdout;
  writeFileSync(join(dir, 'dead'), `${dead}\n`);
  assert.equal(await withFileLock(join(dir, 'dead'), { staleMs: 60_000, checkMs: 50 }, async () => 'taken'), 'taken');

  // held by a live process (this test's parent) for longer than a holder may work
  writeFileSync(join(dir, 'old'), `${process.ppid}\n`);
  utimesSync(join(dir, 'old'), new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
  assert.equal(await withFileLock(join(dir, 'old'), { staleMs: 60_000, checkMs: 50 }, async () => 'taken'), 'taken');
});
