/**
 * IPC and actor start-up benchmark, run by hand: `node dist/bench/ipc.js [--calls N] [--starts N] [--teams N]`.
 * Measures, through the real Supervisor and actor runtime (JSON serialization, valibot on both ends):
 * the call round trip to an echo actor (100 B payload), the actor cold start (fork → ready), and
 * the time for a team of 4 workers to be ready; then the same start-up for loop's own actors
 * (board, planner, SME, critic, gate) and a run's whole team of 8 (board, planner, 4 SMEs, critic,
 * gate). Prints one JSON line per figure, then a table against the targets of DESIGN.md §6, with
 * the bare fork/IPC floor measured alongside for comparison. Never run by `npm test`.
 */
import { fork } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestBody } from '../protocol/messages.js';
import { Supervisor } from '../supervisor/supervisor.js';
import type { WorkerSpec } from '../supervisor/child-spec.js';
import { actorModule } from '../src/run/tree.js';
import { percentile } from '../src/util/stats.js';

const ECHO = fileURLToPath(new URL('../test/supervisor/actors/echo.js', import.meta.url));

interface Figure { readonly name: string; readonly unit: 'ms'; readonly value: number; readonly target: number | null; readonly samples: number }

const echoWorker = (id: string): WorkerSpec => ({ type: 'worker', id, module: ECHO, input: {} });
const PAYLOAD = 'x'.repeat(100);
const APPEND: RequestBody = { type: 'append', key: 'bench', event: { type: 'run.note', level: 'info', message: PAYLOAD } };
const PING: RequestBody = { type: 'ping', payload: PAYLOAD };

async function roundTrips(calls: number, body: RequestBody): Promise<number[]> {
  const sup = new Supervisor({ type: 'supervisor', id: 'bench', children: [echoWorker('echo')] });
  await sup.start();
  try {
    for (let i = 0; i < Math.min(500, calls); i++) await sup.call('echo', body); // warm-up: JIT, page faults
    const samples: number[] = [];
    for (let i = 0; i < calls; i++) {
      const started = performance.now();
      const result = await sup.call('echo', body);
      samples.push(performance.now() - started);
      if (result.tag !== 'ok') throw new Error(`echo failed: ${JSON.stringify(result)}`);
    }
    return samples;
  } finally {
    await sup.stop();
  }
}

/** CPU ms a process has used so far (user + system), from /proc; NaN elsewhere. */
function processCpuMs(pid: number | undefined): number {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10; // USER_HZ 100
  } catch {
    return Number.NaN;
  }
}

/**
 * Wall time of `start()` for a tree of `size` echo workers (or the given workers), `rounds` times,
 * and the CPU each worker had used when it was ready: on a shared machine the wall time says how
 * busy the machine is, the CPU time what an actor's start costs.
 */
async function startTimes(size: number, rounds: number, workers?: () => WorkerSpec[]): Promise<number[] & { cpu: number[] }> {
  const samples = Object.assign([] as number[], { cpu: [] as number[] });
  for (let round = 0; round < rounds; round++) {
    const children = workers?.() ?? Array.from({ length: size }, (_, i) => echoWorker(`echo-${i}`));
    const sup = new Supervisor({ type: 'supervisor', id: 'bench', children });
    const started = performance.now();
    await sup.start();
    samples.push(performance.now() - started);
    for (const child of children) samples.cpu.push(processCpuMs(sup.pidOf(child.id) ?? undefined));
    await sup.stop();
  }
  return samples;
}

/**
 * The machine's floor, measured the same way right before: a bare child that echoes IPC messages
 * (no runtime, no validation). On a shared, noisy 2-core VM this says how much of each figure is
 * the machine and how much is loop.
 */
