/** The runs beside a config, each summarised from its run.json and board fold. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { loadBoard } from '../board/replay.js';
import { readBoard } from '../board/store.js';
import { runFigures } from '../board/summary.js';
import { runPaths, runsDir } from '../util/paths.js';
import { isAlive, readRunJson } from './run-json.js';
import { checkRunId } from '../config/run-id.js';
import { UserError } from '../util/errors.js';

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
    let view;
    let problems = 0;
    try {
      const board = loadBoard(paths.events);
      view = board.view;
      problems = board.problems.length;
    } catch {
      // An illegal transition on the board: the listing still shows what run.json says.
      view = null;
      problems = readBoard(paths.events).problems.length;
    }
    const figures = view ? runFigures(view) : null;
    const status = run?.status === 'running' && !isAlive(run.pid) ? 'crashed' : run?.status ?? figures?.status ?? 'unknown';
    out.push({
      runId,
      goal: run?.goal ?? figures?.goal ?? '',
      mode: run?.mode ?? figures?.mode ?? '',
      status,
      merged: figures?.merged ?? 0,
      total: figures?.total ?? 0,
      spentUsd: figures?.spentUsd ?? 0,
      budgetUsd: figures?.budgetUsd ?? null,
      startedAt: run?.startedAt ?? figures?.startedAt ?? null,
      endedAt: run?.endedAt ?? null,
      problems,
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
 * The run a viewing command shows: the one named (exactly; `bug-4` never matches `bug-42`), or the
 * latest started. Reads run.json only, so it stays instant however long the boards are.
 */
export function pickRun(configDir: string, runId: string | undefined): string {
  if (runId !== undefined) {
    const problem = checkRunId(runId);
    if (problem) throw new UserError(problem);
    const paths = runPaths(configDir, runId);
    if (!existsSync(paths.events) && !existsSync(paths.runJson)) throw new UserError(`no run "${runId}" in ${runsDir(configDir)}; \`loop runs\` lists the runs`);
    return runId;
  }
  const dir = runsDir(configDir);
  const candidates = existsSync(dir) ? readdirSync(dir).filter((id) => existsSync(runPaths(configDir, id).events)) : [];
  if (candidates.length === 0) throw new UserError('no runs here yet; start one with `loop run "<goal>"`');
  const started = (id: string): number => {
    const paths = runPaths(configDir, id);
    return readRunJson(paths.runJson)?.startedAt ?? statSync(paths.events).mtimeMs;
  };
  return candidates.map((id) => [id, started(id)] as const).sort((a, b) => b[1] - a[1])[0]![0];
}
