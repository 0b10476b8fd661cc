/**
 * Board benchmark (`node dist/bench/board.js`): appends through the real single writer (one
 * write() + fdatasync per line), and the replay of a 100 000-event board as `loop resume`, `loop
 * runs` and every report do it: with a snapshot and a tail of 1 000 events (the usual case: a live
 * run refreshes its snapshot every 5 000 events, a load that folds 1 000 writes one), without one
 * (the first load of a board nobody snapshotted), and the board writer reopening the board.
 * Target (DESIGN §6): replay of 100k events ≤ 250 ms.
 */
import { appendFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadBoard, saveSnapshot } from '../src/board/replay.js';
import { BoardWriter } from '../src/board/store.js';
import { emit, median, percentile, scratch, table, type Figure } from './lib.js';

const APPENDS = Number(process.env['BENCH_APPENDS'] ?? 5000);
const REPLAY_EVENTS = 100_000;
const TAIL_EVENTS = 1_000;
const ROUNDS = 5;

function appendBench(): Figure[] {
  const dir = scratch('loop-bench-board-');
  const writer = new BoardWriter({ eventsFile: join(dir, 'events.jsonl'), costsFile: join(dir, 'costs.jsonl') });
  const samples: number[] = [];
  for (let i = 0; i < APPENDS; i++) {
    const started = performance.now();
    writer.append({ type: 'attempt.finished', taskId: `t${i % 500}`, attempt: 1, outcome: 'ok', summary: 'sim: implemented the task and its tests', durationMs: 12, usd: 0.01 });
    samples.push(performance.now() - started);
  }
  writer.close();
  rmSync(dir, { recursive: true, force: true });
  return [
    emit({ name: 'board append + fdatasync, p50', value: median(samples), unit: 'ms', samples: APPENDS }),
    emit({ name: 'board append + fdatasync, p99', value: percentile(samples, 99), unit: 'ms', samples: APPENDS }),
    emit({ name: 'board appends per second (synced)', value: 1000 / (samples.reduce((a, b) => a + b, 0) / APPENDS), unit: 'events/s', samples: APPENDS }),
  ];
}

/** A realistic board of 100k events: many tasks through the whole lifecycle, with costs. */
function syntheticBoard(count: number): string {
  const lines: string[] = [];
  let seq = 0;
  const push = (event: Record<string, unknown>): void => {
    seq += 1;
    lines.push(JSON.stringify({ v: 1, seq, ts: 1_700_000_000_000 + seq, ...event }));
  };
  push({ type: 'run.started', runId: 'bench', goal: 'replay', mode: 'dry-run', configHash: 'x', configFile: 'loop.config.yaml', pid: 1, roles: ['be'], budgetUsd: null, maxParallel: 8 });
  for (let task = 0; seq < count - 12; task++) {
    const taskId = `t${task}`;
    push({ type: 'task.created', taskId, title: `Task ${task}`, role: 'be', dependsOn: [], acceptance: ['works'] });
    push({ type: 'task.ready', taskId });
    push({ type: 'task.dispatched', taskId, role: 'be', attempt: 1 });
    push({ type: 'attempt.started', taskId, attempt: 1, role: 'be', provider: 'sim', providerType: 'sim' });
    push({ type: 'cost.recorded', role: 'be', taskId, phase: 'attempt', provider: 'sim', usd: 0.01, tokens: { input: 1200, output: 150 } });
    push({ type: 'attempt.finished', taskId, attempt: 1, outcome: 'ok', summary: 'sim: implemented', durationMs: 10, usd: 0.01 });
    push({ type: 'gate.passed', taskId, attempt: 1, tests: 'passed', summary: 'tests passed (npm test)', durationMs: 300 });
    push({ type: 'review.started', taskId, attempt: 1, critic: 'qa', provider: 'sim-critic' });
    push({ type: 'cost.recorded', role: 'qa', taskId, phase: 'review', provider: 'sim-critic', usd: 0.01, tokens: { input: 900, output: 80 } });
    push({ type: 'review.accepted', taskId, attempt: 1, critic: 'qa', reasons: ['meets the criteria'], notes: [{ criterion: 'works', met: true }] });
    push({ type: 'task.merged', taskId, attempt: 1, sha: 'a'.repeat(40), branch: 'loop/bench/integration' });
  }
  while (seq < count) push({ type: 'run.note', level: 'info', message: 'padding' });
  return `${lines.join('\n')}\n`;
}

/** Wall and CPU ms per round: on a shared machine the CPU time says more than the wall time. */
function timed(rounds: number, run: () => void): { wall: number[]; cpu: number[] } {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    run();
    const used = process.cpuUsage(cpuBefore);
    wall.push(performance.now() - started);
    cpu.push((used.user + used.system) / 1000);
  }
  return { wall, cpu };
}

function replayBench(): Figure[] {
  const dir = scratch('loop-bench-replay-');
  const file = join(dir, 'events.jsonl');
  const lines = syntheticBoard(REPLAY_EVENTS).split('\n').filter(Boolean);
  writeFileSync(file, lines.slice(0, REPLAY_EVENTS - TAIL_EVENTS).map((l) => `${l}\n`).join(''));
  if (!saveSnapshot(file, loadBoard(file, { writeSnapshot: false }).view, [])) throw new Error('could not write the snapshot');
  appendFileSync(file, lines.slice(REPLAY_EVENTS - TAIL_EVENTS).map((l) => `${l}\n`).join(''));
  const check = (snapshot: string, folded: number): void => {
    const loaded = loadBoard(file, { writeSnapshot: false });
    if (loaded.snapshot !== snapshot || loaded.folded !== folded || loaded.view.lastSeq !== REPLAY_EVENTS) throw new Error(`snapshot ${loaded.snapshot}, folded ${loaded.folded}`);
  };
  check('used', TAIL_EVENTS);
  const withSnapshot = timed(ROUNDS, () => loadBoard(file, { writeSnapshot: false }));
  rmSync(join(dir, 'snapshot.json'));
  check('none', REPLAY_EVENTS);
  const full = timed(ROUNDS, () => loadBoard(file, { writeSnapshot: false }));
  const reopen = timed(ROUNDS, () => new BoardWriter({ eventsFile: file, costsFile: join(dir, 'costs.jsonl') }).close());
  rmSync(dir, { recursive: true, force: true });
  return [
    emit({ name: `board replay of ${REPLAY_EVENTS / 1000}k events: snapshot + fold of the last ${TAIL_EVENTS}`, value: median(withSnapshot.wall), unit: 'ms', target: 250, kind: 'max', samples: ROUNDS }),
    emit({ name: '  the same, CPU time', value: median(withSnapshot.cpu), unit: 'ms', samples: ROUNDS }),
    emit({ name: `board replay of ${REPLAY_EVENTS / 1000}k events without a snapshot (first load)`, value: median(full.wall), unit: 'ms', samples: ROUNDS }),
    emit({ name: '  the same, CPU time', value: median(full.cpu), unit: 'ms', samples: ROUNDS }),
    emit({ name: `board writer reopening ${REPLAY_EVENTS / 1000}k events (resume)`, value: median(reopen.wall), unit: 'ms', samples: ROUNDS }),
    emit({ name: '  the same, CPU time', value: median(reopen.cpu), unit: 'ms', samples: ROUNDS }),
  ];
}

table('board (command: node dist/bench/board.js)', [...appendBench(), ...replayBench()]);
