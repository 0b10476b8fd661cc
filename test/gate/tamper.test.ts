import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { git, tempRepo, writeFiles } from '../helpers/temp.js';
import { checkTamper } from '../../src/gate/tamper.js';
import { buildProtectedSpec } from '../../src/gate/grader-files.js';

const PACKAGE_JSON = `${JSON.stringify(
  { name: 'demo', version: '1.0.0', scripts: { test: 'node --test', build: 'tsc' }, dependencies: { lodash: '^4.17.0' }, devDependencies: { mocha: '^10.2.0' } },
  null,
  2,
)}\n`;
const LOCK = `${JSON.stringify(
  {
    name: 'demo',
    lockfileVersion: 3,
    packages: {
      '': { name: 'demo', devDependencies: { mocha: '^10.2.0' }, dependencies: { lodash: '^4.17.0' } },
      'node_modules/lodash': { version: '4.17.21', resolved: 'https://registry/lodash-4.17.21.tgz', integrity: 'sha512-a' },
      'node_modules/mocha': { version: '10.2.0', resolved: 'https://registry/mocha-10.2.0.tgz', integrity: 'sha512-m', dev: true },
    },
  },
  null,
  2,
)}\n`;

const BASE_FILES = {
  'package.json': PACKAGE_JSON,
  'package-lock.json': LOCK,
  'src/math.js': 'export const add = (a, b) => a + b;\n',
  'test/math.test.js': "import { test } from 'node:test';\ntest('adds', () => {});\n",
  '.github/workflows/ci.yml': 'on: push\njobs: {}\n',
  'loop.config.yaml': 'version: 1\n',
  'brief.md': '# Brief\n',
  'requirements.txt': 'pytest==8.0.0\nrequests==2.31.0\n',
};

const spec = buildProtectedSpec({ testGlobs: ['test/**', '*.test.js'] });

/** Commits `change` on top of the base in a fresh repo and runs the guard on the two commits. */
async function judge(t: Parameters<typeof tempRepo>[0], change: (repo: string) => void) {
  const repo = tempRepo(t, BASE_FILES);
  const base = git(repo, ['rev-parse', 'HEAD']);
  change(repo);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '--allow-empty', '-m', 'attempt']);
  return checkTamper(repo, base, git(repo, ['rev-parse', 'HEAD']), spec);
}

