/** node:test output: the TAP reporter (default when stdout is not a TTY on Node 20) and the spec reporter. */
import { cleanMessage, countsIn, indentOf, LeafTracker, type FailedTest, type Tally, type TestStatus } from './types.js';

const TAP_MARKER = /^\s*(TAP version|not ok \d+)/m;
const TAP_RESULT = /^(\s*)(not ok|ok) \d+(?: - (.*?))?(?:\s+#\s*(TODO|SKIP)\b.*)?$/i;
/** node's own totals at the end of a TAP stream (`# pass 3`). */
const TAP_TOTAL = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/;

export function parseNodeTap(output: string): FailedTest[] {
  if (!TAP_MARKER.test(output)) return [];
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  const path: string[] = [];
  // What a test file printed before its result (a module that failed to load says why here).
  let diagnostics: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const level = Math.floor(subtest[1]!.length / 4);
      path.length = level;
      path[level] = subtest[2]!;
      continue;
    }
    if (/^# /.test(line) && !TAP_TOTAL.test(line)) {
      diagnostics.push(line.slice(2));
      continue;
    }
    const result = TAP_RESULT.exec(line);
    if (!result) continue;
    const printed = result[1]!.length === 0 ? diagnostics : [];
    if (result[1]!.length === 0) diagnostics = [];
    if (result[2] !== 'not ok' || result[4] !== undefined) continue;
    const level = Math.floor(result[1]!.length / 4);
    const name = [...path.slice(0, level), result[3] ?? ''].join(' > ');
    const yaml = readYamlBlock(lines, i + 1, result[1]!.length + 2);
    if (yaml.failureType === 'subtestsFailed') continue;
    // a file whose tests never started fails with a bare "test failed"; what it printed is the reason
    const own = (yaml.error ?? '').trim() === 'test failed' && printed.length > 0 ? printed : (yaml.error ?? '').split('\n');
    const message = cleanMessage(own);
    failures.push({ name, message: yaml.location ? `${message}\n(${yaml.location})` : message });
  }
  return failures;
}

/** Every leaf test of a node:test TAP stream with its outcome, and node's own totals. */
export function tallyNodeTap(output: string): Tally | null {
  if (!TAP_MARKER.test(output) && !/^\s*ok \d+/m.test(output)) return null;
  const lines = output.split('\n');
  const tests = new Map<string, TestStatus>();
  const path: string[] = [];
  const leaves = new LeafTracker();
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const level = Math.floor(subtest[1]!.length / 4);
      path.length = level;
      path[level] = subtest[2]!;
      continue;
    }
    const result = TAP_RESULT.exec(line);
    if (!result) continue;
    const level = Math.floor(result[1]!.length / 4);
    const leaf = leaves.result(level);
    const failureType = result[2] === 'not ok' ? readYamlBlock(lines, i + 1, result[1]!.length + 2).failureType : undefined;
    // a parent counts only when it failed by itself (a failing hook), not through its children
    if (!leaf && (result[2] === 'ok' || failureType === 'subtestsFailed')) continue;
    const name = [...path.slice(0, level), result[3] ?? ''].join(' > ');
    tests.set(name, result[4] !== undefined ? 'skipped' : result[2] === 'ok' ? 'passed' : 'failed');
  }
  const totals = tapTotals(lines);
  return { format: 'node:test (TAP)', tests, namesPasses: true, totals };
}

function tapTotals(lines: string[]): Tally['totals'] {
  const found = new Map<string, number>();
  for (const line of lines) {
    const total = /^# (pass|fail|cancelled|skipped|todo) (\d+)$/.exec(line);
    if (total) found.set(total[1]!, Number(total[2]));
  }
  if (!found.has('pass') || !found.has('fail')) return null;
  return { passed: found.get('pass')!, failed: found.get('fail')! + (found.get('cancelled') ?? 0), skipped: (found.get('skipped') ?? 0) + (found.get('todo') ?? 0) };
}

