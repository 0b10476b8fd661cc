import { test } from 'node:test';
import assert from 'node:assert/strict';
import { estimateUsd, newBudget, release, reserve, reservedUsd, settle } from '../../src/budget/governor.js';

test('a call is refused when spent + reserved + its estimate would pass the budget', () => {
  let state = newBudget(1);
  const steps: Array<[string, number, number, boolean]> = [
    // [call, estimate, actual, allowed]
    ['c1', 0.4, 0.4, true],
    ['c2', 0.4, 0.4, true],
    ['c3', 0.4, 0.4, false],
  ];
  for (const [id, estimate, actual, allowed] of steps) {
    const decision = reserve(state, id, estimate);
    assert.equal(decision.ok, allowed, id);
    state = decision.state;
    if (decision.ok) state = settle(state, id, 'p', actual);
  }
  assert.ok(Math.abs(state.spentUsd - 0.8) < 1e-9);
});

test('reservations of calls in flight count against the budget', () => {
  const a = reserve(newBudget(1), 'a', 0.5);
  assert.equal(a.ok, true);
  const b = reserve(a.state, 'b', 0.5);
  assert.equal(b.ok, true);
  assert.equal(reserve(b.state, 'c', 0.01).ok, false);
  assert.equal(reservedUsd(b.state), 1);
});

test('an exact fit is allowed despite floating point', () => {
  let state = newBudget(0.3);
  state = settle(reserve(state, 'a', 0.1).state, 'a', 'p', 0.1);
  state = settle(reserve(state, 'b', 0.2).state, 'b', 'p', 0.2);
  assert.equal(reserve(newBudget(0.3, 0.1 + 0.2 - 0.3 + 0.3), 'c', 0).ok, true);
  assert.ok(Math.abs(state.spentUsd - 0.3) < 1e-9);
});

test('no budget means every call is allowed', () => {
  assert.equal(reserve(newBudget(null, 1e6), 'x', 1e6).ok, true);
});

test('the estimate is the most expensive call seen for its key, else the default', () => {
  let state = newBudget(10);
  assert.equal(estimateUsd(state, 'claude:attempt', 0.5), 0.5);
  state = settle(reserve(state, 'a', 0.5).state, 'a', 'claude:attempt', 0.9);
  state = settle(reserve(state, 'b', 0.9).state, 'b', 'claude:attempt', 0.2);
  assert.equal(estimateUsd(state, 'claude:attempt', 0.5), 0.9);
  assert.equal(estimateUsd(state, 'codex:review', 0.3), 0.3);
});

test('releasing a reservation of a call that never ran frees it', () => {
  const state = release(reserve(newBudget(1), 'a', 1).state, 'a');
  assert.equal(reservedUsd(state), 0);
  assert.equal(reserve(state, 'b', 1).ok, true);
});

test('a refusal is final only when the call would not fit even if every call in flight cost nothing', () => {
  const rows: Array<{ budget: number; spent: number; inFlight: number[]; estimate: number; ok: boolean; final?: boolean }> = [
    { budget: 1, spent: 0, inFlight: [0.5, 0.5], estimate: 0.5, ok: false, final: false },
    { budget: 1, spent: 0.6, inFlight: [0.3], estimate: 0.3, ok: false, final: false },
    { budget: 1, spent: 0.6, inFlight: [], estimate: 0.5, ok: false, final: true },
    { budget: 1, spent: 0.6, inFlight: [0.3], estimate: 0.5, ok: false, final: true },
    { budget: 1, spent: 0.5, inFlight: [], estimate: 0.5, ok: true },
    { budget: 1, spent: 0, inFlight: [0.5], estimate: 0.5, ok: true },
    { budget: 0.3, spent: 0.1 + 0.2 - 0.3, inFlight: [0.1, 0.1], estimate: 0.2, ok: false, final: false },
  ];
  for (const row of rows) {
    let state = newBudget(row.budget, row.spent);
    row.inFlight.forEach((usd, i) => (state = reserve(state, `f${i}`, usd).state));
    const decision = reserve(state, 'next', row.estimate);
    assert.equal(decision.ok, row.ok, JSON.stringify(row));
    if (!decision.ok) assert.equal(decision.final, row.final, JSON.stringify(row));
  }
});
