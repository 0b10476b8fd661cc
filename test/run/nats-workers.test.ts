/**
 * `loop.nats.dispatch: workers` end to end: the real CLI's supervisor, three `loop worker`
 * processes with the workers' identity, sim agents and a real nats-server. The SME attempts run on
 * the workers (the supervisor's own SME actors get no call); a worker killed with -9 mid-task loses
 * its lease, the attempt is a counted crash, and the task is retried elsewhere and merged once.
 * Workers share the supervisor's machine: own clones are not built yet.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { boardEvents, processesOfRun, runLoop, startLoop, waitFor, type LoopProcess } from '../helpers/loop-cli.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { tempDir } from '../helpers/temp.js';

const ROLES = ['backend', 'frontend'];
const TASKS = ['t1', 't2', 't3', 't4'];
const STARTUP_MS = 90_000;

function project(t: TestContext, server: NatsServer, latencyMs: number): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = tempDir(t, 'loop-nats-workers-');
  const nats = { url: server.url, nkey: server.setup.supervisorSeed, dispatch: 'workers', leaseSeconds: 3 };
  writeFileSync(join(dir, 'loop.config.yaml'), simTeamConfig({ roles: ROLES, tasksPerRole: 2, sim: { latencyMs }, loop: { engine: 'nats', nats, maxParallel: 4 } }));
  writeFileSync(join(dir, 'brief.md'), '# Brief\nA test project.\n');
  return { dir, env: { LOOP_HOME: join(dir, '.home') } };
}

async function startWorkers(t: TestContext, server: NatsServer, dir: string, env: NodeJS.ProcessEnv): Promise<Map<string, LoopProcess>> {
  const workers = new Map<string, LoopProcess>();
  for (const name of ['w1', 'w2', 'w3']) {
    const worker = startLoop(['worker', '--server', server.url, '--nkey', server.setup.workerSeed, '--roles', ROLES.join(','), '--name', name], { cwd: dir, env, t });
    workers.set(name, worker);
  }
  for (const [name, worker] of workers) await waitFor(`worker ${name} to start`, () => worker.output().includes(`worker ${name} ·`), STARTUP_MS);
  return workers;
}

/** Task ids each worker started, from their progress lines (`<run> <task>-a<attempt>-<id>  started`). */
const startedOn = (worker: LoopProcess): string[] => [...worker.output().matchAll(/ (t\d+)-a\d+-\S+ {2}started/g)].map((m) => m[1]!);

const ofType = (events: ReturnType<typeof boardEvents>, type: string) => events.filter((e) => e.type === type);

function assertEachMergedOnce(events: ReturnType<typeof boardEvents>): void {
  assert.equal(ofType(events, 'task.created').length, TASKS.length);
  for (const id of TASKS) assert.equal(ofType(events, 'task.merged').filter((e) => e['taskId'] === id).length, 1, `${id} merged exactly once`);
}

test('a run with dispatch: workers merges every task once, every attempt run by one of three worker processes', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, 300);
  const workers = await startWorkers(t, server, dir, env);
  const result = await runLoop(['run', 'four things', '--run', 'workers-e2e'], { cwd: dir, env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'workers-e2e');
  assertEachMergedOnce(events);
  const started = [...workers.values()].flatMap(startedOn);
  assert.equal(started.length, ofType(events, 'attempt.started').length, `every attempt ran on a worker: ${started.join(' ')}`);
  assert.deepEqual([...new Set(started)].sort(), TASKS);
  await waitFor('every process of the run to exit', () => processesOfRun('workers-e2e').length === 0, 15_000);
});

test('kill -9 of a worker mid-task: its lease runs out, the attempt is a counted crash, and the task is retried and merged once', async (t) => {
  const server = await startNatsServer(t);
  const { dir, env } = project(t, server, 4_000);
  const workers = await startWorkers(t, server, dir, env);
  const run = startLoop(['run', 'four things', '--run', 'workers-kill'], { cwd: dir, env, t });
  const [victim, task] = await waitFor('a worker to start a task', () => {
    for (const [name, worker] of workers) if (startedOn(worker).length > 0) return [name, startedOn(worker)[0]!] as const;
    return null;
  }, STARTUP_MS);
  workers.get(victim)!.child.kill('SIGKILL');
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(dir, 'workers-kill');
  assertEachMergedOnce(events);
  const crashed = ofType(events, 'attempt.finished').filter((e) => e['taskId'] === task && e['outcome'] === 'crashed');
  assert.equal(crashed.length, 1, JSON.stringify(ofType(events, 'attempt.finished')));
  assert.match(String(crashed[0]!['summary']), /no worker of role_\w+ finished it in 1 deliveries/);
  assert.ok(ofType(events, 'attempt.started').filter((e) => e['taskId'] === task).length >= 2, `${task} was retried`);
  const survivors = [...workers].filter(([name]) => name !== victim).flatMap(([, worker]) => startedOn(worker));
  assert.ok(survivors.includes(task), `${task} was retried on a surviving worker`);
});
