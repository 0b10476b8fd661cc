/**
 * What a test run's output says, in the formats of node:test (TAP and spec), jest, vitest, mocha,
 * pytest, go test and cargo test: which tests ran and how each ended (the regression rule compares
 * two runs by it), and failure evidence — the failing tests with their assertion messages, then
 * the last lines. Evidence goes word for word into a repair prompt, so it is bounded (a few KB)
 * and keeps what a developer would look at first.
 */
import { parseCargoTest, tallyCargoTest } from './cargo-test.js';
import { parseGoTest, tallyGoTest } from './go-test.js';
import { parseJest, parseVitest, tallyJest, tallyVitest } from './jest.js';
import { parseMocha, tallyMocha } from './mocha.js';
import { parseNodeSpec, parseNodeTap, tallyNodeSpec, tallyNodeTap } from './node-test.js';
import { parsePytest, tallyPytest } from './pytest.js';
import type { FailedTest, OutputParser, Tally, TallyReader, TestStatus } from './types.js';

export type { FailedTest, TestStatus } from './types.js';

const PARSERS: OutputParser[] = [parseNodeTap, parseNodeSpec, parseJest, parseVitest, parseMocha, parsePytest, parseGoTest, parseCargoTest];
const TALLIES: TallyReader[] = [tallyNodeTap, tallyNodeSpec, tallyJest, tallyVitest, tallyMocha, tallyPytest, tallyGoTest, tallyCargoTest];

/** Per-test results of one run, as far as its output says. */
export interface TestReport {
  /** The runner formats recognised, e.g. ['node:test (TAP)']. */
  formats: string[];
  /** Outcome per named test: every test when the runner names passes, otherwise the failing ones. */
  tests: Record<string, TestStatus>;
  /** True when `tests` names passing tests too (so "passed on the base" can be checked by name). */
  namesPasses: boolean;
  /** Tests that ran (passed + failed); null when the runner does not say how many. */
  ran: number | null;
}

/**
 * The per-test report of an output, or null when it is in no format loop reads (the gate then
 * judges by exit code and whether a test summary was printed). `failures` are extractFailures'
 * result; `relative` turns absolute paths in names (node names a file that failed to load by its
 * path) into repository-relative ones, so runs in different slots compare.
 */
export function readTestReport(output: string, failures: readonly FailedTest[], relative: (text: string) => string = (text) => text): TestReport | null {
  const tallies: Tally[] = [];
  for (const read of TALLIES) {
    try {
      const tally = read(output);
      if (tally) tallies.push(tally);
    } catch {
      continue; // an odd output is read by the others, or judged by exit code
    }
  }
  if (tallies.length === 0 && failures.length === 0) return null;
  const tests: Record<string, TestStatus> = {};
  const named = tallies.filter((tally) => tally.tests.size > 0);
  for (const tally of named) for (const [name, status] of tally.tests) tests[relative(name)] = status;
  // runners that name only failures: the failure parsers' names (with the messages' naming)
  if (named.length === 0) for (const failure of failures) tests[relative(failure.name)] = 'failed';
  const namesPasses = named.some((tally) => tally.namesPasses);
  const counted = tallies.filter((tally) => tally.totals !== null);
  const ran = counted.length > 0
    ? counted.reduce((sum, tally) => sum + tally.totals!.passed + tally.totals!.failed, 0)
    : namesPasses ? Object.values(tests).filter((status) => status !== 'skipped').length : null;
  return { formats: tallies.map((tally) => tally.format), tests, namesPasses, ran: tallies.some((tally) => tally.nothingRan) && (ran ?? 0) === 0 ? 0 : ran };
}

/**
 * For output in no known format: did the run print a test summary at all, and did it say zero?
 * (`Ran 3 tests`, `OK (3 tests)`, `3 examples, 0 failures`, `100% tests passed … out of 3`.)
 */
export function summaryLine(output: string): 'tests' | 'zero' | 'none' {
  const numbers: number[] = [];
  const patterns = [
    /\bRan (\d+) tests?\b/g, /\bOK \((\d+) tests?/g, /\bTests: (\d+)/g, /\b(\d+) (?:tests?|examples?|specs?|scenarios?)(?: completed)?,? /g,
    /\b(\d+) (?:passed|passing|tests? passed)\b/g, /\bout of (\d+)\b/g, /^# tests (\d+)$/gm,
  ];
  for (const pattern of patterns) for (const match of output.matchAll(pattern)) numbers.push(Number(match[1]));
  if (/\bno tests (?:ran|found|to run)\b|\bNo tests found\b/i.test(output) && numbers.every((n) => n === 0)) return 'zero';
  if (numbers.length === 0) return 'none';
  return numbers.some((n) => n > 0) ? 'tests' : 'zero';
}

/** Every failing test any known format reports, in output order per format, names deduplicated. */
export function extractFailures(output: string): FailedTest[] {
  const seen = new Set<string>();
  const failures: FailedTest[] = [];
  for (const parse of PARSERS) {
    let found: FailedTest[];
    try {
      found = parse(output);
    } catch {
      continue; // a parser tripping on an odd format must never hide the tail
    }
    for (const failure of found) {
      if (seen.has(failure.name)) continue;
      seen.add(failure.name);
      failures.push(failure);
    }
  }
  return failures;
}

export interface EvidenceOptions {
  /** One line on top saying what happened (timeout, could not start, exit code). */
  headline: string;
  /** Stripped from absolute paths so locations read `src/x.ts:3`. */
  cwd?: string;
  maxChars?: number;
  tailLines?: number;
}

export function lastLines(output: string, lines: number, maxChars: number): string {
  const all = output.replace(/\s+$/, '').split('\n');
  let text = all.slice(-lines).join('\n');
  if (text.length > maxChars) text = `…${text.slice(text.length - maxChars + 1)}`;
  return text;
}

export function buildEvidence(output: string, failures: FailedTest[], options: EvidenceOptions): string {
  const maxChars = options.maxChars ?? 4000;
  const relative = (text: string) => (options.cwd ? text.split(`${options.cwd}/`).join('') : text);
  const parts: string[] = [options.headline];
  let failureBudget = Math.floor(maxChars * 0.65) - options.headline.length;
  if (failures.length > 0) {
    const blocks: string[] = [`Failing tests (${failures.length}):`];
    let shown = 0;
    for (const failure of failures) {
      const message = relative(failure.message).split('\n').map((line) => `    ${line}`).join('\n');
      const block = message.trim() === '' ? `✗ ${failure.name}` : `✗ ${failure.name}\n${message}`;
      if (block.length > failureBudget && shown > 0) break;
      blocks.push(block.length > failureBudget ? `${block.slice(0, Math.max(0, failureBudget - 3))}...` : block);
      failureBudget -= block.length + 1;
      shown++;
    }
    if (shown < failures.length) blocks.push(`… and ${failures.length - shown} more failing tests: ${failures.slice(shown).map((f) => f.name).join(', ').slice(0, 300)}`);
    parts.push(blocks.join('\n'));
  }
  const used = parts.join('\n\n').length;
  const tailBudget = Math.max(600, maxChars - used - 30);
  // with failures found, the tail only needs the runner's summary lines
  const tail = relative(lastLines(output, options.tailLines ?? (failures.length > 0 ? 12 : 40), tailBudget));
  if (tail.trim() !== '') parts.push(`Last lines of output:\n${tail}`);
  return parts.join('\n\n');
}
