/**
 * Read access to the scanned files for the manifest detectors. Only files in the scan's list are
 * visible, so a manifest git ignores (or one inside node_modules) is never read.
 */
import { closeSync, fstatSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CommandKind, FoundCommand } from './types.js';

/** Manifests are small; a huge one is generated and not worth parsing. */
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export interface RepoView {
  root: string;
  files: readonly string[];
  /** Paths at most two folders deep (manifests, lockfiles, CI workflows), for cheap lookups. */
  shallow: readonly string[];
  has(path: string): boolean;
  /** The file's text, or undefined when it is not in the scan, unreadable or too large. */
  read(path: string): string | undefined;
}

const SHALLOW_DEPTH = 2;

export function createRepoView(root: string, files: readonly string[]): RepoView {
  // Manifests live near the root: a set of the shallow paths answers almost every lookup without
  // hashing all 100 000 paths; the full set is built only if something deeper is asked for.
  const shallow = files.filter((path) => depthAtMost(path, SHALLOW_DEPTH));
  const shallowSet = new Set(shallow);
  let everything: Set<string> | undefined;
  const has = (path: string) =>
    depthAtMost(path, SHALLOW_DEPTH) ? shallowSet.has(path) : (everything ??= new Set(files)).has(path);
  return {
    root,
    files,
    shallow,
    has,
    read: (path) => (has(path) ? readText(join(root, path)) : undefined),
  };
}

function depthAtMost(path: string, depth: number): boolean {
  let at = -1;
  for (let i = 0; i <= depth; i++) {
    at = path.indexOf('/', at + 1);
    if (at === -1) return true;
  }
  return false;
}

function readText(path: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const stats = fstatSync(fd);
    if (!stats.isFile() || stats.size > MAX_MANIFEST_BYTES) return undefined;
    return readFileSync(fd, 'utf8').replace(/^\uFEFF/, '');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

/** What one ecosystem's manifests say about the project. */
export interface Detection {
  packageManager?: string;
  name?: string;
  commands: Partial<Record<CommandKind, FoundCommand>>;
  frameworks: string[];
  notes: string[];
  /** Test-file globs the ecosystem's own config adds (pytest testpaths, python_files). */
  testPatterns: string[];
}

export const emptyDetection = (): Detection => ({ commands: {}, frameworks: [], notes: [], testPatterns: [] });
