/**
 * The commit a worktree's HEAD names, read without starting git: a task's capture asked `git
 * rev-parse HEAD` for it. HEAD is per worktree, so the repository's batch reader cannot be asked
 * for "HEAD" (it would answer the main checkout's); the worktree's own HEAD file says which branch
 * it is on, and branches are shared by every worktree of a repository, so the reader resolves that
 * branch. Anything else (a ref store that is not files, a symbolic ref outside refs/heads/, a
 * HEAD git would not accept) is asked of `git rev-parse` in the worktree.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { git } from './git.js';
import { worktreeGitDir } from './git-dir.js';
import { objectInfo, repositoryOf } from './object-reader.js';

const DETACHED = /^([0-9a-f]{40}|[0-9a-f]{64})\n?$/;
/** A reftable repository's HEAD file names this placeholder; its real HEAD is in the table. */
const BRANCH = /^ref: (refs\/heads\/(?!\.invalid\n?$)[^\n]+)\n?$/;

/** The commit id HEAD of the worktree at `path` names now; throws like `git rev-parse HEAD` when it names none. */
export async function worktreeHead(path: string): Promise<string> {
  let content: string | null = null;
  try {
    content = readFileSync(join(worktreeGitDir(path), 'HEAD'), 'utf8');
  } catch {
    // unreadable: git says why
  }
  const detached = content === null ? null : DETACHED.exec(content);
  if (detached) return detached[1]!;
  const branch = content === null ? null : BRANCH.exec(content);
  if (branch) {
    const info = await objectInfo(repositoryOf(path), branch[1]!);
    if (info?.type === 'commit') return info.sha;
  }
  return git(path, ['rev-parse', '--verify', '-q', 'HEAD^{commit}']);
}
