/**
 * `loop run --execute` end to end with fake claude/codex CLIs that print the real output shapes,
 * log their argv/cwd/stdin and edit files: the seed's subtract/multiply proof, dependencies,
 * agents that commit, critics that reject or edit, planners, budgets, hung and stdin-reading agents.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from '../helpers/temp.js';
import { startLoop, waitFor } from '../helpers/loop-cli.js';
import { noProcessesLeft, ofType, sandboxProject, seedTeam, writePlan } from '../helpers/execute-harness.js';

const ACCEPT = `JSON.stringify({ verdict: 'accept', reasons: ['the function and its test are correct'], notes: [] })`;

/** Implementers add the function their task names (t1 subtract, t2 multiply) and its test file. */
const SEED_SCENARIO = `
const fns = { subtract: 'a - b', multiply: 'a * b' };
export default async (ctx) => {
  if (ctx.kind === 'plan') {
    return { costUsd: 0.03, text: 'Here is the plan:\\n' + JSON.stringify({ tasks: [
      { id: 't1', title: 'Add subtract(a,b) to math.js with a test', role: 'be1', dependsOn: [], acceptance: ['math.js exports subtract(a, b)', 'a test covers subtract'], files: ['math.js', 'test/subtract.test.js'] },
      { id: 't2', title: 'Add multiply(a,b) to math.js with a test', role: 'be2', dependsOn: [], acceptance: ['math.js exports multiply(a, b)', 'a test covers multiply'], files: ['math.js', 'test/multiply.test.js'] },
    ] }) };
  }
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const name = /# Task t1/.test(ctx.prompt) ? 'subtract' : 'multiply';
  const src = ctx.readFile('math.js');
  const fn = 'export function ' + name + '(a, b) {\\n  return ' + fns[name] + ';\\n}\\n';
  // subtract goes first, multiply last, so the two branches merge without conflict
  ctx.writeFile('math.js', name === 'subtract' ? fn + '\\n' + src : src + '\\n' + fn);
  ctx.writeFile('test/' + name + '.test.js', "import { test } from 'node:test';\\nimport assert from 'node:assert/strict';\\nimport { " + name + " } from '../math.js';\\ntest('" + name + "', () => assert.equal(" + name + "(6, 3), " + (name === 'subtract' ? 3 : 18) + "));\\n");
  return { text: 'Added ' + name + '(a, b) to math.js and test/' + name + '.test.js', costUsd: 0.25 };
};
`;

