/** jest (`● suite › test` blocks) and vitest (` FAIL  file > suite > test` blocks). */
import { cleanMessage, countsIn, type FailedTest, type Tally } from './types.js';

/** jest's `Tests: 2 failed, 1 skipped, 5 passed, 8 total` (tests by name only in --verbose, so failures are named by their ● blocks). */
export function tallyJest(output: string): Tally | null {
  const summary = /^Tests:\s+(.*\d+ total)\s*$/m.exec(output);
  if (!summary) return null;
  const counts = countsIn(summary[1]!);
  return { format: 'jest', tests: new Map(), namesPasses: false, totals: { passed: counts.get('passed') ?? 0, failed: counts.get('failed') ?? 0, skipped: (counts.get('skipped') ?? 0) + (counts.get('todo') ?? 0) } };
}

/** vitest's `Tests  2 failed | 1 passed (3)`. */
export function tallyVitest(output: string): Tally | null {
  const summary = /^\s*Tests\s+((?:\d+ \w+(?: \| )?)+)\s*\(\d+\)\s*$/m.exec(output);
  if (!summary) return /^\s*No test files found/m.test(output) ? { format: 'vitest', tests: new Map(), namesPasses: false, totals: { passed: 0, failed: 0, skipped: 0 }, nothingRan: true } : null;
  const counts = countsIn(summary[1]!);
  return { format: 'vitest', tests: new Map(), namesPasses: false, totals: { passed: counts.get('passed') ?? 0, failed: counts.get('failed') ?? 0, skipped: (counts.get('skipped') ?? 0) + (counts.get('todo') ?? 0) } };
}

export function parseJest(output: string): FailedTest[] {
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^\s{2}● (.+)$/.exec(lines[i]!);
    if (!head) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      if (/^\s{2}● /.test(next) || /^(Test Suites:|Tests:|FAIL |PASS |Summary of all failing tests)/.test(next)) break;
      body.push(next);
    }
    failures.push({ name: head[1]!.replace(/ › /g, ' > '), message: cleanMessage(body, 14) });
    i = j - 1;
  }
  return dedupe(failures);
}

export function parseVitest(output: string): FailedTest[] {
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^\s*FAIL\s+(.+? > .+?)\s*$/.exec(lines[i]!);
    if (!head) continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      if (/^⎯{3,}/.test(next.trim()) || /^\s*FAIL\s+.+ > /.test(next) || /^\s*Test Files\s/.test(next)) break;
      body.push(next);
    }
    failures.push({ name: head[1]!.replace(/\s+\[[^\]]*\]$/, ''), message: cleanMessage(body, 14) });
    i = j - 1;
  }
  return dedupe(failures);
}

/** jest repeats every failure under "Summary of all failing tests" when several files fail. */
function dedupe(failures: FailedTest[]): FailedTest[] {
  const seen = new Set<string>();
  return failures.filter((failure) => !seen.has(failure.name) && seen.add(failure.name));
}
