import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';
import { buildEvidence, extractFailures } from '../../src/gate/evidence/index.js';

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
