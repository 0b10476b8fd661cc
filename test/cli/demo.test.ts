/** `loop demo`: the README's quick start really lands code: two engineers add subtract and multiply with their tests. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import test from 'node:test';
import { runLoop } from '../helpers/loop-cli.js';
import { git, tempDir } from '../helpers/temp.js';

test('the demo\'s sim engineers add subtract and multiply with their tests, the gate runs them, and main\'s suite passes with the new tests', async (t) => {
  const dir = join(tempDir(t, 'loop-demo-'), 'demo');
  const home = tempDir(t, 'loop-demo-home-');
  const result = await runLoop(['demo', '--dir', dir], { cwd: home, env: { LOOP_HOME: home }, t });
  assert.equal(result.code, 0, result.stdout + result.stderr);
  const math = readFileSync(join(dir, 'math.js'), 'utf8');
  assert.match(math, /export function subtract\(a, b\) \{\n {2}return a - b;\n\}/);
  assert.match(math, /export function multiply\(a, b\) \{\n {2}return a \* b;\n\}/);
  assert.match(math, /export function add\(a, b\)/);
  assert.deepEqual(git(dir, ['ls-files', 'test']).split('\n'), ['test/math.test.js', 'test/multiply.test.js', 'test/subtract.test.js']);
  // each change's tests run once, in the merge train that lands it (gate.preMergeTests: auto)
  assert.match(result.stdout, /t1 +be1 +captured +[0-9a-f]{7}; tamper check passed, tests in its merge train/);
  assert.match(result.stdout, /train +demo: [12] of [12] landed \(\d suite runs?\) · `npm test`: tests passed \(\d+ tests\)/);
  assert.match(result.stdout, /^landed: main fast-forwarded to [0-9a-f]{7} in demo \(t1, t2\)$/m);
  assert.match(result.stdout, /^main's suite after landing: npm test passes · 7 tests, 7 passed, 0 failed · new test files: test\/multiply\.test\.js, test\/subtract\.test\.js$/m);
  assert.match(readFileSync(join(dir, '.loop/runs/demo/logs/t1.1.log'), 'utf8'), /→ patch math\.js: 4 lines before "export function add"/);
});
