/**
 * The gate end to end: agents that weaken their own grader are refused with the file named and
 * nothing lands; an agent that keeps breaking the tests gets exactly 1 + maxRepairs attempts,
 * each with the failing assertion in its prompt, then escalates with main still green; a merge
 * conflict between parallel tasks becomes a repair with the conflict as evidence.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { git } from '../helpers/temp.js';
import { noProcessesLeft, ofType, sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

const ACCEPT = `JSON.stringify({ verdict: 'accept', reasons: ['looks right'], notes: [] })`;
const BREAK_ADD = `ctx.writeFile('math.js', ctx.readFile('math.js').replace('return a + b;', 'return a - b;'));`;

const tamperCases: Array<[string, string, RegExp]> = [
  [
    'an agent that weakens an existing test',
    `${BREAK_ADD}\n  ctx.writeFile('test/math.test.js', "import { test } from 'node:test';\\ntest('add', () => {});\\n");`,
    /test\/math\.test\.js/,
  ],
  [
    'an agent that sets the test script to `exit 0` and breaks the code',
    `${BREAK_ADD}\n  const pkg = JSON.parse(ctx.readFile('package.json')); pkg.scripts.test = 'exit 0'; ctx.writeFile('package.json', JSON.stringify(pkg, null, 2));`,
    /package\.json/,
  ],
  [
    'an agent that adds a runner config skipping the failing test',
    `${BREAK_ADD}\n  ctx.writeFile('.mocharc.json', JSON.stringify({ ignore: ['test/math.test.js'] }));`,
    /\.mocharc\.json/,
  ],
  [
    'an agent that breaks add() and adds .npmrc with script-shell=true (turning `npm test` into a no-op that exits 0)',
    `${BREAK_ADD}\n  ctx.writeFile('.npmrc', 'script-shell=true\\n');`,
    /\.npmrc/,
  ],
];

for (const [what, action, file] of tamperCases) {
  test(`${what} is rejected with the file named, and nothing lands`, async (t) => {
    const project = sandboxProject(t, { config: seedTeam({ maxRepairs: 1 }) });
    project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ${action}
  return { text: 'all tests pass now' };
};
`);
    const plan = writePlan(t, [{ id: 'hack', title: 'Make the tests pass', role: 'be1' }]);
    const before = git(project.dir, ['rev-parse', 'main']);
    const result = await project.run(['run', 'make it pass', '--execute', '--plan', plan, '--run', 'tamper']);
    assert.equal(result.code, 1, result.stdout + result.stderr);
    const failures = ofType(project.events('tamper'), 'gate.failed');
    assert.equal(failures.length, 2, 'both attempts were refused by the gate');
    for (const failed of failures) {
      const failure = failed['failure'] as { kind: string; summary: string; files?: string[] };
      assert.equal(failure.kind, 'tamper');
      assert.match(failure.summary, file);
      assert.ok(failure.files?.some((f) => file.test(f)), 'the file is named');
    }
    assert.equal(ofType(project.events('tamper'), 'task.merged').length, 0);
    assert.equal(git(project.dir, ['rev-parse', 'main']), before, 'main did not move');
    assert.match(result.stdout, /ESCALATED|escalated/);
    const second = project.fakes.readLog().filter((c) => c.cli === 'claude')[1]!;
    assert.match(second.prompt, file, 'the repair prompt names the protected file');
    project.assertUserUntouched();
    await noProcessesLeft('tamper');
  });
}

test('an agent that breaks the tests every time gets exactly 1 + maxRepairs attempts with the failing assertion in each repair prompt, then escalates; main stays green', async (t) => {
  const project = sandboxProject(t, { config: seedTeam({ maxRepairs: 2 }) });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ${BREAK_ADD}
  return { text: 'refactored add' };
};
`);
  const plan = writePlan(t, [{ id: 'refactor', title: 'Refactor add', role: 'be1' }]);
  const result = await project.run(['run', 'refactor', '--execute', '--plan', plan, '--run', 'broken']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const attempts = project.fakes.readLog().filter((c) => c.cli === 'claude' && /^# Task/m.test(c.prompt));
  assert.equal(attempts.length, 3, '1 + maxRepairs attempts');
  for (const repair of attempts.slice(1)) {
    assert.match(repair.prompt, /add adds two numbers/, 'the failing test is named');
    assert.match(repair.prompt, /5 !== -1|-1 !== 5|Expected values to be strictly equal/, 'the assertion message is there');
  }
  const events = project.events('broken');
  assert.equal(ofType(events, 'repair.scheduled').length, 2);
  const escalated = ofType(events, 'task.escalated')[0];
  assert.match(String(escalated?.['reason']), /tests failed.*gave up after 3 attempts/);
  assert.equal(ofType(events, 'task.merged').length, 0);
  execFileSync(process.execPath, ['--test'], { cwd: project.dir, stdio: 'pipe' });
  assert.equal(git(project.dir, ['show', 'main:math.js']).includes('a + b'), true, 'main still holds the working add');
  project.assertUserUntouched();
  await noProcessesLeft('broken');
});

test('two parallel tasks that edit the same lines: the second merge conflicts, is repaired on top of the first, and both land', async (t) => {
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const name = /# Task sub/.test(ctx.prompt) ? 'subtract' : 'multiply';
  const op = name === 'subtract' ? '-' : '*';
  ctx.writeFile('math.js', ctx.readFile('math.js') + '\\nexport function ' + name + '(a, b) {\\n  return a ' + op + ' b;\\n}\\n');
  return { text: 'appended ' + name };
};
`);
  const plan = writePlan(t, [
    { id: 'sub', title: 'Append subtract', role: 'be1' },
    { id: 'mul', title: 'Append multiply', role: 'be2' },
  ]);
  const result = await project.run(['run', 'both', '--execute', '--plan', plan, '--run', 'conflict']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('conflict');
  const conflict = ofType(events, 'merge.failed')[0];
  assert.equal((conflict?.['failure'] as { kind: string } | undefined)?.kind, 'conflict');
  const math = git(project.dir, ['show', 'loop/conflict/integration:math.js']);
  assert.match(math, /function subtract/);
  assert.match(math, /function multiply/);
  const repairPrompt = project.fakes.readLog().filter((c) => c.cli === 'claude').at(-1)!.prompt;
  assert.match(repairPrompt, /conflict/i);
  project.assertUserUntouched();
});

test('a hostile agent that deletes its worktree\'s .git fails that attempt only: the slot is replaced and the repair lands', async (t) => {
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ctx.writeFile('feature.txt', 'feature\\n');
  if (!ctx.prompt.includes('Attempt 2')) ctx.sh('rm -rf .git');
  return { text: 'done' };
};
`);
  const plan = writePlan(t, [{ id: 'feat', title: 'Add a feature', role: 'be1' }]);
  const result = await project.run(['run', 'feature', '--execute', '--plan', plan, '--run', 'hostile']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const failed = ofType(project.events('hostile'), 'gate.failed')[0];
  assert.match(String((failed?.['failure'] as { summary: string } | undefined)?.summary), /unusable/);
  assert.match(git(project.dir, ['ls-tree', '--name-only', 'loop/hostile/integration']), /feature\.txt/);
  assert.equal(git(project.dir, ['worktree', 'list']).split('\n').length, 1, 'the broken slot was removed too');
  project.assertUserUntouched();
});