test('the seed run: two engineers add subtract and multiply in parallel worktrees, a codex critic reviews, both land on main, tests green, spend reported', async (t) => {
  const project = sandboxProject(t, { config: seedTeam({ budgetUsd: 2 }), userEdits: null });
  project.fakes.writeScript(SEED_SCENARIO);
  const result = await project.run(['run', 'Add subtract(a,b) and multiply(a,b) to math.js, each with a test', '--execute', '--run', 'seed']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const math = readFileSync(join(project.dir, 'math.js'), 'utf8');
  assert.match(math, /export function subtract/);
  assert.match(math, /export function multiply/);
  execFileSync(process.execPath, ['--test'], { cwd: project.dir, stdio: 'pipe' });
  assert.match(result.stdout, /landed: main fast-forwarded/);
  assert.match(result.stdout, /2\/2 merged · spent \$0\.\d\d of \$2\.00 budget/);
  const calls = project.fakes.readLog();
  const implement = calls.filter((c) => c.cli === 'claude' && /^# Task/m.test(c.prompt));
  assert.equal(implement.length, 2);
  for (const call of implement) {
    assert.notEqual(call.cwd, project.dir, 'agents work in worktree slots, never the user checkout');
    assert.ok(call.cwd.startsWith(project.home), `slot ${call.cwd} lives under $LOOP_HOME`);
    assert.equal(call.stdin === 'devnull' || call.stdin === 'eof', true, 'stdin is closed');
    assert.match(call.systemPrompt ?? '', /Backend Engineer/, 'the role prompt reached claude through --append-system-prompt-file');
    assert.ok(call.argv.includes('--append-system-prompt-file'));
  }
  const reviews = calls.filter((c) => c.cli === 'codex');
  assert.equal(reviews.length, 2, 'the codex critic reviewed each diff');
  for (const review of reviews) {
    assert.match(review.prompt, /Backend Engineer|QA/, 'the critic got its role prompt inside its prompt');
    assert.match(review.prompt, /^\+export function (subtract|multiply)/m, 'the critic saw the diff');
    assert.ok(review.argv.includes('read-only'), 'the critic runs read-only');
  }
  const costs = readFileSync(join(project.dir, '.loop/runs/seed/board/costs.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { phase: string; usd: number });
  assert.deepEqual([...new Set(costs.map((c) => c.phase))].sort(), ['attempt', 'plan', 'review']);
  assert.equal(git(project.dir, ['status', '--porcelain']), '', 'landing left a clean checkout');
  assert.deepEqual(git(project.dir, ['for-each-ref', 'refs/heads/loop/']), '', 'the run\'s branches were cleaned up');
  assert.equal(git(project.dir, ['worktree', 'list']).split('\n').length, 1, 'no worktree left behind');
  await noProcessesLeft('seed');
});

test('a dependent task sees its upstream\'s merged files, and the user\'s edits stay byte-identical with no destructive git in their checkout', async (t) => {
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  if (/# Task up/.test(ctx.prompt)) {
    ctx.writeFile('lib/upstream.js', 'export const upstream = 41;\\n');
    return { text: 'wrote lib/upstream.js' };
  }
  const seen = (() => { try { return ctx.readFile('lib/upstream.js'); } catch { return null; } })();
  if (!seen) return { text: 'upstream file NOT visible', exitCode: 1, isError: true };
  ctx.writeFile('lib/downstream.js', "import { upstream } from './upstream.js';\\nexport const answer = upstream + 1;\\n");
  return { text: 'built on lib/upstream.js' };
};
`);
  const plan = writePlan(t, [
    { id: 'up', title: 'Write the upstream module', role: 'be1', acceptance: ['lib/upstream.js exports upstream'] },
    { id: 'down', title: 'Build on the upstream module', role: 'be2', dependsOn: ['up'], acceptance: ['lib/downstream.js uses upstream'] },
  ]);
  const result = await project.run(['run', 'layered modules', '--execute', '--plan', plan, '--run', 'deps']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('deps');
  assert.equal(ofType(events, 'task.merged').length, 2);
  assert.equal(ofType(events, 'repair.scheduled').length, 0, 'the dependent task saw upstream code on its first attempt');
  assert.match(result.stdout, /not landed/);
  assert.match(result.stdout, /land it with: git .*merge --ff-only --no-overwrite-ignore loop\/deps\/integration/);
  assert.match(git(project.dir, ['show', 'loop/deps/integration:lib/downstream.js']), /upstream \+ 1/);
  project.assertUserUntouched();
  await noProcessesLeft('deps');
});

test('an agent that commits its own work is merged like one that leaves it uncommitted', async (t) => {
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  if (/# Task committed/.test(ctx.prompt)) {
    ctx.writeFile('committed.txt', 'committed by the agent\\n');
    ctx.sh('git add committed.txt && git -c user.name=agent -c user.email=agent@example.test commit -q -m "agent commit"');
    return { text: 'committed my work' };
  }
  ctx.writeFile('uncommitted.txt', 'left in the working tree\\n');
  return { text: 'left my work uncommitted' };
};
`);
  const plan = writePlan(t, [
    { id: 'committed', title: 'Commit your work', role: 'be1' },
    { id: 'loose', title: 'Leave your work', role: 'be2' },
  ]);
  const result = await project.run(['run', 'both styles', '--execute', '--plan', plan, '--run', 'commits']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const tree = git(project.dir, ['ls-tree', '--name-only', 'loop/commits/integration']);
  assert.match(tree, /committed\.txt/);
  assert.match(tree, /uncommitted\.txt/);
  project.assertUserUntouched();
});

test("an implementer in claude's default acceptEdits mode runs the project's own npm test, learned from package.json, and its work lands", async (t) => {
  const project = sandboxProject(t, { config: seedTeam(), userEdits: null });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ctx.writeFile('lib/answer.js', 'export const answer = 42;\\n');
  const run = ctx.run('npm test');
  if (!run.allowed || !run.ok) return { text: 'could not run npm test: ' + JSON.stringify(run), isError: true };
  return { text: 'npm test passed in the worktree' };
};
`);
  const plan = writePlan(t, [{ id: 'answer', title: 'Add the answer module', role: 'be1', acceptance: ['lib/answer.js exports answer'] }]);
  const result = await project.run(['run', 'the answer', '--execute', '--plan', plan, '--run', 'allow']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('allow');
  assert.deepEqual(ofType(events, 'attempt.finished').map((e) => e['summary']), ['npm test passed in the worktree']);
  assert.equal(ofType(events, 'task.merged').length, 1);
  const [implement] = project.fakes.readLog().filter((call) => call.cli === 'claude' && /^# Task/m.test(call.prompt));
  const argv = implement!.argv;
  assert.deepEqual(argv.slice(argv.indexOf('--allowedTools'), argv.indexOf('--permission-mode') + 2), ['--allowedTools', 'Bash(npm test *)', '--permission-mode', 'acceptEdits']);
  assert.match(implement!.prompt, /You may run the project's own commands without asking: `npm test`/);
  await noProcessesLeft('allow');
});

test('a critic\'s reject reasons reach the repair prompt word for word, and the repaired change lands', async (t) => {
  const reason = 'multiply(2, 3) returns 5 instead of 6: the body adds instead of multiplying (math.js line 5)';
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') {
    const first = !ctx.prompt.includes('attempt 2');
    return { text: JSON.stringify(first ? { verdict: 'reject', reasons: [${JSON.stringify(reason)}], notes: [{ criterion: 'multiply works', met: false }] } : { verdict: 'accept', reasons: ['fixed'], notes: [] }) };
  }
  ctx.writeFile('multiply.js', 'export const multiply = (a, b) => a * b;\\n');
  return { text: 'attempt done' };
};
`);
  const plan = writePlan(t, [{ id: 'mul', title: 'Add multiply', role: 'be1', acceptance: ['multiply works'] }]);
  const result = await project.run(['run', 'multiply', '--execute', '--plan', plan, '--run', 'rejects']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const implement = project.fakes.readLog().filter((c) => c.cli === 'claude');
  assert.equal(implement.length, 2);
  assert.ok(implement[1]!.prompt.includes(reason), 'the critic\'s reason is in the repair prompt verbatim');
  assert.equal(ofType(project.events('rejects'), 'repair.scheduled').length, 1);
  project.assertUserUntouched();
});

test('a critic that edits a file and accepts gets its edit discarded: the edit never lands', async (t) => {
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') {
    ctx.sh("echo 'export const sabotage = true;' >> math.js && echo 'critic was here' > critic-note.txt");
    return { text: ${ACCEPT} };
  }
  ctx.writeFile('feature.js', 'export const feature = 1;\\n');
  return { text: 'added feature.js' };
};
`);
  const plan = writePlan(t, [{ id: 'feat', title: 'Add a feature', role: 'be1' }]);
  const result = await project.run(['run', 'feature', '--execute', '--plan', plan, '--run', 'sabotage']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const discarded = ofType(project.events('sabotage'), 'critic.edit-discarded');
  assert.equal(discarded.length, 1);
  assert.deepEqual([...(discarded[0]!['files'] as string[])].sort(), ['critic-note.txt', 'math.js']);
  assert.doesNotMatch(git(project.dir, ['show', 'loop/sabotage/integration:math.js']), /sabotage/);
  assert.doesNotMatch(git(project.dir, ['ls-tree', '--name-only', 'loop/sabotage/integration']), /critic-note/);
  project.assertUserUntouched();
});

test('a planner whose answer is garbage is asked again once with the error, then the run fails loudly', async (t) => {
  const project = sandboxProject(t, { config: seedTeam() });
  project.fakes.writeScript(`export default async (ctx) => ({ text: 'I think we should start by thinking about it.', costUsd: 0.01 });`);
  const result = await project.run(['run', 'anything', '--execute', '--run', 'noplan']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const planCalls = project.fakes.readLog().filter((c) => /^# Plan request/m.test(c.prompt));
  assert.equal(planCalls.length, 2);
  assert.match(planCalls[1]!.prompt, /Your previous answer was not a valid plan/);
  assert.match(result.stdout, /PLAN FAILED|no plan/);
  assert.equal(ofType(project.events('noplan'), 'task.created').length, 0, 'no silent one-task fallback');
  assert.equal(ofType(project.events('noplan'), 'cost.recorded').length, 2, 'both planner calls were paid for and recorded');
  project.assertUserUntouched();
});

test('a $0.40-per-call agent with a $1.00 budget stops dispatching and exits 3 without passing the budget', async (t) => {
  const project = sandboxProject(t, { config: seedTeam({ budgetUsd: 1, maxParallel: 1 }, { gemini: { type: 'gemini', model: 'gemini-3.5-flash' } }) });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT}, tokens: { input: 10, output: 10 } };
  ctx.writeFile('f' + ctx.callIndex + '.txt', 'x\\n');
  return { text: 'done', costUsd: 0.4 };
};
`);
  const plan = writePlan(t, ['a', 'b', 'c', 'd'].map((id) => ({ id, title: `Task ${id}`, role: 'be1' })));
  const result = await project.run(['run', 'four paid tasks', '--execute', '--plan', plan, '--run', 'budget', '--json']);
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const summary = JSON.parse(result.stdout) as { status: string; spend: { totalUsd: number }; budgetUsd: number };
  assert.equal(summary.status, 'budget-exhausted');
  assert.ok(summary.spend.totalUsd <= 1, `spent ${summary.spend.totalUsd} of a $1.00 budget`);
  const exhausted = ofType(project.events('budget'), 'budget.exhausted')[0];
  assert.ok(exhausted && (exhausted['unstarted'] as string[]).length > 0, 'the unstarted tasks are listed');
  project.assertUserUntouched();
});

