/** node:test output: the TAP reporter (default when stdout is not a TTY on Node 20) and the spec reporter. */
import { cleanMessage, countsIn, indentOf, LeafTracker, type FailedTest, type Tally, type TestStatus } from './types.js';

const TAP_MARKER = /^\s*(TAP version|not ok \d+)/m;
const TAP_RESULT = /^(\s*)(not ok|ok) \d+(?: - (.*?))?(?:\s+#\s*(TODO|SKIP)\b.*)?$/i;
/** node's own totals at the end of a TAP stream (`# pass 3`). */
const TAP_TOTAL = /^# (tests|suites|pass|fail|cancelled|skipped|todo|duration_ms) [\d.]+$/;

/** One `ok`/`not ok` line of a TAP stream, with its place in the subtest tree. */
interface TapResult {
  /** Index of the line (its YAML block follows). */
  index: number;
  indent: number;
  level: number;
  ok: boolean;
  /** Joined with the names of the enclosing subtests: `suite > inner fails`. */
  name: string;
  /** A `# SKIP` or `# TODO` directive: the outcome does not count. */
  directive: boolean;
  /** `# ` lines printed at the top level before a top-level result (a test file's own output). */
  printed: string[];
}

function* tapResults(lines: readonly string[]): Generator<TapResult> {
  const path: string[] = [];
  let printed: string[] = [];
  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!;
    const subtest = /^(\s*)# Subtest: (.*)$/.exec(line);
    if (subtest) {
      const level = Math.floor(subtest[1]!.length / 4);
      path.length = level;
      path[level] = subtest[2]!;
      continue;
    }
    if (/^# /.test(line) && !TAP_TOTAL.test(line)) {
      printed.push(line.slice(2));
      continue;
    }
    const result = TAP_RESULT.exec(line);
    if (!result) continue;
    const indent = result[1]!.length;
    const level = Math.floor(indent / 4);
    yield { index, indent, level, ok: result[2] === 'ok', name: [...path.slice(0, level), result[3] ?? ''].join(' > '), directive: result[4] !== undefined, printed: indent === 0 ? printed : [] };
    if (indent === 0) printed = [];
  }
}

export function parseNodeTap(output: string): FailedTest[] {
  if (!TAP_MARKER.test(output)) return [];
  const lines = output.split('\n');
  const failures: FailedTest[] = [];
  for (const result of tapResults(lines)) {
    if (result.ok || result.directive) continue;
    const yaml = readYamlBlock(lines, result.index + 1, result.indent + 2);
    if (yaml.failureType === 'subtestsFailed') continue;
    // a file whose tests never started fails with a bare "test failed"; what it printed is the reason
    const own = (yaml.error ?? '').trim() === 'test failed' && result.printed.length > 0 ? result.printed : (yaml.error ?? '').split('\n');
    const message = cleanMessage(own);
    failures.push({ name: result.name, message: yaml.location ? `${message}\n(${yaml.location})` : message });
  }
  return failures;
}

/** Every leaf test of a node:test TAP stream with its outcome, and node's own totals. */
export function tallyNodeTap(output: string): Tally | null {
  if (!TAP_MARKER.test(output) && !/^\s*ok \d+/m.test(output)) return null;
  const lines = output.split('\n');
  const tests = new Map<string, TestStatus>();
  const leaves = new LeafTracker();
  for (const result of tapResults(lines)) {
    const leaf = leaves.result(result.level);
    // a parent counts only when it failed by itself (a failing hook), not through its children
    if (!leaf && (result.ok || readYamlBlock(lines, result.index + 1, result.indent + 2).failureType === 'subtestsFailed')) continue;
    tests.set(result.name, result.directive ? 'skipped' : result.ok ? 'passed' : 'failed');
  }
  return { format: 'node:test (TAP)', tests, namesPasses: true, totals: tapTotals(lines) };
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
