/**
 * The integration branch `loop/<runId>/integration` collects a run's merged work; the user's
 * branch moves only at the end, and only in ways that cannot lose work: a fast-forward of a clean
 * checkout, or a compare-and-swap of a branch no worktree has checked out. Otherwise loop prints
 * the command and leaves the decision to the user. Never reset, clean, stash or checkout there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../util/errors.js';
import { matchesGlob } from '../util/glob.js';
import { shellQuote } from '../util/shell-quote.js';
import { LOOP_COMMIT_ENV, git, gitTry } from './git.js';
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

export async function landIntegration(options: { repo: string; runId: string; branch: string; protectedBranches: string[] }): Promise<LandResult> {
  const { repo, runId, branch } = options;
  const integration = integrationBranchName(runId);
  const sha = await resolveSha(repo, integrationRefName(runId));
  const targetRef = `refs/heads/${branch}`;
  const targetSha = await refSha(repo, targetRef);
  if (targetSha === null) {
    return { landed: false, sha, command: `git branch ${quote(branch)} ${quote(integration)}`, reason: `branch "${branch}" no longer exists` };
  }
  if (targetSha === sha) return { landed: true, sha, reason: `${branch} already has the run's work` };

  const land = (where: string) => `git -C ${quote(where)} merge --ff-only ${quote(integration)}`;
  const top = (await repoInfo(repo)).toplevel;
  if (isProtected(branch, options.protectedBranches)) {
    return {
      landed: false,
      sha,
      command: `git push origin ${quote(integration)}   # then open a pull request into ${branch}`,
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
  if (holders.length > 1) {
    return { landed: false, sha, command: land(holders[0]!.path), reason: `${branch} is checked out in several worktrees` };
  }
  const holder = holders[0]!;
  if (holder.busy) return { landed: false, sha, command: land(holder.path), reason: `a ${holder.busy} is in progress in ${holder.path}` };
  const state = await userCheckoutState(holder.path);
  // Untracked files the merge does not write (loop.config.yaml right after `loop init`, notes…)
  // cannot be touched by a fast-forward, and git refuses the merge anyway if one would be.
  const written = new Set(splitLines(await git(repo, ['diff', '--name-only', targetSha, sha])));
  const tracked = state.dirtyFiles.filter((file) => !state.untrackedFiles.includes(file));
  const blocking = [...tracked, ...state.untrackedFiles.filter((file) => written.has(file))];
  if (blocking.length > 0) {
    const files = blocking.slice(0, 5).join(', ') + (blocking.length > 5 ? `, … (${blocking.length} files)` : '');
    return {
      landed: false,
      sha,
      command: land(holder.path),
      reason: `${holder.path} has uncommitted changes (${files}); commit or stash them, then run the command`,
    };
  }
  // the only command loop runs in a user's checkout that changes files: a fast-forward refuses to
  // overwrite local changes, so even an edit made since the check above cannot be lost
  const merged = await gitTry(holder.path, ['merge', '--ff-only', '--no-edit', sha]);
  if (!merged.ok) return { landed: false, sha, command: land(holder.path), reason: `git merge --ff-only failed: ${merged.stderr.trim().split('\n')[0]}` };
  return { landed: true, sha, reason: `fast-forwarded ${branch} in ${holder.path}` };
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

const splitLines = (text: string): string[] => text.split('\n').filter((line) => line.length > 0);

/** Shell-quotes a path or ref for a command the user will paste. */
export const quote = shellQuote;
