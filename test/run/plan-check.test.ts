import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkPlan } from '../../src/run/plan-check.js';
import { parsePlanText } from '../../src/run/plan-parse.js';

const roles = ['backend', 'frontend'];
const t = (id: string, role = 'backend', dependsOn: string[] = []) => ({ id, title: id, role, dependsOn, acceptance: [] });

const cases: Array<[string, ReturnType<typeof t>[], RegExp | null]> = [
  ['a valid plan', [t('a'), t('b', 'frontend', ['a'])], null],
  ['a duplicate id', [t('a'), t('a')], /"a" is used twice/],
  ['an unknown role', [t('a', 'designer')], /role "designer" cannot take tasks/],
  ['an unknown dependency', [t('a', 'backend', ['zz'])], /dependsOn "zz" is not a task/],
  ['a self dependency', [t('a', 'backend', ['a'])], /depends on itself/],
  ['a cycle', [t('a', 'backend', ['c']), t('b', 'backend', ['a']), t('c', 'backend', ['b'])], /cycle: a → c → b → a|cycle/],
];
for (const [what, tasks, expected] of cases) {
  test(`checkPlan: ${what}`, () => {
    const problems = checkPlan({ tasks }, { roles });
    if (expected === null) assert.deepEqual(problems, []);
    else assert.ok(problems.some((p) => expected.test(p)), problems.join('\n'));
  });
}

test('a planner answer with prose and a fenced JSON plan is read', () => {
  const text = 'Here is the plan:\n```json\n{"tasks":[{"id":"t1","title":"API","role":"backend","dependsOn":[],"acceptance":["works"]}]}\n```\nGood luck!';
  const parsed = parsePlanText(text, { roles });
  assert.equal(parsed.ok, true);
});

test('a bare JSON array of tasks is accepted as the plan', () => {
  assert.equal(parsePlanText('[{"id":"t1","title":"API","role":"backend"}]', { roles }).ok, true);
});

test('garbage is not a plan, and the error says why', () => {
  const parsed = parsePlanText('I would start by thinking.', { roles });
  assert.equal(parsed.ok, false);
  if (!parsed.ok) assert.match(parsed.error, /no JSON/);
  const wrong = parsePlanText('{"tasks":[{"id":"t 1","role":"backend"}]}', { roles });
  assert.equal(wrong.ok, false);
  if (!wrong.ok) assert.match(wrong.error, /tasks\.0\./);
});
