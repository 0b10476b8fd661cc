/**
 * `loop run --dashboard` (and `loop resume --dashboard`): the dashboard as a child process in its
 * own process group, so a dashboard problem can never take the run down. It reads nothing from the
 * run but the files every dashboard reads, stops when the run ends, and stops by itself if the run
 * is killed (its stdin is a pipe from the run; the pipe closing is the signal). When a dashboard
 * already serves the folder, the run just says where.
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { signalGroup } from '../../supervisor/process-group.js';
import type { LoadedConfig } from '../config/load.js';

const LOOP_MAIN = fileURLToPath(new URL('./main.js', import.meta.url));
/** A dashboard that has not said its URL by then is not coming. */
const START_TIMEOUT_MS = 15_000;

export interface DashboardChild {
  stop(): void;
}

export async function startDashboardChild(o: { loaded: LoadedConfig; runId: string; say: (line: string) => void }): Promise<DashboardChild> {
  // the dashboard's server code (and its native web server) is loaded only by a run that serves one
  const [{ runningDashboard, urlFor }, { DEFAULT_PORT }] = await Promise.all([import('./dashboard.js'), import('../../ui/server/server.js')]);
  const existing = runningDashboard(o.loaded.dir);
  if (existing) {
    o.say(`dashboard: ${urlFor(existing, o.runId)} (already serving this folder)`);
    return { stop: () => undefined };
  }
  for (const port of [DEFAULT_PORT, 0]) {
    const started = await spawnDashboard(o.loaded.file, port);
    if ('url' in started) {
      o.say(`dashboard: ${urlFor(started, o.runId)}${port === 0 ? ` (port ${DEFAULT_PORT} was busy)` : ''}`);
      return started;
    }
    if (port === 0 || !/cannot listen/.test(started.error)) {
      o.say(`dashboard not started: ${started.error.trim().split('\n')[0]} (the run goes on without it; \`loop dashboard\` starts one)`);
      break;
    }
  }
  return { stop: () => undefined };
}

function spawnDashboard(configFile: string, port: number): Promise<(DashboardChild & { url: string }) | { error: string }> {
  const child = spawn(process.execPath, [LOOP_MAIN, 'dashboard', '-c', configFile, '--port', String(port), '--attached'], {
    detached: true,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  let settled = false;
  return new Promise((resolve) => {
    const timer = setTimeout(() => finish({ error: `no answer within ${START_TIMEOUT_MS / 1000}s` }), START_TIMEOUT_MS);
    const stop = (): void => {
      if (child.pid !== undefined && child.exitCode === null && child.signalCode === null) signalGroup(child.pid, 'SIGTERM');
      child.stdin?.end();
    };
    const finish = (result: (DashboardChild & { url: string }) | { error: string }): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.stdout?.removeAllListeners('data');
      if ('error' in result) stop();
      else {
        // From here on its output is not needed; keep the pipes drained so it never blocks.
        child.stdout?.resume();
        child.stderr?.resume();
      }
      child.unref();
      (child.stdout as unknown as { unref?: () => void } | null)?.unref?.();
      (child.stderr as unknown as { unref?: () => void } | null)?.unref?.();
      (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
      resolve(result);
    };
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      const url = /^dashboard: (\S+)/m.exec(stdout)?.[1];
      if (url) finish({ url, stop });
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', (error) => finish({ error: error.message }));
    child.on('exit', () => finish({ error: stderr || stdout || 'the dashboard exited' }));
  });
}

/** Runs `body` with a dashboard beside it when `enabled`, stopping the dashboard after. */
export async function withDashboard<T>(enabled: boolean, o: { loaded: LoadedConfig; runId: string; say: (line: string) => void }, body: () => Promise<T>): Promise<T> {
  const dashboard = enabled ? await startDashboardChild(o) : null;
  try {
    return await body();
  } finally {
    dashboard?.stop();
  }
}
