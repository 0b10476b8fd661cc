/**
 * The board's per-event cost on each engine (`node dist/bench/board-nats.js`): the same appends
 * through the local writer (write() + fdatasync of events.jsonl) and through the JetStream store
 * (publish fenced at seq − 1 to a nats-server on 127.0.0.1, wait for its acknowledgement, then the
 * same synced line in the mirror). One append at a time, as the board actor does them; the two
 * engines take turns in rounds, so a burst of disk traffic from elsewhere falls on both. Needs
 * nats-server on PATH; the server runs with the config `loop nats setup` writes, on a temp store.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { BoardEventDraft } from '../protocol/index.js';
import { BoardWriter } from '../src/board/store.js';
import { JetStreamBoardStore } from '../src/nats/board-store.js';
import { launchNatsServer, stopNatsServer } from '../src/nats/server-process.js';
import { writeNatsSetup } from '../src/nats/setup.js';
import { emit, median, percentile, scratch, table, type Figure } from './lib.js';

const APPENDS = Number(process.env['BENCH_APPENDS'] ?? 2000);
const WARMUP = 50;
const ROUNDS = 8;
const DRAFT: BoardEventDraft = { type: 'attempt.finished', taskId: 't1', attempt: 1, outcome: 'ok', summary: 'sim: implemented the task and its tests', durationMs: 12, usd: 0.01 };

async function sample(count: number, append: () => unknown, into: number[]): Promise<void> {
  for (let i = 0; i < count; i++) {
    // The board actor returns to its event loop between appends (an IPC message brings each one);
    // back-to-back synchronous appends measure something else (about 2 ms more per fdatasync here).
    await new Promise((resolve) => setImmediate(resolve));
    const started = performance.now();
    await append();
    into.push(performance.now() - started);
  }
}

function figures(engine: string, samples: number[]): Figure[] {
  return [
    emit({ name: `${engine}: append p50`, value: median(samples), unit: 'ms', samples: samples.length }),
    emit({ name: `${engine}: append p99`, value: percentile(samples, 99), unit: 'ms', samples: samples.length }),
  ];
}

async function main(): Promise<void> {
  const dir = scratch('loop-bench-board-nats-');
  const setup = writeNatsSetup({ dir: join(dir, 'nats'), listen: '127.0.0.1:-1', force: false, serverVersion: null });
  const server = await launchNatsServer(setup.configFile);
  try {
    const store = await JetStreamBoardStore.open({
      runId: 'bench', nats: { url: `nats://127.0.0.1:${server.port}`, nkey: setup.supervisorSeed },
      eventsFile: join(dir, 'mirror/events.jsonl'), costsFile: join(dir, 'mirror/costs.jsonl'),
    });
    const local = new BoardWriter({ eventsFile: join(dir, 'local/events.jsonl'), costsFile: join(dir, 'local/costs.jsonl') });
    const localSamples: number[] = [];
    const natsSamples: number[] = [];
    await sample(WARMUP, () => local.append(DRAFT), []);
    await sample(WARMUP, () => store.append(DRAFT), []);
    for (let round = 0; round < ROUNDS; round++) {
      await sample(APPENDS / ROUNDS, () => local.append(DRAFT), localSamples);
      await sample(APPENDS / ROUNDS, () => store.append(DRAFT), natsSamples);
    }
    local.close();
    await store.close();
    const localP50 = median(localSamples);
    table('board append latency per event, local vs nats (command: node dist/bench/board-nats.js)', [
      ...figures('local (JSONL + fdatasync)', localSamples),
      ...figures('nats (JetStream publish + ack, then the mirror line)', natsSamples),
      emit({ name: 'nats / local, p50', value: median(natsSamples) / localP50, unit: 'x', samples: APPENDS }),
    ]);
  } finally {
    await stopNatsServer(server.process, 'SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
