import { test } from 'node:test';
import assert from 'node:assert/strict';
import { add } from '../math.js';

test('add adds two numbers', () => {
  assert.equal(add(2, 3), 5);
});

test('add handles negatives', () => {
  assert.equal(add(-2, 3), 1);
});

test('add handles zero', () => {
  assert.equal(add(0, 0), 0);
});
