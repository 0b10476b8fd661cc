import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createProgressReporter, describeProgress } from '../../src/learn/progress.js';

function harness(isTTY: boolean) {
  let clock = 0;
  const written: string[] = [];
  const reporter = createProgressReporter({ write: (text) => written.push(text), isTTY, now: () => clock });
  const at = (ms: number, done: number) => {
    clock = ms;
    reporter.update({ phase: 'counting lines', done, total: 100 });
  };
  return { reporter, written, at };
}

test('a scan that ends within the first second prints nothing', () => {
  const { reporter, written, at } = harness(true);
  at(100, 10);
  at(900, 100);
  reporter.finish();
  assert.deepEqual(written, []);
});

test('a long scan prints at most one update per 250 ms, as plain lines when not on a terminal', () => {
  const { reporter, written, at } = harness(false);
  const schedule: [number, number][] = [[500, 1], [1000, 10], [1100, 11], [1249, 12], [1250, 20], [1400, 21], [1600, 30], [3000, 100]];
  for (const [ms, done] of schedule) at(ms, done);
  reporter.finish();
  assert.deepEqual(written, [
    'loop learn: counting lines 10/100 files (10%)\n',
    'loop learn: counting lines 20/100 files (20%)\n',
    'loop learn: counting lines 30/100 files (30%)\n',
    'loop learn: counting lines 100/100 files (100%)\n',
  ]);
});

test('on a terminal the line is rewritten in place and ended once at the finish', () => {
  const { reporter, written, at } = harness(true);
  at(1000, 10);
  at(1300, 40);
  reporter.finish();
  assert.deepEqual(written, [
    '\r\x1b[Kloop learn: counting lines 10/100 files (10%)',
    '\r\x1b[Kloop learn: counting lines 40/100 files (40%)',
    '\n',
  ]);
});

test('a phase without a file total is described by its name alone', () => {
  assert.equal(describeProgress({ phase: 'listing files', done: 0, total: 0 }), 'loop learn: listing files…');
});
