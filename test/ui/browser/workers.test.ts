/**
 * The dashboard's Workers panel in real Chromium, on a run of `loop.engine: nats` with two real
 * `loop worker` processes: both listed with their roles, slots and the tasks they hold, a worker
 * killed with -9 marked stale. The page reads the listing through the dashboard server, which
 * alone holds the server's address and credentials.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { artifactsDir, launchChromium } from '../../helpers/browser.js';
import { httpRequest } from '../../helpers/dashboard.js';
import { startLoop, waitFor, type LoopProcess } from '../../helpers/loop-cli.js';
import { startNatsServer } from '../../helpers/nats-server.js';
import { simTeamConfig } from '../../helpers/sim-config.js';
import { tempDir } from '../../helpers/temp.js';

const STARTUP_MS = 90_000;

test('the Workers panel lists two loop worker processes with roles, slots and tasks, and marks one killed with -9 stale', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t, 'loop-dash-workers-');
  const nats = { url: server.url, nkey: server.setup.supervisorSeed, dispatch: 'workers', leaseSeconds: 3 };
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ roles: ['backend', 'frontend'], tasksPerRole: 2, sim: { latencyMs: 3_000 }, loop: { engine: 'nats', nats, maxParallel: 2 } }));
  writeFileSync(join(dir, 'brief.md'), '# Brief\nA test project.\n');
  const env = { LOOP_HOME: join(dir, '.home') };
  const shots = artifactsDir('dashboard-workers');
  const { page, errors } = await launchChromium(t);

  const workers = new Map<string, LoopProcess>();
  for (const [name, roles] of [['w1', 'backend'], ['w2', 'backend,frontend']] as const) {
    const worker = startLoop(['worker', '--server', server.url, '--nkey', server.setup.workerSeed, '--roles', roles, '--name', name, '--heartbeat', '0.5'], { cwd: dir, env, t });
    workers.set(name, worker);
    await waitFor(`worker ${name} to start`, () => worker.output().includes(`worker ${name} ·`), STARTUP_MS);
  }
  const dashboard = startLoop(['dashboard', '--port', '0'], { cwd: dir, env, t });
  const url = new URL(await waitFor('the dashboard URL', () => /dashboard: (http\S+)/.exec(dashboard.output())?.[1]));
  const run = startLoop(['run', 'four things', '--run', 'dw'], { cwd: dir, env, t });
  await waitFor('the run to start', () => existsSync(join(dir, '.loop/runs/dw/run.json')), STARTUP_MS);
  await page.goto(`${url.href}#/run/dw`);

  const row = (name: string): string => `#workers-panel tr.worker[data-worker="${name}"]`;
  await page.waitForSelector(`${row('w1')} .w-tasks a.task-chip, ${row('w2')} .w-tasks a.task-chip`, { timeout: STARTUP_MS });
  assert.equal(await page.isVisible('#workers-panel'), true);
  assert.deepEqual(await page.$$eval('#workers-panel tr.worker', (rows) => rows.map((r) => r.getAttribute('data-worker'))), ['w1', 'w2']);
  assert.equal(await page.textContent(`${row('w1')} .w-roles`), 'backend');
  assert.equal(await page.textContent(`${row('w2')} .w-roles`), 'backend, frontend');
  assert.match((await page.textContent(`${row('w2')} .w-slots`)) ?? '', /^[01]\/1$/);
  assert.match((await page.textContent(`${row('w1')} .w-seen`)) ?? '', /^\d+s ago$/);
  const chip = (await page.$$eval('#workers-panel a.task-chip', (links) => links.map((a) => a.getAttribute('href'))))[0];
  assert.match(chip ?? '', /^#\/run\/dw\/task\/t\d$/);
  await page.locator('#workers-panel').screenshot({ path: join(shots, 'workers.png') });

  workers.get('w1')!.child.kill('SIGKILL');
  await page.waitForSelector(`${row('w1')}.stale .badge.stale`, { timeout: 30_000 });
  assert.equal(await page.$(`${row('w2')}.stale`), null, 'w2 still beats');
  await page.locator('#workers-panel').screenshot({ path: join(shots, 'workers-stale.png') });

  // What the page gets: the listing, never the credentials.
  const listing = await httpRequest(`${url.origin}/api/workers`);
  assert.equal(listing.status, 200);
  const seed = readFileSync(server.setup.supervisorSeed, 'utf8').trim();
  assert.ok(!listing.body.includes(seed) && !listing.body.includes('supervisor.nk'), listing.body);
  assert.equal((JSON.parse(listing.body) as { engine: string }).engine, 'nats');

  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.deepEqual(errors, []);
  dashboard.child.kill('SIGTERM');
  await dashboard.done;
});
