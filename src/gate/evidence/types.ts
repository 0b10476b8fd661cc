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
