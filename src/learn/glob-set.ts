/**
 * A set of globs compiled into one fast matcher, with the same answers as `matchesAny` from
 * src/util/glob.ts. A scan asks it about every one of 100 000 paths, and testing each pattern's
 * regex in turn backtracks through every slash for every pattern, so the set is split:
 * `**\/name/**` folder patterns become substring checks, file-name patterns are joined into one
 * regex over the file name, and the rest into one regex over the whole path.
 */
import { compileGlob, normalizePath } from '../util/glob.js';

export type PathMatcher = (path: string) => boolean;

const FOLDER_ANYWHERE = /^\*\*\/([^*?{}[\]/]+)\/\*\*$/;
const NEVER = /(?!)/;

export function compileGlobs(patterns: readonly string[]): PathMatcher {
  const folders: string[] = [];
  const names: string[] = [];
  const paths: string[] = [];
  for (const raw of patterns) {
    const folder = FOLDER_ANYWHERE.exec(raw.trim().replace(/^\.\//, ''));
    if (folder) {
      folders.push(folder[1]!);
      continue;
    }
    const { regex, nameOnly } = compileGlob(raw);
    (nameOnly ? names : paths).push(regex.source);
  }
  const nameRe = names.length > 0 ? new RegExp(names.join('|')) : NEVER;
  const pathRe = paths.length > 0 ? new RegExp(paths.join('|')) : NEVER;
  const inner = folders.map((name) => `/${name}/`);
  const leading = folders.map((name) => `${name}/`);
  // picomatch lets `**/name/**` match the folder's own path too
  const trailing = folders.map((name) => `/${name}`);
  return (rawPath) => {
    const path = rawPath.includes('\\') || rawPath.startsWith('./') ? normalizePath(rawPath) : rawPath;
    for (let i = 0; i < inner.length; i++) {
      if (path.startsWith(leading[i]!) || path.includes(inner[i]!) || path === folders[i] || path.endsWith(trailing[i]!)) return true;
    }
    if (nameRe.test(path.slice(path.lastIndexOf('/') + 1))) return true;
    return pathRe.test(path);
  };
}
