/** pytest: names from "short test summary info" (FAILED/ERROR lines), messages from the `E` lines of each failure section. */
import { cleanMessage, countsIn, type FailedTest, type Tally, type TestStatus } from './types.js';

const PYTEST_SUMMARY = /^=*\s*((?:\d+ (?:failed|passed|skipped|deselected|xfailed|xpassed|warnings?|errors?|rerun)(?:, )?)+) in [\d.]+s(?: \([^)]*\))?\s*=*$/m;
const VERBOSE_RESULT = /^(\S+::.+?) (PASSED|FAILED|SKIPPED|ERROR|XFAIL|XPASS)\b.*$/;

/** pytest's closing line (`2 failed, 5 passed in 0.85s`), and with -v each test's outcome. */
export function tallyPytest(output: string): Tally | null {
  const summary = PYTEST_SUMMARY.exec(output);
  const nothing = /^=*\s*no tests ran in [\d.]+s\s*=*$/m.test(output);
  if (!summary && !nothing) return null;
  const counts = countsIn(summary?.[1] ?? '');
  const tests = new Map<string, TestStatus>();
  for (const line of output.split('\n')) {
    const result = VERBOSE_RESULT.exec(line);
    if (!result) continue;
    const status = result[2]!;
    // named like the failure parser's, so a test keeps one name whichever part of the output saw it
    tests.set(status === 'ERROR' ? `${result[1]} (error)` : result[1]!, status === 'PASSED' || status === 'XPASS' ? 'passed' : status === 'FAILED' || status === 'ERROR' ? 'failed' : 'skipped');
  }
  const totals = {
    passed: (counts.get('passed') ?? 0) + (counts.get('xpassed') ?? 0),
    failed: (counts.get('failed') ?? 0) + (counts.get('error') ?? 0) + (counts.get('errors') ?? 0),
    skipped: (counts.get('skipped') ?? 0) + (counts.get('xfailed') ?? 0),
  };
  return { format: 'pytest', tests, namesPasses: tests.size > 0, totals, ...(nothing ? { nothingRan: true } : {}) };
}

export function parsePytest(output: string): FailedTest[] {
  const lines = output.split('\n');
  const sections = new Map<string, string[]>();
  let current: string[] | null = null;
  let location = '';
  for (const line of lines) {
    const title = /^_{3,} (.+?) _{3,}$/.exec(line);
    if (title) {
      current = [];
      sections.set(title[1]!, current);
      location = '';
      continue;
    }
    if (/^={3,} .* ={3,}$/.test(line)) {
      current = null;
      continue;
    }
    if (current && /^E\s/.test(line)) current.push(line.slice(1).trimStart());
    else if (current && /^\S+:\d+: \w+/.test(line) && !location) {
      location = line.trim();
      current.push(`(${location})`);
    }
  }
  const failures: FailedTest[] = [];
  for (const line of lines) {
    const summary = /^(FAILED|ERROR) (\S+)(?: - (.*))?$/.exec(line);
    if (!summary) continue;
    const id = summary[2]!;
    // section titles are `test_add` or `TestSuite.test_inner` (parametrized: `test_x[1]`)
    const title = id.split('::').slice(1).join('.') || id;
    const body = sections.get(title) ?? sections.get(`ERROR collecting ${id}`) ?? [];
    const message = body.length > 0 ? cleanMessage(body) : (summary[3] ?? '');
    failures.push({ name: summary[1] === 'ERROR' ? `${id} (error)` : id, message });
  }
  return failures;
}
