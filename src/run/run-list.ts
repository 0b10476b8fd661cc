/** The runs beside a config, each summarised from its run.json and board fold. */
import { existsSync, readdirSync } from 'node:fs';
import { foldBoard } from '../board/fold.js';
import { readBoard } from '../board/store.js';
import { checkRunId } from '../config/run-id.js';
import { UserError } from '../util/errors.js';
import { runPaths, runsDir, type RunPaths } from '../util/paths.js';
import { isAlive, readRunJson } from './run-json.js';

export interface RunListing {
  runId: string;
  goal: string;
  mode: string;
  /** run.json's status, or `crashed` when it says running but its supervisor is gone. */
  status: string;
  merged: number;
  total: number;
  spentUsd: number;
  budgetUsd: number | null;
  startedAt: number | null;
  endedAt: number | null;
  problems: number;
}

export function listRuns(configDir: string): RunListing[] {
  const dir = runsDir(configDir);
  if (!existsSync(dir)) return [];
  const out: RunListing[] = [];
  for (const runId of readdirSync(dir)) {
    const paths = runPaths(configDir, runId);
    if (!existsSync(paths.events) && !existsSync(paths.runJson)) continue;
    const run = readRunJson(paths.runJson);
    const board = readBoard(paths.events);
    let view;
    try {
      view = foldBoard(board.events);
    } catch {
      view = null;
    }
    const tasks = view ? view.order.map((id) => view.tasks[id]!) : [];
    const status = run?.status === 'running' && !isAlive(run.pid) ? 'crashed' : run?.status ?? view?.status ?? 'unknown';
    out.push({
      runId,
      goal: run?.goal ?? view?.goal ?? '',
      mode: run?.mode ?? view?.mode ?? '',
      status,
      merged: tasks.filter((t) => t.status === 'merged').length,
      total: tasks.length,
      spentUsd: view?.spend.totalUsd ?? 0,
      budgetUsd: view?.budgetUsd ?? null,
      startedAt: run?.startedAt ?? view?.startedAt ?? null,
      endedAt: run?.endedAt ?? null,
      problems: board.problems.length,
    });
  }
  return out.sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
}

export function formatAge(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86_400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86_400)}d ago`;
}

/**
 * The run a command is about: exactly `requested` (a run `bug-4` is never `bug-42`), or the most
 * recently started one. A missing run is a usage error.
 */
export function findRun(configDir: string, requested: string | undefined): { runId: string; paths: RunPaths } {
  if (requested !== undefined) {
    const problem = checkRunId(requested);
    if (problem) throw new UserError(`--run ${requested}: ${problem}`);
    const paths = runPaths(configDir, requested);
    if (!existsSync(paths.events) && !existsSync(paths.runJson)) throw new UserError(`no run "${requested}" in ${runsDir(configDir)}; \`loop runs\` lists the runs`);
    return { runId: requested, paths };
  }
  const latest = listRuns(configDir)[0];
  if (!latest) throw new UserError(`no runs yet in ${runsDir(configDir)}; start one with \`loop run "<goal>"\``);
  return { runId: latest.runId, paths: runPaths(configDir, latest.runId) };
}
