import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseDuration, parseLatency, parseParallel, parseTests, positiveInt } from '../../src/bench/options.js';

test('durations: ms, s, m and bare seconds', () => {
  assert.deepEqual(['500ms', '2s', '0.5s', '1.5m', '3'].map((d) => parseDuration(d, '--x')), [500, 2000, 500, 90_000, 3000]);
  assert.throws(() => parseDuration('soon', '--latency fixed:'), /--latency fixed: soon: expected a duration like 2s/);
});

test('--latency takes fixed:DURATION or lognormal:MEDIAN,SIGMA', () => {
  assert.deepEqual(parseLatency('fixed:2s'), { kind: 'fixed', ms: 2000 });
  assert.deepEqual(parseLatency('lognormal:3s,0.6'), { kind: 'lognormal', medianMs: 3000, sigma: 0.6 });
  assert.throws(() => parseLatency('lognormal:3s'), /expected lognormal:MEDIAN,SIGMA/);
  assert.throws(() => parseLatency('gaussian:1s'), /expected fixed:DURATION/);
});

test('--tests takes synthetic:DURATION or a command', () => {
  assert.deepEqual(parseTests('synthetic:0.5s'), { kind: 'synthetic', ms: 500 });
  assert.deepEqual(parseTests('npm test'), { kind: 'command', command: 'npm test' });
  assert.throws(() => parseTests('  '), /expected a test command or synthetic/);
});

test('--parallel is a sorted list of distinct whole numbers', () => {
  assert.deepEqual(parseParallel('8,1,2,4,2'), [1, 2, 4, 8]);
  assert.throws(() => parseParallel('1,two'), /--parallel 1,two: expected a comma-separated list/);
  assert.throws(() => parseParallel('0'), /from 1 to 64/);
});

test('counts are whole numbers in range, with a default', () => {
  assert.equal(positiveInt(undefined, '--tasks', 16, 1000), 16);
  assert.equal(positiveInt('40', '--tasks', 16, 1000), 40);
  assert.throws(() => positiveInt('1.5', '--tasks', 16, 1000), /--tasks 1.5: expected a whole number from 1 to 1000/);
});
