import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir, writeFiles } from '../helpers/temp.js';
import { runTests } from '../../src/gate/test-runner.js';

function project(t: Parameters<typeof tempDir>[0], files: Record<string, string>) {
  const dir = tempDir(t, 'loop-tests-');
  writeFiles(dir, files);
  return { dir, logFile: join(dir, 'logs', 'tests.log') };
}

const FAILING = {
  'math.js': 'export const add = (a, b) => a - b;\n',
  'math.test.js': [
    "import { test } from 'node:test';",
    "import assert from 'node:assert/strict';",
    "import { add } from './math.js';",
    "test('adds two numbers', () => { assert.equal(add(2, 3), 5, 'add(2, 3) should be 5'); });",
    "test('adds zero', () => { assert.equal(add(4, 0), 4); });",
    '',
  ].join('\n'),
  'package.json': '{"type":"module"}\n',
};

test('a failing node:test suite reports the failing test and its assertion message as evidence', async (t) => {
  const { dir, logFile } = project(t, FAILING);
  const run = await runTests({ cwd: dir, command: 'node --test', timeoutMs: 60_000, logFile });
  assert.equal(run.status, 'failed');
  assert.equal(run.exitCode, 1);
  assert.deepEqual(run.failures, ['adds two numbers']);
  assert.match(run.evidence, /✗ adds two numbers/);
  assert.match(run.evidence, /add\(2, 3\) should be 5/);
  assert.ok(run.evidence.length <= 4500, `evidence is bounded (${run.evidence.length})`);
  const log = readFileSync(logFile, 'utf8');
  assert.match(log, /\$ node --test/);
  assert.match(log, /not ok 1 - adds two numbers/);
  assert.match(log, /\[loop\] exit 1 after \d+ ms/);
});

