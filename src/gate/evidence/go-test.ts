/**
 * go test: `--- FAIL: TestName (0.00s)`. Without -v the test's log lines follow that line; with -v
 * they were streamed earlier, after `=== RUN   TestName`.
 */
import { cleanMessage, indentOf, type FailedTest } from './types.js';

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
