import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BudgetTracker } from '../../src/budget/tracker.js';

test('a refusal caused only by reservations does not stick: once they settle under their estimates the call is reserved', () => {
  const budget = new BudgetTracker(1);
  assert.equal(budget.tryReserve('a', 'p:attempt', 0.5), true);
  assert.equal(budget.tryReserve('b', 'p:attempt', 0.5), true);
  assert.equal(budget.tryReserve('c', 'q:review', 0.5), false);
  assert.equal(budget.refused, null, 'refused only because a and b are in flight');
  budget.settle('a', 'p:attempt', 0.1);
  assert.equal(budget.tryReserve('c', 'q:review', 0.5), false, '0.1 spent + 0.5 reserved + 0.5 estimate');
  assert.equal(budget.refused, null);
  budget.settle('b', 'p:attempt', 0.1);
  assert.equal(budget.tryReserve('c', 'q:review', 0.5), true, '0.2 spent + 0.5 estimate fits');
  assert.equal(budget.refused, null);
});

test('a refusal that no settle can fix is final and remembered', () => {
  const budget = new BudgetTracker(1, 0.8);
  assert.equal(budget.tryReserve('a', 'p:attempt', 0.5), false);
  assert.deepEqual(budget.refused, { spentUsd: 0.8, reservedUsd: 0, estimateUsd: 0.5 });
});

test('reserveWhenSettled waits for calls in flight, then reserves or refuses for good', async () => {
  const budget = new BudgetTracker(1);
  budget.tryReserve('a', 'p:attempt', 0.6);
  const review = budget.reserveWhenSettled('r', 'p:review', 0.5, new AbortController().signal);
  let answered: boolean | null = null;
  void review.then((ok) => (answered = ok));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, null, 'still waiting while a is in flight');
  budget.settle('a', 'p:attempt', 0.2);
  assert.equal(await review, true);

  const tight = new BudgetTracker(1);
  tight.tryReserve('a', 'p:attempt', 0.6);
  const refused = tight.reserveWhenSettled('r', 'p:review', 0.5, new AbortController().signal);
  tight.settle('a', 'p:attempt', 0.6);
  assert.equal(await refused, false, '0.6 spent + 0.5 does not fit');
  assert.ok(tight.refused);

  const stopped = new BudgetTracker(1);
  stopped.tryReserve('a', 'p:attempt', 0.9);
  const stop = new AbortController();
  const waiting = stopped.reserveWhenSettled('r', 'p:review', 0.5, stop.signal);
  stop.abort();
  assert.equal(await waiting, false);
});
