/**
 * The files `loop learn` looks at. Inside git: tracked files plus untracked ones git does not ignore
 * (what the team would see and commit). Outside git: a walk that skips dependency, build and state
 * folders. Paths are relative to the scanned directory, with `/` separators.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { exec } from '../util/exec.js';

export interface FileList {
  files: string[];
  /** 'git' when the list came from git, 'walk' otherwise. */
  via: 'git' | 'walk';
}

/** Folders a walk never enters: VCS data, dependencies, build output, loop's own state. */
export const WALK_SKIP_DIRS: ReadonlySet<string> = new Set([
  '.git', 'node_modules', 'vendor', 'dist', 'build', '.venv', 'target', '.loop',
]);

/** git can take a while on a huge cold repository; past this we fall back to the walk. */
const GIT_TIMEOUT_MS = 120_000;

export async function listFiles(dir: string): Promise<FileList> {
  const fromGit = await gitFiles(dir);
  return fromGit ? { files: fromGit, via: 'git' } : { files: walkFiles(dir), via: 'walk' };
}

async function gitFiles(dir: string): Promise<string[] | null> {
  let result;
  try {
    // core.quotePath does not matter with -z; a relative listing keeps paths under `dir`.
    result = await exec('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
      cwd: dir,
      timeoutMs: GIT_TIMEOUT_MS,
    });
  } catch {
    return null; // git is not installed
  }
  if (result.code !== 0) return null; // not inside a work tree
  return parseLsFiles(result.stdout);
}

/**
 * `git ls-files -z` output → file paths. An unmerged path is listed once per index stage, on
 * adjacent lines, and counts once; a trailing `/` is an untracked nested repository, which is not a
 * file of this one. (A Set would do the same but costs a hash of every path of a 100 000-file repo.)
 */
export function parseLsFiles(output: string): string[] {
  const paths: string[] = [];
  let previous = '';
  let start = 0;
  while (start < output.length) {
    let end = output.indexOf('\0', start);
    if (end === -1) end = output.length;
    if (end > start && output.charCodeAt(end - 1) !== SLASH) {
      const path = output.slice(start, end);
      if (path !== previous) paths.push(path);
      previous = path;
    }
    start = end + 1;
  }
  return paths;
}

const SLASH = 0x2f;

export function walkFiles(root: string): string[] {
  const files: string[] = [];
  const pending: string[] = [''];
  while (pending.length > 0) {
    const rel = pending.pop()!;
    let entries;
    try {
      entries = readdirSync(rel === '' ? root : join(root, rel), { withFileTypes: true });
    } catch {
      continue; // unreadable folder: skip it, as git would
    }
    for (const entry of entries) {
      const path = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        if (!WALK_SKIP_DIRS.has(entry.name)) pending.push(path);
      } else if (entry.isFile()) {
        files.push(path);
      }
    }
  }
  return files.sort();
}
