/**
 * `loop.nats.dispatch: workers` end to end, as on several machines: the real CLI's supervisor in a
 * git repository whose `origin` is a bare remote, three `loop worker` processes each in its own
 * folder with its own LOOP_HOME (their own clones of the remote, their own slots), sim agents and a
 * real nats-server. Jobs carry the remote, base commit, branch and prompt text, never a path of the
 * supervisor's machine; code comes back through the remote; merges go one at a time through the
 * repository's merge queue. A worker killed with -9 mid-task loses its lease, the attempt is a
 * counted crash, and the task is retried elsewhere and merged once; a supervisor killed with -9
 * is resumed from the stream and finishes with every task merged once.
 */
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { connectNats } from '../../src/nats/connect.js';
import { boardEvents, processesOfRun, runLoop, startLoop, waitFor, type LoopProcess } from '../helpers/loop-cli.js';
import { startNatsServer, type NatsServer } from '../helpers/nats-server.js';
import { simTeamConfig } from '../helpers/sim-config.js';
import { git, tempDir, tempRepo } from '../helpers/temp.js';

const ROLES = ['backend', 'frontend'];
const TASKS = ['t1', 't2', 't3', 't4'];
const STARTUP_MS = 90_000;

interface Project { dir: string; remote: string; env: NodeJS.ProcessEnv; home: string }

function project(t: TestContext, server: NatsServer, latencyMs: number): Project {
  const nats = { url: server.url, nkey: server.setup.supervisorSeed, dispatch: 'workers', leaseSeconds: 3 };
  const dir = tempRepo(t, {
    'loop.config.yaml': simTeamConfig({ roles: ROLES, tasksPerRole: 2, sim: { latencyMs }, loop: { engine: 'nats', nats, maxParallel: 4 } }),
    'brief.md': '# Brief\nA test project.\n',
  }, 'loop-nats-workers-');
  const remote = join(tempDir(t, 'loop-nats-remote-'), 'project.git');
  git(dir, ['clone', '-q', '--bare', dir, remote]);
  git(dir, ['remote', 'add', 'origin', remote]);
  const home = tempDir(t, 'loop-nats-home-');
  return { dir, remote, home, env: { LOOP_HOME: home } };
}

/** Workers in folders of their own, with their own LOOP_HOME: nothing of the supervisor's but the server and the remote. */
async function startWorkers(t: TestContext, server: NatsServer, names = ['w1', 'w2', 'w3'], env: NodeJS.ProcessEnv = {}): Promise<Map<string, LoopProcess & { home: string }>> {
  const workers = new Map<string, LoopProcess & { home: string }>();
  for (const name of names) {
    const home = tempDir(t, `loop-worker-${name}-`);
    const worker = startLoop(['worker', '--server', server.url, '--nkey', server.setup.workerSeed, '--roles', ROLES.join(','), '--name', name], { cwd: home, env: { ...env, LOOP_HOME: home }, t });
    workers.set(name, { ...worker, home });
  }
  for (const [name, worker] of workers) await waitFor(`worker ${name} to start`, () => worker.output().includes(`worker ${name} ·`), STARTUP_MS);
  return workers;
}

/** Every role job published for the run, as the server received it (a core subscription sees JetStream publishes too). */
async function recordJobs(t: TestContext, server: NatsServer, runId: string): Promise<string[]> {
  const nc = await connectNats(server.supervisor, 'test job recorder');
  t.after(() => nc.close());
  const jobs: string[] = [];
  nc.subscribe(`loop.work.${runId}.role.>`, { callback: (_error, message) => void jobs.push(message.string()) });
  await nc.flush();
  return jobs;
}

/** Task ids each worker started, from their progress lines (`<run> <task>-a<attempt>-<id>  started`). */
const startedOn = (worker: LoopProcess): string[] => [...worker.output().matchAll(/ (t\d+)-a\d+-\S+ {2}started/g)].map((m) => m[1]!);

const ofType = (events: ReturnType<typeof boardEvents>, type: string) => events.filter((e) => e.type === type);

function assertEachMergedOnce(events: ReturnType<typeof boardEvents>): void {
  assert.equal(ofType(events, 'task.created').length, TASKS.length);
  for (const id of TASKS) assert.equal(ofType(events, 'task.merged').filter((e) => e['taskId'] === id).length, 1, `${id} merged exactly once`);
}

