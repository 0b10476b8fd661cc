/**
 * `loop status` on a run of `loop.engine: nats` lists the workers that take its roles, from their
 * heartbeats: real nats-server, the real CLI's supervisor, two real `loop worker` processes. A worker
 * killed with -9 stays listed, marked stale; a server that cannot be reached is one line and the
 * rest of the status is printed.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { WorkerListing } from '../../protocol/index.js';
import { boardEvents, runLoop, startLoop, waitFor, type LoopProcess } from '../helpers/loop-cli.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';

const STARTUP_MS = 90_000;

function startWorker(t: TestContext, server: NatsServer, dir: string, env: NodeJS.ProcessEnv, name: string, roles: string): LoopProcess {
  return startLoop(['worker', '--server', server.url, '--nkey', server.setup.workerSeed, '--roles', roles, '--slots', '2', '--name', name, '--heartbeat', '0.5'], { cwd: dir, env, t });
}

async function statusJson(dir: string, env: NodeJS.ProcessEnv, t: TestContext, runId: string): Promise<{ tasks: { total: number }; workers: WorkerListing }> {
  const status = await runLoop(['status', '--run', runId, '--json'], { cwd: dir, env, t });
  assert.equal(status.code, 0, status.stderr);
  return (JSON.parse(status.stdout) as Array<{ tasks: { total: number }; workers: WorkerListing }>)[0]!;
}

async function untilStatus(dir: string, env: NodeJS.ProcessEnv, t: TestContext, runId: string, done: (workers: WorkerListing) => boolean): Promise<WorkerListing> {
  const deadline = Date.now() + STARTUP_MS;
  for (;;) {
    const { workers } = await statusJson(dir, env, t, runId);
    if (done(workers)) return workers;
    if (Date.now() > deadline) throw new Error(`timed out; last status: ${JSON.stringify(workers)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

test('loop status lists two workers with roles, slots and tasks; a worker killed with -9 is marked stale; an unreachable server is one line', async (t) => {
  const server = await startNatsServer(t);
  const dir = tempDir(t, 'loop-status-workers-');
  const nats = { url: server.url, nkey: server.setup.supervisorSeed, dispatch: 'workers', leaseSeconds: 3 };
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ roles: ['backend', 'frontend'], sim: { latencyMs: 4_000 }, loop: { engine: 'nats', nats, maxParallel: 2 } }));
  writeFileSync(join(dir, 'brief.md'), '# Brief\nA test project.\n');
  const env = { LOOP_HOME: join(dir, '.home') };
  const workers = { w1: startWorker(t, server, dir, env, 'w1', 'backend'), w2: startWorker(t, server, dir, env, 'w2', 'backend,frontend') };
  for (const [name, worker] of Object.entries(workers)) await waitFor(`worker ${name} to start`, () => worker.output().includes(`worker ${name} ·`), STARTUP_MS);
  const run = startLoop(['run', 'api, ui', '--run', 'sw'], { cwd: dir, env, t });
  await waitFor('the run to start', () => existsSync(join(dir, '.loop/runs/sw/run.json')), STARTUP_MS);

  // Both listed with their roles as soon as the run's supervisor made the heartbeat stream, and the tasks they hold.
  const busy = await untilStatus(dir, env, t, 'sw', (listing) => listing.workers.length === 2 && listing.workers.some((w) => w.jobs.length > 0));
  assert.equal(busy.reachable, true);
  assert.equal(busy.server, server.url);
  assert.deepEqual(busy.workers.map((w) => [w.name, w.roles, w.slots, w.stale]), [['w1', ['backend'], 2, false], ['w2', ['backend', 'frontend'], 2, false]]);
  const held = busy.workers.flatMap((w) => w.jobs.map((job) => [job.runId, job.taskId, job.attempt]));
  assert.ok(held.length > 0 && held.every(([runId, taskId, attempt]) => runId === 'sw' && /^t\d$/.test(String(taskId)) && attempt === 1), JSON.stringify(held));
  for (const worker of busy.workers) assert.equal(worker.pid, workers[worker.name as 'w1' | 'w2'].child.pid);

  const human = await runLoop(['status', '--run', 'sw'], { cwd: dir, env, t });
  assert.match(human.stdout, new RegExp(`^ {2}workers {3}2 on ${server.url.replace(/\./g, '\\.')}$`, 'm'));
  assert.match(human.stdout, /^ {2}WORKER +ROLES +SLOTS +TASKS +LAST HEARTBEAT$/m);
  assert.match(human.stdout, /^ {2}w2 +backend,frontend +[0-2]\/2 +(-|t\d \(\d+s\)(, t\d \(\d+s\))?) +\d+s ago$/m);

  workers.w1.child.kill('SIGKILL');
  const stale = await untilStatus(dir, env, t, 'sw', (listing) => listing.workers.find((w) => w.name === 'w1')?.stale === true);
  assert.ok(stale.workers.find((w) => w.name === 'w1')!.seenAgoMs > 1_500, 'stale after three missed beats of 0.5 s');
  assert.equal(stale.workers.find((w) => w.name === 'w2')!.stale, false);
  const marked = await runLoop(['status', '--run', 'sw'], { cwd: dir, env, t });
  assert.match(marked.stdout, /^ {2}workers {3}2 on \S+ \(1 stale: no heartbeat for three beats; killed or cut off, its tasks go back to the queue when their lease runs out\)$/m);
  assert.match(marked.stdout, /^ {2}w1 +backend +\d\/2 +.* +\d+s ago · STALE$/m);

  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  assert.equal(boardEvents(dir, 'sw').filter((e) => e.type === 'task.merged').length, 2);

  // A clean stop says goodbye: w2 is no longer listed.
  workers.w2.child.kill('SIGTERM');
  await workers.w2.done;
  const left = await untilStatus(dir, env, t, 'sw', (listing) => !listing.workers.some((w) => w.name === 'w2'));
  assert.deepEqual(left.workers.map((w) => w.name), ['w1']);

  await server.stop();
  const away = await runLoop(['status', '--run', 'sw'], { cwd: dir, env, t });
  assert.equal(away.code, 0, away.stderr);
  assert.match(away.stdout, /^run sw · merged/m);
  assert.match(away.stdout, /^ {2}progress {2}2\/2 merged/m);
  const line = away.stdout.split('\n').filter((l) => l.includes('workers'));
  assert.equal(line.length, 1);
  assert.match(line[0]!, new RegExp(`^ {2}workers {3}not listed: cannot reach the NATS server at ${server.url.replace(/\./g, '\\.')} .*; start it`));
  assert.equal((await statusJson(dir, env, t, 'sw')).workers.reachable, false);
});
