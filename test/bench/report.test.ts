/** What `loop bench` says about loop.gate.maxTrain, from the trains of each setting. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { trainAdvice } from '../../src/bench/report.js';

const trains = (largest: number, red = 0, largestGreen = largest) => ({ trains: { count: 3, sizeP50: 1, largest, red, largestGreen } });

test('the cap is named as what held the trains back only when they reached it', () => {
  assert.match(trainAdvice([trains(3), trains(16)]), /some reached loop\.gate\.maxTrain \(16\) and every train passed: a larger cap/);
  assert.match(trainAdvice([trains(16, 1, 4)]), /some reached loop\.gate\.maxTrain \(16\); 1 red train was bisected/);
  assert.equal(trainAdvice([trains(5, 1, 4)]), 'merge trains: the largest took 5 changes (4 in one that passed whole), 1 red; below loop.gate.maxTrain (16) they were limited by how many changes were accepted at once, not by the cap');
  assert.equal(trainAdvice([{ trains: { count: 0, sizeP50: 0, largest: 0, red: 0, largestGreen: 0 } }]), 'merge trains: none ran');
});
