/** Read-only questions about a repository. Nothing here writes to the user's checkout. */
import { isAbsolute, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import { git, gitTry, splitNul } from './git.js';
import { objectInfo } from './object-reader.js';

export interface RepoInfo {
  toplevel: string;
  commonDir: string;
  /** null = detached HEAD. */
  branch: string | null;
  /** null = no commits yet. */
  head: string | null;
}

export async function repoInfo(cwd: string): Promise<RepoInfo> {
  let lines: string[];
  try {
    lines = (await git(cwd, ['rev-parse', '--show-toplevel', '--git-common-dir'])).split('\n');
  } catch {
    throw new UserError(`${cwd} is not inside a git repository (with a working tree); run loop from your project's checkout, or "git init" it first`);
  }
  const toplevel = lines[0]!;
  const common = lines[1]!;
  const commonDir = isAbsolute(common) ? common : resolve(cwd, common);
  const [branch, head] = await Promise.all([
    gitTry(cwd, ['symbolic-ref', '-q', '--short', 'HEAD']),
    gitTry(cwd, ['rev-parse', '-q', '--verify', 'HEAD^{commit}']),
  ]);
  return {
    toplevel,
    commonDir,
    branch: branch.ok ? branch.stdout.trim() : null,
    head: head.ok ? head.stdout.trim() : null,
  };
}

/** The commit SHA a ref (or SHA) names; throws when it names no commit. */
export async function resolveSha(repo: string, ref: string): Promise<string> {
  const sha = await refSha(repo, ref);
  if (sha === null) throw new UserError(`"${ref}" names no commit in ${repo}`);
  return sha;
}

/** The SHA of a ref, or null when it does not exist (read through the repository's batch reader, looked up afresh each time). */
export async function refSha(repo: string, ref: string): Promise<string | null> {
  const info = await objectInfo(repo, `${ref}^{commit}`);
  return info?.type === 'commit' ? info.sha : null;
}

export async function isAncestor(repo: string, ancestor: string, descendant: string): Promise<boolean> {
  const result = await gitTry(repo, ['merge-base', '--is-ancestor', ancestor, descendant]);
  if (result.code === 0) return true;
  if (result.code === 1) return false;
  throw new Error(`git merge-base --is-ancestor ${ancestor} ${descendant} failed in ${repo}: ${result.stderr.trim()}`);
}

export interface CheckoutState {
  branch: string | null;
  /** No tracked changes and no untracked files (ignored files do not count). */
  clean: boolean;
  dirtyFiles: string[];
  /** The untracked part of `dirtyFiles`. */
  untrackedFiles: string[];
}

/**
 * State of the user's checkout, strictly read-only: `GIT_OPTIONAL_LOCKS=0` keeps `git status`
 * from refreshing the index, so it never takes `index.lock` from under the user's own git.
 */
export async function userCheckoutState(repo: string): Promise<CheckoutState> {
  const env = { GIT_OPTIONAL_LOCKS: '0' };
  const [branch, status] = await Promise.all([
    gitTry(repo, ['symbolic-ref', '-q', '--short', 'HEAD'], { env }),
    gitTry(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=none'], { env, trim: false }),
  ]);
  if (!status.ok) throw new Error(`git status failed in ${repo}: ${status.stderr.trim()}`);
  const entries = parsePorcelainZ(status.stdout);
  const dirtyFiles = entries.map((entry) => entry.path);
  const untrackedFiles = entries.filter((entry) => entry.code === '??').map((entry) => entry.path);
  return { branch: branch.ok ? branch.stdout.trim() : null, clean: dirtyFiles.length === 0, dirtyFiles, untrackedFiles };
}

export interface StatusEntry {
  /** Two-letter XY code; `??` = untracked. */
  code: string;
  path: string;
  /** Source path of a rename or copy. */
  from?: string;
}

/** A worktree's state as `parsePorcelainZ` reads it: tracked changes and every untracked file outside .gitignore. */
export const WORKTREE_STATUS = ['status', '--porcelain=v1', '-z', '--untracked-files=all'] as const;

/** Parses `git status --porcelain=v1 -z`: `XY path\0`, renames as `XY new\0old\0`. */
export function parsePorcelainZ(output: string): StatusEntry[] {
  const fields = splitNul(output);
  const entries: StatusEntry[] = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i]!;
    const code = field.slice(0, 2);
    const path = field.slice(3);
    if (code.includes('R') || code.includes('C')) {
      const from = fields[++i];
      entries.push(from === undefined ? { code, path } : { code, path, from });
    } else {
      entries.push({ code, path });
    }
  }
  return entries;
}

/** Branches checked out (or being rebased or bisected) per worktree, from `git worktree list --porcelain`. */
export interface WorktreeEntry {
  path: string;
  head: string | null;
  /** Full ref name, e.g. `refs/heads/main`; null when detached or bare. */
  branch: string | null;
  bare: boolean;
  prunable: boolean;
}

export async function listWorktrees(repo: string): Promise<WorktreeEntry[]> {
  const output = await git(repo, ['worktree', 'list', '--porcelain', '-z']).catch(async () =>
    // git < 2.36 has no -z; paths with newlines are then unsupported
    (await git(repo, ['worktree', 'list', '--porcelain'])).replace(/\n/g, '\0'),
  );
  const worktrees: WorktreeEntry[] = [];
  let current: WorktreeEntry | null = null;
  for (const field of output.split('\0')) {
    if (field.startsWith('worktree ')) {
      current = { path: field.slice('worktree '.length), head: null, branch: null, bare: false, prunable: false };
      worktrees.push(current);
    } else if (current && field.startsWith('HEAD ')) {
      current.head = field.slice(5);
    } else if (current && field.startsWith('branch ')) {
      current.branch = field.slice(7);
    } else if (current && field === 'bare') {
      current.bare = true;
    } else if (current && field.startsWith('prunable')) {
      current.prunable = true;
    }
  }
  return worktrees;
}
