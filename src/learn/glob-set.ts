/**
 * A set of globs compiled into one fast matcher, with the same answers as `matchesAny` from
 * src/util/glob.ts. A scan asks it about every one of 100 000 paths, and one alternation of
 * `^(?:.*\/)?…$` regexes backtracks through every slash for every pattern, so the set is split:
 * `**\/name/**` folder patterns become substring checks, patterns without `/` are matched against
 * the file name only, and the rest go through one combined regex.
 */
import { globToRegExp } from '../util/glob.js';

export type PathMatcher = (path: string) => boolean;

const FOLDER_ANYWHERE = /^\*\*\/([^*?{}[\]/]+)\/\*\*$/;
const NEVER = /(?!)/;

export function compileGlobs(patterns: readonly string[]): PathMatcher {
  const folders: string[] = [];
  const names: string[] = [];
  const paths: string[] = [];
  for (const raw of patterns) {
    const pattern = raw.trim().replace(/^\.\//, '');
    const folder = FOLDER_ANYWHERE.exec(pattern);
    if (folder) folders.push(folder[1]!);
    else if (!pattern.includes('/') && !pattern.includes('**')) names.push(globToRegExp(`/${pattern}`).source);
    else paths.push(globToRegExp(pattern).source);
  }
  const nameRe = names.length > 0 ? new RegExp(names.join('|')) : NEVER;
  const pathRe = paths.length > 0 ? new RegExp(paths.join('|')) : NEVER;
  const inner = folders.map((name) => `/${name}/`);
  const leading = folders.map((name) => `${name}/`);
  return (rawPath) => {
    const path = rawPath.includes('\\') || rawPath.startsWith('./') ? rawPath.replace(/\\/g, '/').replace(/^\.\//, '') : rawPath;
    for (let i = 0; i < inner.length; i++) {
      if (path.startsWith(leading[i]!) || path.includes(inner[i]!)) return true;
    }
    if (nameRe.test(path.slice(path.lastIndexOf('/') + 1))) return true;
    return pathRe.test(path);
  };
}
