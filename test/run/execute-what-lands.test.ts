/**
 * The gate tests exactly what would land (issue 9), end to end through `loop run --execute` with
 * the fake CLIs: an agent whose change only works because of a file in an ignored folder is
 * repaired, then escalated with "module not found" evidence, and a clean export of the branch
 * stays green; in a repository with one failing legacy test a good task merges and lands while a
 * task that breaks a passing test does not, the story naming the broken test.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { git, tempDir } from '../helpers/temp.js';
import { noProcessesLeft, ofType, sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

const ACCEPT = `JSON.stringify({ verdict: 'accept', reasons: ['looks right'], notes: [] })`;

/** `git archive <ref>` into a fresh folder, then the project's own `npm test` there: what a user who pulls the branch gets. */
function cleanExportPasses(t: Parameters<typeof tempDir>[0], repo: string, ref: string): void {
  const dir = tempDir(t, 'loop-export-');
  mkdirSync(dir, { recursive: true });
  execFileSync('sh', ['-c', `git -C '${repo}' archive ${ref} | tar -x -C '${dir}'`]);
  execFileSync('npm', ['test'], { cwd: dir, stdio: 'pipe', env: { ...process.env, NODE_TEST_CONTEXT: '' } });
}

const refExists = (repo: string, ref: string): boolean => {
  try {
    git(repo, ['rev-parse', '--verify', '-q', ref]);
    return true;
  } catch {
    return false;
  }
};

