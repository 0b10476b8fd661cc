import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v from 'valibot';
import { RoleSchema, type RoleConfig } from '../../protocol/config.js';
import { DISCIPLINES } from '../../src/roles/disciplines.js';
import { getDiscipline } from '../../src/roles/catalog.js';
import { buildRolePrompt, IMPLEMENTER_RULES, type PromptPurpose, type RolePromptInput } from '../../src/roles/prompt.js';
import { isUserError } from '../../src/util/errors.js';

const role = (input: v.InferInput<typeof RoleSchema>): RoleConfig => v.parse(RoleSchema, input);

const input = (overrides: Partial<RolePromptInput> = {}): RolePromptInput => ({
  role: role({ name: 'be', provider: 'codex', sme: 'backend' }),
  purpose: 'implementer',
  runId: 'r1',
  project: 'shop',
  brief: 'Build a shop.',
  intelligence: 'Tests: npm test',
  ...overrides,
});

const headings = (prompt: string): string[] => [...prompt.matchAll(/^#{1,2} .+$/gm)].map((m) => m[0]);
const sectionOf = (prompt: string, heading: string): string => {
  const start = prompt.indexOf(`${heading}\n`);
  assert.ok(start >= 0, `missing ${heading}`);
  const rest = prompt.slice(start + heading.length + 1);
  const end = rest.indexOf('\n## ');
  return (end < 0 ? rest : rest.slice(0, end)).trim();
};

test('a role with sme: backend inherits the backend prompt and appends its own responsibilities and guardrails after it', () => {
  const backend = getDiscipline('backend')!;
  const prompt = buildRolePrompt(input({
    role: role({
      name: 'be', provider: 'codex', sme: 'backend',
      responsibilities: ['Own the orders API', 'Keep the payment adapter thin'],
      guardrails: ['Never call the live payment gateway'],
    }),
  }));
  assert.deepEqual(headings(prompt), [
    '# Backend Engineer (be)', '## Who you are', '## How you work', '## Definition of done',
    '## Your responsibilities in this team', '## Your guardrails', '## How loop works for you',
    '## Project brief', '## Project intelligence',
  ]);
  const inherited = backend.prompt.slice(0, backend.prompt.indexOf('## Guardrails')).trim();
  assert.ok(prompt.includes(inherited), 'the discipline body up to its guardrails is included verbatim');
  assert.equal(sectionOf(prompt, '## Your responsibilities in this team'), '- Own the orders API\n- Keep the payment adapter thin');

  const guardrails = sectionOf(prompt, '## Your guardrails').split('\n');
  const disciplineGuardrails = backend.prompt.slice(backend.prompt.indexOf('## Guardrails') + 13).trim().split('\n');
  assert.deepEqual(guardrails, [...disciplineGuardrails, '- Never call the live payment gateway']);
});

test('the first lines name the role and the run', () => {
  const lines = buildRolePrompt(input()).split('\n');
  assert.equal(lines[0], '# Backend Engineer (be)');
  assert.match(lines[2]!, /^Run r1 · project shop · you act as the implementer · discipline: backend$/);
});

test('the role title overrides the discipline title', () => {
  const prompt = buildRolePrompt(input({ role: role({ name: 'api', provider: 'codex', sme: 'backend', title: 'Orders API owner' }) }));
  assert.ok(prompt.startsWith('# Orders API owner (api)\n'));
});

test('a role without sme gets a generic senior-engineer identity and only its own guardrails', () => {
  const prompt = buildRolePrompt(input({ role: role({ name: 'dev', provider: 'claude', guardrails: ['Stay inside src/'] }) }));
  assert.deepEqual(headings(prompt), [
    '# dev (dev)', '## Who you are', '## Your guardrails', '## How loop works for you', '## Project brief', '## Project intelligence',
  ]);
  assert.match(sectionOf(prompt, '## Who you are'), /senior software engineer/);
  assert.equal(sectionOf(prompt, '## Your guardrails'), '- Stay inside src/');
  assert.doesNotMatch(prompt, /discipline:/);
});

test('a role with no responsibilities and no guardrails leaves both sections out', () => {
  const prompt = buildRolePrompt(input({ role: role({ name: 'dev', provider: 'claude' }) }));
  assert.doesNotMatch(prompt, /## Your responsibilities|## Your guardrails/);
});

test('a multi-line responsibility stays inside one bullet', () => {
  const prompt = buildRolePrompt(input({ role: role({ name: 'dev', provider: 'claude', responsibilities: ['Own the API\nand its docs  '] }) }));
  assert.equal(sectionOf(prompt, '## Your responsibilities in this team'), '- Own the API and its docs');
});

test('an implementer prompt carries every global implementer rule', () => {
  const section = sectionOf(buildRolePrompt(input()), '## How loop works for you');
  assert.deepEqual(section.split('\n'), IMPLEMENTER_RULES.map((rule) => `- ${rule}`));
  for (const phrase of ['isolated git worktree', 'independent critic', 'commit it; both count', 'Never modify existing test files', 'loop.config.yaml', 'brief.md', 'add new tests', 'Do not push, switch branches, rewrite history', 'destructive commands', 'short plain summary']) {
    assert.ok(section.includes(phrase), phrase);
  }
});

const purposes: Array<[PromptPurpose, string, RegExp]> = [
  ['implementer', '## How loop works for you', /isolated git worktree/],
  ['critic', '## Your job in this run: critic', /read-only: never edit, create or delete files[\s\S]*acceptance criteria[\s\S]*exact answer format is given in the task prompt/],
  ['planner', '## Your job in this run: planner', /small, independently verifiable tasks[\s\S]*exact answer format is given in the task prompt/],
];
for (const [purpose, heading, content] of purposes) {
  test(`a ${purpose} prompt has the ${purpose} section and none of the others`, () => {
    const prompt = buildRolePrompt(input({ purpose }));
    assert.match(sectionOf(prompt, heading), content);
    for (const [, other] of purposes) if (other !== heading) assert.ok(!prompt.includes(other), `${other} is absent`);
    assert.ok(prompt.indexOf(heading) > prompt.indexOf('## Your guardrails'));
    assert.ok(prompt.indexOf(heading) < prompt.indexOf('## Project brief'));
  });
}

test('brief and intelligence texts are included when present', () => {
  const prompt = buildRolePrompt(input({ brief: '# Shop\n\nSell socks.\n', intelligence: 'Test command: npm test\n' }));
  assert.equal(sectionOf(prompt, '## Project brief'), '# Shop\n\nSell socks.');
  assert.equal(sectionOf(prompt, '## Project intelligence'), 'Test command: npm test');
  assert.ok(prompt.endsWith('Test command: npm test\n'));
});

test('a missing brief and a missing intelligence file are each stated in one line', () => {
  for (const brief of [null, '  \n']) {
    const prompt = buildRolePrompt(input({ brief, intelligence: null }));
    assert.equal(sectionOf(prompt, '## Project brief'), 'No brief.md was provided.');
    assert.match(sectionOf(prompt, '## Project intelligence'), /^`loop learn` has not been run/);
  }
});

test('an unknown sme is a user error with a did-you-mean', () => {
  assert.throws(
    () => buildRolePrompt(input({ role: role({ name: 'be', provider: 'codex', sme: 'bakend' }) })),
    (error: unknown) => isUserError(error) && error.message === 'role "be" uses unknown sme "bakend" (did you mean "backend"?); run "loop roles" to list the disciplines',
  );
});

test('no prompt for any discipline and purpose refers to a board file, pull requests or pushing, except the rule against pushing', () => {
  for (const { name } of DISCIPLINES) {
    for (const purpose of ['implementer', 'critic', 'planner'] as const) {
      const prompt = buildRolePrompt(input({ purpose, role: role({ name: 'r', provider: 'claude', sme: name }) }));
      assert.doesNotMatch(prompt, /\bboard\b|events\.jsonl|pull request|\bPR\b|\.loop\//i, `${name}/${purpose}`);
      const pushes = prompt.match(/\bpush\b/gi) ?? [];
      assert.equal(pushes.length, purpose === 'implementer' ? 1 : 0, `${name}/${purpose}`);
      if (purpose === 'implementer') assert.ok(prompt.includes('Do not push'));
    }
  }
});
