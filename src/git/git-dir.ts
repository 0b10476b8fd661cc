/** Where a worktree's own git files (HEAD, index, MERGE_HEAD, …) are, read from its `.git`. */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The per-worktree git dir: `<path>/.git` of a main checkout, the folder a linked worktree's `.git` file names. */
export function worktreeGitDir(path: string): string {
  const dotGit = join(path, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const named = gitDirNamedBy(dotGit);
  if (named === null) throw new Error(`${path}/.git does not name a git dir`);
  return named;
}

/** The git dir a `.git` file names (`gitdir: <path>`, relative to the file's folder), or null when it names none. */
export function gitDirNamedBy(dotGitFile: string): string | null {
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGitFile, 'utf8'));
  if (!match) return null;
  return isAbsolute(match[1]!) ? match[1]! : resolve(dotGitFile, '..', match[1]!);
}

/** The repository's common git dir a linked worktree's git dir names in its `commondir` file; null when it has none. */
export function commonDirOf(gitDir: string): string | null {
  let common: string;
  try {
    common = readFileSync(join(gitDir, 'commondir'), 'utf8').trim();
  } catch {
    return null;
  }
  return isAbsolute(common) ? common : resolve(gitDir, common);
}
