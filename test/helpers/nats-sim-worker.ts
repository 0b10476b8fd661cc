/**
 * A worker process for the dispatch tests: `node nats-sim-worker.js <settings.json>` serves the
 * given queues with the worker identity through `runWorkerLoop`, and its job is a stand-in for an
 * agent: it logs "start" and "end" lines (job, worker, time) to a shared file and sleeps between
 * them for the job's `ms`. Only "end" means the job's effect happened. Stops on SIGTERM.
 * Without an argument (`node --test dist/test/` loads every file) it does nothing.
 */
import { appendFileSync, readFileSync } from 'node:fs';
import type { NatsSettings } from '../../protocol/index.js';
import { connectNats } from '../../src/nats/connect.js';
import type { Queue } from '../../src/nats/names.js';
import { runWorkerLoop } from '../../src/nats/worker-pull.js';
import { sleep } from '../../src/util/sleep.js';

export interface SimWorkerSettings {
  nats: NatsSettings;
  name: string;
  queues: Queue[];
  slots: number;
  log: string;
}

export interface SimJob {
  ms: number;
}

const settingsFile = process.argv[2];
if (settingsFile !== undefined && settingsFile.endsWith('.json')) await serve(JSON.parse(readFileSync(settingsFile, 'utf8')) as SimWorkerSettings);

async function serve(settings: SimWorkerSettings): Promise<void> {
  const nc = await connectNats(settings.nats, `test worker ${settings.name}`);
  const stop = new AbortController();
  process.on('SIGTERM', () => stop.abort());
  const line = (what: string, job: string): void => appendFileSync(settings.log, `${JSON.stringify({ what, job, worker: settings.name, at: Date.now() })}\n`);
  process.stdout.write('ready\n');
  await runWorkerLoop({
    nc, worker: settings.name, queues: settings.queues, slots: settings.slots, signal: stop.signal, pullMs: 1_000,
    async handle(_queue, request) {
      line('start', request.job);
      await sleep((request.body as SimJob).ms);
      line('end', request.job);
      return { tag: 'ok', value: { by: settings.name } };
    },
  });
  await nc.close();
}
