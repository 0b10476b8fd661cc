import assert from 'node:assert/strict';
import test from 'node:test';
import { backoffDelayMs, nextBackoff } from '../../supervisor/backoff.js';
import type { BackoffOptions } from '../../supervisor/child-spec.js';

const SME: BackoffOptions = { minMs: 2_000, maxMs: 60_000, randomFactor: 0.2 };

test('the delay doubles from minMs with each consecutive restart', () => {
  assert.deepEqual([0, 1, 2, 3, 4].map((n) => backoffDelayMs(n, SME, 0)), [2_000, 4_000, 8_000, 16_000, 32_000]);
});

test('the delay is capped at maxMs before jitter', () => {
  assert.equal(backoffDelayMs(5, SME, 0), 60_000);
  assert.equal(backoffDelayMs(1_000, SME, 0), 60_000);
});

test('jitter stretches the delay by up to randomFactor', () => {
  assert.equal(backoffDelayMs(0, SME, 0.5), 2_200);
  assert.equal(backoffDelayMs(0, SME, 0.999), 2_400);
  assert.equal(backoffDelayMs(9, SME, 1), 72_000, 'Akka applies the jitter after the cap');
});

test('the default backoff restarts immediately, as OTP does', () => {
  const immediate = { minMs: 0, maxMs: 0, randomFactor: 0 };
  assert.deepEqual([0, 1, 60, 2_000].map((n) => backoffDelayMs(n, immediate, 0.7)), [0, 0, 0, 0]);
});

test('huge restart counts do not overflow into NaN', () => {
  assert.equal(backoffDelayMs(Number.MAX_SAFE_INTEGER, SME, 0), 60_000);
});

const steps: ReadonlyArray<{ name: string; restartCount: number; uptimeMs: number | null; delayMs: number; next: number }> = [
  { name: 'a failed start (no uptime) keeps growing the delay', restartCount: 3, uptimeMs: null, delayMs: 16_000, next: 4 },
  { name: 'a short run keeps growing the delay', restartCount: 3, uptimeMs: 30_999, delayMs: 16_000, next: 4 },
  { name: 'a run as long as resetAfterMs resets to minMs', restartCount: 3, uptimeMs: 31_000, delayMs: 2_000, next: 1 },
  { name: 'a long run resets to minMs', restartCount: 9, uptimeMs: 3_600_000, delayMs: 2_000, next: 1 },
];
for (const row of steps) {
  test(`backoff reset after stable uptime: ${row.name}`, () => {
    // Akka's default reset point: (minMs + maxMs) / 2 = 31 000 ms.
    const step = nextBackoff({ restartCount: row.restartCount, uptimeMs: row.uptimeMs, options: SME, random: 0 });
    assert.deepEqual(step, { delayMs: row.delayMs, restartCount: row.next });
  });
}

test('an explicit resetAfterMs replaces the default reset point', () => {
  const options = { ...SME, resetAfterMs: 500 };
  assert.deepEqual(nextBackoff({ restartCount: 4, uptimeMs: 500, options, random: 0 }), { delayMs: 2_000, restartCount: 1 });
  assert.deepEqual(nextBackoff({ restartCount: 4, uptimeMs: 499, options, random: 0 }), { delayMs: 32_000, restartCount: 5 });
});
