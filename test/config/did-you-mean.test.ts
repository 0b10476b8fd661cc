import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closest, didYouMean, editDistance } from '../../src/config/did-you-mean.js';

const distances: Array<[string, string, number]> = [
  ['model', 'model', 0],
  ['modle', 'model', 1],
  ['maxParalel', 'maxParallel', 1],
  ['qa', 'be', 2],
  ['', 'abc', 3],
];
for (const [a, b, expected] of distances) {
  test(`"${a}" is ${expected} edit(s) from "${b}"`, () => assert.equal(editDistance(a, b), expected));
}

const suggestions: Array<[string, string[], string | undefined]> = [
  ['maxParalel', ['maxParallel', 'maxRepairs', 'planner'], 'maxParallel'],
  ['modle', ['type', 'model', 'command'], 'model'],
  ['MaxParallel', ['maxParallel'], 'maxParallel'],
  ['backnd', ['backend', 'frontend'], 'backend'],
  ['qa', ['be', 'fe'], undefined],
  ['gpt', ['gemini', 'claude'], undefined],
  ['zzzzzz', ['model'], undefined],
];
for (const [word, candidates, expected] of suggestions) {
  test(`"${word}" suggests ${expected === undefined ? 'nothing' : `"${expected}"`}`, () => assert.equal(closest(word, candidates), expected));
}

test('didYouMean formats the suggestion or returns an empty string', () => {
  assert.equal(didYouMean('modle', ['model']), ' (did you mean "model"?)');
  assert.equal(didYouMean('xyz', ['model']), '');
});
