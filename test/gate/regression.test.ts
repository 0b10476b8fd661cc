/** The regression rule as a table: a change and its base's run in, a verdict and the names it gives out. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { judgeRun, type SuiteRun } from '../../src/gate/regression.js';
import type { TestStatus } from '../../src/gate/evidence/index.js';

/** A run whose output named every test (`p` passed, `f` failed, `s` skipped); exit 1 when any failed. */
function named(tests: Record<string, 'p' | 'f' | 's'>, exitCode?: number): SuiteRun {
  const statuses: Record<string, TestStatus> = {};
  for (const [name, code] of Object.entries(tests)) statuses[name] = code === 'p' ? 'passed' : code === 'f' ? 'failed' : 'skipped';
  const failed = Object.values(tests).includes('f');
  const code = exitCode ?? (failed ? 1 : 0);
  return {
    status: code === 0 ? 'passed' : 'failed', exitCode: code, summary: 'tests',
    report: { formats: ['node:test (TAP)'], tests: statuses, namesPasses: true, ran: Object.values(tests).filter((c) => c !== 's').length },
  };
}

/** A run whose runner names only failures and prints totals (jest, mocha, vitest). */
function counted(failed: string[], passed: number, exitCode = failed.length > 0 ? 1 : 0): SuiteRun {
  return {
    status: exitCode === 0 ? 'passed' : 'failed', exitCode, summary: 'tests',
    report: { formats: ['jest'], tests: Object.fromEntries(failed.map((name) => [name, 'failed' as const])), namesPasses: false, ran: failed.length + passed },
  };
}

/** A run in no format loop reads. */
const unreadable = (exitCode: number, summary: SuiteRun['summary']): SuiteRun => ({ status: exitCode === 0 ? 'passed' : 'failed', exitCode, report: null, summary });

const GREEN = named({ a: 'p', b: 'p', c: 'p' });
const LEGACY_RED = named({ a: 'p', b: 'p', legacy: 'f' });

