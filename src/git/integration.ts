/**
 * The integration branch `loop/<runId>/integration` collects a run's merged work; the user's
 * branch moves only at the end, and only in ways that cannot lose work: a fast-forward of a clean
 * checkout, or a compare-and-swap of a branch no worktree has checked out. Otherwise loop prints
 * the command and leaves the decision to the user. Never reset, clean, stash or checkout there.
 */
import { existsSync, lstatSync, readdirSync, readFileSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { matchesGlob } from '../util/glob.js';
import { shellQuote } from '../util/shell-quote.js';
import { LOOP_COMMIT_ENV, git, gitTry, splitNul } from './git.js';
import { isAncestor, listWorktrees, refSha, repoInfo, resolveSha, userCheckoutState } from './repo.js';
import { serialize } from './repo-queue.js';

const ZERO_SHA = '0000000000000000000000000000000000000000';

export const integrationBranchName = (runId: string): string => `loop/${runId}/integration`;
export const integrationRefName = (runId: string): string => `refs/heads/${integrationBranchName(runId)}`;

export async function ensureIntegrationBranch(
  repo: string,
  runId: string,
  options: { branch?: string } = {},
): Promise<{ ref: string; branch: string; baseSha: string; headSha: string }> {
  const ref = integrationRefName(runId);
  const valid = await gitTry(repo, ['check-ref-format', ref]);
  if (!valid.ok) throw new UserError(`run id "${runId}" cannot be part of a git branch name; use letters, digits, "-" or "_"`);
  let branch = options.branch;
  if (branch === undefined) {
    const info = await repoInfo(repo);
    if (info.branch === null) throw new UserError(`${info.toplevel} is on a detached HEAD; check out the branch the work should land on, or set defaultBranch for this repository`);
    branch = info.branch;
  }
  const targetSha = await refSha(repo, `refs/heads/${branch}`);
  if (targetSha === null) throw new UserError(`branch "${branch}" does not exist in ${repo} (or has no commits yet)`);

  const existing = await refSha(repo, ref);
  if (existing !== null) {
    // resume: the branch keeps its merged work; its base is where it left the target
    const base = await gitTry(repo, ['merge-base', existing, targetSha]);
    return { ref, branch, baseSha: base.ok ? base.stdout.trim() : targetSha, headSha: existing };
  }
  const created = await serialize(repo, () => gitTry(repo, ['update-ref', '-m', 'loop: integration branch', ref, targetSha, ZERO_SHA], { env: LOOP_COMMIT_ENV }));
  if (!created.ok) {
    const now = await refSha(repo, ref);
    if (now === null) throw new Error(`could not create ${ref} in ${repo}: ${created.stderr.trim()}`);
    return { ref, branch, baseSha: targetSha, headSha: now };
  }
  return { ref, branch, baseSha: targetSha, headSha: targetSha };
}

export interface LandResult {
  landed: boolean;
  sha: string;
  /** Exact command(s) that land the work when loop did not. */
  command?: string;
  /** Why loop did not land it (or what it did). */
  reason?: string;
}

export async function landIntegration(options: {
  repo: string;
  runId: string;
  branch: string;
  protectedBranches: string[];
  /** false: check everything and return the command, but leave the checkout alone. */
  apply?: boolean;
}): Promise<LandResult> {
  const { repo, runId, branch } = options;
  const integration = integrationBranchName(runId);
  const sha = await resolveSha(repo, integrationRefName(runId));
  const targetRef = `refs/heads/${branch}`;
  const targetSha = await refSha(repo, targetRef);
  if (targetSha === null) {
    return { landed: false, sha, command: `git branch ${quote(branch)} ${quote(integration)}`, reason: `branch "${branch}" no longer exists` };
  }
  if (targetSha === sha) return { landed: true, sha, reason: `${branch} already has the run's work` };

  const top = (await repoInfo(repo)).toplevel;
  if (isProtected(branch, options.protectedBranches)) {
    return {
      landed: false,
      sha,
      command: `git push origin ${quote(integration)}   # then open a pull request into ${branch} (or set loop.land: pr)`,
      reason: `${branch} is a protected branch: loop never writes to it`,
    };
  }
  if (!(await isAncestor(repo, targetSha, sha))) {
    return {
      landed: false,
      sha,
      command: `git -C ${quote(top)} switch ${quote(branch)} && git -C ${quote(top)} merge ${quote(integration)}`,
      reason: `${branch} moved since the run started (it is not an ancestor of ${integration}), so a fast-forward is impossible`,
    };
  }

  const holders = await worktreesHolding(repo, targetRef);
  if (holders.length === 0) {
    // The user's checkout is elsewhere: their branch is theirs to move (DESIGN §5, issue 5).
    const current = (await repoInfo(repo)).branch;
    return {
      landed: false,
      sha,
      command: `git -C ${quote(top)} fetch . ${quote(integration)}:${quote(branch)}   # fast-forwards ${branch} without touching your checkout`,
      reason: `your checkout is on ${current === null ? 'a detached HEAD' : current}, not ${branch}`,
    };
  }
  const command = (where: string): string => fastForwardCommand(where, integration);
  if (holders.length > 1) {
    return { landed: false, sha, command: command(holders[0]!.path), reason: `${branch} is checked out in several worktrees` };
  }
  const holder = holders[0]!;
  if (holder.busy) return { landed: false, sha, command: command(holder.path), reason: `a ${holder.busy} is in progress in ${holder.path}` };
  const state = await userCheckoutState(holder.path);
  const tracked = state.dirtyFiles.filter((file) => !state.untrackedFiles.includes(file));
  if (tracked.length > 0) {
    return { landed: false, sha, command: command(holder.path), reason: `${holder.path} has uncommitted changes (${listFiles(tracked)}); commit or stash them, then run the command` };
  }
  // Git lets a fast-forward replace ignored files (a user's `.env`, once a task un-ignores and
  // commits one), so every path the merge creates is compared with what is on disk, ignored
  // files included. Untracked files elsewhere (a fresh loop.config.yaml, notes…) are not touched.
  const overwritten = await pathsOverwritten(repo, holder.path, targetSha, sha);
  if (overwritten.length > 0) {
    return {
      landed: false,
      sha,
      command: command(holder.path),
      reason: `landing would overwrite files in ${holder.path} that git does not track or ignores (${listFiles(overwritten)}); loop never replaces them: move them aside, then run the command`,
    };
  }
  // Everything allows the fast-forward; the caller only wants the command (no reason: none stops it).
  if (options.apply === false) return { landed: false, sha, command: command(holder.path) };
  // The only command loop runs in a user's checkout that changes files. A fast-forward refuses to
  // overwrite local changes, and --no-overwrite-ignore makes it refuse to replace ignored files,
  // so even a file created since the checks above cannot be lost.
  const merged = await gitTry(holder.path, ['merge', '--ff-only', '--no-overwrite-ignore', '--no-edit', sha]);
  if (!merged.ok) return { landed: false, sha, command: command(holder.path), reason: `git merge --ff-only failed: ${merged.stderr.trim().split('\n')[0]}` };
  return { landed: true, sha, reason: `fast-forwarded ${branch} in ${holder.path}` };
}

/** The command that lands the work in a checkout; it refuses, like loop, to replace ignored files. */
export const fastForwardCommand = (where: string, integration: string): string =>
  `git -C ${quote(where)} merge --ff-only --no-overwrite-ignore ${quote(integration)}`;

/**
 * Paths in the checkout `dir` that a fast-forward from `from` to `to` would replace although git
 * does not track them there: a file, folder or link (ignored or not) where the merge creates a
 * file, or a file or link where it needs a folder. Read-only: `lstat` only.
 */
export async function pathsOverwritten(repo: string, dir: string, from: string, to: string): Promise<string[]> {
  const fields = splitNul(await git(repo, ['diff', '--no-renames', '--name-status', '-z', from, to]));
  const created: string[] = [];
  const removed = new Set<string>();
  for (let i = 0; i + 1 < fields.length; i += 2) {
    const status = fields[i]!;
    const path = fields[i + 1]!;
    if (status === 'A') created.push(path);
    else if (status === 'D') removed.add(path);
  }
  const blocking = new Set<string>();
  for (const path of created) {
    const parts = path.split('/');
    let parentsFree = true;
    for (let n = 1; n < parts.length && parentsFree; n++) {
      const parent = parts.slice(0, n).join('/');
      // a tracked file the merge deletes to make room for a folder is the merge's to replace
      if (removed.has(parent)) continue;
      const stat = lstatOrNull(join(dir, parent));
      if (stat === null) break;
      if (!stat.isDirectory()) {
        blocking.add(parent);
        parentsFree = false;
      }
    }
    if (!parentsFree) continue;
    const stat = lstatOrNull(join(dir, path));
    // a folder of tracked files the merge deletes to make room for a file is the merge's to replace
    if (stat !== null && !(stat.isDirectory() && onlyRemovedInside(dir, path, removed))) blocking.add(path);
  }
  return [...blocking].sort();
}

function onlyRemovedInside(dir: string, folder: string, removed: ReadonlySet<string>): boolean {
  for (const entry of readdirSync(join(dir, folder), { withFileTypes: true })) {
    const path = `${folder}/${entry.name}`;
    if (entry.isDirectory() ? !onlyRemovedInside(dir, path, removed) : !removed.has(path)) return false;
  }
  return true;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw error;
  }
}

