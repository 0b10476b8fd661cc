/**
 * Glob matching for repository-relative paths (`/` separators), gitignore-like, on picomatch:
 * a pattern without `/` matches the file name at any depth; a pattern with `/` is anchored at the
 * repository root (a leading `/` only anchors). `**` spans folders, `*` and `?` stay within one
 * segment, braces (`{src/**,lib/**}`) and classes (`[abc]`) work as in shells, and dot files
 * match like any other. A trailing `/` matches everything below a folder.
 */
import picomatch from 'picomatch';

const OPTIONS: picomatch.PicomatchOptions = { dot: true };

/** A compiled glob: `nameOnly` patterns are tested against the file name, the others against the whole path. */
export interface CompiledGlob {
  regex: RegExp;
  nameOnly: boolean;
}

const cache = new Map<string, CompiledGlob>();

export function compileGlob(pattern: string): CompiledGlob {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let p = pattern.trim().replace(/^\.\//, '');
  if (p.endsWith('/')) p += '**';
  const nameOnly = !p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  const compiled = { regex: picomatch.makeRe(p, OPTIONS), nameOnly };
  cache.set(pattern, compiled);
  return compiled;
}

export function normalizePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '');
}

export function matchesGlob(path: string, pattern: string): boolean {
  const { regex, nameOnly } = compileGlob(pattern);
  const normalized = normalizePath(path);
  return regex.test(nameOnly ? normalized.slice(normalized.lastIndexOf('/') + 1) : normalized);
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesGlob(path, pattern));
}

/** True when the pattern names one file (no glob characters), so it can be created directly. */
export const isLiteralPath = (pattern: string): boolean => !/[*?{}[\]]/.test(pattern) && !pattern.endsWith('/');
