/**
 * End-of-run and crash cleanup. Nothing is deleted that is found nowhere else: a branch whose tip
 * is not in the target (or kept integration) branch is first pinned at `refs/loop/archive/<runId>/<name>`;
 * a slot's uncommitted work is committed onto an archive ref before its worktree goes. The anchor
 * leaked `loop/<run>/<role>` branches after every run and orphaned worktrees on crash (research §17 items 25, 26).
 */
import { join, relative, sep } from 'node:path';
import { LOOP_COMMIT_ENV, git, gitTry } from './git.js';
import { listWorktrees, repoInfo } from './repo.js';
import { archiveCommit, archiveRefName } from './archive.js';
import { serialize } from './repo-queue.js';
import { integrationBranchName } from './integration.js';
import { poolRoot, real } from './slot-paths.js';
import { listDirs } from './slots.js';
import { SETUP_CACHE } from './setup-cache.js';

export async function cleanupRun(options: {
  repo: string;
  runId: string;
  targetBranch: string;
  keepIntegration: boolean;
  /** Report what would be archived and deleted without writing anything (archive names are the intended ones). */
  dryRun?: boolean;
  /** Worktrees to treat as already removed (a dry run of `loop clean` removes slots before branches). */
  assumeRemoved?: readonly string[];
}): Promise<{ archived: string[]; deleted: string[]; kept: string[] }> {
  const { repo, runId } = options;
  const prefix = `refs/heads/loop/${runId}/`;
  const integration = integrationBranchName(runId);
  const branches = await listBranches(repo, prefix);
  const gone = new Set((options.assumeRemoved ?? []).map(real));
  const checkedOut = new Set(
    (await listWorktrees(repo))
      .filter((worktree) => !gone.has(real(worktree.path)))
      .map((worktree) => worktree.branch)
      .filter((ref) => ref !== null),
  );
  const target = await gitTry(repo, ['rev-parse', '-q', '--verify', `refs/heads/${options.targetBranch}^{commit}`]);
  const targetSha = target.ok ? target.stdout.trim() : null;
  const integrationSha = branches.find((b) => b.name === integration)?.sha ?? null;
  // One `for-each-ref --merged` per tip instead of one `merge-base --is-ancestor` per branch.
  const inTarget = targetSha === null ? new Set<string>() : await mergedInto(repo, prefix, targetSha);
  const inIntegration = options.keepIntegration && integrationSha !== null ? await mergedInto(repo, prefix, integrationSha) : new Set<string>();
  const archived: string[] = [];
  const deleted: string[] = [];
  const kept: string[] = [];
  const toDelete: BranchTip[] = [];

  for (const branch of branches) {
    const isIntegration = branch.name === integration;
    if (isIntegration && options.keepIntegration) {
      kept.push(branch.name);
      continue;
    }
    const contained = inTarget.has(branch.ref) || (!isIntegration && inIntegration.has(branch.ref));
    const archiveName = branch.name.slice(prefix.length - 'refs/heads/'.length);
    if (!contained) archived.push(options.dryRun ? archiveRefName(runId, archiveName) : await archiveCommit(repo, runId, archiveName, branch.sha));
    if (checkedOut.has(branch.ref)) {
      // deleting it would leave that worktree on an unborn branch
      kept.push(branch.name);
      continue;
    }
    if (options.dryRun) deleted.push(branch.name);
    else toDelete.push(branch);
  }
  const removed = await deleteBranches(repo, toDelete);
  for (const branch of toDelete) (removed.has(branch.ref) ? deleted : kept).push(branch.name);
  return { archived, deleted, kept };
}

/** The branches under `prefix` whose tips `sha` contains. */
async function mergedInto(repo: string, prefix: string, sha: string): Promise<Set<string>> {
  const output = await git(repo, ['for-each-ref', `--merged=${sha}`, '--format=%(refname)', prefix]);
  return new Set(output.split('\n').filter((line) => line.length > 0));
}

/**
 * Deletes the branches in one `update-ref --stdin` transaction, each only if it still points where
 * it did when it was checked (so a branch that moved meanwhile is kept); when the transaction is
 * refused, one at a time, so one moved branch does not keep the others. Returns the refs deleted.
 */
export async function deleteBranches(repo: string, branches: readonly BranchTip[]): Promise<Set<string>> {
  if (branches.length === 0) return new Set();
  return serialize(repo, async () => {
    const input = branches.map((branch) => `delete ${branch.ref} ${branch.sha}\n`).join('');
    const batch = await gitTry(repo, ['update-ref', '-m', 'loop: cleanup', '--stdin'], { env: LOOP_COMMIT_ENV, input });
    if (batch.ok) return new Set(branches.map((branch) => branch.ref));
    const removed = new Set<string>();
    for (const branch of branches) {
      const removal = await gitTry(repo, ['update-ref', '-m', 'loop: cleanup', '-d', branch.ref, branch.sha], { env: LOOP_COMMIT_ENV });
      if (removal.ok) removed.add(branch.ref);
    }
    return removed;
  });
}

export interface BranchTip {
  ref: string;
  /** Short name, e.g. `loop/<run>/t1`. */
  name: string;
  sha: string;
}

async function listBranches(repo: string, prefix: string): Promise<BranchTip[]> {
  const output = await git(repo, ['for-each-ref', '--format=%(refname)%00%(objectname)', prefix]);
  return output
    .split('\n')
    .filter((line) => line.length > 0)
    .map((line) => {
      const [ref, sha] = line.split('\0') as [string, string];
      return { ref, name: ref.slice('refs/heads/'.length), sha };
    });
}

export interface Leftovers {
  runId: string;
  /** Slot folders under `$LOOP_HOME` and registered worktrees of loop for this run. */
  slots: string[];
  /** `loop/<runId>/*` branches. */
  branches: string[];
  /** The run's setup cache folder (setup-cache.ts), when one was left. */
  setupCache?: string;
}

export async function findLeftovers(repo: string, home: string): Promise<Leftovers[]> {
  const toplevel = (await repoInfo(repo)).toplevel;
  const root = poolRoot(toplevel, home);
  const byRun = new Map<string, Leftovers>();
  const entry = (runId: string) => {
    let found = byRun.get(runId);
    if (!found) byRun.set(runId, (found = { runId, slots: [], branches: [] }));
    return found;
  };
  for (const runId of listDirs(root)) {
    for (const slot of listDirs(join(root, runId))) {
      if (slot === SETUP_CACHE) entry(runId).setupCache = join(root, runId, slot);
      else entry(runId).slots.push(join(root, runId, slot));
    }
  }
  const realRoot = real(root);
  for (const worktree of await listWorktrees(toplevel)) {
    const inside = relative(realRoot, real(worktree.path));
    if (inside.startsWith('..') || inside === '') continue;
    const [runId, slot] = inside.split(sep);
    if (!runId || !slot) continue;
    const slots = entry(runId).slots;
    if (!slots.some((path) => real(path) === real(worktree.path))) slots.push(worktree.path);
  }
  for (const branch of await listBranches(toplevel, 'refs/heads/loop/')) {
    const runId = branch.name.split('/')[1];
    if (runId) entry(runId).branches.push(branch.name);
  }
  for (const found of byRun.values()) {
    found.slots.sort();
    found.branches.sort();
  }
  return [...byRun.values()].filter((found) => found.slots.length + found.branches.length > 0 || found.setupCache !== undefined).sort((a, b) => a.runId.localeCompare(b.runId));
}
