import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkRunId } from '../../src/config/run-id.js';

for (const id of ['issue-123', 'run_20260101T120000', 'A', 'a'.repeat(64)]) {
  test(`run id "${id.slice(0, 20)}" is accepted`, () => assert.equal(checkRunId(id), null));
}

const rejected: Array<[string, string]> = [
  ['v1.2', 'run id "v1.2" contains ".", which tmux renames or git refuses in branch names; use 1-64 letters, digits, "-" or "_", starting with a letter or digit (for example "v1-2")'],
  ['fix login', 'run id "fix login" contains spaces, which tmux renames or git refuses in branch names; use 1-64 letters, digits, "-" or "_", starting with a letter or digit (for example "fix-login")'],
  ['a:b', 'run id "a:b" contains ":", which tmux renames or git refuses in branch names; use 1-64 letters, digits, "-" or "_", starting with a letter or digit (for example "a-b")'],
  ['-x', 'run id "-x" must start with a letter or digit; use 1-64 letters, digits, "-" or "_", starting with a letter or digit (for example "x")'],
  ['', 'the run id is empty; use 1-64 letters, digits, "-" or "_", starting with a letter or digit'],
];
for (const [id, message] of rejected) {
  test(`run id "${id}" is refused with the reason and a suggestion`, () => assert.equal(checkRunId(id), message));
}

test('a run id longer than 64 characters is refused', () => {
  assert.match(checkRunId('a'.repeat(65)) ?? '', /is longer than 64 characters/);
});
