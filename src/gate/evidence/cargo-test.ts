/** cargo test: `---- name stdout ----` sections holding the panic message. */
import { cleanMessage, type FailedTest, type Tally, type TestStatus } from './types.js';

/** cargo test: `test name ... ok|FAILED|ignored` per test, and one `test result:` line per test binary (summed). */
export function tallyCargoTest(output: string): Tally | null {
  const results = [...output.matchAll(/^test result: \w+\. (\d+) passed; (\d+) failed; (\d+) ignored/gm)];
  if (results.length === 0) return null;
  const tests = new Map<string, TestStatus>();
  for (const [, name, status] of output.matchAll(/^test (\S+)(?: - should panic)? \.\.\. (ok|FAILED|ignored)/gm)) {
    tests.set(name!, status === 'ok' ? 'passed' : status === 'FAILED' ? 'failed' : 'skipped');
  }
  const sum = (index: number) => results.reduce((total, result) => total + Number(result[index]), 0);
  return { format: 'cargo test', tests, namesPasses: true, totals: { passed: sum(1), failed: sum(2), skipped: sum(3) } };
}

export function parseCargoTest(output: string): FailedTest[] {
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^---- (.+?) stdout ----$/.exec(lines[i]!);
    if (!head) continue;
    const body: string[] = [];
    let inBacktrace = false;
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (/^---- .+ stdout ----$/.test(next) || /^(failures|successes):$/.test(next)) break;
      if (/^stack backtrace:/.test(next)) inBacktrace = true;
      else if (inBacktrace && !/^\s/.test(next)) inBacktrace = false;
      if (inBacktrace || /^note: /.test(next)) continue;
      body.push(next.replace(/^thread '([^']+)' \(\d+\) panicked/, "thread '$1' panicked"));
    }
    failures.push({ name: head[1]!, message: cleanMessage(body) });
  }
  return failures;
}
