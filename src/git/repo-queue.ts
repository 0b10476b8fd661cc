/**
 * Per-repository serialization of worktree administration and ref updates. Concurrent
 * `git worktree add`/`remove` on one repository fail with "failed to read .git/worktrees/<x>/commondir",
 * and concurrent ref writers race on packed-refs (research/machine-limits.md §2.5).
 *
 * The key is the real path of the common git dir, found synchronously from the file system, so a
 * slot path and the repository path share one queue and the order of calls is the order of the queue.
 * This is in-process only: worktree administration must stay in one process (the one owning the
 * SlotPool); ref updates elsewhere are still safe because they are compare-and-swap.
 *
 * Not re-entrant: `fn` must not call `serialize` for the same repository (it would wait on itself).
 */
import { realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { commonDirOf, gitDirNamedBy } from './git-dir.js';

const tails = new Map<string, Promise<void>>();
const keys = new Map<string, string>();

export function serialize<T>(repo: string, fn: () => Promise<T>): Promise<T> {
  const key = queueKey(repo);
  const previous = tails.get(key) ?? Promise.resolve();
  const result = previous.then(fn);
  const tail = result.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  void tail.then(() => {
    if (tails.get(key) === tail) tails.delete(key);
  });
  return result;
}

/** The real path of the common git dir of the repository or worktree containing `path`. */
export function queueKey(path: string): string {
  const absolute = resolve(path);
  const cached = keys.get(absolute);
  if (cached) return cached;
  const key = findCommonDir(absolute) ?? safeRealpath(absolute);
  keys.set(absolute, key);
  return key;
}

function findCommonDir(start: string): string | null {
  let dir = start;
  for (;;) {
    const dotGit = join(dir, '.git');
    const stat = statOrNull(dotGit);
    if (stat?.isDirectory()) return safeRealpath(dotGit);
    if (stat?.isFile()) {
      const gitDir = gitDirNamedBy(dotGit);
      if (gitDir !== null) return safeRealpath(commonDirOf(gitDir) ?? gitDir);
    }
    // a bare repository is its own git dir
    if (statOrNull(join(dir, 'HEAD'))?.isFile() && statOrNull(join(dir, 'objects'))?.isDirectory()) return safeRealpath(dir);
    const parent = dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}

function statOrNull(path: string) {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

function safeRealpath(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