test('an agent that backgrounds a long sleep is killed with its whole group within the deadline', async (t) => {
  const project = sandboxProject(t, { config: seedTeam({ taskTimeoutMinutes: 0.05, maxRetries: 0 }) });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  return { text: 'working…', background: 'sleep 600', hangMs: 600000 };
};
`);
  const plan = writePlan(t, [{ id: 'stuck', title: 'Never finishes', role: 'be1' }]);
  const started = Date.now();
  const result = await project.run(['run', 'stuck', '--execute', '--plan', plan, '--run', 'sleepy']);
  assert.equal(result.code, 1, result.stdout + result.stderr);
  assert.ok(Date.now() - started < 60_000, 'the run did not wait for the background sleep');
  const escalated = ofType(project.events('sleepy'), 'task.escalated')[0];
  assert.match(String(escalated?.['reason']), /timed out/);
  await noProcessesLeft('sleepy');
  project.assertUserUntouched();
});

test('a stdin-reading agent (codex) does not hang: its stdin is closed', async (t) => {
  const config = seedTeam();
  (config['roles'] as Array<Record<string, unknown>>)[1]!['provider'] = 'codex';
  (config['roles'] as Array<Record<string, unknown>>)[3]!['provider'] = 'claude';
  const project = sandboxProject(t, { config });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  ctx.writeFile('from-codex.txt', 'hello\\n');
  return { text: 'done' };
};
`);
  const plan = writePlan(t, [{ id: 'cx', title: 'Codex writes a file', role: 'be1' }]);
  const result = await project.run(['run', 'codex task', '--execute', '--plan', plan, '--run', 'stdin']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const codex = project.fakes.readLog().find((c) => c.cli === 'codex')!;
  assert.notEqual(codex.stdin, 'open');
  assert.ok(!codex.argv.includes('--full-auto') && !codex.argv.includes('--effort'), 'no removed or invented codex flags');
  project.assertUserUntouched();
});

