import { test } from 'node:test';
import assert from 'node:assert/strict';
import { expandEnvlist } from '../../src/learn/tox.js';

test('tox envlists: commas and newlines separate, factor groups expand into their product', () => {
  assert.deepEqual(expandEnvlist('docs,py{310,311}-pytest{7,8}\n  pypy3'), [
    'docs', 'py310-pytest7', 'py310-pytest8', 'py311-pytest7', 'py311-pytest8', 'pypy3',
  ]);
  assert.deepEqual(expandEnvlist(''), []);
});
