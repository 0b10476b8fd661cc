/**
 * The programs a shell command line starts (pure): `PYTHONPATH=src python3 -m pytest` → python3,
 * `uv sync && uv run pytest` → uv, `cd api && make test` → make. Used to check, before anything is
 * spent, that a setup or test command can run on this machine. It reads the simple shapes setup
 * and test commands take; whatever it cannot read with confidence (variables, substitutions,
 * subshells, relative paths a setup may create) it leaves out, so it never reports a false missing
 * program.
 */

/** Shell builtins and keywords: not programs on PATH. */
const BUILTINS = new Set([
  'cd', 'export', 'set', 'unset', 'true', 'false', 'exit', 'echo', 'printf', 'test', '[', '[[', 'source', '.', 'eval',
  'alias', 'read', 'shift', 'trap', 'umask', 'wait', 'return', 'local', 'pwd', 'type', 'hash', ':', 'fi', 'done', 'esac',
  'for', 'case', 'function', 'select', 'ulimit',
]);
/** Words that run the next word as the command. */
const PREFIXES = new Set(['if', 'then', 'else', 'elif', 'while', 'until', 'do', '!', 'exec', 'command', 'time', 'nice', 'nohup', 'sudo', 'env']);
const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

export function commandPrograms(command: string): string[] {
  const programs: string[] = [];
  for (const segment of splitSegments(command)) {
    const words = splitWords(segment);
    if (words === null) continue;
    const program = firstProgram(words);
    if (program !== null && !programs.includes(program)) programs.push(program);
  }
  return programs;
}

function firstProgram(words: string[]): string | null {
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (ASSIGNMENT.test(word)) continue;
    if (PREFIXES.has(word)) {
      // `sudo -u me prog`, `nice -n 5 prog`: which options take a value is theirs to know
      if (words[i + 1]?.startsWith('-')) return null;
      continue;
    }
    if (BUILTINS.has(word)) return null;
    if (/[$`(){}*?<>|;&\\]/.test(word) || word === '') return null;
    // `./gradlew`, `node_modules/.bin/jest`: relative paths may be created by the setup itself
    if (word.includes('/') && !word.startsWith('/')) return null;
    return word;
  }
  return null;
}

/** Splits on `&&`, `||`, `;`, `|`, `&` and newlines outside quotes. */
function splitSegments(command: string): string[] {
  const segments: string[] = [];
  let current = '';
  let quote: string | null = null;
  for (let i = 0; i < command.length; i++) {
    const c = command[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else if (c === '\\' && quote === '"') current += command[++i] ?? '';
      current += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      current += c;
    } else if (c === '\\') {
      current += c + (command[++i] ?? '');
    } else if (c === ';' || c === '\n' || c === '|' || c === '&') {
      // `2>&1` and `&>` are redirections, not separators
      if (c === '&' && (command[i - 1] === '>' || command[i + 1] === '>')) {
        current += c;
        continue;
      }
      segments.push(current);
      current = '';
      if ((c === '&' || c === '|') && command[i + 1] === c) i += 1;
    } else {
      current += c;
    }
  }
  segments.push(current);
  return segments.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Words of one simple command with quotes removed; null when a quote is left open. */
function splitWords(segment: string): string[] | null {
  const words: string[] = [];
  let current: string | null = null;
  let quote: string | null = null;
  for (let i = 0; i < segment.length; i++) {
    const c = segment[i]!;
    if (quote) {
      if (c === quote) quote = null;
      else current = (current ?? '') + c;
    } else if (c === '"' || c === "'") {
      quote = c;
      current ??= '';
    } else if (/\s/.test(c)) {
      if (current !== null) words.push(current);
      current = null;
    } else {
      current = (current ?? '') + c;
    }
  }
  if (quote) return null;
  if (current !== null) words.push(current);
  return words;
}
