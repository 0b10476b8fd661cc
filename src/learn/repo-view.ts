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

/**
 * How strongly a repository vouches for a command, strongest first:
 * - `entry`: an entry point the project defines itself (a Makefile target, an npm script, a tox env, a pre-commit hook,
 *   a Maven/Gradle plugin goal, a just recipe);
 * - `config`: a tool the project configures (pytest settings, a ruff or rustfmt config, a lockfile for the installer);
 * - `ci`: a command its CI runs;
 * - `toolchain`: the build tool's own standard command, implied by the manifest alone (`go test ./...` beside go.mod);
 * - `fallback`: used only when nothing else names one (a Makefile's deps target as the install command).
 */
export type CommandOrigin = 'entry' | 'config' | 'ci' | 'toolchain' | 'fallback';
export const ORIGIN_RANK: Record<CommandOrigin, number> = { entry: 0, config: 1, ci: 2, toolchain: 3, fallback: 4 };

export interface Candidate extends FoundCommand {
  kind: CommandKind;
  origin: CommandOrigin;
}

/** What one ecosystem's manifests say about the project. */
export interface Detection {
  packageManager?: string;
  name?: string;
  /** Every command this ecosystem's files name, in its own order of preference. */
  candidates: Candidate[];
  frameworks: string[];
  notes: string[];
  /** Test-file globs the ecosystem's own config adds (pytest testpaths, python_files). */
  testPatterns: string[];
}

export const emptyDetection = (): Detection => ({ candidates: [], frameworks: [], notes: [], testPatterns: [] });

/** `file line N (what)`, the shape every command source takes; the line is 1-based and left out when unknown. */
export function sourceAt(file: string, line: number | undefined, what?: string): string {
  return `${file}${line === undefined ? '' : ` line ${line}`}${what ? ` (${what})` : ''}`;
}

/** 1-based line of a character offset. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line += 1;
  return line;
}
