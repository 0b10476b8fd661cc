/**
 * Archive refs: `refs/loop/archive/<runId>/<name>`. Before loop deletes a branch or a worktree that
 * holds work found nowhere else, the work is pinned here, so `git branch <name> <archive ref>`
 * brings it back. Outside `refs/heads/`, these refs do not clutter `git branch`.
 */
import { randomBytes } from 'node:crypto';
import { copyFileSync, rmSync, statSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { LOOP_COMMIT_CONFIG, LOOP_COMMIT_ENV, git, gitRaw, gitTry } from './git.js';
import { serialize } from './repo-queue.js';
import { objectInfo } from './object-reader.js';
import { WORKTREE_STATUS } from './repo.js';
import { worktreeHead } from './worktree-head.js';
import { changedPaths, NAME_STATUS_FLAGS } from './name-status.js';
import { stagedReviewAndNameStatus } from './diff.js';

export const ARCHIVE_PREFIX = 'refs/loop/archive';
const ZERO_SHA = '0000000000000000000000000000000000000000';
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export const archiveRefName = (runId: string, name: string): string => `${ARCHIVE_PREFIX}/${runId}/${name}`;

/**
 * Pins `sha` at `refs/loop/archive/<runId>/<name>` (or `<name>-2`, `-3`, … when that name already
 * holds something else). Returns the ref; if an archive ref of that family already holds `sha`,
 * returns it without writing.
 */
export async function archiveCommit(repo: string, runId: string, name: string, sha: string): Promise<string> {
  return serialize(repo, async () => {
    for (let n = 1; n < 1000; n++) {
      const ref = archiveRefName(runId, n === 1 ? name : `${name}-${n}`);
      const existing = await gitTry(repo, ['rev-parse', '-q', '--verify', ref]);
      if (existing.ok) {
        if (existing.stdout.trim() === sha) return ref;
        continue;
      }
      const created = await gitTry(repo, ['update-ref', '-m', 'loop: archive', ref, sha, ZERO_SHA], { env: LOOP_COMMIT_ENV });
      if (created.ok) return ref;
    }
    throw new Error(`could not create an archive ref for ${name} in ${repo}`);
  });
}

/**
 * A commit holding everything uncommitted in the worktree at `path` (tracked changes and
 * untracked, non-ignored files) on top of its HEAD, or null when there is nothing uncommitted.
 * Uses a temporary index, so the worktree's own index and files are left exactly as they were.
 */
export async function snapshotUncommitted(path: string, message: string, exclude: readonly string[] = []): Promise<string | null> {
  const gitDir = await git(path, ['rev-parse', '--absolute-git-dir']);
  const head = await gitTry(path, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']);
  const index = join(gitDir, `loop-snapshot-${process.pid}-${randomBytes(4).toString('hex')}.index`);
  const env = { GIT_INDEX_FILE: index };
  const snapshot = async (seed: 'copy' | 'head'): Promise<string | null> => {
    if (seed === 'copy') seedFromOwnIndex(join(gitDir, 'index'), index);
    else if (head.ok) await git(path, ['read-tree', 'HEAD'], { env });
    await stageAllExcept(path, head.ok ? 'HEAD' : EMPTY_TREE, exclude, { env });
    const tree = await git(path, ['write-tree'], { env });
    if (head.ok && tree === (await objectInfo(path, `${head.stdout.trim()}^{tree}`))?.sha) return null;
    const parent = head.ok ? ['-p', head.stdout.trim()] : [];
    return await git(path, [...LOOP_COMMIT_CONFIG, 'commit-tree', tree, ...parent, '-m', message], { env: LOOP_COMMIT_ENV });
  };
  try {
    // The worktree's own index knows which files are unchanged since it was written (their stat
    // data), so `add -A` reads only the changed ones; an index from `read-tree` knows none and
    // reads every file of the worktree. A missing or unreadable index: from HEAD's tree.
    try {
      return await snapshot('copy');
    } catch {
      rmSync(index, { force: true });
      rmSync(`${index}.lock`, { force: true });
      return await snapshot('head');
    }
  } finally {
    rmSync(index, { force: true });
    rmSync(`${index}.lock`, { force: true });
  }
}

/**
 * A copy of a worktree's index to stage into. Its timestamp is set earlier than the original's:
 * git re-reads a file whose mtime is not older than the index ("racily clean"), so an older index
 * makes it re-read more files, never fewer; a newer one could hide an edit made in the same second
 * as the original index was written.
 */
function seedFromOwnIndex(own: string, copy: string): void {
  const stat = statSync(own);
  copyFileSync(own, copy);
  utimesSync(copy, stat.atime, new Date(stat.mtimeMs - 2000));
}

/**
 * `git add -A`, then puts back in the index (as they are in `base`) loop's state and the files
 * loop copied in: copied files such as `.env` hold secrets and must never land in a commit.
 * (Exclude pathspecs cannot do this: naming an ignored path in `git add` makes it exit 1.)
 * Returns the paths that were put back, and what the index then changes against `base` as
 * `--name-status -z -M` prints it: one diff finds both, a second is read only after a put-back.
 * With `review`, that diff also brings the critic's review of the change (diff.ts).
 */
export async function stageAllExcept(
  cwd: string,
  base: string,
  exclude: readonly string[],
  options: { env?: NodeJS.ProcessEnv; review?: boolean } = {},
): Promise<{ putBack: string[]; nameStatus: string; review?: string }> {
  const env = options.env ? { env: options.env } : {};
  await git(cwd, ['add', '-A'], env);
  const nameStatusOnly = (): Promise<string> => gitRaw(cwd, ['diff', '--cached', ...NAME_STATUS_FLAGS, base], env);
  const staged = async (): Promise<{ nameStatus: string; review?: string }> => {
    if (!options.review) return { nameStatus: await nameStatusOnly() };
    const both = await stagedReviewAndNameStatus(cwd, base, env);
    return { nameStatus: both.nameStatus ?? (await nameStatusOnly()), review: both.review };
  };
  const first = await staged();
  const excluded = ['.loop', ...exclude.map((path) => path.replace(/\/+$/, ''))];
  const putBack = changedPaths(first.nameStatus).filter((path) => excluded.some((root) => path === root || path.startsWith(`${root}/`)));
  if (putBack.length === 0) return { putBack, ...first };
  await git(cwd, ['restore', '--staged', `--source=${base}`, '--', ...putBack.map((path) => `:(top,literal)${path}`)], env);
  return { putBack, ...(await staged()) };
}

/** True when some ref (branch, tag, archive, …) contains `sha`, so dropping a worktree's HEAD loses nothing. */
export async function isReachableFromRefs(repo: string, sha: string): Promise<boolean> {
  const result = await gitTry(repo, ['for-each-ref', '--count=1', '--contains', sha, '--format=%(refname)']);
  return result.ok && result.stdout.trim().length > 0;
}

/**
 * Pins whatever the worktree at `path` holds that no ref does: uncommitted changes (as a snapshot
 * commit on top of HEAD) or a HEAD commit no ref contains. Returns the archive ref, or null when
 * the worktree holds nothing that would be lost.
 */
export async function archiveWorktree(repo: string, path: string, runId: string, name: string, exclude: readonly string[] = []): Promise<string | null> {
  // A clean worktree (no tracked change, no untracked file outside .gitignore) has nothing to
  // snapshot: one status instead of the snapshot's five processes, the common case at a run's end.
  const status = await gitTry(path, [...WORKTREE_STATUS], { trim: false });
  const clean = status.ok && status.stdout.length === 0;
  const snapshot = clean ? null : await snapshotUncommitted(path, `loop: uncommitted work left in ${name}`, exclude);
  if (snapshot) return archiveCommit(repo, runId, `${name}-uncommitted`, snapshot);
  const sha = await worktreeHead(path).catch(() => null);
  if (sha === null) return null;
  if (await isReachableFromRefs(repo, sha)) return null;
  return archiveCommit(repo, runId, `${name}-head`, sha);
}