/** The few fields of a TAP YAML diagnostic block we use. */
function readYamlBlock(lines: string[], start: number, indent: number): { error?: string; location?: string; failureType?: string } {
  const found: { error?: string; location?: string; failureType?: string } = {};
  if (lines[start]?.trim() !== '---') return found;
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    if (line.trim() === '...') break;
    if (indentOf(line) !== indent) continue;
    const field = /^\s*(error|location|failureType):\s*(.*)$/.exec(line);
    if (!field) continue;
    const key = field[1] as 'error' | 'location' | 'failureType';
    let value = field[2]!;
    if (value === '|-' || value === '|' || value === '>-') {
      const block: string[] = [];
      for (let j = i + 1; j < lines.length && (indentOf(lines[j]!) > indent || lines[j]!.trim() === ''); j++) block.push(lines[j]!);
      value = block.join('\n');
    } else {
      value = value.replace(/^'(.*)'$/, '$1').replace(/''/g, "'");
    }
    found[key] = key === 'location' ? value.replace(/^.*\//, '') : value;
  }
  return found;
}

const SPEC_RESULT = /^(\s*)(✔|✖|﹣) (.*?)(?: \([\d.]+m?s\))?(?: # (SKIP|TODO)\b.*)?$/;

/** Every leaf test of the spec reporter's output with its outcome, and the `ℹ` totals. */
export function tallyNodeSpec(output: string): Tally | null {
  const lines = output.split('\n');
  const summary = lines.findIndex((line) => /^ℹ tests \d+$/.test(line.trim()));
  if (summary === -1) return null;
  const tests = new Map<string, TestStatus>();
  const suites: string[] = [];
  const leaves = new LeafTracker();
  for (let i = 0; i < summary; i++) {
    const line = lines[i]!;
    const suite = /^(\s*)▶ (.*?)$/.exec(line);
    if (suite && !/\([\d.]+m?s\)$/.test(suite[2]!)) {
      const level = suite[1]!.length / 2;
      suites.length = level;
      suites[level] = suite[2]!;
      continue;
    }
    const result = SPEC_RESULT.exec(line) ?? (suite ? [line, suite[1]!, '▶', suite[2]!.replace(/ \([\d.]+m?s\)$/, '')] : null);
    if (!result) continue;
    const level = Math.floor(result[1]!.length / 2);
    if (!leaves.result(level) || result[2] === '▶') continue;
    const name = [...suites.slice(0, level), result[3]!].join(' > ');
    tests.set(name, result[4] !== undefined || result[2] === '﹣' ? 'skipped' : result[2] === '✔' ? 'passed' : 'failed');
  }
  const counts = countsIn(lines.slice(summary, summary + 10).map((line) => line.replace(/^ℹ (\w+) (\d+)/, '$2 $1')).join('\n'));
  const totals = counts.has('pass') ? { passed: counts.get('pass')!, failed: (counts.get('fail') ?? 0) + (counts.get('cancelled') ?? 0), skipped: (counts.get('skipped') ?? 0) + (counts.get('todo') ?? 0) } : null;
  return { format: 'node:test (spec)', tests, namesPasses: true, totals };
}

/** The spec reporter: the "✖ failing tests:" summary when present, otherwise every ✖ line followed by a message. */
export function parseNodeSpec(output: string): FailedTest[] {
  const lines = output.split('\n');
  const summary = lines.findIndex((line) => /^✖ failing tests:/.test(line.trim()));
  const failures: FailedTest[] = [];
  for (let i = summary === -1 ? 0 : summary + 1; i < lines.length; i++) {
    const match = /^(\s*)✖ (.*?)(?: \([\d.]+m?s\))?$/.exec(lines[i]!);
    if (!match || match[2] === 'failing tests:') continue;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length; j++) {
      const next = lines[j]!;
      if (next.trim() !== '' && indentOf(next) <= match[1]!.length) break;
      body.push(next);
    }
    if (body.every((line) => line.trim() === '')) continue; // a suite line: its tests carry the messages
    const location = summary !== -1 ? /^test at (.*)$/.exec(lines[i - 1]?.trim() ?? '')?.[1] : undefined;
    const message = cleanMessage(body.filter((line) => !/^\s*(generatedMessage|code|actual|expected|operator):|^\s*[{}]\s*$/.test(line)));
    failures.push({ name: match[2]!, message: location ? `${message}\n(${location})` : message });
    i = j - 1;
  }
  return failures;
}
