import { test } from 'node:test';
import assert from 'node:assert/strict';
import { detectJust, detectTaskfile, justRecipes } from '../../src/learn/detect-tasks.js';
import { chosen, repoWith } from './repo-with.js';

test('justfile: recipes runnable without arguments, not assignments, aliases, settings or private recipes', () => {
  const text = 'set shell := ["bash", "-c"]\nversion := "1"\nalias t := test\n\n# run the tests\ntest *ARGS:\n  cargo test {{ARGS}}\n\n@lint:\n  cargo clippy\n\nbench name:\n  cargo bench {{name}}\n\nfmt check="true": build\n  cargo fmt\n\n_helper:\n  true\n';
  assert.deepEqual(justRecipes(text).map((recipe) => `${recipe.name}:${recipe.line}`), ['test:6', 'lint:9', 'fmt:15']);
});

test('justfile and Taskfile entries become just/task commands with their lines', (t) => {
  const just = detectJust(repoWith(t, { justfile: 'build:\n  cargo build\n\ntest: build\n  cargo test\n' }))!;
  assert.deepEqual(chosen(just), {
    test: 'just test <- justfile line 4 (recipe test)',
    build: 'just build <- justfile line 1 (recipe build)',
  });
  const task = detectTaskfile(repoWith(t, { 'Taskfile.yml': "version: '3'\n\ntasks:\n  lint:\n    cmds: [golangci-lint run]\n  test:\n    cmds: [go test ./...]\n" }))!;
  assert.deepEqual(chosen(task), {
    test: 'task test <- Taskfile.yml line 6 (task test)',
    lint: 'task lint <- Taskfile.yml line 4 (task lint)',
  });
});
