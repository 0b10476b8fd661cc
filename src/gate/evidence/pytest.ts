/** pytest: names from "short test summary info" (FAILED/ERROR lines), messages from the `E` lines of each failure section. */
import { cleanMessage, type FailedTest } from './types.js';

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
