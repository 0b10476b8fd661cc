import { test } from 'node:test';
import assert from 'node:assert/strict';
import { planPrompt } from '../../src/run/prompts.js';

test('the planner is asked for the files of every task, and told that overlapping files never run at once', () => {
  const prompt = planPrompt('add a users API and its form', [{ name: 'backend', title: 'Backend Engineer', responsibilities: [] }], null);
  assert.match(prompt, /`files` names what the task will create or change/);
  assert.match(prompt, /Tasks whose files overlap never run at the same time/);
  assert.match(prompt, /"files": \["src\/api\/users\.ts", "test\/api\/\*\*"\]/);
});