test('codex as the planner: its JSONL answer is parsed into the plan (the old product silently fell back to one task)', async (t) => {
  const config = seedTeam();
  (config['roles'] as Array<Record<string, unknown>>)[0]!['provider'] = 'codex';
  const project = sandboxProject(t, { config });
  project.fakes.writeScript(`
export default async (ctx) => {
  if (ctx.kind === 'plan') return { text: 'Plan:\\n\`\`\`json\\n' + JSON.stringify({ tasks: [
    { id: 'a', title: 'Write a.txt', role: 'be1', acceptance: ['a.txt exists'] },
    { id: 'b', title: 'Write b.txt', role: 'be2', dependsOn: ['a'], acceptance: ['b.txt exists'] },
  ] }) + '\\n\`\`\`' };
  if (ctx.kind === 'review') return { text: ${ACCEPT} };
  const name = /# Task a:/.test(ctx.prompt) ? 'a' : 'b';
  ctx.writeFile(name + '.txt', name + '\\n');
  return { text: 'wrote ' + name + '.txt' };
};
`);
  const result = await project.run(['run', 'two files', '--execute', '--run', 'codexplan']);
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = project.events('codexplan');
  assert.deepEqual(ofType(events, 'task.created').map((e) => e['taskId']), ['a', 'b']);
  assert.equal(ofType(events, 'plan.accepted')[0]?.['planner'], 'planner');
  const plan = project.fakes.readLog().find((c) => /^# Plan request/m.test(c.prompt))!;
  assert.equal(plan.cli, 'codex');
  assert.ok(plan.argv.includes('read-only'), 'the planner cannot edit');
  project.assertUserUntouched();
});

test('execute: kill -9 of the supervisor mid-run, then loop resume, merges each task exactly once and lands, leaving no worktree or branch behind', async (t) => {
  const project = sandboxProject(t, {
    userEdits: null,
    config: {
      version: 1,
      providers: { sim: { type: 'sim', sim: { latencyMs: 900 } }, 'sim-critic': { type: 'sim' } },
      roles: [{ name: 'be1', provider: 'sim' }, { name: 'be2', provider: 'sim' }, { name: 'qa', provider: 'sim-critic' }],
      // trains leave at once: one that waited for the agents at work could merge all four together,
      // and this test needs a moment with one merge done and more work in flight
      loop: { reviewer: 'qa', maxParallel: 2, gate: { trainWait: 0 } },
    },
  });
  const plan = writePlan(t, ['a', 'b', 'c', 'd'].map((id, i) => ({ id, title: `Task ${id}`, role: i % 2 === 0 ? 'be1' : 'be2' })));
  const run = startLoop(['run', 'four tasks', '--execute', '--plan', plan, '--run', 'phoenix'], { cwd: project.dir, env: project.env, t });
  await waitFor('one merge and more work in flight', () => {
    const events = project.events('phoenix');
    const merged = ofType(events, 'task.merged').length;
    return merged >= 1 && merged < 4 && ofType(events, 'attempt.started').length > merged;
  }, 60_000);
  run.child.kill('SIGKILL');
  await run.done;
  await noProcessesLeft('phoenix');
  const resumed = await project.run(['resume', 'phoenix']);
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const events = project.events('phoenix');
  for (const id of ['a', 'b', 'c', 'd']) {
    assert.equal(ofType(events, 'task.merged').filter((e) => e['taskId'] === id).length, 1, `${id} merged exactly once`);
  }
  assert.equal(ofType(events, 'task.created').length, 4);
  assert.match(resumed.stdout, /landed: main fast-forwarded/);
  const tree = git(project.dir, ['ls-tree', '-r', '--name-only', 'main']);
  for (const id of ['a', 'b', 'c', 'd']) assert.match(tree, new RegExp(`loop-sim/${id}\\.md`));
  assert.equal(git(project.dir, ['worktree', 'list']).split('\n').length, 1, 'no worktree left');
  assert.equal(git(project.dir, ['for-each-ref', 'refs/heads/loop/']), '', 'no loop branch left');
  await noProcessesLeft('phoenix');
});
