import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPrompt, reviewAttention, reviewPrompt, type ReviewPromptInput } from '../../src/run/prompts.js';
import type { TaskView } from '../../src/board/view.js';

const task: TaskView = {
  id: 't1', title: 'Add a cache', role: 'be1', dependsOn: [], acceptance: ['cache hits are counted'], status: 'reviewing',
  attempt: 1, repairs: 0, retries: 0, costUsd: 0, createdAt: 0, updatedAt: 0, history: [],
};
const input: ReviewPromptInput = { task, attempt: 1, implementer: { role: 'be1', provider: 'claude' }, diff: 'diff --git a/x b/x', testSummary: 'Result: tests passed', base: 'a'.repeat(40), commit: 'b'.repeat(40) };

const cases: Array<[string[], string[]]> = [
  [['src/cache.js', '.gitignore'], ['.gitignore']],
  [['packages/web/.gitignore', 'README.md'], ['packages/web/.gitignore']],
  [['src/cache.js', 'docs/gitignore.md', '.gitignore.bak'], []],
];

for (const [files, expected] of cases) {
  test(`the critic is told when a change edits a .gitignore: ${files.join(', ')} → ${expected.join(', ') || 'no note'}`, () => {
    assert.equal(reviewAttention(files).length > 0, expected.length > 0);
    const prompt = reviewPrompt({ ...input, changedFiles: files });
    if (expected.length === 0) {
      assert.doesNotMatch(prompt, /## Look closely/);
      return;
    }
    assert.match(prompt, new RegExp(`## Look closely\\n- This change edits ${expected[0]!.replace(/\./g, '\\.')}\\.`));
    assert.match(prompt, /Files it starts ignoring are never committed, merged or tested/);
    assert.ok(prompt.indexOf('## Look closely') < prompt.indexOf('## The change'), 'the note comes before the diff');
  });
}

test('the planner is asked for the files of every task, and told that overlapping files never run at once', () => {
  const prompt = planPrompt('add a users API and its form', [{ name: 'backend', title: 'Backend Engineer', responsibilities: [] }], null);
  assert.match(prompt, /`files` names what the task will create or change/);
  assert.match(prompt, /Tasks whose files overlap never run at the same time/);
  assert.match(prompt, /"files": \["src\/api\/users\.ts", "test\/api\/\*\*"\]/);
});
