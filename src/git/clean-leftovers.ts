/**
 * `loop clean`: removes what a crashed or finished run left (slot worktrees, `loop/<run>/*`
 * branches), pinning unmerged and uncommitted work on archive refs first. Runs that are still
 * running are left alone.
 */
import { existsSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { runPaths } from '../util/paths.js';
import { isAlive } from '../util/process-alive.js';
import { git, gitRaw, gitTry } from './git.js';
import { listWorktrees, parsePorcelainZ, repoInfo, WORKTREE_STATUS } from './repo.js';
import { serialize } from './repo-queue.js';
import { archiveRefName, archiveWorktree } from './archive.js';
import { cleanupRun, type Leftovers } from './cleanup.js';
import { readMeta, real, slotMetaPath, slotSetupLogPath } from './slot-paths.js';

export interface RunCleanReport {
  runId: string;
  /** Set when the run was left alone. */
  skipped?: string;
  /** Archive refs written (or, in a dry run, that would be). */
  archived: { from: string; ref: string }[];
  removedWorktrees: string[];
  deletedBranches: string[];
  keptBranches: string[];
  /** Folders loop did not create as worktrees (or could not archive); left for the user to inspect. */
  leftInPlace: string[];
  /** The run's setup cache (clones holding setup output only), removed whole. */
  removedSetupCache?: string;
}

export interface RunState {
  running: boolean;
  pid?: number;
  /** Target branch recorded by the run, when it says. */
  branch?: string;
}

/** Statuses a finished run records; anything else (or none) with a live pid counts as running. */
const FINISHED = new Set(['merged', 'escalated', 'budget-exhausted', 'interrupted', 'failed', 'finished', 'done', 'stopped', 'crashed']);

/** Reads `.loop/runs/<id>/run.json` beside any of the candidate config folders. */
export function readRunState(configDirs: readonly string[], runId: string): RunState {
  for (const dir of configDirs) {
    const file = runPaths(dir, runId).runJson;
    if (!existsSync(file)) continue;
    let json: Record<string, unknown>;
    try {
      json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    } catch {
      continue;
    }
    const pid = typeof json['pid'] === 'number' ? json['pid'] : undefined;
    const status = typeof json['status'] === 'string' ? json['status'] : undefined;
    const ended = json['endedAt'] !== undefined || json['finishedAt'] !== undefined;
    const finished = ended || (status !== undefined && FINISHED.has(status));
    const branchField = json['targetBranch'] ?? json['branch'];
    const state: RunState = { running: pid !== undefined && !finished && isAlive(pid) };
    if (pid !== undefined) state.pid = pid;
    if (typeof branchField === 'string') state.branch = branchField;
    return state;
  }
  return { running: false };
}

export async function cleanLeftovers(options: {
  repo: string;
  leftovers: Leftovers;
  state: RunState;
  dryRun: boolean;
  log?: (line: string) => void;
}): Promise<RunCleanReport> {
  const { repo, leftovers, dryRun } = options;
  const runId = leftovers.runId;
  const report: RunCleanReport = { runId, archived: [], removedWorktrees: [], deletedBranches: [], keptBranches: [], leftInPlace: [] };
  if (options.state.running) {
    report.skipped = `still running${options.state.pid === undefined ? '' : ` (pid ${options.state.pid})`}`;
    return report;
  }
  const registered = new Set((await listWorktrees(repo)).map((worktree) => real(worktree.path)));
  for (const slot of leftovers.slots) {
    const name = slot.slice(slot.lastIndexOf('/') + 1);
    const isWorktree = registered.has(real(slot));
    if (isWorktree && existsSync(slot)) {
      const copied = readMeta(slot).copied ?? [];
      if (dryRun) {
        if (await hasUncommitted(slot, copied)) report.archived.push({ from: `uncommitted work in ${slot}`, ref: archiveRefName(runId, `${name}-uncommitted`) });
        report.removedWorktrees.push(slot);
        continue;
      }
      let ref: string | null;
      try {
        ref = await archiveWorktree(repo, slot, runId, name, copied);
      } catch (error) {
        options.log?.(`could not archive ${slot}: ${error instanceof Error ? error.message : String(error)}`);
        report.leftInPlace.push(slot);
        continue;
      }
      if (ref) report.archived.push({ from: `uncommitted work in ${slot}`, ref });
      const removal = await serialize(repo, () => gitTry(repo, ['worktree', 'remove', '--force', '--force', slot]));
      if (!removal.ok && existsSync(slot)) rmSync(slot, { recursive: true, force: true });
      removeSidecars(slot);
      report.removedWorktrees.push(slot);
    } else if (isWorktree) {
      // registered, folder gone: prune drops the record
      report.removedWorktrees.push(slot);
    } else if (existsSync(slot)) {
      if (!dryRun && tryRmdir(slot)) {
        removeSidecars(slot);
        report.removedWorktrees.push(slot);
      } else {
        report.leftInPlace.push(slot);
      }
    }
  }
  if (leftovers.setupCache !== undefined) {
    if (!dryRun) rmSync(leftovers.setupCache, { recursive: true, force: true });
    report.removedSetupCache = leftovers.setupCache;
  }
  if (!dryRun) {
    await serialize(repo, () => git(repo, ['worktree', 'prune']));
    for (const runDir of new Set([...leftovers.slots, ...(leftovers.setupCache === undefined ? [] : [leftovers.setupCache])].map((path) => dirname(path)))) {
      for (const file of listFiles(runDir)) {
        const slot = file.replace(/\.(loop-slot\.json|setup\.log)$/, '');
        if (slot !== file && !existsSync(join(runDir, slot))) rmSync(join(runDir, file), { force: true });
      }
      tryRmdir(runDir);
      tryRmdir(dirname(runDir));
    }
  }

  const target = options.state.branch ?? (await repoInfo(repo)).branch ?? 'HEAD';
  const branches = await cleanupRun({ repo, runId, targetBranch: target, keepIntegration: false, dryRun, assumeRemoved: report.removedWorktrees });
  for (const ref of branches.archived) report.archived.push({ from: `branch loop/${runId}/${ref.slice(archiveRefName(runId, '').length)}`, ref });
  report.deletedBranches.push(...branches.deleted);
  report.keptBranches.push(...branches.kept);
  return report;
}

async function hasUncommitted(slot: string, copied: readonly string[]): Promise<boolean> {
  const status = await gitRaw(slot, [...WORKTREE_STATUS]).catch(() => '');
  const skip = new Set(copied);
  return parsePorcelainZ(status).some((entry) => !skip.has(entry.path) && entry.path !== '.loop' && !entry.path.startsWith('.loop/'));
}

function removeSidecars(slot: string): void {
  rmSync(slotMetaPath(slot), { force: true });
  rmSync(slotSetupLogPath(slot), { force: true });
}

function tryRmdir(path: string): boolean {
  try {
    rmdirSync(path);
    return true;
  } catch {
    return false;
  }
}

function listFiles(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}
