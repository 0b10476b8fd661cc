/** jest (`● suite › test` blocks) and vitest (` FAIL  file > suite > test` blocks). */
import { cleanMessage, type FailedTest } from './types.js';

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
