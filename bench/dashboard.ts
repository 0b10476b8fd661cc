/**
 * Dashboard benchmark (`node dist/bench/dashboard.js`): board event → client latency through the
 * real path — the real BoardWriter appends (write + fdatasync), a real `loop dashboard` process
 * follows the file (fs.watch), folds and publishes on uWebSockets.js, and 1, 10 and 100 WebSocket
 * clients in another process receive it — with server CPU per delivered event. Then the same in a
 * real Chromium page: the event received by the page, and on screen (applied and rendered).
 * Target (DESIGN §6): board event → browser p99 ≤ 5 ms with 100 clients.
 * Env: BENCH_EVENTS (per client count, default 1000), BENCH_CLIENTS (default 1,10,100), BENCH_PAGE_EVENTS (300).
 */
import { fork, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { BoardEventDraft } from '../protocol/index.js';
import { BoardWriter } from '../src/board/store.js';
import { runPaths } from '../src/util/paths.js';
import { emit, LOOP_BIN, median, percentile, scratch, table, type Figure } from './lib.js';

const EVENTS = Number(process.env['BENCH_EVENTS'] ?? 1000);
const CLIENTS = (process.env['BENCH_CLIENTS'] ?? '1,10,100').split(',').map(Number);
const PAGE_EVENTS = Number(process.env['BENCH_PAGE_EVENTS'] ?? 300);
/** Between two events shown to the page: longer than a frame, so each is drawn on its own. */
const PAGE_GAP_MS = 40;
const CHROMIUM = process.env['LOOP_CHROMIUM'] ?? '/usr/bin/chromium';
/** CLOCK_MONOTONIC for the Node clients (same clock in every process); wall clock for the page, which has no other. */
const monotonic = (): number => Number(process.hrtime.bigint()) / 1e6;
const wall = (): number => performance.timeOrigin + performance.now();

const CONFIG = `version: 1
providers:
  sim: { type: sim }
roles:
  - { name: planner, provider: sim, sme: product-manager }
  - { name: backend, provider: sim, sme: backend }
  - { name: frontend, provider: sim, sme: frontend }
loop: { planner: planner, maxParallel: 4 }
`;

/** ≈10 events per task, as a real run writes them: created → … → merged. */
function* runEvents(runId: string): Generator<BoardEventDraft> {
  yield { type: 'run.started', runId, goal: 'dashboard bench', mode: 'dry-run', configHash: 'bench', configFile: 'loop.config.yaml', pid: process.pid, roles: ['planner', 'backend', 'frontend'], budgetUsd: 100, maxParallel: 4 };
  for (let i = 1; ; i++) {
    const taskId = `t${i}`;
    const role = i % 2 ? 'backend' : 'frontend';
    yield { type: 'task.created', taskId, title: `Task ${i} of the dashboard bench`, role, dependsOn: i > 2 ? [`t${i - 2}`] : [], acceptance: ['it works', "the project's tests pass"] };
    yield { type: 'task.ready', taskId };
    yield { type: 'task.dispatched', taskId, role, attempt: 1 };
    yield { type: 'attempt.started', taskId, attempt: 1, role, provider: 'sim', providerType: 'sim' };
    yield { type: 'cost.recorded', role, taskId, phase: 'attempt', provider: 'sim', usd: 0.01, tokens: { input: 1200, output: 150 } };
    yield { type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: 'sim: implemented the task and its tests', durationMs: 12, usd: 0.01 };
    yield { type: 'gate.passed', taskId, attempt: 1, tests: 'passed', summary: 'tests passed (npm test)', durationMs: 40 };
    yield { type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'sim' };
    yield { type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: ['meets the acceptance criteria'], notes: [] };
    yield { type: 'task.merged', taskId, attempt: 1, sha: 'abcdef0123456789' };
  }
}

/** utime + stime of a process, in ms (Linux /proc; clock ticks of 10 ms). */
function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
}

