/** mocha's spec reporter: after "N failing", numbered blocks `1) suite\n   test:` then the error. */
import { cleanMessage, indentOf, type FailedTest, type Tally } from './types.js';

/** mocha's `N passing (11ms)`, `N failing`, `N pending` lines (it always prints the first). */
export function tallyMocha(output: string): Tally | null {
  const passing = /^\s*(\d+) passing(?: \([\d.]+m?s\))?\s*$/m.exec(output);
  if (!passing) return null;
  const failing = /^\s*(\d+) failing\s*$/m.exec(output);
  const pending = /^\s*(\d+) pending\s*$/m.exec(output);
  return { format: 'mocha', tests: new Map(), namesPasses: false, totals: { passed: Number(passing[1]), failed: Number(failing?.[1] ?? 0), skipped: Number(pending?.[1] ?? 0) } };
}

export function parseMocha(output: string): FailedTest[] {
  const lines = output.split('\n');
  const start = lines.findIndex((line) => /^\s*\d+ failing\s*$/.test(line));
  if (start === -1) return [];
  const failures: FailedTest[] = [];
  for (let i = start + 1; i < lines.length; i++) {
    const head = /^(\s*)(\d+)\) (.*)$/.exec(lines[i]!);
    if (!head) continue;
    const indent = head[1]!.length;
    const nameParts = [head[3]!];
    let j = i + 1;
    // the title continues on deeper-indented lines until one ends with ':'
    while (!nameParts[nameParts.length - 1]!.endsWith(':') && j < lines.length && lines[j]!.trim() !== '') nameParts.push(lines[j++]!.trim());
    const body: string[] = [];
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      if (/^\s*\d+\) /.test(next) && indentOf(next) === indent) break;
      body.push(next);
    }
    failures.push({ name: nameParts.join(' > ').replace(/:$/, ''), message: cleanMessage(body.filter((line) => !/^\s*[+-] expected - actual\s*$/.test(line))) });
    i = j - 1;
  }
  return failures;
}
