/**
 * `loop run` end to end on sim agents, with real processes: the CLI, its supervisor, one actor
 * process per role, kill -9 from outside, resume. No mocks of fork or IPC.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { git, tempDir } from '../helpers/temp.js';
import { boardEvents, processesOfRun, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig, type SimTeamOptions } from '../helpers/sim-config.js';

function project(t: Parameters<typeof tempDir>[0], options: SimTeamOptions): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'loop-sim-run-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig(options));
  writeFileSync(join(dir, 'brief.md'), '# Brief\nA test project.\n');
  return { dir, env: { LOOP_HOME: join(dir, '.home') } };
}

const ofType = (events: ReturnType<typeof boardEvents>, type: string) => events.filter((e) => e.type === type);
const seqOf = (events: ReturnType<typeof boardEvents>, type: string, taskId: string) =>
  events.find((e) => e.type === type && e['taskId'] === taskId)?.seq ?? Number.POSITIVE_INFINITY;

async function noProcessesLeft(runId: string): Promise<void> {
  await waitFor(`every process of run ${runId} to exit`, () => processesOfRun(runId).length === 0, 15_000);
}

test('a run of 12 sim tasks over 4 roles with dependencies merges every task and exits 0', async (t) => {
  const { dir, env } = project(t, { roles: ['architect', 'backend', 'frontend', 'devops'], tasksPerRole: 3, sim: { latencyMs: 10, jitterMs: 30 }, loop: { maxParallel: 4 } });
  const result = await runLoop(['run', 'build the todo app: api, ui and deploy', '--run', 'twelve'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'twelve');
  const created = ofType(events, 'task.created');
  assert.equal(created.length, 12);
  assert.equal(new Set(created.map((e) => e['role'])).size, 4);
  assert.equal(ofType(events, 'task.merged').length, 12);
  for (const task of created) {
    for (const dep of task['dependsOn'] as string[]) {
      assert.ok(seqOf(events, 'task.dispatched', task['taskId'] as string) > seqOf(events, 'task.merged', dep), `${task['taskId']} started before ${dep} merged`);
    }
  }
  assert.match(result.stdout, /12\/12 merged/);
  await noProcessesLeft('twelve');
});

test('kill -9 of an SME actor during an attempt restarts it and retries the task, and the run still finishes', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'], tasksPerRole: 2, sim: { latencyMs: 1500 } });
  const run = startLoop(['run', 'two things', '--run', 'killsme'], { cwd: dir, env, t });
  const started = await waitFor('t1 to start', () => ofType(boardEvents(dir, 'killsme'), 'attempt.started').find((e) => e['taskId'] === 't1'));
  const actor = ofType(boardEvents(dir, 'killsme'), 'actor.started').filter((e) => e['actor'] === 'sme/backend' && e.seq < started.seq).pop();
  assert.ok(actor, 'the SME actor reported its pid');
  process.kill(actor['pid'] as number, 'SIGKILL');
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'killsme');
  assert.ok(ofType(events, 'actor.crashed').some((e) => e['actor'] === 'sme/backend'));
  assert.ok(ofType(events, 'actor.started').filter((e) => e['actor'] === 'sme/backend').length >= 2, 'the actor was restarted');
  assert.ok(ofType(events, 'retry.scheduled').some((e) => e['taskId'] === 't1'), 't1 was retried');
  assert.equal(ofType(events, 'repair.scheduled').length, 0, 'a crash is a retry, not a repair');
  assert.equal(ofType(events, 'task.merged').length, 2);
  await noProcessesLeft('killsme');
});

test('an actor that crashes on every start exhausts its restart intensity and its role\'s tasks are escalated with that reason', async (t) => {
  const { dir, env } = project(t, {
    roles: ['backend', 'frontend'],
    providers: { 'sim-broken': { type: 'sim', sim: { behaviour: 'crash-on-start' } } },
    roleProvider: { backend: 'sim-broken' },
    loop: { restartIntensity: { intensity: 2, periodSeconds: 60 }, backoff: { minMs: 10, maxMs: 40 } },
  });
  const result = await runLoop(['run', 'api and ui', '--run', 'crashy'], { cwd: dir, env, t });
  assert.equal(result.code, 1, result.stdout + result.stderr);
  const events = boardEvents(dir, 'crashy');
  const report = ofType(events, 'supervisor.report').find((e) => e['context'] === 'reached_max_restart_intensity');
  assert.ok(report, 'the role supervisor reported giving up');
  const backendTasks = ofType(events, 'task.created').filter((e) => e['role'] === 'backend').map((e) => e['taskId']);
  const escalated = ofType(events, 'task.escalated');
  for (const id of backendTasks) {
    const reason = String(escalated.find((e) => e['taskId'] === id)?.['reason'] ?? '');
    assert.match(reason, /backend/);
    assert.match(reason, /crash/i);
  }
  assert.ok(ofType(events, 'task.merged').some((e) => !backendTasks.includes(e['taskId'])), 'the healthy role still delivered');
  assert.match(result.stdout, /escalated/);
  await noProcessesLeft('crashy');
});

test('an agent that hangs past its deadline is killed with its process group and the task is retried', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'], sim: { tasks: { t1: 'hang' }, failAttempts: 1 }, loop: { taskTimeoutMinutes: 0.02 } });
  const run = startLoop(['run', 'one thing', '--run', 'hangs'], { cwd: dir, env, t });
  // While it hangs, the agent's group (a shell with a backgrounded sleep) is alive.
  await waitFor('the hanging agent group', () => processesOfRun('hangs').length >= 2 && ofType(boardEvents(dir, 'hangs'), 'attempt.started').length > 0);
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'hangs');
  const finished = ofType(events, 'attempt.finished').find((e) => e['taskId'] === 't1' && e['attempt'] === 1);
  assert.ok(finished && ['timed-out', 'crashed'].includes(String(finished['outcome'])), 'the first attempt ended as a failure');
  assert.match(String(finished!['summary']), /timed out/);
  assert.ok(ofType(events, 'retry.scheduled').some((e) => e['taskId'] === 't1'));
  assert.equal(ofType(events, 'task.merged').length, 1);
  await noProcessesLeft('hangs');
});

test('kill -9 of the supervisor mid-run, then loop resume, completes the run with each task merged exactly once', async (t) => {
  const { dir, env } = project(t, { roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { latencyMs: 700 } });
  const run = startLoop(['run', 'four things', '--run', 'phoenix'], { cwd: dir, env, t });
  await waitFor('one merge and more work in flight', () => {
    const events = boardEvents(dir, 'phoenix');
    const merged = ofType(events, 'task.merged').length;
    return merged >= 1 && merged < 4 && ofType(events, 'attempt.started').length > merged;
  });
  run.child.kill('SIGKILL');
  await run.done;
  // The actors notice their parent is gone and exit on their own, taking their agents with them.
  await noProcessesLeft('phoenix');
  // A crash can tear the last line; the rest of the board must still load.
  appendFileSync(join(dir, '.loop/runs/phoenix/board/events.jsonl'), '{"v":1,"seq":99999,"ts":1,"type":"task.me');
  const listed = await runLoop(['runs'], { cwd: dir, env, t });
  assert.match(listed.stdout, /phoenix\s+crashed/);
  const resumed = await runLoop(['resume', 'phoenix'], { cwd: dir, env, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stderr, /events\.jsonl:\d+: torn last line/);
  const events = boardEvents(dir, 'phoenix');
  assert.equal(ofType(events, 'task.created').length, 4, 'no task was planned twice');
  assert.equal(ofType(events, 'run.resumed').length, 1);
  for (const id of ['t1', 't2', 't3', 't4']) {
    assert.equal(ofType(events, 'task.merged').filter((e) => e['taskId'] === id).length, 1, `${id} merged exactly once`);
  }
  await noProcessesLeft('phoenix');
});

test('kill -9 of the supervisor while a 300-task plan is being written, then loop resume: every planned task is created and merged exactly once', async (t) => {
  const { dir, env } = project(t, { roles: ['backend', 'frontend'], sim: { latencyMs: 0 }, loop: { maxParallel: 8 } });
  const ids = Array.from({ length: 300 }, (_, i) => `t${i + 1}`);
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ tasks: ids.map((id, i) => ({ id, title: `Part ${i + 1}`, role: i % 2 === 0 ? 'backend' : 'frontend' })) }));
  const run = startLoop(['run', 'three hundred parts', '--plan', 'plan.json', '--run', 'bigplan'], { cwd: dir, env, t });
  await waitFor('the plan to be half-written', () => ofType(boardEvents(dir, 'bigplan'), 'task.created').length > 0, 60_000);
  run.child.kill('SIGKILL');
  await run.done;
  await noProcessesLeft('bigplan');
  const cut = boardEvents(dir, 'bigplan');
  const written = ofType(cut, 'task.created').length;
  assert.ok(written < 300 && ofType(cut, 'plan.accepted').length === 0, `the kill landed while the plan was being written (${written} of 300 on the board)`);
  const resumed = await runLoop(['resume', 'bigplan', '--json'], { cwd: dir, env, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stderr, new RegExp(`re-creating ${300 - written} planned tasks`));
  const events = boardEvents(dir, 'bigplan');
  assert.deepEqual(ofType(events, 'task.created').map((e) => e['taskId']), ids, 'every planned task is on the board once, in plan order');
  const merged = ofType(events, 'task.merged').map((e) => e['taskId'] as string);
  assert.equal(merged.length, 300);
  assert.deepEqual(new Set(merged), new Set(ids));
  assert.equal(ofType(events, 'plan.accepted')[0]?.['taskCount'], 300);
  assert.equal((JSON.parse(resumed.stdout) as { reason: string }).reason, 'all 300 tasks merged');
  await noProcessesLeft('bigplan');
});

test('Ctrl-C stops the run cleanly: agents are stopped, in-flight tasks interrupted, exit 4', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'], tasksPerRole: 2, sim: { latencyMs: 5000 } });
  const run = startLoop(['run', 'slow things', '--run', 'stopped'], { cwd: dir, env, t });
  await waitFor('t1 to start', () => ofType(boardEvents(dir, 'stopped'), 'attempt.started').length > 0);
  run.child.kill('SIGINT');
  const result = await run.done;
  assert.equal(result.code, 4, result.stdout + result.stderr);
  const events = boardEvents(dir, 'stopped');
  assert.ok(ofType(events, 'task.interrupted').some((e) => e['taskId'] === 't1'));
  assert.equal(ofType(events, 'run.finished')[0]?.['status'], 'interrupted');
  await noProcessesLeft('stopped');
});

test('resume after the config changed: a renamed role is one line and exit 2, a changed provider needs --allow-config-change, then the run finishes', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'], tasksPerRole: 2, sim: { latencyMs: 4000 } });
  const run = startLoop(['run', 'slow things', '--run', 'drift'], { cwd: dir, env, t });
  await waitFor('t1 to start', () => ofType(boardEvents(dir, 'drift'), 'attempt.started').length > 0);
  run.child.kill('SIGINT');
  assert.equal((await run.done).code, 4);
  const original = readFileSync(join(dir, 'loop.config.yaml'), 'utf8');
  writeFileSync(join(dir, 'loop.config.yaml'), original.replace(/name: backend/, 'name: api'));
  const renamed = await runLoop(['resume', 'drift', '--allow-config-change'], { cwd: dir, env, t });
  assert.equal(renamed.code, 2, renamed.stdout + renamed.stderr);
  assert.equal(renamed.stderr.trim().split('\n').length, 1, renamed.stderr);
  assert.match(renamed.stderr, /role backend is gone \(renamed to api\?\), but unfinished tasks t1, t2 need it; role api is new; put role backend back to resume it/);
  assert.doesNotMatch(renamed.stderr, /TypeError|internal error/);

  writeFileSync(join(dir, 'loop.config.yaml'), original.replace(/name: qa\n(\s+)provider: sim-critic/, 'name: qa\n$1provider: sim'));
  const changed = await runLoop(['resume', 'drift'], { cwd: dir, env, t });
  assert.equal(changed.code, 2, changed.stdout + changed.stderr);
  assert.match(changed.stderr, /role qa now uses provider sim instead of sim-critic; undo the change, or pass --allow-config-change/);
  assert.equal(ofType(boardEvents(dir, 'drift'), 'run.resumed').length, 0, 'nothing was resumed');

  writeFileSync(join(dir, 'loop.config.yaml'), original.replace(/latencyMs: 4000/, 'latencyMs: 20').replace(/name: qa\n(\s+)provider: sim-critic/, 'name: qa\n$1provider: sim'));
  const allowed = await runLoop(['resume', 'drift', '--allow-config-change'], { cwd: dir, env, t });
  assert.equal(allowed.code, 0, allowed.stdout + allowed.stderr);
  assert.match(allowed.stderr, /continuing with the changed team: role qa now uses provider sim instead of sim-critic/);
  await noProcessesLeft('drift');
});

test('the budget stops dispatch before spend passes it, lists the unstarted tasks, and exits 3', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'], tasksPerRole: 4, sim: { costUsd: 0.4 }, loop: { budgetUsd: 1, maxParallel: 1 } });
  const result = await runLoop(['run', 'four paid things', '--run', 'broke', '--json'], { cwd: dir, env, t });
  assert.equal(result.code, 3, result.stdout + result.stderr);
  const summary = JSON.parse(result.stdout) as { status: string; spend: { totalUsd: number } };
  assert.equal(summary.status, 'budget-exhausted');
  assert.ok(summary.spend.totalUsd <= 1 + 1e-9, `spent ${summary.spend.totalUsd}`);
  const exhausted = ofType(boardEvents(dir, 'broke'), 'budget.exhausted')[0];
  assert.ok(exhausted);
  assert.deepEqual(exhausted['unstarted'], ['t3', 't4']);
});

test('a budget refusal caused only by calls in flight is asked again when they settle: calls cheaper than their estimate all run', async (t) => {
  // Two $0.50 reservations fill the $1 budget; each call really costs $0.10, so once one settles the rest fit.
  const roles = ['backend', 'frontend', 'devops', 'docs'];
  const { dir, env } = project(t, {
    roles,
    providers: { sim: { type: 'sim', estimateUsd: 0.5, sim: { costUsd: 0.1, latencyMs: 50 } } },
    loop: { budgetUsd: 1, maxParallel: 4 },
  });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ tasks: roles.map((role, i) => ({ id: `p${i + 1}`, title: `Part ${i + 1}`, role })) }));
  const result = await runLoop(['run', 'four cheap things', '--plan', 'plan.json', '--run', 'settles', '--json'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'settles');
  assert.equal(ofType(events, 'budget.exhausted').length, 0);
  assert.equal(ofType(events, 'task.merged').length, 4);
  const summary = JSON.parse(result.stdout) as { spend: { totalUsd: number } };
  assert.ok(Math.abs(summary.spend.totalUsd - 0.4) < 1e-9, `spent ${summary.spend.totalUsd}`);
});

test('--plan FILE skips the planner and keeps the ids it gives', async (t) => {
  const { dir, env } = project(t, { roles: ['backend', 'frontend'] });
  writeFileSync(join(dir, 'plan.yaml'), [
    'tasks:',
    '  - id: api',
    '    title: Build the API',
    '    role: backend',
    '    acceptance: [GET /todos returns a list]',
    '  - id: ui',
    '    title: Build the UI',
    '    role: frontend',
    '    dependsOn: [api]',
    '',
  ].join('\n'));
  const result = await runLoop(['run', 'todo app', '--plan', 'plan.yaml', '--run', 'planned'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'planned');
  assert.deepEqual(ofType(events, 'task.created').map((e) => e['taskId']), ['api', 'ui']);
  assert.equal(ofType(events, 'plan.accepted')[0]?.['source'], 'file');
  assert.ok(seqOf(events, 'task.dispatched', 'ui') > seqOf(events, 'task.merged', 'api'));
});

test('tasks whose file scopes overlap never run at the same time; the others still run in parallel', async (t) => {
  const { dir, env } = project(t, { roles: ['backend', 'frontend', 'docs'], sim: { latencyMs: 150 }, loop: { maxParallel: 3 } });
  writeFileSync(join(dir, 'plan.yaml'), [
    'tasks:',
    '  - {id: api, title: Users API, role: backend, acceptance: [ok], files: ["src/api/**"]}',
    '  - {id: form, title: Users form, role: frontend, acceptance: [ok], files: ["src/api/users.ts", "src/ui/form.tsx"]}',
    '  - {id: guide, title: Guide, role: docs, acceptance: [ok], files: ["docs/*.md"]}',
    '',
  ].join('\n'));
  const result = await runLoop(['run', 'users', '--plan', 'plan.yaml', '--run', 'scopes'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'scopes');
  assert.ok(seqOf(events, 'task.dispatched', 'form') > seqOf(events, 'task.merged', 'api'), 'form waited for api to merge');
  assert.ok(seqOf(events, 'task.dispatched', 'guide') < seqOf(events, 'task.merged', 'api'), 'guide ran beside api');
});

test('a plan file with an unknown role and a cycle is refused with one line per problem, exit 2, before anything runs', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'] });
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ tasks: [
    { id: 'a', title: 'A', role: 'backend', dependsOn: ['b'] },
    { id: 'b', title: 'B', role: 'desginer', dependsOn: ['a'] },
  ] }));
  const result = await runLoop(['run', 'x', '--plan', 'plan.json', '--run', 'badplan'], { cwd: dir, env, t });
  assert.equal(result.code, 2);
  assert.match(result.stderr, /role "desginer" cannot take tasks/);
  assert.match(result.stderr, /cycle/);
  assert.doesNotMatch(result.stderr, /\n\s+at /, 'no stack trace');
  assert.deepEqual(boardEvents(dir, 'badplan'), []);
});

test('run ids that tmux or git cannot take are refused with one line, exit 2', async (t) => {
  const { dir, env } = project(t, {});
  for (const bad of ['v1.2', 'a:b', 'has space']) {
    const result = await runLoop(['run', 'x', '--run', bad], { cwd: dir, env, t });
    assert.equal(result.code, 2, bad);
    assert.equal(result.stderr.trim().split('\n').length, 1, result.stderr);
  }
});

test('dry-run never starts a provider CLI and prints the command line each real provider would get', async (t) => {
  const { dir, env } = project(t, {
    roles: ['backend'],
    providers: { claude: { type: 'claude', model: 'sonnet' } },
    roleProvider: { backend: 'claude' },
  });
  const bin = tempDir(t, 'loop-fake-bin-');
  const marker = join(bin, 'claude-was-called');
  writeFileSync(join(bin, 'claude'), `#!/bin/sh\ntouch ${marker}\necho '{}'\n`, { mode: 0o755 });
  const result = await runLoop(['run', 'one thing', '--run', 'dry'], { cwd: dir, env: { ...env, PATH: `${bin}:${process.env['PATH']}` }, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /backend: claude -p "\$\(cat .*prompts\/t1\.1\.md\)"/);
  assert.match(result.stdout, /--model sonnet/);
  const { existsSync } = await import('node:fs');
  assert.equal(existsSync(marker), false, 'the claude CLI was never started');
});

test("dry-run's command lines carry each implementer's allow-list of the repository's own commands", async (t) => {
  const { dir, env } = project(t, {
    roles: ['backend', 'frontend'],
    providers: { claude: { type: 'claude' }, gemini: { type: 'gemini' } },
    roleProvider: { backend: 'claude', frontend: 'gemini' },
  });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'shop', scripts: { test: 'node --test', lint: 'eslint .' } }, null, 2));
  writeFileSync(join(dir, 'package-lock.json'), '{}');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'shop']);
  const result = await runLoop(['run', 'two things', '--run', 'dry'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /backend: claude -p .* --allowedTools 'Bash\(npm test \*\)' 'Bash\(npm run lint \*\)' --permission-mode acceptEdits/);
  assert.match(result.stdout, /frontend: gemini -p [\s\S]* --policy \S+prompts\/t\d+\.1\.gemini-policy\.toml --approval-mode auto_edit/);
});

test('loop stop <run> stops exactly that run like Ctrl-C, leaving another run alone', async (t) => {
  const { dir, env } = project(t, { roles: ['backend'], tasksPerRole: 2, sim: { latencyMs: 5000 } });
  const target = startLoop(['run', 'slow things', '--run', 'demo'], { cwd: dir, env, t });
  const bystander = startLoop(['run', 'other slow things', '--run', 'demo2'], { cwd: dir, env, t });
  await waitFor('both runs to start', () => ofType(boardEvents(dir, 'demo'), 'attempt.started').length > 0 && ofType(boardEvents(dir, 'demo2'), 'attempt.started').length > 0);
  const stopped = await runLoop(['stop', 'demo'], { cwd: dir, env, t });
  assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
  const result = await target.done;
  assert.equal(result.code, 4);
  assert.equal(ofType(boardEvents(dir, 'demo'), 'run.finished')[0]?.['status'], 'interrupted');
  assert.equal(bystander.child.exitCode, null, 'the other run (whose id contains "demo") is still running');
  bystander.child.kill('SIGINT');
  assert.equal((await bystander.done).code, 4);
  await noProcessesLeft('demo');
  await noProcessesLeft('demo2');
});

test('kill -9 of the board actor restarts everything after it (rest_for_one); in-flight tasks are retried and the run still finishes', async (t) => {
  const { dir, env } = project(t, { roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { latencyMs: 1500 } });
  const run = startLoop(['run', 'four things', '--run', 'boardkill'], { cwd: dir, env, t });
  await waitFor('an attempt in flight', () => ofType(boardEvents(dir, 'boardkill'), 'attempt.started').length > 0);
  const board = ofType(boardEvents(dir, 'boardkill'), 'actor.started').find((e) => e['actor'] === 'board')!;
  process.kill(board['pid'] as number, 'SIGKILL');
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'boardkill');
  assert.ok(ofType(events, 'actor.crashed').some((e) => e['actor'] === 'board'));
  assert.ok(ofType(events, 'retry.scheduled').length > 0, 'the interrupted attempts were retried');
  assert.equal(ofType(events, 'task.interrupted').length, 0, 'a restart is not a stop');
  for (const id of ['t1', 't2', 't3', 't4']) assert.equal(ofType(events, 'task.merged').filter((e) => e['taskId'] === id).length, 1);
  await noProcessesLeft('boardkill');
});

test('--execute with 16 sim tasks in flight at once (pipelined roles waiting on a slow merge train) prints no Node warning', async (t) => {
  const dir = tempDir(t, 'loop-sim-many-');
  const tap = "printf 'TAP version 13\\nok 1 - slow\\n1..1\\n# pass 1\\n# fail 0\\n'";
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({
    roles: ['r1', 'r2', 'r3', 'r4'], sim: { latencyMs: 0 },
    // the suite takes a second and no change is tested in its slot, so the accepted changes pile up behind the train
    loop: { maxParallel: 4, testCommand: `sleep 1; ${tap}`, setup: 'true', gate: { preMergeTests: 'never' } },
  }));
  writeFileSync(join(dir, 'plan.json'), JSON.stringify({ tasks: Array.from({ length: 16 }, (_, i) => ({ id: `t${i + 1}`, title: `Part ${i + 1}`, role: `r${(i % 4) + 1}`, files: [`part${i + 1}.txt`] })) }));
  writeFileSync(join(dir, '.gitignore'), '.loop\n');
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'start']);
  const result = await runLoop(['run', 'sixteen parts', '--execute', '--plan', 'plan.json', '--run', 'many'], { cwd: dir, env: { LOOP_HOME: tempDir(t, 'loop-sim-many-home-') }, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(ofType(boardEvents(dir, 'many'), 'task.merged').length, 16);
  let inFlight = 0;
  const open = new Set<string>();
  for (const e of boardEvents(dir, 'many')) {
    if (e.type === 'task.dispatched') open.add(e['taskId'] as string);
    if (e.type === 'task.merged') open.delete(e['taskId'] as string);
    inFlight = Math.max(inFlight, open.size);
  }
  assert.ok(inFlight > 10, `more than 10 attempts were in flight at once (${inFlight})`);
  assert.doesNotMatch(result.stderr, /Warning/, 'no MaxListenersExceededWarning or any other Node warning reaches the user');
  await noProcessesLeft('many');
});

test('loop resume kills only its own run\'s leftover processes, never those of a run of the same name in another repository', async (t) => {
  const a = project(t, { roles: ['backend'], sim: { latencyMs: 10_000 } });
  const b = project(t, { roles: ['backend'], sim: { latencyMs: 300 } });
  const runA = startLoop(['run', 'slow thing', '--run', 'twin'], { cwd: a.dir, env: a.env, t });
  await waitFor('a to be working', () => ofType(boardEvents(a.dir, 'twin'), 'attempt.started').length > 0, 60_000);
  const runB = startLoop(['run', 'quick thing', '--run', 'twin'], { cwd: b.dir, env: b.env, t });
  await waitFor('b to be working', () => ofType(boardEvents(b.dir, 'twin'), 'attempt.started').length > 0, 60_000);
  runB.child.kill('SIGKILL');
  await runB.done;
  const resumed = await runLoop(['resume', 'twin'], { cwd: b.dir, env: b.env, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const doneA = await runA.done;
  assert.equal(doneA.code, 0, doneA.stdout + doneA.stderr);
  const crashed = boardEvents(a.dir, 'twin').filter((e) => e.type === 'actor.crashed' || e.type === 'actor.restarted');
  assert.deepEqual(crashed, [], "a's actors were never killed by b's resume");
  await noProcessesLeft('twin');
});
