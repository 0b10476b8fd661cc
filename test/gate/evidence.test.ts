import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';
import { buildEvidence, extractFailures, readTestReport, summaryLine } from '../../src/gate/evidence/index.js';

/** Real outputs captured from each runner on a suite with one failing assertion and one thrown error (go's two are hand-written from its documented format: go is not installed here). */
const fixture = (name: string) => readFileSync(join(packageRoot(), 'test', 'gate', 'fixtures', 'test-output', `${name}.txt`), 'utf8');

const cases: Array<[string, Array<[string, RegExp]>]> = [
  ['node-tap', [['adds two numbers', /-1 !== 3/], ['suite > inner fails', /boom inner/]]],
  ['node-spec', [['adds two numbers', /AssertionError[\s\S]*-1 !== 3/], ['inner fails', /Error: boom inner/]]],
  ['jest', [['adds two numbers', /Expected: 3\nReceived: -1/], ['suite > inner fails', /boom inner/]]],
  ['vitest', [['math.test.js > adds two numbers', /expected -1 to be 3/], ['math.test.js > suite > inner fails', /Error: boom inner/]]],
  ['mocha', [['adds two numbers', /-1 !== 3/], ['suite > inner fails', /Error: boom inner/]]],
  ['pytest', [['test_math.py::test_add', /assert -1 == 3/], ['test_math.py::TestSuite::test_inner', /ValueError: boom inner/]]],
  ['go', [['TestAdd', /add\(1, 2\) = -1; want 3/], ['TestSuite/inner', /boom inner/]]],
  ['go-verbose', [['TestAdd', /add\(1, 2\) = -1; want 3/], ['TestSuite/inner', /boom inner/]]],
  ['cargo', [['tests::panics', /boom inner/], ['tests::adds', /left: -1\n\s*right: 3/]]],
];

for (const [format, expected] of cases) {
  test(`${format} output yields each failing test with its message`, () => {
    const failures = extractFailures(fixture(format));
    assert.deepEqual(failures.map((failure) => failure.name), expected.map(([name]) => name));
    for (const [index, [, message]] of expected.entries()) assert.match(failures[index]!.message, message);
    for (const failure of failures) assert.doesNotMatch(failure.message, /^\s*at /m, 'stack frames are dropped');
  });
}

test('evidence lists failures first, then the tail, within its size bound', () => {
  const output = fixture('jest') + '\n' + 'noise\n'.repeat(2000);
  const evidence = buildEvidence(output, extractFailures(output), { headline: 'The test command `npm test` failed (exit 1).', maxChars: 3000 });
  assert.ok(evidence.length <= 3100, `${evidence.length}`);
  assert.match(evidence, /^The test command `npm test` failed \(exit 1\)\.\n\nFailing tests \(2\):\n✗ adds two numbers/);
  assert.match(evidence, /Last lines of output:\n(noise\n)+/);
});

test('many failures are summarized by name once the budget is spent', () => {
  const failures = Array.from({ length: 60 }, (_, i) => ({ name: `test number ${i}`, message: 'x'.repeat(200) }));
  const evidence = buildEvidence('', failures, { headline: 'h', maxChars: 3000 });
  assert.match(evidence, /… and \d+ more failing tests: test number/);
  assert.ok(evidence.length <= 3200);
});

test('absolute paths under the working folder are shown relative', () => {
  const evidence = buildEvidence('/work/slot/src/a.js:3 boom\n', [], { headline: 'h', cwd: '/work/slot' });
  assert.match(evidence, /^src\/a\.js:3 boom$/m);
});