function ask<T>(child: ChildProcess, message: object | null, reply: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ${reply} within 120 s`)), 120_000);
    const onMessage = (m: { cmd: string }): void => {
      if (m.cmd !== reply) return;
      clearTimeout(timer);
      child.off('message', onMessage);
      resolve(m as T);
    };
    child.on('message', onMessage);
    if (message) child.send(message);
  });
}

async function startServer(dir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [...(process.env['BENCH_PROFILE'] ? ['--cpu-prof', '--cpu-prof-dir', process.env['BENCH_PROFILE']] : []), LOOP_BIN, 'dashboard', '--port', '0'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (c: Buffer) => {
      out += c.toString();
      const found = /dashboard: (\S+)/.exec(out)?.[1];
      if (found) resolve(found);
    });
    child.on('exit', () => reject(new Error(`the dashboard exited: ${out}`)));
  });
  return { child, url };
}

function writerFor(dir: string, runId: string): BoardWriter {
  const paths = runPaths(dir, runId);
  mkdirSync(paths.logs, { recursive: true });
  return new BoardWriter({ eventsFile: paths.events, costsFile: paths.costs });
}

async function clientsBench(dir: string, port: number, serverPid: number, clients: number): Promise<Figure[]> {
  const runId = `bench-${clients}`;
  const writer = writerFor(dir, runId);
  const events = runEvents(runId);
  writer.append(events.next().value as BoardEventDraft);
  const script = fileURLToPath(new URL('./dashboard-clients.js', import.meta.url));
  const child = fork(script, [String(port), String(clients), runId], { execArgv: ['--experimental-websocket', '--no-warnings'], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  await ask(child, null, 'connected');
  await new Promise((resolve) => setTimeout(resolve, 300));
  await ask(child, { cmd: 'reset' }, 'reset-ok');
  const appendedAt = new Map<number, number>();
  const cpu0 = cpuMs(serverPid);
  const started = monotonic();
  for (let i = 0; i < EVENTS; i++) {
    const delivered = ask<{ seq: number }>(child, null, 'delivered');
    // From the moment the writer starts the line (the server can see it before fdatasync returns).
    const at = monotonic();
    const event = writer.append(events.next().value as BoardEventDraft);
    appendedAt.set(event.seq, at);
    await delivered;
  }
  const elapsedMs = monotonic() - started;
  const serverCpuMs = cpuMs(serverPid) - cpu0;
  const report = await ask<{ arrivals: Array<[number, number[]]> }>(child, { cmd: 'report' }, 'report');
  child.send({ cmd: 'exit' });
  writer.close();
  const latencies = report.arrivals.flatMap(([seq, times]) => times.map((t) => t - appendedAt.get(seq)!));
  const deliveries = latencies.length;
  const note = `${EVENTS} events one at a time, ${deliveries} deliveries, ${Math.round(EVENTS / (elapsedMs / 1000))} events/s`;
  return [
    emit({ name: `board event → ${clients} client${clients === 1 ? '' : 's'}, p50`, value: median(latencies), unit: 'ms', samples: deliveries, note }),
    emit({ name: `board event → ${clients} client${clients === 1 ? '' : 's'}, p99`, value: percentile(latencies, 99), unit: 'ms', samples: deliveries, ...(clients === 100 ? { target: 5, kind: 'max' as const } : {}) }),
    emit({ name: `server CPU per delivered event, ${clients} client${clients === 1 ? '' : 's'}`, value: (serverCpuMs * 1000) / deliveries, unit: 'µs', samples: deliveries, note: `${serverCpuMs} ms of CPU (10 ms ticks) for the follow, fold and publish` }),
  ];
}

async function pageBench(dir: string, url: string): Promise<Figure[]> {
  const runId = 'bench-page';
  const writer = writerFor(dir, runId);
  const events = runEvents(runId);
  writer.append(events.next().value as BoardEventDraft);
  const profile = scratch('loop-bench-chromium-');
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1440, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${url}#/run/${runId}`);
    await page.waitForSelector('#kpis .kpi');
    const appendedAt = new Map<number, number>();
    for (let i = 0; i < PAGE_EVENTS; i++) {
      const at = wall();
      const event = writer.append(events.next().value as BoardEventDraft);
      appendedAt.set(event.seq, at);
      await new Promise((resolve) => setTimeout(resolve, PAGE_GAP_MS));
    }
    const last = Math.max(...appendedAt.keys());
    await page.waitForFunction(`window.__loop.renderedAt.has(${last})`, undefined, { timeout: 60_000 }).catch(() => undefined);
    const seen = await page.evaluate<{ received: Array<[number, number]>; rendered: Array<[number, number]>; renderMs: number[] }>('({ received: [...window.__loop.receivedAt], rendered: [...window.__loop.renderedAt], renderMs: window.__loop.renderMs })');
    const received = seen.received.filter(([seq]) => appendedAt.has(seq)).map(([seq, at]) => at - appendedAt.get(seq)!);
    const renders = seen.rendered.sort((a, b) => a[0] - b[0]);
    const shown = [...appendedAt].flatMap(([seq, at]) => {
      const render = renders.find(([renderedSeq]) => renderedSeq >= seq);
      return render ? [render[1] - at] : [];
    });
    const note = `${PAGE_EVENTS} events ${PAGE_GAP_MS} ms apart, one Chromium page`;
    return [
      emit({ name: 'board event → Chromium page (frame received), p50', value: median(received), unit: 'ms', samples: received.length, note }),
      emit({ name: 'board event → Chromium page (frame received), p99', value: percentile(received, 99), unit: 'ms', samples: received.length }),
      emit({ name: 'board event → on screen in Chromium (folded + drawn), p50', value: median(shown), unit: 'ms', samples: shown.length, note: 'drawn on the next animation frame (≤ 16.7 ms at 60 Hz)' }),
      emit({ name: 'board event → on screen in Chromium (folded + drawn), p99', value: percentile(shown, 99), unit: 'ms', samples: shown.length }),
      emit({ name: 'page render (model + DOM patch), p50', value: median(seen.renderMs), unit: 'ms', samples: seen.renderMs.length, note: `p99 ${percentile(seen.renderMs, 99).toFixed(1)} ms; ${Math.ceil(PAGE_EVENTS / 10)} tasks at the end` }),
    ];
  } finally {
    await context.close();
    writer.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const dir = scratch('loop-bench-dashboard-');
  writeFileSync(join(dir, 'loop.config.yaml'), CONFIG);
  mkdirSync(join(dir, '.loop', 'runs'), { recursive: true });
  const server = await startServer(dir);
  const port = Number(new URL(server.url).port);
  const figures: Figure[] = [];
  try {
    for (const clients of CLIENTS) figures.push(...(await clientsBench(dir, port, server.child.pid!, clients)));
    figures.push(...(await pageBench(dir, server.url)));
  } finally {
    server.child.kill('SIGTERM');
    await new Promise((resolve) => server.child.once('exit', resolve));
    rmSync(dir, { recursive: true, force: true });
  }
  table('dashboard: board event → client (real BoardWriter → loop dashboard → uWebSockets.js → clients)', figures);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