test('an agent whose change needs a file under an ignored gen/ is repaired, then escalated with "module not found" evidence; nothing lands and a clean export stays green', async (t) => {
  const project = sandboxProject(t, { config: seedTeam({ maxRepairs: 1, gate: { preMergeTests: 'always' } }), files: { '.gitignore': 'gen/\n' } });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ctx.sh('mkdir -p gen');
  ctx.writeFile('gen/sub.js', 'export function sub(a, b) {\\n  return a - b;\\n}\\n');
  const math = ctx.readFile('math.js');
  if (!math.includes('gen/sub.js')) ctx.writeFile('math.js', math + "export { sub } from './gen/sub.js';\\n");
  ctx.writeFile('test/sub.test.js', "import { test } from 'node:test';\\nimport assert from 'node:assert/strict';\\nimport { sub } from '../math.js';\\ntest('sub subtracts', () => assert.equal(sub(5, 3), 2));\\n");
  // it passes here, in the agent's own worktree, where gen/sub.js exists
  const own = ctx.sh('npm test >/dev/null 2>&1 && echo green || echo red').trim();
  return { text: 'added sub(a, b); npm test is ' + own };
};
`);
  const plan = writePlan(t, [{ id: 'sub', title: 'Add sub(a, b) to math.js with a test', role: 'be1' }]);
  const result = await project.run(['run', 'add sub', '--execute', '--plan', plan, '--run', 'ignored']);
  assert.equal(result.code, 1, result.stdout + result.stderr);

  const implement = project.fakes.readLog().filter((c) => c.cli === 'claude' && /^# Task/m.test(c.prompt));
  assert.equal(implement.length, 2, 'one attempt and one repair');
  const events = project.events('ignored');
  const failures = ofType(events, 'gate.failed').map((e) => e['failure'] as { kind: string; summary: string; evidence: string });
  assert.equal(failures.length, 2, 'the gate refused both attempts');
  for (const failure of failures) {
    assert.match(failure.summary, /tests failed: broke 3 tests that passed on the base: add adds two numbers \(did not run\)/);
    assert.match(failure.evidence, /ERR_MODULE_NOT_FOUND/);
    assert.match(failure.evidence, /Cannot find module '[^']*gen\/sub\.js'/);
  }
  assert.match(implement[1]!.prompt, /Cannot find module/, 'the repair prompt carries the module-not-found evidence');
  assert.equal(ofType(events, 'gate.passed').length, 0);
  assert.equal(ofType(events, 'task.merged').length, 0);
  assert.match(String(ofType(events, 'task.escalated')[0]?.['reason']), /broke 3 tests.*gave up after 2 attempts/);

  cleanExportPasses(t, project.dir, 'main');
  if (refExists(project.dir, 'loop/ignored/integration')) cleanExportPasses(t, project.dir, 'loop/ignored/integration');
  project.assertUserUntouched();
  await noProcessesLeft('ignored');
});

test('with one failing legacy test, a good task (which also edits .gitignore) merges and lands while a task that breaks a passing test does not, its story naming the test', async (t) => {
  const legacy = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\n\ntest('legacy rounding', () => {\n  assert.equal(0.1 + 0.2, 0.3);\n});\n";
  const project = sandboxProject(t, { config: seedTeam({ maxRepairs: 0, gate: { preMergeTests: 'always' } }), files: { '.gitignore': 'node_modules/\n' }, userEdits: null });
  execFileSync('sh', ['-c', `mkdir -p test && cat > test/legacy.test.js`], { cwd: project.dir, input: legacy });
  git(project.dir, ['add', '-A']);
  git(project.dir, ['commit', '-q', '-m', 'a legacy test that has always failed']);
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const math = ctx.readFile('math.js');
  if (/# Task good/.test(ctx.prompt)) {
    ctx.writeFile('math.js', 'export function subtract(a, b) {\\n  return a - b;\\n}\\n\\n' + math);
    ctx.writeFile('test/subtract.test.js', "import { test } from 'node:test';\\nimport assert from 'node:assert/strict';\\nimport { subtract } from '../math.js';\\ntest('subtract subtracts', () => assert.equal(subtract(5, 3), 2));\\n");
    ctx.writeFile('.gitignore', ctx.readFile('.gitignore') + 'coverage/\\n');
    return { text: 'added subtract' };
  }
  ctx.writeFile('math.js', math.replace('return a + b;', 'return a - b;') + '\\nexport function multiply(a, b) {\\n  return a * b;\\n}\\n');
  return { text: 'added multiply' };
};
`);
  const plan = writePlan(t, [
    { id: 'good', title: 'Add subtract(a, b)', role: 'be1' },
    { id: 'bad', title: 'Add multiply(a, b)', role: 'be2' },
  ]);
  const result = await project.run(['run', 'two functions', '--execute', '--plan', plan, '--run', 'legacy']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const events = project.events('legacy');

  const passed = ofType(events, 'gate.passed').find((e) => e['taskId'] === 'good');
  assert.equal(passed?.['tests'], 'baseline-red');
  assert.match(String(passed?.['summary']), /except 1 test already failing on the base, not caused by this change: legacy rounding/);
  assert.equal(ofType(events, 'task.merged').map((e) => e['taskId']).join(), 'good', 'the good task merged despite the red legacy test');

  const broken = ofType(events, 'gate.failed').find((e) => e['taskId'] === 'bad')?.['failure'] as { kind: string; summary: string } | undefined;
  assert.equal(broken?.kind, 'regression');
  assert.match(broken!.summary, /broke 2 tests that passed on the base: add adds two numbers; add handles negatives$/);
  assert.doesNotMatch(broken!.summary, /legacy rounding/, 'the legacy failure is not held against it');
  const escalated = ofType(events, 'task.escalated').find((e) => e['taskId'] === 'bad');
  assert.match(String(escalated?.['reason']), /add adds two numbers/);
  assert.match(result.stdout, /bad .*escalated.*add adds two numbers/, 'the summary names the broken test');

  const review = project.fakes.readLog().find((c) => c.cli === 'codex' && /# Review of task good/.test(c.prompt));
  assert.match(review?.prompt ?? '', /## Look closely\n- This change edits \.gitignore\..*\n- Files it starts ignoring are never committed, merged or tested/, 'the critic is told the change edits .gitignore');

  // what merged lands even though a task escalated (loop.land: merged, the default)
  const landed = ofType(events, 'run.landed')[0]!;
  assert.equal(landed['fastForwarded'], true, JSON.stringify(landed));
  assert.deepEqual(landed['tasks'], ['good']);
  assert.match(result.stdout, /landed: main fast-forwarded to \w+ in \S+ \(good\)/);
  const math = git(project.dir, ['show', 'main:math.js']);
  assert.match(math, /function subtract/);
  assert.doesNotMatch(math, /function multiply/);
  assert.match(math, /return a \+ b;/);
  project.assertUserUntouched();
  await noProcessesLeft('legacy');
});
