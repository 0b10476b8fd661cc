import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatProblem, sortProblems, type ConfigProblem } from '../../src/config/problems.js';

const problem = (over: Partial<ConfigProblem>): ConfigProblem =>
  ({ severity: 'error', file: 'loop.config.yaml', line: 12, column: 5, path: 'roles[2].provider', message: 'bad', ...over });

test('an error is file:line:column: path: message', () => {
  assert.equal(formatProblem(problem({})), 'loop.config.yaml:12:5: roles[2].provider: bad');
});

test('a warning is prefixed with "warning: "', () => {
  assert.equal(formatProblem(problem({ severity: 'warning' })), 'warning: loop.config.yaml:12:5: roles[2].provider: bad');
});

test('a problem about the whole file has no line and no path', () => {
  assert.equal(formatProblem(problem({ line: null, column: null, path: '' })), 'loop.config.yaml: bad');
});

test('problems sort by line, file-wide ones first', () => {
  const sorted = sortProblems([problem({ line: 9 }), problem({ line: null, column: null }), problem({ line: 2 })]);
  assert.deepEqual(sorted.map((p) => p.line), [null, 2, 9]);
});
