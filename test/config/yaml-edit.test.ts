import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyYamlEdits } from '../../src/config/yaml-edit.js';

const SOURCE = `# team config
providers:
  claude:   # the main one
    type: claude
    auth:
      mode: auto   # keep this comment

  codex:
    type: codex
  sim: {type: sim}
roles: []
`;

test('replacing a value keeps its trailing comment', () => {
  const out = applyYamlEdits(SOURCE, [{ kind: 'set', path: ['providers', 'claude', 'auth', 'mode'], value: 'subscription' }]);
  assert.equal(out, SOURCE.replace('mode: auto   # keep', 'mode: subscription   # keep'));
});

test('a new key is added after the last key of its mapping, at its indentation', () => {
  const out = applyYamlEdits(SOURCE, [{ kind: 'set', path: ['providers', 'claude', 'auth', 'configured'], value: true }]);
  assert.equal(out, SOURCE.replace('# keep this comment\n', '# keep this comment\n      configured: true\n'));
});

test('a missing mapping is created as a block', () => {
  const out = applyYamlEdits(SOURCE, [
    { kind: 'set', path: ['providers', 'codex', 'auth', 'mode'], value: 'api-key' },
    { kind: 'set', path: ['providers', 'codex', 'auth', 'env'], value: 'CODEX_API_KEY' },
  ]);
  assert.equal(out, SOURCE.replace('    type: codex\n', '    type: codex\n    auth:\n      mode: api-key\n      env: CODEX_API_KEY\n'));
});

test('a flow mapping is rewritten on its line', () => {
  const out = applyYamlEdits(SOURCE, [{ kind: 'set', path: ['providers', 'sim', 'command'], value: 'x' }]);
  assert.equal(out, SOURCE.replace('sim: {type: sim}', 'sim: { type: sim, command: x }'));
});

test('deleting a key removes its line only', () => {
  const withEnv = SOURCE.replace('mode: auto   # keep this comment\n', 'mode: auto   # keep this comment\n      env: OLD\n');
  const out = applyYamlEdits(withEnv, [{ kind: 'delete', path: ['providers', 'claude', 'auth', 'env'] }]);
  assert.equal(out, SOURCE);
});

test('a file without a final newline gets the new key on its own line', () => {
  const out = applyYamlEdits('a:\n  b: 1', [{ kind: 'set', path: ['a', 'c'], value: 'two words' }]);
  assert.equal(out, 'a:\n  b: 1\n  c: two words\n');
});

test('strings that need quotes are quoted', () => {
  const out = applyYamlEdits('a:\n  b: 1\n', [{ kind: 'set', path: ['a', 'b'], value: 'yes: no' }]);
  assert.equal(out, 'a:\n  b: "yes: no"\n');
});
