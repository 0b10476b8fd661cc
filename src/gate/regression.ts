/**
 * The regression rule, shared by the gate and the merge queue (pure). A change lands only if
 * every test that passed on its base still passes, no test fails that did not fail on the base,
 * and the number of tests run did not drop. Failures already on the base are reported, not held
 * against unrelated work, so a repository with one failing legacy test still merges. "0 tests
 * ran" is never green. When the output is in no format loop reads per test, the run is judged by
 * its exit code plus "it printed a test summary", and the verdict says so.
 */
import type { TestReport } from './evidence/index.js';

/** One run of the test command on one tree, as the gate keeps it. */
export interface SuiteRun {
  /** From the exit: timed-out and error (could not run) are never judged per test. */
  status: 'passed' | 'failed' | 'timed-out' | 'error';
  exitCode: number | null;
  /** Per-test results; null when the output is in no known format. */
  report: TestReport | null;
  /** For unreadable output: whether it printed a test summary, and whether that said zero. */
  summary: 'tests' | 'zero' | 'none';
}

export interface Judgement {
  ok: boolean;
  /** per-test: compared test by test; exit-code: the output could not be read per test. */
  basis: 'per-test' | 'exit-code';
  /** Passed on the base, and failed, was skipped or did not run with the change. */
  broken: string[];
  /** Fail with the change, and did not fail on the base (new tests included). */
  newFailures: string[];
  /** Fail with the change as they did on the base: reported, not blocking. */
  preExisting: string[];
  ran: number | null;
  baseRan: number | null;
  /** One line for the board and the report. */
  summary: string;
}

const MAX_NAMES = 5;

/** `base` is the run of the change's base (the integration head it started from), or null when there is none to compare with. */
export function judgeRun(change: SuiteRun, base: SuiteRun | null): Judgement {
  const usableBase = base !== null && (base.status === 'passed' || base.status === 'failed') ? base : null;
  const verdict = (ok: boolean, summary: string, rest: Partial<Judgement> = {}): Judgement => ({
    ok, basis: 'per-test', broken: [], newFailures: [], preExisting: [], ran: change.report?.ran ?? null, baseRan: usableBase?.report?.ran ?? null, summary, ...rest,
  });
  if (change.status === 'timed-out') return verdict(false, 'the tests timed out');
  if (change.status === 'error') return verdict(false, 'the test command could not run');

  const report = change.report;
  if (report === null) {
    const how = 'judged by exit code: its output is in no format loop reads per test';
    if (change.exitCode !== 0) return verdict(false, `the test command failed (exit ${change.exitCode}; ${how})`, { basis: 'exit-code' });
    if (change.summary === 'zero') return verdict(false, `the test command exited 0 but its summary says no tests ran (${how})`, { basis: 'exit-code' });
    if (change.summary === 'none') return verdict(false, `the test command exited 0 but printed no test summary, so no test is known to have run (${how})`, { basis: 'exit-code' });
    return verdict(true, `tests passed (${how}, and it printed a test summary)`, { basis: 'exit-code' });
  }
  if (report.ran === 0) return verdict(false, 'no tests ran: a run of 0 tests is never green');

  const baseReport = usableBase?.report ?? null;
  const failing = (r: TestReport) => Object.keys(r.tests).filter((name) => r.tests[name] === 'failed');
  const failedNow = failing(report);
  const failedBefore = new Set(baseReport ? failing(baseReport) : []);
  const newFailures = failedNow.filter((name) => !failedBefore.has(name));
  const preExisting = failedNow.filter((name) => failedBefore.has(name));
  const broken = baseReport?.namesPasses
    ? Object.keys(baseReport.tests).filter((name) => baseReport.tests[name] === 'passed' && report.tests[name] !== 'passed')
    : [];
  const baseRan = baseReport?.ran ?? null;
  const dropped = report.ran !== null && baseRan !== null && report.ran < baseRan;
  // a non-zero exit no named failure explains, where the base exited 0: a crash, a file that did not load
  const unexplainedExit = change.exitCode !== 0 && newFailures.length === 0 && broken.length === 0 && (usableBase === null || usableBase.exitCode === 0);
  const rest = { broken, newFailures: newFailures.filter((name) => !broken.includes(name)), preExisting };

  const problems: string[] = [];
  if (broken.length > 0) problems.push(`broke ${plural(broken.length, 'test')} that passed on the base: ${names(broken.map((name) => (report.tests[name] === undefined ? `${name} (did not run)` : report.tests[name] === 'skipped' ? `${name} (skipped)` : name)))}`);
  if (rest.newFailures.length > 0) problems.push(`${plural(rest.newFailures.length, 'new failing test')}: ${names(rest.newFailures)}`);
  if (dropped) problems.push(`fewer tests ran than on the base (${report.ran} instead of ${baseRan})`);
  if (unexplainedExit) problems.push(`the test command exited ${change.exitCode}${usableBase ? ' where the base exited 0' : ''}, and no failing test was named`);
  if (problems.length > 0) return verdict(false, problems.join('; '), rest);

  const counted = report.ran === null ? '' : ` (${plural(report.ran, 'test')})`;
  if (preExisting.length > 0) {
    return verdict(true, `tests passed${counted} except ${plural(preExisting.length, 'test')} already failing on the base, not caused by this change: ${names(preExisting)}`, rest);
  }
  return verdict(true, `tests passed${counted}`, rest);
}

/** The rule as the gate actor's `judge` port answers it: the verdict with the evidence a repair prompt gets. */
export function gateVerdict(change: SuiteRun & { evidence: string }, base: SuiteRun | null): { ok: boolean; summary: string; broken: string[]; preExisting: string[]; evidence: string } {
  const judged = judgeRun(change, base);
  return { ok: judged.ok, summary: judged.summary, broken: judged.broken, preExisting: judged.preExisting, evidence: verdictEvidence(judged, change.evidence) };
}

/** What a repair prompt gets: the verdict in words, then the run's own evidence (failing tests with their messages, the output's last lines). */
function verdictEvidence(judged: Judgement, runEvidence: string): string {
  const lines = [`Verdict: ${judged.summary}.`];
  if (judged.broken.length > 0) lines.push(`These tests passed before the change and must pass after it: ${judged.broken.join('; ')}.`);
  if (judged.preExisting.length > 0) lines.push(`Already failing before the change (not held against it): ${judged.preExisting.join('; ')}.`);
  if (judged.basis === 'exit-code') lines.push('The test output is in no format loop reads test by test, so it was judged by its exit code and whether it printed a test summary.');
  return `${lines.join('\n')}\n\n${runEvidence}`;
}

function names(list: readonly string[]): string {
  const shown = list.slice(0, MAX_NAMES).join('; ');
  return list.length > MAX_NAMES ? `${shown} and ${list.length - MAX_NAMES} more` : shown;
}

const plural = (count: number, noun: string): string => `${count} ${noun}${count === 1 ? '' : 's'}`;