test('a passing suite is passed with the tests that ran, each by name', async (t) => {
  const { dir, logFile } = project(t, { ...FAILING, 'math.js': 'export const add = (a, b) => a + b;\n' });
  const run = await runTests({ cwd: dir, command: 'node --test', timeoutMs: 60_000, logFile });
  assert.equal(run.status, 'passed');
  assert.deepEqual(run.failures, []);
  assert.deepEqual(run.report, { formats: ['node:test (TAP)'], tests: { 'adds two numbers': 'passed', 'adds zero': 'passed' }, namesPasses: true, ran: 2 });
  assert.match(run.evidence, /^The test command `node --test` exited 0\./, 'the gate may still refuse a green run (fewer tests than the base), so the output is kept');
  assert.match(run.outputTail, /# pass 2/);
});

test('a command that exits 0 without running any test prints no summary and has no report', async (t) => {
  const { dir, logFile } = project(t, {});
  const run = await runTests({ cwd: dir, command: 'echo building', timeoutMs: 60_000, logFile });
  assert.equal(run.status, 'passed');
  assert.equal(run.report, null);
  assert.equal(run.summary, 'none');
});

test('a hanging test command is killed with its whole process group at the timeout', async (t) => {
  const { dir, logFile } = project(t, {});
  // the shell starts a background grandchild that would hold stdout open forever
  const command = 'sleep 300 & echo "grandchild $!"; echo started; sleep 300';
  const run = await runTests({ cwd: dir, command, timeoutMs: 1500, logFile });
  assert.equal(run.status, 'timed-out');
  assert.match(run.evidence, /did not finish within 1\.5 s and was killed/);
  assert.match(run.evidence, /started/);
  const grandchild = Number(/grandchild (\d+)/.exec(run.outputTail)?.[1]);
  assert.ok(grandchild > 0);
  assert.equal(await diesSoon(grandchild), true, 'the grandchild died with the group');
});

test('background processes a passing suite leaves behind are killed too', async (t) => {
  const { dir, logFile } = project(t, {});
  const run = await runTests({ cwd: dir, command: 'sleep 300 > /dev/null 2>&1 & echo "server $!"', timeoutMs: 30_000, logFile });
  assert.equal(run.status, 'passed');
  const server = Number(/server (\d+)/.exec(run.outputTail)?.[1]);
  assert.equal(await diesSoon(server), true);
});

test('a missing test command is an error, not a test failure', async (t) => {
  const { dir, logFile } = project(t, {});
  const run = await runTests({ cwd: dir, command: 'definitely-not-a-command-xyz', timeoutMs: 30_000, logFile });
  assert.equal(run.status, 'error');
  assert.equal(run.exitCode, 127);
  assert.match(run.evidence, /could not run \(exit 127/);
});

test('cancelling through the AbortSignal kills the run', async (t) => {
  const { dir, logFile } = project(t, {});
  const controller = new AbortController();
  const running = runTests({ cwd: dir, command: 'echo ready; sleep 300', timeoutMs: 60_000, logFile, signal: controller.signal });
  controller.abort();
  const run = await running;
  assert.equal(run.status, 'error');
  assert.match(run.evidence, /cancelled/);
});

test('unknown output formats fall back to the last lines of output', async (t) => {
  const { dir, logFile } = project(t, {});
  const run = await runTests({ cwd: dir, command: 'for i in $(seq 1 100); do echo "line $i"; done; echo "custom runner: 3 problems"; exit 2', timeoutMs: 30_000, logFile });
  assert.equal(run.status, 'failed');
  assert.deepEqual(run.failures, []);
  assert.match(run.evidence, /failed \(exit 2\)/);
  assert.match(run.evidence, /Last lines of output:\n[\s\S]*line 100\ncustom runner: 3 problems/);
  assert.doesNotMatch(run.evidence, /line 1\n/);
});

/**
 * `npm test` runs the package's test script without npm when npm would run only that. The `npm` on
 * PATH here is a stand-in that leaves a mark and fails, so a run that started it shows.
 */
function withFakeNpm(dir: string): { env: NodeJS.ProcessEnv; npmRan: () => boolean } {
  const bin = join(dir, '.fake-bin');
  mkdirSync(bin, { recursive: true });
  const mark = join(dir, '.npm-ran');
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "npm $*" > '${mark}'\necho 'fake npm: not the real one' >&2\nexit 3\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  return { env: { PATH: `${bin}:${process.env['PATH']}` }, npmRan: () => existsSync(mark) };
}

const ENV_PRINTER = `node -e "for (const k of ['npm_lifecycle_event','npm_package_name','npm_package_version','INIT_CWD']) console.log(k + '=' + process.env[k])" && local-check`;

test('npm test runs the test script itself, with npm\'s variables and node_modules/.bin on PATH', async (t) => {
  const { dir, logFile } = project(t, {
    'package.json': JSON.stringify({ name: 'demo', version: '2.0.0', scripts: { test: ENV_PRINTER } }),
    'node_modules/.bin/local-check': '#!/bin/sh\necho "local bin ran"\n',
  });
  chmodSync(join(dir, 'node_modules/.bin/local-check'), 0o755);
  const npm = withFakeNpm(dir);
  const run = await runTests({ cwd: dir, command: 'npm test', timeoutMs: 60_000, logFile, env: npm.env });
  assert.equal(run.status, 'passed', run.evidence);
  assert.equal(npm.npmRan(), false, 'npm itself was not started');
  for (const line of ['npm_lifecycle_event=test', 'npm_package_name=demo', 'npm_package_version=2.0.0', `INIT_CWD=${dir}`, 'local bin ran']) {
    assert.match(run.outputTail, new RegExp(line.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')));
  }
  assert.match(run.evidence, /^The test command `npm test` exited 0\./, 'messages name the command as configured');
  assert.match(readFileSync(logFile, 'utf8'), /^\$ node -e .* \(the script `npm test` runs, run as npm would without starting npm\)/);
});

test('npm test with a pretest script, or with arguments, starts npm as configured', async (t) => {
  const { dir, logFile } = project(t, { 'package.json': JSON.stringify({ scripts: { pretest: 'echo pre', test: 'echo test' } }) });
  const npm = withFakeNpm(dir);
  const run = await runTests({ cwd: dir, command: 'npm test', timeoutMs: 60_000, logFile, env: npm.env });
  assert.equal(npm.npmRan(), true);
  assert.equal(run.status, 'failed');
  assert.match(run.outputTail, /fake npm/);

  const plain = project(t, { 'package.json': JSON.stringify({ scripts: { test: 'echo test' } }) });
  const npm2 = withFakeNpm(plain.dir);
  await runTests({ cwd: plain.dir, command: 'npm test -- --verbose', timeoutMs: 60_000, logFile: plain.logFile, env: npm2.env });
  assert.equal(npm2.npmRan(), true);
});

/** Alive and not a zombie (a killed process stays a zombie until something reaps it, and in a container pid 1 may not). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return !/^\d+ \(.*\) Z/.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return true;
  }
}

/** SIGKILL is delivered asynchronously: poll with a bounded deadline. */
async function diesSoon(pid: number): Promise<boolean> {
  const deadline = Date.now() + 5000;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return !isAlive(pid);
}
