/**
 * Stopping a run from outside its supervisor (`loop stop`, the dashboard's stop button): SIGTERM to
 * exactly that run's supervisor, which stops as on Ctrl-C, then wait for it to exit.
 */
import { runPaths } from '../util/paths.js';
import { sleep } from '../util/sleep.js';
import { isAlive, readRunJson } from './run-json.js';

export const STOP_WAIT_MS = 60_000;

export interface StopOutcome {
  /** False only when the supervisor is still alive after the wait. */
  ok: boolean;
  message: string;
}

/**
 * `wait: false` returns once the supervisor is signalled (the dashboard: the page sees the run stop
 * on the board, and a dashboard started with the run stops with it, before any answer could come).
 */
export async function stopRun(o: { configDir: string; runId: string; wait?: boolean; waitMs?: number; onSignalled?: (pid: number) => void }): Promise<StopOutcome | null> {
  const run = readRunJson(runPaths(o.configDir, o.runId).runJson);
  if (!run) return null;
  if (run.status !== 'running' || !isAlive(run.pid)) {
    return { ok: true, message: `run ${o.runId} is not running (${run.status === 'running' ? 'its supervisor is gone; `loop resume` continues it' : run.status})` };
  }
  process.kill(run.pid, 'SIGTERM');
  o.onSignalled?.(run.pid);
  if (o.wait === false) return { ok: true, message: `stopping run ${o.runId} (supervisor pid ${run.pid}) as on Ctrl-C; \`loop resume ${o.runId}\` continues it` };
  const waitMs = o.waitMs ?? STOP_WAIT_MS;
  const deadline = Date.now() + waitMs;
  while (isAlive(run.pid) && Date.now() < deadline) await sleep(100);
  if (isAlive(run.pid)) {
    return { ok: false, message: `run ${o.runId} is still stopping after ${waitMs / 1000}s; run \`loop stop ${o.runId}\` again to check, or kill ${run.pid}` };
  }
  return { ok: true, message: `stopped; \`loop resume ${o.runId}\` continues it` };
}
