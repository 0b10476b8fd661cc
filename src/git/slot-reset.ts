/**
 * Re-pointing a slot at a commit. Only ever runs inside loop's own worktrees (guarded), where
 * `checkout -f` is allowed because whatever the slot held was captured first; anything still
 * uncommitted in a task or critic slot is pinned on an archive ref before it is discarded.
 */
import { existsSync, rmSync, statSync } from 'node:fs';
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import { LOOP_COMMIT_ENV, git, gitRaw, splitNul } from './git.js';
import { parsePorcelainZ, WORKTREE_STATUS } from './repo.js';
import { archiveCommit, snapshotUncommitted } from './archive.js';
import { serialize } from './repo-queue.js';
import { worktreeGitDir } from './git-dir.js';

export const NO_HOOKS = ['-c', 'core.hooksPath=/dev/null'];

/** Refuses to touch anything that is not a linked worktree under loop's pool folder. */
export function assertSlot(path: string, poolDir: string): void {
  const absolute = resolve(path);
  const inside = relative(resolve(poolDir), absolute);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) {
    throw new Error(`refusing to reset ${path}: it is not one of loop's worktree slots (under ${poolDir})`);
  }
  let isLinkedWorktree = false;
  try {
    isLinkedWorktree = statSync(join(absolute, '.git')).isFile();
  } catch {
    // missing .git
  }
  if (!isLinkedWorktree) throw new Error(`refusing to reset ${path}: it is not a linked git worktree`);
}

export interface ResetOptions {
  repo: string;
  poolDir: string;
  runId: string;
  slotId: string;
  /** Archive uncommitted work before discarding it (task and critic slots; a scratch slot holds only merges and test output). */
  archiveDirty: boolean;
  sha: string;
  branch: string | null;
  /** Files loop copied into the slot (e.g. `.env`): not work, never archived. */
  copied: readonly string[];
  log: (line: string) => void;
}

/** Returns the archive ref when uncommitted work had to be pinned before the reset. */
export async function resetSlot(path: string, options: ResetOptions): Promise<string | null> {
  assertSlot(path, options.poolDir);
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(options.sha)) {
    throw new Error(`pointAt needs a commit SHA, not "${options.sha}" (resolve refs first: a ref can move mid-checkout)`);
  }
  const gitDir = worktreeGitDir(path);
  await forgetInterruptedOperations(path, gitDir, options.log);

  const copied = new Set(options.copied);
  const status = parsePorcelainZ(await gitRaw(path, [...WORKTREE_STATUS]));
  const work = status.filter((entry) => !copied.has(entry.path) && entry.path !== '.loop' && !entry.path.startsWith('.loop/'));
  let archived: string | null = null;
  if (work.length > 0 && options.archiveDirty) {
    const snapshot = await snapshotUncommitted(path, `loop: uncommitted work discarded from ${options.slotId}`, options.copied);
    if (snapshot) {
      archived = await archiveCommit(options.repo, options.runId, `${options.slotId}-discarded`, snapshot);
      options.log(`${options.slotId}: uncommitted work was not captured; pinned at ${archived} before re-pointing`);
    }
  }

  const checkout = ['checkout', '-q', '-f', ...(options.branch === null ? ['--detach', options.sha] : ['-B', options.branch, options.sha])];
  // reflog entries need an identity too; loop's is fixed so a machine without git config works
  const env = LOOP_COMMIT_ENV;
  if (options.branch === null) await git(path, [...NO_HOOKS, ...checkout], { env });
  // -B writes a branch ref: ref updates are serialized per repository
  else await serialize(options.repo, () => git(path, [...NO_HOOKS, ...checkout], { env }));

  // checkout -f leaves untracked files; they would leak into the next task's capture
  if (status.some((entry) => entry.code === '??')) await removeUntracked(path);
  return archived;
}

/** An agent may leave a merge, rebase, cherry-pick or lock behind; the next checkout must not inherit it. */
async function forgetInterruptedOperations(path: string, gitDir: string, log: (line: string) => void): Promise<void> {
  // the agent's process group is dead by now, and so is a killed run's gate (a checkout killed
  // mid-way leaves HEAD.lock), so a leftover lock of the worktree's own files is stale
  for (const lock of ['index.lock', 'HEAD.lock']) {
    if (!existsSync(join(gitDir, lock))) continue;
    log(`${path}: removing a stale ${lock} left by a killed process`);
    rmSync(join(gitDir, lock), { force: true });
  }
  const pending: [string, string[]][] = [
    ['MERGE_HEAD', ['merge', '--quit']],
    ['rebase-merge', ['rebase', '--quit']],
    ['rebase-apply', ['rebase', '--quit']],
    ['CHERRY_PICK_HEAD', ['cherry-pick', '--quit']],
    ['REVERT_HEAD', ['revert', '--quit']],
  ];
  for (const [marker, quit] of pending) {
    if (existsSync(join(gitDir, marker))) await git(path, quit).catch(() => rmSync(join(gitDir, marker), { recursive: true, force: true }));
  }
}

/** Deletes untracked, non-ignored files and folders of a slot (ignored ones such as node_modules stay); returns them. */
async function removeUntracked(path: string): Promise<string[]> {
  const listed = splitNul(await gitRaw(path, ['ls-files', '-z', '--others', '--exclude-standard', '--directory']));
  const root = resolve(path);
  const removed: string[] = [];
  for (const entry of listed) {
    const target = resolve(root, entry);
    if (target === root || !target.startsWith(root + sep)) continue;
    rmSync(target, { recursive: true, force: true });
    removed.push(entry);
  }
  return removed;
}

/**
 * For the actors that use slots without owning the pool (the gate's scratch and baseline slots):
 * detach the slot at `sha`, dropping any merge in progress, local edits and untracked leftovers.
 * Returns the untracked entries it removed. Refuses anything that is not a linked worktree under
 * `poolDir`. Nothing here is anyone's work, so no `git status` first: `checkout -f` overwrites the
 * tracked edits, and one listing after it finds what is left (under the new commit's .gitignore).
 */
export async function detachOwnSlot(path: string, sha: string, poolDir: string): Promise<string[]> {
  assertSlot(path, poolDir);
  await forgetInterruptedOperations(path, worktreeGitDir(path), () => {});
  await git(path, [...NO_HOOKS, 'checkout', '-q', '-f', '--detach', sha]);
  return removeUntracked(path);
}

/**
 * After a read-only use (the critic's review): restore the slot to its own HEAD if anything was
 * changed, and say what. A clean slot costs one `git status`.
 */
export async function cleanOwnSlot(path: string, poolDir: string): Promise<string[]> {
  assertSlot(path, poolDir);
  const status = parsePorcelainZ(await gitRaw(path, [...WORKTREE_STATUS]));
  if (status.length === 0) return [];
  await git(path, [...NO_HOOKS, 'checkout', '-q', '-f', '--detach', 'HEAD']);
  if (status.some((entry) => entry.code === '??')) await removeUntracked(path);
  return status.map((entry) => entry.path);
}
