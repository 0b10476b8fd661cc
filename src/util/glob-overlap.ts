/**
 * Whether two file scopes (globs from a plan's `files`) could name the same file, decided
 * conservatively: "no" only when no path can match both, "yes" whenever that cannot be ruled out.
 * Scheduling uses it so two tasks that might edit the same file never run at once.
 *
 * How a scope is read (a superset of what picomatch matches, so the answer stays safe):
 *   - `./` and a leading `/` are dropped; `{a,b}` is expanded (nested braces, or an extglob with a
 *     `/` inside: everything below the plain folders in front of them);
 *   - a plain path (`src/math.js`, `src/api`) covers that file or folder and everything below it;
 *     a trailing `/` (`src/api/`) the same;
 *   - a glob without `/` (`*.md`) matches at any depth, as in .gitignore and loop's protected paths;
 *   - `**` spans any number of folders, `*`, `?`, `[…]` and extglobs stay within one folder name.
 *
 * The rule: compare the two scopes folder by folder from the start, and from the end once a `**` is
 * reached. Two names conflict when both are plain and differ, when a plain one does not match the
 * other's glob (picomatch), or when two globs' fixed starts or ends cannot both hold. Anything not
 * ruled out that way overlaps.
 */
import picomatch from 'picomatch';

const GLOBSTAR = '**';
const MAX_EXPANSIONS = 64;

type Segments = readonly string[];

const isGlob = (segment: string): boolean => picomatch.scan(segment).isGlob;

/** A scope as folder-name segments (one list per brace alternative). */
export function scopeSegments(scope: string): Segments[] {
  let text = scope.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/^\/+/, '');
  if (text === '' || text === '.') return [[GLOBSTAR]];
  if (text.endsWith('/')) text += GLOBSTAR;
  // Braces we do not expand, or an extglob spanning folders: everything below the plain folders in front.
  const alternatives = /[@!?*+]\([^)]*\//.test(text) ? null : expandBraces(text);
  if (alternatives === null) {
    const base = picomatch.scan(text).base;
    return [[...(base === '' ? [] : base.split('/')), GLOBSTAR]];
  }
  return alternatives.map((alternative) => {
    const segments = alternative.split('/').filter((s) => s !== '' && s !== '.');
    if (segments.length === 0) return [GLOBSTAR];
    if (!segments.some(isGlob)) return [...segments, GLOBSTAR];
    if (segments.length === 1) return [GLOBSTAR, segments[0]!];
    return segments;
  });
}

/** `{a,b}` alternatives without nesting; null when braces nest or expand too far. */
function expandBraces(text: string): string[] | null {
  const open = text.indexOf('{');
  if (open === -1) return [text];
  const close = text.indexOf('}', open);
  if (close === -1) return [text];
  const inner = text.slice(open + 1, close);
  if (inner.includes('{')) return null;
  const out: string[] = [];
  for (const option of inner.split(',')) {
    const rest = expandBraces(text.slice(0, open) + option + text.slice(close + 1));
    if (rest === null) return null;
    out.push(...rest);
    if (out.length > MAX_EXPANSIONS) return null;
  }
  return out;
}

/** True when some file could be matched by both scopes (or that cannot be ruled out). */
export function scopesOverlap(a: string, b: string): boolean {
  const key = a < b ? `${a}\0${b}` : `${b}\0${a}`;
  let known = memo.get(key);
  if (known === undefined) {
    known = scopeSegments(a).some((x) => scopeSegments(b).some((y) => segmentsOverlap(x, y)));
    memo.set(key, known);
  }
  return known;
}
const memo = new Map<string, boolean>();

/** True when any scope of one list overlaps any scope of the other. */
export function scopeListsOverlap(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.some((y) => scopesOverlap(x, y)));
}

function segmentsOverlap(a: Segments, b: Segments): boolean {
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length && a[i] !== GLOBSTAR && b[j] !== GLOBSTAR) {
    if (!namesOverlap(a[i]!, b[j]!)) return false;
    i += 1;
    j += 1;
  }
  if (i === a.length || j === b.length) {
    // One ran out: the other must have nothing left but `**` (which also matches no folder).
    const rest = i === a.length ? b.slice(j) : a.slice(i);
    return rest.every((s) => s === GLOBSTAR);
  }
  // A `**` on at least one side: compare the ends.
  let ia = a.length;
  let jb = b.length;
  while (ia > i && jb > j && a[ia - 1] !== GLOBSTAR && b[jb - 1] !== GLOBSTAR) {
    if (!namesOverlap(a[ia - 1]!, b[jb - 1]!)) return false;
    ia -= 1;
    jb -= 1;
  }
  const middleA = a.slice(i, ia);
  const middleB = b.slice(j, jb);
  // A middle without `**` is a fixed number of names; the other side's fixed names must fit in it.
  if (!middleA.includes(GLOBSTAR)) return middleA.length >= middleB.filter((s) => s !== GLOBSTAR).length;
  if (!middleB.includes(GLOBSTAR)) return middleB.length >= middleA.filter((s) => s !== GLOBSTAR).length;
  return true;
}

/** Whether one folder or file name could satisfy both patterns. */
function namesOverlap(x: string, y: string): boolean {
  if (x === y) return true;
  const globX = isGlob(x);
  const globY = isGlob(y);
  if (!globX && !globY) return false;
  if (!globX) return picomatch.isMatch(x, y, { dot: true });
  if (!globY) return picomatch.isMatch(y, x, { dot: true });
  const [startX, endX] = fixedEnds(x);
  const [startY, endY] = fixedEnds(y);
  return (startX.startsWith(startY) || startY.startsWith(startX)) && (endX.endsWith(endY) || endY.endsWith(endX));
}

/** The plain text before the first and after the last glob character of a name. */
function fixedEnds(name: string): [string, string] {
  const magic = /[*?[\]()!+@{}]/g;
  const first = name.search(magic);
  let last = -1;
  for (let m = magic.exec(name); m !== null; m = magic.exec(name)) last = m.index;
  return [name.slice(0, first), name.slice(last + 1)];
}
