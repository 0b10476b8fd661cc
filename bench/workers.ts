/**
 * Speed-up of `loop worker` processes on a run bound by agent time (`node dist/bench/workers.js`):
 * one role, many independent tasks, sim agents of a fixed latency, `loop.nats.dispatch: workers`
 * with 1, 2 and 4 workers of one slot each, through the real CLI and a real nats-server. The runs
 * are `--execute` runs in a git repository whose `origin` is a bare remote, and each worker has its
 * own LOOP_HOME and folder: it clones the remote, works in its own slots and pushes task branches,
 * as on another machine (the machine itself is shared). Goal (issue 13): speed-up ≥ 0.8·N. Also
 * the per-task overhead of the NATS path next to the local one: the same run with the supervisor's
 * own actor (concurrency 1) against 1 worker. Makespan = first dispatch → last merge, from the board.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { launchNatsServer, stopNatsServer } from '../src/nats/server-process.js';
import { writeNatsSetup } from '../src/nats/setup.js';
import { emit, LOOP_BIN, readEvents, runLoop, scratch, table, timings, writePlanFile, type Figure } from './lib.js';

const TASKS = Number(process.env['BENCH_TASKS'] ?? 16);
const LATENCY_MS = Number(process.env['BENCH_LATENCY_MS'] ?? 1000);
const WORKERS = [1, 2, 4];
const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 'bench', GIT_AUTHOR_EMAIL: 'bench@example.test', GIT_COMMITTER_NAME: 'bench', GIT_COMMITTER_EMAIL: 'bench@example.test' };

function config(nats: Record<string, unknown> | null, concurrency: number): string {
  return stringify({
    version: 1,
    providers: { sim: { type: 'sim', sim: { latencyMs: LATENCY_MS, jitterMs: 0 } }, 'sim-critic': { type: 'sim' } },
    roles: [{ name: 'r1', provider: 'sim', concurrency }, { name: 'qa', provider: 'sim-critic' }],
    loop: { reviewer: 'qa', maxParallel: 8, ...(nats ? { engine: 'nats', nats } : {}) },
  });
}

/** A worker in a folder of its own that is also its LOOP_HOME (its clones and slots go there). */
async function startWorker(url: string, seed: string, name: string, home: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [LOOP_BIN, 'worker', '--server', url, '--nkey', seed, '--roles', 'r1', '--name', name], { cwd: home, env: { ...process.env, LOOP_HOME: home }, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (out.includes(`worker ${name} ·`)) resolve();
    });
    child.once('exit', (code) => reject(new Error(`worker ${name} exited with ${code}`)));
  });
  child.stdout!.resume();
  return child;
}

async function makespan(runId: string, nats: Record<string, unknown> | null, concurrency: number, workers: (homes: string) => Promise<ChildProcess[]>): Promise<number> {
  const dir = scratch('loop-bench-workers-');
  const homes = scratch('loop-bench-workers-homes-');
  writeFileSync(join(dir, 'loop.config.yaml'), config(nats, concurrency));
  const plan = writePlanFile(dir, Array.from({ length: TASKS }, (_, i) => ({ id: `t${i + 1}`, role: 'r1' })));
  const git = (args: string[]): void => void execFileSync('git', args, { cwd: dir, env: GIT_ENV, stdio: 'ignore' });
  git(['init', '-q', '-b', 'main']);
  git(['add', 'loop.config.yaml']);
  git(['commit', '-q', '-m', 'bench']);
  git(['clone', '-q', '--bare', dir, join(homes, 'remote.git')]);
  git(['remote', 'add', 'origin', join(homes, 'remote.git')]);
  const started = await workers(homes);
  try {
    const run = await runLoop(['run', 'independent tasks', '--plan', plan, '--run', runId, '--execute'], dir, { ...GIT_ENV, LOOP_HOME: join(homes, 'supervisor') });
    if (run.code !== 0) throw new Error(`loop run exited ${run.code}:\n${run.output.slice(-3000)}`);
    const { merged, wallMs } = timings(readEvents(dir, runId));
    if (merged !== TASKS) throw new Error(`${merged} of ${TASKS} tasks merged`);
    return wallMs;
  } finally {
    for (const child of started) {
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
    rmSync(homes, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const natsDir = scratch('loop-bench-workers-nats-');
  const setup = writeNatsSetup({ dir: natsDir, listen: '127.0.0.1:-1', force: false, serverVersion: null });
  const server = await launchNatsServer(setup.configFile);
  const url = `nats://127.0.0.1:${server.port}`;
  let stopping = false;
  server.process.once('exit', (code, signal) => void (stopping || process.stderr.write(`bench: nats-server exited early (${code ?? signal})\n`)));
  const nats = { url, nkey: setup.supervisorSeed, dispatch: 'workers' };
  try {
    const local = await makespan('local-1', null, 1, async () => []);
    const byWorkers = new Map<number, number>();
    for (const n of WORKERS) {
      byWorkers.set(n, await makespan(`workers-${n}`, nats, 8, (homes) => Promise.all(Array.from({ length: n }, (_, i) => {
        const home = join(homes, `w${i + 1}`);
        mkdirSync(home);
        return startWorker(url, setup.workerSeed, `w${i + 1}`, home);
      }))));
    }
    const one = byWorkers.get(1)!;
    const figures: Figure[] = [emit({ name: `makespan, local actor (concurrency 1), ${TASKS} tasks of ${LATENCY_MS} ms`, value: local, unit: 'ms' })];
    for (const [n, ms] of byWorkers) figures.push(emit({ name: `makespan, ${n} worker(s) of 1 slot`, value: ms, unit: 'ms' }));
    for (const n of WORKERS.filter((n) => n > 1)) {
      figures.push(emit({ name: `speed-up of ${n} workers over 1`, value: one / byWorkers.get(n)!, unit: 'x', target: 0.8 * n, kind: 'min' }));
    }
    figures.push(emit({ name: 'per-task overhead of the NATS path (1 worker − local actor) / tasks', value: (one - local) / TASKS, unit: 'ms' }));
    table(`workers (command: node dist/bench/workers.js; BENCH_TASKS=${TASKS}, BENCH_LATENCY_MS=${LATENCY_MS})`, figures);
  } finally {
    stopping = true;
    await stopNatsServer(server.process, 'SIGTERM');
    rmSync(natsDir, { recursive: true, force: true });
  }
}

await main();
