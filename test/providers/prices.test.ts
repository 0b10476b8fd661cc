import { test } from 'node:test';
import assert from 'node:assert/strict';
import { priceFor, priceTokens } from '../../src/providers/prices.js';
import { SessionCosts } from '../../src/providers/session-costs.js';

test('the longest matching model prefix wins, vendor prefixes are ignored', () => {
  assert.equal(priceFor('codex', 'gpt-5').inputPerMTok, 1.25);
  assert.equal(priceFor('codex', 'gpt-5-mini-2025-08-07').inputPerMTok, 0.25);
  assert.equal(priceFor('codex', 'openai/gpt-5-mini').inputPerMTok, 0.25);
  assert.equal(priceFor('gemini', 'gemini-2.5-flash-lite-preview').inputPerMTok, 0.1);
  assert.equal(priceFor('gemini', 'models/gemini-2.5-flash').inputPerMTok, 0.3);
  assert.equal(priceFor('claude', 'claude-opus-4-5-20251101').outputPerMTok, 25);
  assert.equal(priceFor('claude', 'claude-opus-4-1-20250805').outputPerMTok, 75);
  assert.equal(priceFor('claude', 'sonnet').outputPerMTok, 15);
});

test('an unknown or unset model gets the type fallback, which is not cheaper than the known models', () => {
  for (const type of ['claude', 'codex', 'gemini'] as const) {
    const fallback = priceFor(type, undefined);
    assert.deepEqual(priceFor(type, 'model-from-the-future'), fallback);
    assert.ok(fallback.outputPerMTok > 0);
  }
  assert.ok(priceFor('gemini', undefined).outputPerMTok >= priceFor('gemini', 'gemini-2.5-pro').outputPerMTok);
});

test('a price override wins; custom prices like command; sim is free', () => {
  const override = { inputPerMTok: 9, outputPerMTok: 9 };
  assert.deepEqual(priceFor('codex', 'gpt-5', override), override);
  assert.deepEqual(priceFor('custom', 'anything'), priceFor('command', undefined));
  assert.deepEqual(priceFor('sim', 'x'), { inputPerMTok: 0, outputPerMTok: 0 });
});

test('tokens are priced with cache reads at the cached rate', () => {
  const price = { inputPerMTok: 2, outputPerMTok: 10, cachedInputPerMTok: 0.5 };
  assert.equal(priceTokens({ input: 1_000_000, output: 0, cached: 0 }, price), 2);
  assert.equal(priceTokens({ input: 1_000_000, output: 0, cached: 1_000_000 }, price), 0.5);
  assert.equal(priceTokens({ input: 2_000_000, output: 100_000, cached: 1_000_000 }, price), 2 + 0.5 + 1);
  assert.equal(priceTokens({ input: 1_000_000, output: 0 }, { inputPerMTok: 3, outputPerMTok: 1 }), 3, 'no cached price: cache reads at the input rate');
  assert.equal(priceTokens({ input: 10, output: 0, cached: 50 }, price), 10 * 0.5 / 1e6, 'cached never exceeds input');
});

test('SessionCosts charges each call of a session only its own share', () => {
  const costs = new SessionCosts();
  assert.equal(costs.delta('s1', 0.005), 0.005);
  assert.ok(Math.abs(costs.delta('s1', 0.012) - 0.007) < 1e-12);
  assert.equal(costs.delta('s2', 0.003), 0.003, 'sessions are independent');
  assert.equal(costs.delta(undefined, 0.004), 0.004, 'no session id: nothing to subtract');
  assert.equal(costs.delta('s1', 0.010), 0, 'a lower total never yields a negative charge');
  assert.ok(Math.abs(costs.delta('s1', 0.013) - 0.001) < 1e-12, 'the highest total seen is kept');
  assert.deepEqual(costs.deltaTokens('s1', { input: 100, output: 10, cached: 20 }), { input: 100, output: 10, cached: 20 });
  assert.deepEqual(costs.deltaTokens('s1', { input: 250, output: 15, cached: 20 }), { input: 150, output: 5, cached: 0 });
});