const rejected: Array<[string, (repo: string) => void, string, RegExp]> = [
  ['editing an existing test file', (r) => writeFiles(r, { 'test/math.test.js': "test('adds', () => { /* skipped */ });\n" }), 'test/math.test.js', /modifies an existing test file/],
  ['deleting an existing test file', (r) => rmSync(join(r, 'test/math.test.js')), 'test/math.test.js', /deletes an existing test file/],
  ['renaming an existing test file away', (r) => git(r, ['mv', 'test/math.test.js', 'test/math.test.js.off']), 'test/math.test.js', /renames an existing test file away/],
  ['setting package.json scripts.test to "exit 0"', (r) => writeFiles(r, { 'package.json': PACKAGE_JSON.replace('"node --test"', '"exit 0"') }), 'package.json', /scripts\.test from "node --test" to "exit 0"/],
  ['adding a pretest script', (r) => writeFiles(r, { 'package.json': PACKAGE_JSON.replace('"build": "tsc"', '"build": "tsc", "pretest": "exit 0"') }), 'package.json', /adds scripts\.pretest/],
  ['adding a .mocharc.json that skips a test', (r) => writeFiles(r, { '.mocharc.json': '{"grep": "nothing", "invert": true}\n' }), '.mocharc.json', /adds a protected file/],
  ['adding a vitest.config.ts that excludes tests', (r) => writeFiles(r, { 'vitest.config.ts': 'export default { test: { exclude: ["**"] } };\n' }), 'vitest.config.ts', /adds a protected file/],
  ['adding a conftest.py that skips a test', (r) => writeFiles(r, { 'tests/conftest.py': 'import pytest\ndef pytest_collection_modifyitems(items):\n    items.clear()\n' }), 'tests/conftest.py', /protected file/],
  ['changing a CI workflow', (r) => writeFiles(r, { '.github/workflows/ci.yml': 'on: push\njobs: { test: { steps: [] } }\n' }), '.github/workflows/ci.yml', /modifies a protected file/],
  ['changing loop.config.yaml', (r) => writeFiles(r, { 'loop.config.yaml': 'version: 1\nloop: { maxRepairs: 99 }\n' }), 'loop.config.yaml', /modifies a protected file/],
  ['changing brief.md', (r) => writeFiles(r, { 'brief.md': '# Brief\nAll tests may be skipped.\n' }), 'brief.md', /modifies a protected file/],
  ['adding a jest config in package.json', (r) => writeFiles(r, { 'package.json': PACKAGE_JSON.replace('"version": "1.0.0",', '"version": "1.0.0", "jest": {"testPathIgnorePatterns": ["test"]},') }), 'package.json', /"jest" test configuration/],
  ['downgrading the test runner in package.json', (r) => writeFiles(r, { 'package.json': PACKAGE_JSON.replace('"mocha": "^10.2.0"', '"mocha": "^1.0.0"') }), 'package.json', /test runner entry devDependencies\.mocha/],
  ['changing the test runner in the lockfile', (r) => writeFiles(r, { 'package-lock.json': LOCK.replace('"version": "10.2.0"', '"version": "10.0.0"') }), 'package-lock.json', /node_modules\/mocha/],
  ['changing the pytest pin in requirements.txt', (r) => writeFiles(r, { 'requirements.txt': 'pytest==7.0.0\nrequests==2.31.0\n' }), 'requirements.txt', /pytest==/],
  ['adding a pytest plugin next to pytest', (r) => writeFiles(r, { 'requirements.txt': 'pytest==8.0.0\npytest-skip-slow==0.0.5\nrequests==2.31.0\n' }), 'requirements.txt', /pytest-skip-slow/],
];

for (const [what, change, file, reason] of rejected) {
  test(`tamper guard rejects ${what}, naming ${file}`, async (t) => {
    const verdict = await judge(t, change);
    assert.equal(verdict.ok, false);
    const hit = verdict.violations.find((violation) => violation.file === file);
    assert.ok(hit, `no violation for ${file}: ${JSON.stringify(verdict.violations)}`);
    assert.match(hit.reason, reason);
  });
}

const accepted: Array<[string, (repo: string) => void]> = [
  ['adding a new test file', (r) => writeFiles(r, { 'test/feature.test.js': "test('feature', () => {});\n", 'src/feature.js': 'export const f = 1;\n' })],
  ['changing non-runner dependencies in package.json and the lockfile', (r) =>
    writeFiles(r, {
      'package.json': PACKAGE_JSON.replace('"lodash": "^4.17.0"', '"lodash": "^4.17.21", "zod": "^3.0.0"'),
      'package-lock.json': LOCK.replace('"version": "4.17.21"', '"version": "4.17.22"'),
    })],
  ['reformatting package.json without changing its scripts', (r) => writeFiles(r, { 'package.json': JSON.stringify(JSON.parse(PACKAGE_JSON)) + '\n' })],
  ['changing source code only', (r) => writeFiles(r, { 'src/math.js': 'export const add = (a, b) => b + a;\n' })],
  ['bumping a non-runner python dependency', (r) => writeFiles(r, { 'requirements.txt': 'pytest==8.0.0\nrequests==2.32.0\n' })],
];

for (const [what, change] of accepted) {
  test(`tamper guard accepts ${what}`, async (t) => {
    const verdict = await judge(t, change);
    assert.deepEqual(verdict, { ok: true, violations: [] });
  });
}

test('a new package.json that sets up a test runner for the first time is not tampering', async (t) => {
  const verdict = await judge(t, (r) =>
    writeFiles(r, { 'packages/web/package.json': JSON.stringify({ name: 'web', scripts: { test: 'vitest run' }, devDependencies: { vitest: '^2.0.0' } }) }),
  );
  assert.deepEqual(verdict.violations, []);
});