/** Per-test reports: which tests ran and how each ended, as the regression rule reads them. */
const reports: Array<[string, { failed: string[]; passed: string[]; namesPasses: boolean; ran: number | null; formats: string[] }]> = [
  ['node-tap', { failed: ['adds two numbers', 'suite > inner fails'], passed: ['passes', 'suite > inner ok'], namesPasses: true, ran: 4, formats: ['node:test (TAP)'] }],
  ['node-spec', { failed: ['adds two numbers', 'suite > inner fails'], passed: ['passes', 'suite > inner ok'], namesPasses: true, ran: 4, formats: ['node:test (spec)'] }],
  ['jest', { failed: ['adds two numbers', 'suite > inner fails'], passed: [], namesPasses: false, ran: 3, formats: ['jest'] }],
  ['vitest', { failed: ['math.test.js > adds two numbers', 'math.test.js > suite > inner fails'], passed: [], namesPasses: false, ran: 3, formats: ['vitest'] }],
  ['mocha', { failed: ['adds two numbers', 'suite > inner fails'], passed: [], namesPasses: false, ran: 3, formats: ['mocha'] }],
  ['pytest', { failed: ['test_math.py::test_add', 'test_math.py::TestSuite::test_inner'], passed: [], namesPasses: false, ran: 3, formats: ['pytest'] }],
  ['pytest-verbose', { failed: ['test_math.py::test_add'], passed: ['test_math.py::test_ok', 'test_math.py::test_param[1]', 'test_math.py::test_param[2]'], namesPasses: true, ran: 4, formats: ['pytest'] }],
  ['pytest-none', { failed: [], passed: [], namesPasses: false, ran: 0, formats: ['pytest'] }],
  ['go', { failed: ['TestAdd', 'TestSuite/inner'], passed: [], namesPasses: false, ran: null, formats: ['go test'] }],
  ['go-verbose', { failed: ['TestAdd', 'TestSuite/inner'], passed: ['TestOK'], namesPasses: true, ran: 3, formats: ['go test'] }],
  ['cargo', { failed: ['tests::panics', 'tests::adds'], passed: ['tests::ok'], namesPasses: true, ran: 3, formats: ['cargo test'] }],
];

for (const [format, expected] of reports) {
  test(`${format} output yields which tests ran and how each ended`, () => {
    const output = fixture(format);
    const report = readTestReport(output, extractFailures(output));
    assert.ok(report, 'the format is recognised');
    const by = (status: string) => Object.keys(report.tests).filter((name) => report.tests[name] === status).sort();
    assert.deepEqual(by('failed'), [...expected.failed].sort());
    assert.deepEqual(by('passed'), [...expected.passed].sort());
    assert.equal(report.namesPasses, expected.namesPasses);
    assert.equal(report.ran, expected.ran);
    assert.deepEqual(report.formats, expected.formats);
  });
}

test('a test file that fails to load: its error reaches the evidence, and its path is made relative', () => {
  const output = fixture('node-tap-load-error');
  const failures = extractFailures(output);
  assert.equal(failures.length, 1);
  assert.match(failures[0]!.message, /ERR_MODULE_NOT_FOUND/);
  assert.match(failures[0]!.message, /Cannot find module '\/home\/user\/proj\/gen\/sub\.js'/);
  const report = readTestReport(output, failures, (name) => name.split('/home/user/proj/').join(''));
  assert.equal(report?.tests['test/gen.test.js'], 'failed');
  assert.equal(report?.tests['add adds two numbers'], 'passed');
  assert.equal(report?.ran, 4);
});

test('go packages without tests: nothing ran', () => {
  const report = readTestReport('?   \texample.com/demo\t[no test files]\nok  \texample.com/demo/x\t0.002s [no tests to run]\n', []);
  assert.equal(report?.ran, 0);
});

const summaries: Array<[string, ReturnType<typeof summaryLine>]> = [
  ['Ran 3 tests in 0.001s\n\nOK\n', 'tests'],
  ['Ran 0 tests in 0.000s\n\nOK\n', 'zero'],
  ['OK (12 tests, 30 assertions)\n', 'tests'],
  ['Finished in 0.01 seconds\n4 examples, 0 failures\n', 'tests'],
  ['0 examples, 0 failures\n', 'zero'],
  ['100% tests passed, 0 tests failed out of 7\n', 'tests'],
  ['\n> loop-sandbox@ test\n> node --test\n\n', 'none'],
  ['', 'none'],
  ['no tests ran\n', 'zero'],
];

for (const [output, expected] of summaries) {
  test(`an unreadable output ${JSON.stringify(output.slice(0, 40))} printed ${expected === 'tests' ? 'a test summary' : expected === 'zero' ? 'a summary of zero tests' : 'no test summary'}`, () => {
    assert.equal(readTestReport(output, []), null);
    assert.equal(summaryLine(output), expected);
  });
}
