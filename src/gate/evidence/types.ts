/** One failing test as a parser found it in a runner's output. */
export interface FailedTest {
  name: string;
  /** The assertion message and what locates it; stack frames dropped. */
  message: string;
}

export type OutputParser = (output: string) => FailedTest[];

/** Lines of a message with stack frames, object dumps and blank runs dropped, capped. */
export function cleanMessage(lines: string[], maxLines = 12): string {
  const kept: string[] = [];
  for (const raw of lines) {
    const line = raw.replace(/\s+$/, '');
    const trimmed = line.trim();
    if (/^at\s/.test(trimmed) || /^\d+:\s+\S+::/.test(trimmed) || /^at \//.test(trimmed)) continue;
    if (trimmed === '' && (kept.length === 0 || kept[kept.length - 1] === '')) continue;
    kept.push(line.length > 240 ? `${line.slice(0, 237)}...` : line);
    if (kept.length >= maxLines) break;
  }
  while (kept.length > 0 && kept[kept.length - 1] === '') kept.pop();
  // dedent by the first line's indentation (continuation lines may sit further left)
  const first = kept.find((line) => line.trim() !== '');
  const indent = first === undefined ? 0 : indentOf(first);
  return kept.map((line) => line.slice(Math.min(indent, indentOf(line)))).join('\n');
}

export const indentOf = (line: string): number => line.length - line.trimStart().length;

export type TestStatus = 'passed' | 'failed' | 'skipped';

/** Counts a runner prints in its own summary line. */
export interface Totals {
  passed: number;
  failed: number;
  skipped: number;
}

/** What one runner's output says ran: each test it names (leaves only) and its own totals. */
export interface Tally {
  format: string;
  /** Tests named in the output with their outcome; empty when the runner names only failures (then `namesPasses` is false). */
  tests: Map<string, TestStatus>;
  namesPasses: boolean;
  totals: Totals | null;
  /** The runner said outright that no test ran (`no tests ran`, `[no test files]` for every package). */
  nothingRan?: boolean;
}

/** Reads one runner's output; null when the output is not in its format. */
export type TallyReader = (output: string) => Tally | null;

/** Numbers before words in a summary line: `2 failed, 5 passed` → {failed: 2, passed: 5}. */
export function countsIn(text: string): Map<string, number> {
  const counts = new Map<string, number>();
  for (const match of text.matchAll(/(\d+) ([a-z]+)/gi)) counts.set(match[2]!.toLowerCase(), (counts.get(match[2]!.toLowerCase()) ?? 0) + Number(match[1]));
  return counts;
}

/**
 * Marks which of a sequence of results are leaves. Runners print a test's children before the
 * test's own result line, one nesting level deeper, so a result is a parent exactly when deeper
 * results came since the previous result at its level.
 */
export class LeafTracker {
  private deeper: boolean[] = [];
  /** Call for each result in output order; true when it is a leaf. */
  result(level: number): boolean {
    const parent = this.deeper[level] === true;
    this.deeper.length = level;
    for (let i = 0; i < level; i++) this.deeper[i] = true;
    return !parent;
  }
}
