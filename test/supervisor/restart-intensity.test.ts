import assert from 'node:assert/strict';
import test from 'node:test';
import { addRestart, type IntensityLimits, type RestartWindow } from '../../supervisor/restart-intensity.js';

const OTP_DEFAULT: IntensityLimits = { intensity: 1, periodMs: 5_000 };

/** Feed restart times one by one; return whether each one exceeded. */
function run(times: readonly number[], limits: IntensityLimits): boolean[] {
  let window: RestartWindow = [];
  return times.map((now) => {
    const step = addRestart(window, now, limits);
    window = step.window;
    return step.exceeded;
  });
}

test('a first restart is within the default intensity of 1 in 5 s', () => {
  assert.deepEqual(run([0], OTP_DEFAULT), [false]);
});

test('a second restart inside the period exceeds the intensity', () => {
  assert.deepEqual(run([0, 4_999], OTP_DEFAULT), [false, true]);
});

test('a second restart exactly one period later still exceeds (inclusive boundary, as in OTP)', () => {
  assert.deepEqual(run([0, 5_000], OTP_DEFAULT), [false, true]);
});

test('a second restart just after the period has passed does not exceed', () => {
  assert.deepEqual(run([0, 5_001], OTP_DEFAULT), [false, false]);
});

const table: ReadonlyArray<{ name: string; limits: IntensityLimits; times: number[]; exceeded: boolean[] }> = [
  { name: 'intensity 0 gives up on the first restart', limits: { intensity: 0, periodMs: 1_000 }, times: [0], exceeded: [true] },
  { name: 'intensity 3 tolerates a burst of three', limits: { intensity: 3, periodMs: 1_000 }, times: [0, 1, 2, 3], exceeded: [false, false, false, true] },
  { name: 'old restarts slide out of the window', limits: { intensity: 2, periodMs: 100 }, times: [0, 50, 151, 200, 210], exceeded: [false, false, false, false, true] },
  { name: 'a sustained rate below intensity/period never exceeds', limits: { intensity: 1, periodMs: 100 }, times: [0, 101, 202, 303, 404], exceeded: [false, false, false, false, false] },
  { name: 'restarts at the same instant all count', limits: { intensity: 2, periodMs: 100 }, times: [7, 7, 7], exceeded: [false, false, true] },
];
for (const row of table) {
  test(`restart intensity: ${row.name}`, () => {
    assert.deepEqual(run(row.times, row.limits), row.exceeded);
  });
}

test('the window keeps only restarts inside the period, newest first', () => {
  const first = addRestart([], 0, { intensity: 5, periodMs: 100 });
  const second = addRestart(first.window, 60, { intensity: 5, periodMs: 100 });
  const third = addRestart(second.window, 130, { intensity: 5, periodMs: 100 });
  assert.deepEqual(third.window, [130, 60]);
});
