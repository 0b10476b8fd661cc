/**
 * The dashboard's control buttons in a real Chromium against a real run: approve a plan that waits
 * (`--approve-plan`), then retry a task that escalated while the run goes on. The buttons go
 * through the same code as `loop approve` and `loop retry`, and their answers are on the board.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { artifactsDir, launchChromium } from '../../helpers/browser.js';
import { boardEvents, startLoop, waitFor } from '../../helpers/loop-cli.js';
import { simTeamConfig } from '../../helpers/sim-config.js';
import { tempDir } from '../../helpers/temp.js';

test('the approve and retry buttons start a waiting plan and give an escalated task another round', async (t) => {
  const dir = tempDir(t, 'loop-controls-');
  // api fails its first attempt with no repairs left; slow keeps the run going meanwhile.
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({
    roles: ['backend', 'frontend'], loop: { maxRepairs: 0 },
    providers: { slow: { type: 'sim', sim: { latencyMs: 15_000 } } }, roleProvider: { frontend: 'slow' },
  }));
  writeFileSync(join(dir, 'plan.yaml'), stringify({ tasks: [
    { id: 'api', title: 'Build the API', role: 'backend', acceptance: ['works'] },
    { id: 'slow', title: 'A long task', role: 'frontend', acceptance: ['works'] },
  ] }));
  const env = { LOOP_HOME: join(dir, '.home'), LOOP_SIM_TASKS_SIM: 'api=fail', LOOP_SIM_FAIL_ATTEMPTS_SIM: '1' };
  const shots = artifactsDir('dashboard-controls');
  const { page, errors } = await launchChromium(t);

  const server = startLoop(['dashboard', '--port', '0'], { cwd: dir, env, t });
  const url = await waitFor('the dashboard URL', () => /dashboard: (http\S+)/.exec(server.output())?.[1]);
  const run = startLoop(['run', 'an app', '--plan', 'plan.yaml', '--run', 'c1', '--approve-plan'], { cwd: dir, env, t });
  const types = () => boardEvents(dir, 'c1').map((e) => e.type);
  await waitFor('the plan to wait', () => types().includes('plan.approval-requested'), 60_000);
  await page.goto(`${url}#/run/c1`);

  const approve = '.attention-item[data-kind="approval"] button[data-action="approve"]';
  // the first selector waits for the page's first load and the dashboard's pick-up of the run: slow on a loaded machine
  await page.waitForSelector(approve, { timeout: 90_000 });
  await page.locator('#attention-panel').screenshot({ path: join(shots, 'approve.png') });
  assert.ok(!types().includes('task.dispatched'));
  await page.click(approve);
  await page.waitForSelector('.control-message:has-text("plan approved")', { timeout: 30_000 });
  assert.deepEqual(boardEvents(dir, 'c1').filter((e) => e.type === 'plan.approved').map((e) => e['by']), ['dashboard']);

  const retry = '.attention-item[data-kind="escalated"][data-task="api"] button[data-action="retry"]';
  await page.waitForSelector(retry, { timeout: 60_000 });
  await page.click(retry);
  await page.waitForSelector('.control-message:has-text("api goes back to the queue")', { timeout: 30_000 });
  await waitFor('api to merge in the same run', () => boardEvents(dir, 'c1').some((e) => e.type === 'task.merged' && e['taskId'] === 'api'), 60_000);
  assert.deepEqual(boardEvents(dir, 'c1').filter((e) => e.type === 'task.reopened').map((e) => [e['taskId'], e['by']]), [['api', 'dashboard']]);
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(errors, []);
  server.child.kill('SIGTERM');
  await server.done;
});
