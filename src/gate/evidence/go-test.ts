/**
 * go test: `--- FAIL: TestName (0.00s)`. Without -v the test's log lines follow that line; with -v
 * they were streamed earlier, after `=== RUN   TestName`.
 */
import { cleanMessage, indentOf, type FailedTest, type Tally, type TestStatus } from './types.js';

/**
 * go test: with -v every test's `--- PASS/FAIL/SKIP: Name`; without it only failures, and one
 * `ok  <package>` line per package that passed (`[no test files]` or `[no tests to run]` when none ran).
 */
export function tallyGoTest(output: string): Tally | null {
  const results = [...output.matchAll(/^\s*--- (PASS|FAIL|SKIP): (\S+)/gm)];
  const packages = [...output.matchAll(/^(ok|FAIL|\?)\s+\S+\t(.*)$/gm)];
  if (results.length === 0 && packages.length === 0) return null;
  const all = new Map<string, TestStatus>();
  for (const [, status, name] of results) all.set(name!, status === 'PASS' ? 'passed' : status === 'FAIL' ? 'failed' : 'skipped');
  // a parent's result repeats its subtests' (TestSuite fails when TestSuite/inner does)
  const tests = new Map([...all].filter(([name]) => ![...all.keys()].some((other) => other.startsWith(`${name}/`))));
  const namesPasses = results.some(([, status]) => status === 'PASS');
  const nothingRan = packages.length > 0 && results.length === 0 && packages.every(([, , rest]) => /\[no test files\]|\[no tests to run\]/.test(rest!));
  const leaves = [...tests.values()];
  const totals = namesPasses ? { passed: leaves.filter((s) => s === 'passed').length, failed: leaves.filter((s) => s === 'failed').length, skipped: leaves.filter((s) => s === 'skipped').length } : null;
  return { format: 'go test', tests: namesPasses ? tests : new Map(), namesPasses, totals: nothingRan ? { passed: 0, failed: 0, skipped: 0 } : totals, nothingRan };
}

export function parseGoTest(output: string): FailedTest[] {
  const lines = output.split('\n');
  const streamed = new Map<string, string[]>();
  let running: string[] | null = null;
  for (const line of lines) {
    const run = /^=== (?:RUN|CONT)\s+(\S+)/.exec(line);
    if (run) {
      running = streamed.get(run[1]!) ?? [];
      streamed.set(run[1]!, running);
    } else if (/^\s*(--- |=== PAUSE|=== NAME|PASS$|FAIL$|ok\s|FAIL\s)/.test(line)) {
      running = null;
    } else if (running) {
      running.push(line);
    }
  }
  const failures: FailedTest[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^(\s*)--- FAIL: (\S+)/.exec(lines[i]!);
    if (!head) continue;
    const body: string[] = [];
    for (let j = i + 1; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.trim() === '' || indentOf(next) <= head[1]!.length || /^\s*--- (FAIL|PASS|SKIP):/.test(next)) break;
      body.push(next);
    }
    const name = head[2]!;
    failures.push({ name, message: cleanMessage(body.length > 0 ? body : (streamed.get(name) ?? [])) });
  }
  // a parent fails when a subtest does; keep the parent only if it has its own message
  return failures.filter((failure) => failure.message !== '' || !failures.some((other) => other.name.startsWith(`${failure.name}/`)));
}