function listFiles(files: readonly string[]): string {
  return files.slice(0, 5).join(', ') + (files.length > 5 ? `, … (${files.length} files)` : '');
}

/** Worktrees with the branch checked out, or in the middle of rebasing or bisecting it. */
async function worktreesHolding(repo: string, ref: string): Promise<{ path: string; busy: string | null }[]> {
  const holders: { path: string; busy: string | null }[] = [];
  for (const worktree of await listWorktrees(repo)) {
    if (worktree.bare || worktree.prunable) continue;
    if (worktree.branch === ref) {
      holders.push({ path: worktree.path, busy: await operationInProgress(worktree.path) });
      continue;
    }
    if (worktree.branch === null) {
      const gitDir = await git(worktree.path, ['rev-parse', '--absolute-git-dir']).catch(() => null);
      if (gitDir === null) continue;
      for (const file of ['rebase-merge/head-name', 'rebase-apply/head-name', 'BISECT_START']) {
        const path = join(gitDir, file);
        if (existsSync(path) && readFileSync(path, 'utf8').trim().replace(/^(?!refs\/)/, 'refs/heads/') === ref) {
          holders.push({ path: worktree.path, busy: file.startsWith('BISECT') ? 'bisect' : 'rebase' });
        }
      }
    }
  }
  return holders;
}

async function operationInProgress(path: string): Promise<string | null> {
  const gitDir = await git(path, ['rev-parse', '--absolute-git-dir']).catch(() => null);
  if (gitDir === null) return null;
  for (const [file, name] of [['MERGE_HEAD', 'merge'], ['CHERRY_PICK_HEAD', 'cherry-pick'], ['REVERT_HEAD', 'revert'], ['rebase-merge', 'rebase'], ['rebase-apply', 'rebase or am']] as const) {
    if (existsSync(join(gitDir, file))) return name;
  }
  return null;
}

/** `protectedBranches` entries are names or globs over the whole branch name (`release/*`). */
export function isProtected(branch: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => pattern === branch || matchesGlob(branch, `/${pattern.replace(/^\//, '')}`));
}

/** Shell-quotes a path or ref for a command the user will paste. */
export const quote = shellQuote;