const cases: Array<{ what: string; change: SuiteRun; base: SuiteRun | null; ok: boolean; broken?: string[]; newFailures?: string[]; preExisting?: string[]; basis?: string; summary: RegExp }> = [
  { what: 'all green, as on the base', change: named({ a: 'p', b: 'p', c: 'p', d: 'p' }), base: GREEN, ok: true, summary: /^tests passed \(4 tests\)$/ },
  { what: 'a test that passed on the base fails', change: named({ a: 'f', b: 'p', c: 'p' }), base: GREEN, ok: false, broken: ['a'], summary: /broke 1 test that passed on the base: a/ },
  { what: 'a test that passed on the base no longer runs (its file stopped loading)', change: named({ 'test/a.test.js': 'f', b: 'p', c: 'p' }), base: GREEN, ok: false, broken: ['a'], newFailures: ['test/a.test.js'], summary: /broke 1 test .*: a \(did not run\); 1 new failing test: test\/a\.test\.js/ },
  { what: 'a test that passed on the base is now skipped', change: named({ a: 's', b: 'p', c: 'p', d: 'p' }), base: GREEN, ok: false, broken: ['a'], summary: /a \(skipped\)/ },
  { what: 'a new test of the change fails', change: named({ a: 'p', b: 'p', c: 'p', d: 'f' }), base: GREEN, ok: false, newFailures: ['d'], summary: /1 new failing test: d/ },
  { what: 'a legacy failure on the base stays, nothing else breaks', change: named({ a: 'p', b: 'p', legacy: 'f', d: 'p' }), base: LEGACY_RED, ok: true, preExisting: ['legacy'], summary: /tests passed \(4 tests\) except 1 test already failing on the base, not caused by this change: legacy/ },
  { what: 'a legacy failure on the base, and the change breaks a passing test', change: named({ a: 'f', b: 'p', legacy: 'f' }), base: LEGACY_RED, ok: false, broken: ['a'], preExisting: ['legacy'], summary: /broke 1 test that passed on the base: a$/ },
  { what: 'the change fixes the legacy failure', change: named({ a: 'p', b: 'p', legacy: 'p' }), base: LEGACY_RED, ok: true, summary: /^tests passed \(3 tests\)$/ },
  { what: 'fewer tests ran than on the base', change: counted([], 2), base: counted([], 3), ok: false, summary: /fewer tests ran than on the base \(2 instead of 3\)/ },
  { what: 'zero tests ran', change: named({}), base: GREEN, ok: false, summary: /no tests ran/ },
  { what: 'zero tests ran and there is no base to compare with', change: counted([], 0), base: null, ok: false, summary: /no tests ran/ },
  { what: 'a failure-only runner: the same failure as on the base', change: counted(['legacy'], 5), base: counted(['legacy'], 4), ok: true, preExisting: ['legacy'], summary: /already failing on the base/ },
  { what: 'a failure-only runner: a new failure', change: counted(['legacy', 'sum > adds'], 4), base: counted(['legacy'], 4), ok: false, newFailures: ['sum > adds'], preExisting: ['legacy'], summary: /1 new failing test: sum > adds/ },
  { what: 'exit 1 with no failure named, where the base exited 0', change: named({ a: 'p', b: 'p', c: 'p' }, 1), base: GREEN, ok: false, summary: /exited 1 where the base exited 0, and no failing test was named/ },
  { what: 'exit 1 as on the legacy-red base, no new failure', change: named({ a: 'p', b: 'p', legacy: 'f' }), base: LEGACY_RED, ok: true, preExisting: ['legacy'], summary: /already failing/ },
  { what: 'no base run available: any failure blocks', change: named({ a: 'p', b: 'f' }), base: null, ok: false, newFailures: ['b'], summary: /1 new failing test: b/ },
  { what: 'a base that timed out is no base', change: named({ a: 'p', b: 'f' }), base: { status: 'timed-out', exitCode: null, report: null, summary: 'none' }, ok: false, newFailures: ['b'], summary: /new failing test: b/ },
  { what: 'the change timed out', change: { status: 'timed-out', exitCode: null, report: null, summary: 'none' }, base: GREEN, ok: false, summary: /timed out/ },
  { what: 'the command could not run', change: { status: 'error', exitCode: 127, report: null, summary: 'none' }, base: GREEN, ok: false, summary: /could not run/ },
  { what: 'unreadable output, exit 0, a test summary printed', change: unreadable(0, 'tests'), base: unreadable(0, 'tests'), ok: true, basis: 'exit-code', summary: /tests passed \(judged by exit code: its output is in no format loop reads per test, and it printed a test summary\)/ },
  { what: 'unreadable output, exit 0, no summary (npm test made a no-op)', change: unreadable(0, 'none'), base: unreadable(0, 'tests'), ok: false, basis: 'exit-code', summary: /exited 0 but printed no test summary/ },
  { what: 'unreadable output, exit 0, a summary of zero tests', change: unreadable(0, 'zero'), base: null, ok: false, basis: 'exit-code', summary: /summary says no tests ran/ },
  { what: 'unreadable output, exit 1', change: unreadable(1, 'tests'), base: unreadable(1, 'tests'), ok: false, basis: 'exit-code', summary: /failed \(exit 1; judged by exit code/ },
];

for (const c of cases) {
  test(`regression rule: ${c.what} → ${c.ok ? 'lands' : 'does not land'}`, () => {
    const verdict = judgeRun(c.change, c.base);
    assert.equal(verdict.ok, c.ok, verdict.summary);
    assert.deepEqual(verdict.broken, c.broken ?? []);
    assert.deepEqual(verdict.newFailures, c.newFailures ?? []);
    assert.deepEqual(verdict.preExisting, c.preExisting ?? []);
    assert.equal(verdict.basis, c.basis ?? 'per-test');
    assert.match(verdict.summary, c.summary);
  });
}

test('long lists of names are cut with a count', () => {
  const base = named(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`t${i}`, 'p' as const])));
  const change = named(Object.fromEntries(Array.from({ length: 8 }, (_, i) => [`t${i}`, 'f' as const])));
  assert.match(judgeRun(change, base).summary, /broke 8 tests that passed on the base: t0; t1; t2; t3; t4 and 3 more/);
});