/** What landed on the user's branch: each task's sim file, and the remote's integration branch is that same commit. */
function assertLanded(p: Project, runId: string): void {
  for (const id of TASKS) assert.ok(existsSync(join(p.dir, 'loop-sim', `${id}.md`)) || git(p.dir, ['ls-tree', '-r', '--name-only', 'main']).includes(id), `${id}'s work is on main`);
  const published = git(p.dir, ['ls-remote', p.remote, `refs/heads/loop/${runId}/integration`]).split('\t')[0];
  assert.equal(published, git(p.dir, ['rev-parse', 'main']), 'the integration branch on the remote is what landed');
}

test('three workers with their own clones finish a run through a bare remote: every task merged once, no job names a supervisor path, merges one at a time', async (t) => {
  const server = await startNatsServer(t);
  const p = project(t, server, 300);
  const workers = await startWorkers(t, server);
  const jobs = await recordJobs(t, server, 'workers-e2e');
  const result = await runLoop(['run', 'four things', '--run', 'workers-e2e', '--execute'], { cwd: p.dir, env: p.env, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(p.dir, 'workers-e2e');
  assertEachMergedOnce(events);
  assertLanded(p, 'workers-e2e');

  const started = [...workers.values()].flatMap(startedOn);
  assert.equal(started.length, ofType(events, 'attempt.started').length, `every attempt ran on a worker: ${started.join(' ')}`);
  assert.deepEqual([...new Set(started)].sort(), TASKS);
  assert.equal(jobs.length, started.length, 'one job per attempt');
  for (const job of jobs) {
    for (const path of [p.dir, p.home]) assert.ok(!job.includes(path), `a job names ${path}: ${job}`);
    const body = (JSON.parse(job) as { body: { repo: { remote: string; base: string; branch: string }; prompt: string; systemPrompt: string } }).body;
    assert.equal(body.repo.remote, p.remote);
    assert.match(body.repo.base, /^[0-9a-f]{40}$/);
    assert.match(body.repo.branch, /^loop\/workers-e2e\/t\d$/);
    assert.match(body.prompt, /^# Task t\d/m);
    assert.ok(body.systemPrompt.length > 0);
  }
  // Each worker that ran something did so in its own clone of the remote.
  for (const [name, worker] of workers) {
    if (startedOn(worker).length === 0) continue;
    const clones = readdirSync(join(worker.home, 'worker')).filter((entry) => entry.startsWith('project-'));
    assert.equal(clones.length, 1, `${name} has one clone: ${clones.join(', ')}`);
  }
  // The merge queue lets one merge of the repository through at a time: no train carries two.
  const trains = ofType(events, 'train.finished');
  assert.ok(trains.length >= TASKS.length, JSON.stringify(trains));
  for (const train of trains) assert.ok((train['tasks'] as string[]).length <= 1, `one change per train: ${JSON.stringify(train)}`);
  // The transcript the worker wrote came back into the supervisor's log file.
  const attempt = ofType(events, 'attempt.started')[0]!;
  assert.ok(existsSync(attempt['logFile'] as string), 'the attempt\'s log is in the supervisor\'s run folder');
  await waitFor('every process of the run to exit', () => processesOfRun('workers-e2e').length === 0, 15_000);
});

test('kill -9 of a worker mid-task: its lease runs out, the attempt is a counted crash, and the task is retried and merged once', async (t) => {
  const server = await startNatsServer(t);
  const p = project(t, server, 4_000);
  const workers = await startWorkers(t, server);
  const run = startLoop(['run', 'four things', '--run', 'workers-kill', '--execute'], { cwd: p.dir, env: p.env, t });
  const [victim, task] = await waitFor('a worker to start a task', () => {
    for (const [name, worker] of workers) if (startedOn(worker).length > 0) return [name, startedOn(worker)[0]!] as const;
    return null;
  }, STARTUP_MS);
  workers.get(victim)!.child.kill('SIGKILL');
  const result = await run.done;
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const events = boardEvents(p.dir, 'workers-kill');
  assertEachMergedOnce(events);
  assertLanded(p, 'workers-kill');
  const crashed = ofType(events, 'attempt.finished').filter((e) => e['taskId'] === task && e['outcome'] === 'crashed');
  assert.equal(crashed.length, 1, JSON.stringify(ofType(events, 'attempt.finished')));
  assert.match(String(crashed[0]!['summary']), /no worker of role_\w+ finished it in 1 deliveries/);
  assert.ok(ofType(events, 'attempt.started').filter((e) => e['taskId'] === task).length >= 2, `${task} was retried`);
  const survivors = [...workers].filter(([name]) => name !== victim).flatMap(([, worker]) => startedOn(worker));
  assert.ok(survivors.includes(task), `${task} was retried on a surviving worker`);
});

test('kill -9 of the supervisor mid-run: loop resume picks the run up from the stream, the workers carry on, and every task is merged once', async (t) => {
  const server = await startNatsServer(t);
  const p = project(t, server, 1_500);
  await startWorkers(t, server);
  const run = startLoop(['run', 'four things', '--run', 'workers-phoenix', '--execute'], { cwd: p.dir, env: p.env, t });
  await waitFor('one merge and more work in flight', () => {
    const events = boardEvents(p.dir, 'workers-phoenix');
    const merged = ofType(events, 'task.merged').length;
    return merged >= 1 && merged < TASKS.length && ofType(events, 'attempt.started').length > merged;
  }, STARTUP_MS);
  run.child.kill('SIGKILL');
  await run.done;
  const resumed = await runLoop(['resume', 'workers-phoenix'], { cwd: p.dir, env: p.env, t });
  assert.equal(resumed.code, 0, resumed.stdout + resumed.stderr);
  const events = boardEvents(p.dir, 'workers-phoenix');
  assert.equal(ofType(events, 'run.resumed').length, 1);
  assertEachMergedOnce(events);
  assertLanded(p, 'workers-phoenix');
});

test('loop validate: with dispatch: workers a repository without the remote is one line naming it and what to do', async (t) => {
  const server = await startNatsServer(t);
  const p = project(t, server, 10);
  git(p.dir, ['remote', 'remove', 'origin']);
  const result = await runLoop(['validate'], { cwd: p.dir, env: p.env, t });
  assert.equal(result.code, 2, result.stdout + result.stderr);
  assert.match(result.stdout + result.stderr, /has no git remote "origin", which loop worker processes clone from and push to .*`git remote add origin <url>`/);
});

test('a worker that cannot reach the remote says so in one line, and the attempt is a counted crash', async (t) => {
  const server = await startNatsServer(t);
  const p = project(t, server, 10);
  const url = `file://${p.remote}`;
  const nats = { url: server.url, nkey: server.setup.supervisorSeed, dispatch: 'workers', leaseSeconds: 3, remote: url };
  writeFileSync(join(p.dir, 'loop.config.yaml'), simTeamConfig({ roles: ['backend'], tasksPerRole: 1, loop: { engine: 'nats', nats } }));
  git(p.dir, ['commit', '-qam', 'the remote as a URL']);
  // This worker's git (its user's git config) sends that URL somewhere that does not exist, as on a machine without access.
  const userHome = tempDir(t, 'loop-no-access-home-');
  writeFileSync(join(userHome, '.gitconfig'), `[url "file://${join(userHome, 'nowhere.git')}"]\n\tinsteadOf = ${url}\n`);
  const noAccess = { HOME: userHome };
  const workers = await startWorkers(t, server, ['w1'], noAccess);
  const run = startLoop(['run', 'one thing', '--run', 'workers-noremote', '--execute'], { cwd: p.dir, env: p.env, t });
  const crashed = await waitFor('a crashed attempt', () => ofType(boardEvents(p.dir, 'workers-noremote'), 'attempt.finished').find((e) => e['outcome'] === 'crashed'), STARTUP_MS);
  const line = `this worker cannot reach the git remote ${url} \\(.+\\); give this machine git access to it`;
  assert.match(String(crashed['summary']), new RegExp(`on worker w1: ${line}`));
  assert.match(workers.get('w1')!.output(), new RegExp(`t1-a1-\\S+ {2}failed: ${line}`));
  run.child.kill('SIGTERM');
  await run.done;
});
