/** `loop run --approve-plan` waits for `loop approve`; the wait survives a stop and a resume; the monitor shows it. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '../helpers/temp.js';
import { boardEvents, runLoop, startLoop, waitFor } from '../helpers/loop-cli.js';
import { simTeamConfig } from '../helpers/sim-config.js';

const types = (dir: string, runId: string): string[] => boardEvents(dir, runId).map((e) => e.type);

test('a run with --approve-plan dispatches nothing until `loop approve`, and then finishes', async (t) => {
  const dir = tempDir(t, 'loop-approve-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig());
  const env = { LOOP_HOME: join(dir, '.home') };
  const notYet = await runLoop(['run', 'plain', '--run', 'plain', '--no-approve-plan'], { cwd: dir, env, t });
  assert.equal(notYet.code, 0, notYet.stderr);
  const nothingToApprove = await runLoop(['approve', '--run', 'plain'], { cwd: dir, env, t });
  assert.deepEqual([nothingToApprove.code, nothingToApprove.stderr], [2, 'loop: the plan of run plain does not wait for approval\n']);

  const run = startLoop(['run', 'api and ui', '--run', 'ask', '--approve-plan'], { cwd: dir, env, t });
  await waitFor('the plan to wait', () => types(dir, 'ask').includes('plan.approval-requested'), 60_000);
  await waitFor('the run to say how to approve', () => /the plan \(2 tasks\) waits for your approval: `loop approve --run ask`/.test(run.output()));
  const monitor = await runLoop(['monitor', '--once', '--run', 'ask'], { cwd: dir, env, t });
  assert.match(monitor.stdout, /── needs attention \(1\) ─+\n! the plan \(2 tasks\) waits for your approval before anything is dispatched: `loop approve --run ask`\n/);
  assert.ok(!types(dir, 'ask').includes('task.dispatched'), 'nothing is dispatched while the plan waits');

  const approve = await runLoop(['approve'], { cwd: dir, env, t });
  assert.deepEqual([approve.code, approve.stdout, approve.stderr], [0, 'plan approved; the run starts dispatching\n', '']);
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(result.stdout.match(/waits for (your )?approval/g)?.length, 1, `the wait is said once, with the run's id:\n${result.stdout}`);
  const events = types(dir, 'ask');
  assert.ok(events.indexOf('plan.approved') < events.indexOf('task.dispatched'));
  assert.equal((await runLoop(['approve', '--run', 'ask'], { cwd: dir, env, t })).stderr, 'loop: the plan of run ask is already approved\n');
});

test('loop.approvePlan: a run stopped while its plan waits still waits after resume, and an approval written while it was stopped applies', async (t) => {
  const dir = tempDir(t, 'loop-approve-');
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ loop: { approvePlan: true } }));
  const env = { LOOP_HOME: join(dir, '.home') };
  const run = startLoop(['run', 'api and ui', '--run', 'held'], { cwd: dir, env, t });
  await waitFor('the plan to wait', () => types(dir, 'held').includes('plan.approval-requested'), 60_000);
  const stop = await runLoop(['stop', 'held'], { cwd: dir, env, t });
  assert.equal(stop.code, 0, stop.stderr);
  assert.equal((await run.done).code, 4, 'stopped while waiting: interrupted');
  assert.ok(!types(dir, 'held').includes('task.dispatched'));

  const approve = await runLoop(['approve', '--run', 'held'], { cwd: dir, env, t });
  assert.deepEqual([approve.code, approve.stdout], [0, 'recorded; run held is not running, `loop resume held` applies it\n']);
  const resumed = await runLoop(['resume', 'held'], { cwd: dir, env, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const events = types(dir, 'held');
  assert.equal(events.filter((e) => e === 'plan.approval-requested').length, 1, 'asked once; the board remembers');
  assert.ok(events.lastIndexOf('plan.approved') < events.indexOf('task.dispatched'));
});
