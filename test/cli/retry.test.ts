/** `loop retry`: an escalated task gets another round, in a finished run (applied by resume) and in a live one. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { tempDir } from '../helpers/temp.js';
import { boardEvents, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig, type SimTeamOptions } from '../helpers/sim-config.js';

function project(t: Parameters<typeof tempDir>[0], options: SimTeamOptions, tasks: Array<Record<string, unknown>>): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'loop-retry-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig(options));
  writeFileSync(join(dir, 'plan.yaml'), stringify({ tasks }));
  return { dir, env: { LOOP_HOME: join(dir, '.home') } };
}

const statuses = (dir: string, runId: string): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const e of boardEvents(dir, runId)) {
    if (typeof e['taskId'] !== 'string') continue;
    if (e.type === 'task.created') out[e['taskId']] = 'planned';
    if (e.type === 'task.merged') out[e['taskId']] = 'merged';
    if (e.type === 'task.escalated') out[e['taskId']] = 'escalated';
    if (e.type === 'task.reopened') out[e['taskId']] = 'reopened';
  }
  return out;
};

test('a finished run: retry is recorded, refused for a task that is not escalated, and resume gives the task and the tasks that waited on it another round', async (t) => {
  // api fails its first attempt and has no repairs left: it escalates, and ui (which needs it) with it.
  const { dir, env } = project(t, { roles: ['backend', 'frontend'], loop: { maxRepairs: 0 } }, [
    { id: 'api', title: 'Build the API', role: 'backend', acceptance: ['works'] },
    { id: 'ui', title: 'Build the UI', role: 'frontend', dependsOn: ['api'], acceptance: ['works'] },
    { id: 'docs', title: 'Write the docs', role: 'frontend', acceptance: ['works'] },
  ]);
  const failOnce = { ...env, LOOP_SIM_TASKS_SIM: 'api=fail', LOOP_SIM_FAIL_ATTEMPTS_SIM: '1' };
  const first = await runLoop(['run', 'an app', '--plan', 'plan.yaml', '--run', 'r1'], { cwd: dir, env: failOnce, t });
  assert.notEqual(first.code, 0, first.stdout);
  assert.deepEqual(statuses(dir, 'r1'), { api: 'escalated', ui: 'escalated', docs: 'merged' });

  const merged = await runLoop(['retry', 'docs'], { cwd: dir, env, t });
  assert.deepEqual([merged.code, merged.stderr], [2, 'loop: run r1: task docs is merged; only an escalated task can be retried\n']);
  const unknown = await runLoop(['retry', 'nope', '--run', 'r1'], { cwd: dir, env, t });
  assert.deepEqual([unknown.code, unknown.stderr], [2, 'loop: run r1: no task "nope" in this run (its tasks: api, ui, docs)\n']);
  const noRun = await runLoop(['retry', 'api', '--run', 'r'], { cwd: dir, env, t });
  assert.equal(noRun.code, 2, 'run ids match exactly');

  const retry = await runLoop(['retry', 'api'], { cwd: dir, env, t });
  assert.deepEqual([retry.code, retry.stdout], [0, 'recorded; run r1 is not running, `loop resume r1` applies it\n']);
  const resumed = await runLoop(['resume', 'r1'], { cwd: dir, env: failOnce, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  assert.match(resumed.stdout, /api +backend +reopened +retried by a person after: /);
  assert.deepEqual(statuses(dir, 'r1'), { api: 'merged', ui: 'merged', docs: 'merged' });
  const reopened = boardEvents(dir, 'r1').filter((e) => e.type === 'task.reopened').map((e) => [e['taskId'], e['by'], e['reason']]);
  assert.deepEqual(reopened[1], ['ui', 'cli', 'its upstream task api is retried']);
  const apiDispatches = boardEvents(dir, 'r1').filter((e) => e.type === 'task.dispatched' && e['taskId'] === 'api').map((e) => e['attempt']);
  assert.deepEqual(apiDispatches, [1, 2], 'the attempt numbers go on');
});

test('a live run takes a retry at once, and the task merges in the same run', async (t) => {
  // api (fast provider) escalates while slow (its own provider, seconds per attempt) is still working.
  const { dir, env } = project(t, {
    roles: ['backend', 'frontend'], loop: { maxRepairs: 0 },
    providers: { slow: { type: 'sim', sim: { latencyMs: 4000 } } }, roleProvider: { frontend: 'slow' },
  }, [
    { id: 'api', title: 'Build the API', role: 'backend', acceptance: ['works'] },
    { id: 'slow', title: 'A long task', role: 'frontend', acceptance: ['works'] },
  ]);
  const run = startLoop(['run', 'an app', '--plan', 'plan.yaml', '--run', 'live'], { cwd: dir, env: { ...env, LOOP_SIM_TASKS_SIM: 'api=fail', LOOP_SIM_FAIL_ATTEMPTS_SIM: '1' }, t });
  await waitFor('api to escalate', () => statuses(dir, 'live')['api'] === 'escalated', 60_000);
  const retry = await runLoop(['retry', 'api', '--run', 'live'], { cwd: dir, env, t });
  const result = await run.done;
  // The slow task may, under load, have finished before the request was read: then resume applies it.
  if (retry.stdout.startsWith('recorded;')) {
    assert.equal((await runLoop(['resume', 'live'], { cwd: dir, env, t })).code, 0);
  } else {
    assert.deepEqual([retry.code, retry.stdout], [0, 'api goes back to the queue with a fresh round of repairs\n']);
    assert.equal(result.code, 0, result.stdout + result.stderr);
  }
  assert.deepEqual(statuses(dir, 'live'), { api: 'merged', slow: 'merged' });
});
