/**
 * Minimal glob matching for repository-relative paths (`/` separators), gitignore-like:
 * a pattern without `/` matches the file name at any depth; a pattern with `/` is anchored at the
 * repository root. `**` spans directories, `*` and `?` stay within one segment, `{a,b}` and
 * `[abc]` work as in shells. A trailing `/` or `/**` matches everything below a directory.
 */
const cache = new Map<string, RegExp>();

export function globToRegExp(pattern: string): RegExp {
  const hit = cache.get(pattern);
  if (hit) return hit;
  let p = pattern.trim().replace(/^\.\//, '');
  if (p.endsWith('/')) p += '**';
  const anchored = p.includes('/');
  if (p.startsWith('/')) p = p.slice(1);
  let re = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') {
      if (p[i + 1] === '*') {
        const atSegmentStart = i === 0 || p[i - 1] === '/';
        const slashAfter = p[i + 2] === '/';
        i += 1;
        if (atSegmentStart && slashAfter) {
          re += '(?:.*/)?';
          i += 1;
        } else {
          re += '.*';
        }
      } else {
        re += '[^/]*';
      }
    } else if (c === '?') {
      re += '[^/]';
    } else if (c === '{') {
      const end = p.indexOf('}', i);
      if (end === -1) {
        re += '\\{';
      } else {
        re += '(?:' + p.slice(i + 1, end).split(',').map(escapeLiteral).join('|') + ')';
        i = end;
      }
    } else if (c === '[') {
      const end = p.indexOf(']', i);
      if (end === -1) {
        re += '\\[';
      } else {
        re += '[' + p.slice(i + 1, end).replace(/^!/, '^').replace(/\\/g, '\\\\') + ']';
        i = end;
      }
    } else {
      re += escapeLiteral(c);
    }
  }
  const compiled = new RegExp(anchored ? `^${re}$` : `^(?:.*/)?${re}$`);
  cache.set(pattern, compiled);
  return compiled;
}

function escapeLiteral(text: string): string {
  return text.replace(/[.+^${}()|[\]\\*?]/g, '\\$&');
}

export function matchesGlob(path: string, pattern: string): boolean {
  return globToRegExp(pattern).test(path.replace(/\\/g, '/').replace(/^\.\//, ''));
}

export function matchesAny(path: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesGlob(path, pattern));
}

/** True when the pattern names one file (no glob characters), so it can be created directly. */
export const isLiteralPath = (pattern: string): boolean => !/[*?{}[\]]/.test(pattern) && !pattern.endsWith('/');
