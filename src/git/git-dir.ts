/** Where a worktree's own git files (HEAD, index, MERGE_HEAD, …) are, read from its `.git`. */
import { readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

/** The per-worktree git dir: `<path>/.git` of a main checkout, the folder a linked worktree's `.git` file names. */
export function worktreeGitDir(path: string): string {
  const dotGit = join(path, '.git');
  if (statSync(dotGit).isDirectory()) return dotGit;
  const match = /^gitdir:\s*(.+?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
  if (!match) throw new Error(`${path}/.git does not name a git dir`);
  return isAbsolute(match[1]!) ? match[1]! : resolve(path, match[1]!);
}
