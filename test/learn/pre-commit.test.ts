import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectPreCommit } from '../../src/learn/pre-commit.js';
import { chosen, repoWith } from './repo-with.js';

const config = [
  'repos:',
  '- repo: https://github.com/astral-sh/ruff-pre-commit',
  '  rev: "v0.6.0"',
  '  hooks:',
  '    - id: ruff-check',
  '      args: ["--fix"]',
  '    - id: ruff-format',
  '-   repo: https://github.com/pre-commit/pre-commit-hooks',
  '    rev: v4.6.0',
  '    hooks:',
  '    -   id: trailing-whitespace',
  '',
].join('\n');

test('pre-commit: all hooks are the lint command, a formatter hook by itself the format command', (t) => {
  assert.deepEqual(chosen(detectPreCommit(repoWith(t, { '.pre-commit-config.yaml': config }), '')), {
    lint: 'pre-commit run --all-files <- .pre-commit-config.yaml line 5 (3 hooks: ruff-check, ruff-format, trailing-whitespace)',
    format: 'pre-commit run ruff-format --all-files <- .pre-commit-config.yaml line 7 (hook ruff-format)',
  });
});

test('pre-commit: run through the Python package manager when the project has one', (t) => {
  const detection = detectPreCommit(repoWith(t, { '.pre-commit-config.yaml': config }), 'uv run ');
  assert.match(chosen(detection)['lint']!, /^uv run pre-commit run --all-files </);
});

test('pre-commit: no config, no detection; broken YAML is a note; a config without hooks gives nothing', (t) => {
  assert.equal(detectPreCommit(repoWith(t, { 'README.md': '' }), ''), null);
  const broken = detectPreCommit(repoWith(t, { '.pre-commit-config.yaml': 'repos: [\n' }), '')!;
  assert.deepEqual(broken.candidates, []);
  assert.match(broken.notes[0]!, /could not be read as YAML/);
  assert.deepEqual(detectPreCommit(repoWith(t, { '.pre-commit-config.yaml': 'repos: []\n' }), '')!.candidates, []);
});
