/**
 * Starts the dashboard server of a folder with its ports wired to loop (run files, run.json,
 * `loop stop`, git diffs), records it in `.loop/dashboard.json` (mode 0600: the URL holds the
 * token) so other commands find it, and stops it on SIGINT/SIGTERM. The CLI is the only place
 * that joins ui/ to the rest of loop.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { networkInterfaces } from 'node:os';
import { join } from 'node:path';
import type { LoadedConfig } from '../config/load.js';
import { attemptDiff } from '../git/attempt-diff.js';
import { isAlive, readRunJson } from '../run/run-json.js';
import { stopRun } from '../run/stop.js';
import { askPlanApproval, askRetry, type AskOutcome } from '../run/ask-run.js';
import { writeFileAtomic } from '../util/fs.js';
import { runPaths, runsDir, stateDir } from '../util/paths.js';
import { ListenError, startDashboard, type RunningDashboard } from '../../ui/server/server.js';
import { UserError } from '../util/errors.js';
import type { DashboardPorts } from '../../ui/server/ports.js';
import type { NatsSettings, WorkerListing } from '../../protocol/index.js';
import { natsSettingsOf } from '../nats/settings.js';

export interface DashboardInfo {
  pid: number;
  host: string;
  port: number;
  url: string;
  startedAt: number;
}

export const dashboardInfoFile = (configDir: string): string => join(stateDir(configDir), 'dashboard.json');

/** The dashboard serving this folder, when its process is alive. */
export function runningDashboard(configDir: string): DashboardInfo | null {
  const file = dashboardInfoFile(configDir);
  if (!existsSync(file)) return null;
  try {
    const info = JSON.parse(readFileSync(file, 'utf8')) as DashboardInfo;
    return typeof info.pid === 'number' && isAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export function dashboardPorts(loaded: LoadedConfig): DashboardPorts {
  const repoFor = (name?: string): string | undefined => (loaded.repositories.find((r) => r.name === name) ?? loaded.repositories[0])?.path;
  return {
    runsDir: runsDir(loaded.dir),
    secrets: Object.values(loaded.config.providers).flatMap((provider) => Object.entries(provider.env ?? {})),
    filesOf: (runId) => runPaths(loaded.dir, runId),
    supervisorAlive: (runId) => {
      const run = readRunJson(runPaths(loaded.dir, runId).runJson);
      return run ? run.status !== 'running' || isAlive(run.pid) : null;
    },
    stop: async (runId) => (await stopRun({ configDir: loaded.dir, runId, wait: false })) ?? { ok: false, message: `no run "${runId}" here` },
    retry: async (runId, taskId) => answer(await askRetry({ configDir: loaded.dir, runId, taskId, by: 'dashboard', waitMs: DASHBOARD_ASK_WAIT_MS })),
    approve: async (runId) => answer(await askPlanApproval({ configDir: loaded.dir, runId, by: 'dashboard', waitMs: DASHBOARD_ASK_WAIT_MS })),
    diff: async ({ commit, mergedSha, repo }) => {
      const path = repoFor(repo);
      return path === undefined ? null : attemptDiff(path, commit, mergedSha);
    },
    ...workersPort(natsSettingsOf(loaded)),
  };
}

/** Pages ask every few seconds: one read of the server serves every page asking within a second. */
const WORKERS_REUSE_MS = 1_000;

function workersPort(settings: NatsSettings | null): Pick<DashboardPorts, 'workers'> {
  if (settings === null) return {};
  let last: { at: number; listing: Promise<WorkerListing> } | null = null;
  return {
    workers: () => {
      if (last === null || Date.now() - last.at > WORKERS_REUSE_MS) {
        // Loaded on first use: the NATS client costs ~100 ms to import.
        last = { at: Date.now(), listing: import('../nats/worker-presence.js').then(({ listWorkers }) => listWorkers(settings)) };
      }
      return last.listing;
    },
  };
}

/** A button's request waits less than the CLI: the page shows the board's answer anyway. */
const DASHBOARD_ASK_WAIT_MS = 5_000;
const answer = (outcome: AskOutcome): { ok: boolean; refused: boolean; message: string } => ({ ok: outcome.status === 'done' || outcome.status === 'queued', refused: outcome.status === 'refused', message: outcome.message });

/** The URL with the run to show first. */
export const urlFor = (info: { url: string }, runId: string | null): string => (runId === null ? info.url : `${info.url}#/run/${runId}`);

export async function serveDashboard(o: {
  loaded: LoadedConfig;
  host: string;
  port: number;
  runId: string | null;
  open: boolean;
  say: (line: string) => void;
}): Promise<{ dashboard: RunningDashboard | null; stopped: Promise<void> }> {
  const existing = runningDashboard(o.loaded.dir);
  if (existing) {
    o.say(`a dashboard already serves this folder (pid ${existing.pid}): ${urlFor(existing, o.runId)}`);
    if (o.open) openInBrowser(urlFor(existing, o.runId), o.say);
    return { dashboard: null, stopped: Promise.resolve() };
  }
  const dashboard = await startDashboard({ ports: dashboardPorts(o.loaded), host: o.host, port: o.port }).catch((error: unknown) => {
    throw error instanceof ListenError ? new UserError(error.message) : error;
  });
  const infoFile = dashboardInfoFile(o.loaded.dir);
  writeFileAtomic(infoFile, `${JSON.stringify({ pid: process.pid, host: dashboard.host, port: dashboard.port, url: dashboard.url, startedAt: Date.now() } satisfies DashboardInfo, null, 2)}\n`, { mode: 0o600 });
  o.say(`dashboard: ${urlFor(dashboard, o.runId)}`);
  if (dashboard.tokenRequired) {
    for (const address of externalAddresses(o.host)) o.say(`       or: ${urlFor({ url: dashboard.url.replace(/\/\/[^/]+\//, `//${address}:${dashboard.port}/`) }, o.runId)}`);
    o.say(`  listening on ${o.host}:${dashboard.port}: every request needs the token in that URL`);
  }
  o.say(`  every run in ${runsDir(o.loaded.dir)} · Ctrl-C stops it`);
  if (o.open) openInBrowser(urlFor(dashboard, o.runId), o.say);
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      dashboard.close();
      const info = runningDashboard(o.loaded.dir);
      if (!info || info.pid === process.pid) rmSync(infoFile, { force: true });
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  return { dashboard, stopped };
}

/** The machine's own addresses a remote browser could use, for a bind to every interface. */
function externalAddresses(host: string): string[] {
  if (host !== '0.0.0.0' && host !== '::') return [host];
  return Object.values(networkInterfaces())
    .flat()
    .filter((a) => a !== undefined && !a.internal && a.family === 'IPv4')
    .map((a) => a!.address);
}

function openInBrowser(url: string, say: (line: string) => void): void {
  const opener = process.platform === 'darwin' ? 'open' : process.platform === 'win32' ? 'explorer' : 'xdg-open';
  const child = spawn(opener, [url], { stdio: 'ignore', detached: true });
  child.on('error', () => say(`  (could not run ${opener}; open the URL yourself)`));
  child.unref();
}
