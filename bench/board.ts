/**
 * Board benchmark (`node dist/bench/board.js`): appends through the real single writer (one
 * write() + fdatasync per line) and the replay + fold of a 100 000-event board, as `loop resume`
 * and every report do. Target (DESIGN §6): replay of 100k events ≤ 250 ms.
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardEvent } from '../protocol/index.js';
import { foldBoard } from '../src/board/fold.js';
import { BoardWriter, readBoard } from '../src/board/store.js';
import { emit, median, percentile, scratch, table, type Figure } from './lib.js';

const APPENDS = Number(process.env['BENCH_APPENDS'] ?? 5000);
const REPLAY_EVENTS = 100_000;
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

function replayBench(): Figure[] {
  const dir = scratch('loop-bench-replay-');
  const file = join(dir, 'events.jsonl');
  writeFileSync(file, syntheticBoard(REPLAY_EVENTS));
  const samples: number[] = [];
  let events: BoardEvent[] = [];
  for (let round = 0; round < ROUNDS; round++) {
    const started = performance.now();
    events = readBoard(file).events;
    foldBoard(events);
    samples.push(performance.now() - started);
  }
  rmSync(dir, { recursive: true, force: true });
  if (events.length !== REPLAY_EVENTS) throw new Error(`replayed ${events.length} of ${REPLAY_EVENTS} events`);
  return [emit({ name: `board replay + fold of ${REPLAY_EVENTS / 1000}k events`, value: median(samples), unit: 'ms', target: 250, kind: 'max', samples: ROUNDS })];
}

table('board', [...appendBench(), ...replayBench()]);