async function baseline(calls: number, starts: number, teams: number): Promise<{ roundTrips: number[]; coldStarts: number[]; coldCpu: number[]; teamStarts: number[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'loop-bench-'));
  const script = join(dir, 'bare-echo.mjs');
  writeFileSync(script, "process.on('message', (m) => process.send(m));\nprocess.send('up');\n");
  // The same start-up environment actors get (os-process.ts defers NODE_EXTRA_CA_CERTS).
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS'];
  try {
    const coldStarts: number[] = [];
    const coldCpu: number[] = [];
    for (let i = 0; i < starts; i++) {
      const started = performance.now();
      const child = fork(script, [], { serialization: 'json', stdio: 'ignore', execArgv: [], env });
      await new Promise((resolve) => child.once('message', resolve));
      coldStarts.push(performance.now() - started);
      coldCpu.push(processCpuMs(child.pid));
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
    }
    const teamStarts: number[] = [];
    for (let i = 0; i < teams; i++) {
      const started = performance.now();
      const team = Array.from({ length: 4 }, () => fork(script, [], { serialization: 'json', stdio: 'ignore', execArgv: [], env }));
      await Promise.all(team.map((member) => new Promise((resolve) => member.once('message', resolve))));
      teamStarts.push(performance.now() - started);
      await Promise.all(team.map((member) => new Promise((resolve) => { member.once('exit', resolve); member.kill('SIGKILL'); })));
    }
    const child = fork(script, [], { serialization: 'json', stdio: 'ignore', execArgv: [], env });
    await new Promise((resolve) => child.once('message', resolve));
    const message = { proto: 'loop/1', id: 'x', from: 'a', to: 'b', body: APPEND };
    const roundTrips: number[] = [];
    for (let i = 0; i < calls + 500; i++) {
      const started = performance.now();
      child.send(message);
      await new Promise((resolve) => child.once('message', resolve));
      if (i >= 500) roundTrips.push(performance.now() - started);
    }
    child.kill('SIGKILL');
    return { roundTrips, coldStarts, coldCpu, teamStarts };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** loop's own actors with the inputs a run gives them (their start() opens the board, nothing else). */
function loopActors(dir: string): Record<'board' | 'planner' | 'sme' | 'critic' | 'gate', (id: string) => WorkerSpec> {
  const spec = (kind: string, input: unknown) => (id: string): WorkerSpec => ({ type: 'worker', id, module: actorModule(kind), input });
  return {
    board: spec('board', { eventsFile: join(dir, 'events.jsonl'), costsFile: join(dir, 'costs.jsonl') }),
    planner: spec('planner', { runId: 'bench' }),
    sme: (id) => spec('sme', { role: id, crashOnStart: false })(id),
    critic: spec('critic', { runId: 'bench' }),
    gate: spec('gate', { runId: 'bench' }),
  };
}

async function loopActorStarts(starts: number, teams: number): Promise<Figure[]> {
  const dir = mkdtempSync(join(tmpdir(), 'loop-bench-actors-'));
  try {
    const actors = loopActors(dir);
    const figures: Figure[] = [];
    for (const [kind, worker] of Object.entries(actors)) {
      const samples = await startTimes(1, starts, () => [worker(kind)]);
      figures.push({ name: `loop actor ${kind}: cold start p50`, unit: 'ms', value: percentile(samples, 50), target: 100, samples: samples.length });
      figures.push({ name: `loop actor ${kind}: CPU used by ready, p50`, unit: 'ms', value: percentile(samples.cpu, 50), target: null, samples: samples.cpu.length });
    }
    const team = await startTimes(8, teams, () => [
      actors.board('board'), actors.planner('planner'), ...[1, 2, 3, 4].map((n) => actors.sme(`r${n}`)), actors.critic('critic'), actors.gate('gate'),
    ]);
    figures.push({ name: 'a run\'s team of 8 (board, planner, 4 SMEs, critic, gate) ready p50', unit: 'ms', value: percentile(team, 50), target: null, samples: team.length });
    return figures;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function option(name: string, fallback: number): number {
  const index = process.argv.indexOf(`--${name}`);
  const value = index < 0 ? Number.NaN : Number(process.argv[index + 1]);
  return Number.isInteger(value) && value > 0 ? value : fallback;
}

async function main(): Promise<void> {
  const calls = option('calls', 3_000);
  const starts = option('starts', 30);
  const teams = option('teams', 10);
  const append = await roundTrips(calls, APPEND);
  const ping = await roundTrips(calls, PING);
  const cold = await startTimes(1, starts);
  const team = await startTimes(4, teams);
  const bare = await baseline(calls, starts, teams);
  const loop = await loopActorStarts(Math.max(5, Math.round(starts / 2)), teams);
  const figures: Figure[] = [
    { name: 'baseline: bare fork IPC round trip p50', unit: 'ms', value: percentile(bare.roundTrips, 50), target: null, samples: bare.roundTrips.length },
    { name: 'baseline: bare fork → first message p50', unit: 'ms', value: percentile(bare.coldStarts, 50), target: null, samples: bare.coldStarts.length },
    { name: 'baseline: bare fork: CPU used by its first message, p50', unit: 'ms', value: percentile(bare.coldCpu, 50), target: null, samples: bare.coldCpu.length },
    { name: 'baseline: 4 bare forks → all first messages p50', unit: 'ms', value: percentile(bare.teamStarts, 50), target: null, samples: bare.teamStarts.length },
    { name: 'round trip p50 (append echo, 100 B)', unit: 'ms', value: percentile(append, 50), target: 0.2, samples: append.length },
    { name: 'round trip p99 (append echo, 100 B)', unit: 'ms', value: percentile(append, 99), target: null, samples: append.length },
    { name: 'round trip p50 (ping, runtime-answered)', unit: 'ms', value: percentile(ping, 50), target: 0.2, samples: ping.length },
    { name: 'round trip p99 (ping, runtime-answered)', unit: 'ms', value: percentile(ping, 99), target: null, samples: ping.length },
    { name: 'actor cold start p50 (fork → ready)', unit: 'ms', value: percentile(cold, 50), target: 100, samples: cold.length },
    { name: 'actor cold start: CPU used by ready, p50', unit: 'ms', value: percentile(cold.cpu, 50), target: null, samples: cold.cpu.length },
    { name: 'team of 4 ready p50', unit: 'ms', value: percentile(team, 50), target: 250, samples: team.length },
    ...loop,
  ];
  for (const figure of figures) {
    const ratio = figure.target === null ? null : round(figure.value / figure.target);
    process.stdout.write(`${JSON.stringify({ bench: 'ipc', ...figure, value: round(figure.value), ratio })}\n`);
  }
  process.stdout.write(`${JSON.stringify({ bench: 'ipc', name: 'load average (1, 5, 15 min)', value: loadavg().map(round) })}\n`);
  const rows = figures.map((f) => [
    f.name, `${round(f.value)} ${f.unit}`, f.target === null ? '—' : `≤ ${f.target} ${f.unit}`,
    f.target === null ? '—' : `${round(f.value / f.target)}×`, String(f.samples),
  ]);
  printTable(['figure', 'measured', 'target', 'ratio', 'n'], rows);
}

function round(value: number): number {
  return Math.round(value * 1_000) / 1_000;
}

function printTable(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ');
  process.stdout.write(`\n${line(header)}\n${widths.map((w) => '-'.repeat(w)).join('  ')}\n${rows.map(line).join('\n')}\n`);
}

await main();
