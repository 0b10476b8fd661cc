/**
 * The one list of grader files: each group's files are recognised, adding any of them is refused
 * by the tamper guard (new test files excepted), `loop learn` classifies them the same way, and
 * the README table is exactly what the list generates.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/util/package-root.js';
import { matchesAny } from '../../src/util/glob.js';
import { buildProtectedSpec, commandGraderFiles, GRADER_GROUPS, type GraderGroupId } from '../../src/gate/grader-files.js';
import { judgeChanges } from '../../src/gate/tamper-rules.js';
import { runnerReader, RUNNER_MANIFESTS } from '../../src/gate/runner-deps.js';
import { renderGraderTable, withGraderTable } from '../../src/gate/grader-table.js';
import { isPackageManagerConfig, isRunnerConfig, isTestFile } from '../../src/learn/test-patterns.js';
import { isCiFile } from '../../src/learn/ci-files.js';

/** A file of each kind, at the depths where it counts, and where it does not. */
const examples: Array<[string, GraderGroupId | null]> = [
  ['test/math.test.js', 'tests'],
  ['pkg/tests/test_stock.py', 'tests'],
  ['vitest.config.ts', 'runner-configs'],
  ['vite.config.mts', 'runner-configs'],
  ['src/setupTests.ts', 'runner-configs'],
  ['packages/web/jest.config.js', 'runner-configs'],
  ['.mocharc.json', 'runner-configs'],
  ['phpunit.xml', 'runner-configs'],
  ['phpunit.xml.dist', 'runner-configs'],
  ['.rspec', 'runner-configs'],
  ['pytest.ini', 'runner-configs'],
  ['tox.ini', 'runner-configs'],
  ['crates/core/.cargo/config.toml', 'runner-configs'],
  ['.npmrc', 'package-manager-configs'],
  ['packages/web/.npmrc', 'package-manager-configs'],
  ['.yarnrc', 'package-manager-configs'],
  ['.yarnrc.yml', 'package-manager-configs'],
  ['.yarn/releases/yarn-4.1.0.cjs', 'package-manager-configs'],
  ['bunfig.toml', 'package-manager-configs'],
  ['.pnpmfile.cjs', 'package-manager-configs'],
  ['pip.conf', 'package-manager-configs'],
  ['gradle/wrapper/gradle-wrapper.properties', 'package-manager-configs'],
  ['.mvn/maven.config', 'package-manager-configs'],
  ['.github/workflows/ci.yml', 'ci'],
  ['.gitlab-ci.yml', 'ci'],
  ['.circleci/config.yml', 'ci'],
  ['loop.config.yaml', 'loop-files'],
  ['brief.md', 'loop-files'],
  ['.loop/runs/x/run.json', 'loop-files'],
  // not graders
  ['src/math.js', null],
  ['docs/brief.md', null],
  ['sub/.gitlab-ci.yml', null],
  ['.github/dependabot.yml', null],
  ['setup.cfg', null],
  ['package.json', null],
  ['.gitignore', null],
  ['tsconfig.json', null],
];

const groupOf = (path: string): GraderGroupId[] => GRADER_GROUPS.filter((group) => matchesAny(path, group.globs)).map((group) => group.id);

for (const [path, expected] of examples) {
  test(`grader list: ${path} is ${expected ?? 'not a grader file'}`, () => {
    const groups = groupOf(path);
    if (expected === null) assert.deepEqual(groups, []);
    else assert.ok(groups.includes(expected), `${path} in ${groups.join(', ') || 'no group'}`);
  });
}

test('loop learn classifies every example exactly as the gate does (one list, no drift)', () => {
  for (const [path] of examples) {
    const groups = groupOf(path);
    assert.equal(isTestFile(path), groups.includes('tests'), `tests: ${path}`);
    assert.equal(isRunnerConfig(path), groups.includes('runner-configs'), `runner configs: ${path}`);
    assert.equal(isPackageManagerConfig(path), groups.includes('package-manager-configs'), `package-manager configs: ${path}`);
    assert.equal(isCiFile(path), groups.includes('ci'), `CI: ${path}`);
  }
});

const spec = buildProtectedSpec({ testGlobs: [], testCommand: 'npm test', extraLocked: ['{db/migrations/**,ops/**}'] });

for (const [path, expected] of examples) {
  if (expected === null) continue;
  test(`tamper guard: adding ${path} is ${expected === 'tests' ? 'allowed (a new test)' : 'refused, naming it'}`, () => {
    const verdict = judgeChanges([{ status: 'A', path }], spec, () => null);
    if (expected === 'tests' && !groupOf(path).some((group) => group !== 'tests')) {
      assert.deepEqual(verdict.violations, []);
      return;
    }
    assert.equal(verdict.ok, false);
    assert.equal(verdict.violations[0]?.file, path);
    assert.match(verdict.violations[0]!.reason, /^adds a protected file: /);
  });
}

test('tamper guard: the reason says which kind of grader file it is and why', () => {
  const [npmrc] = judgeChanges([{ status: 'A', path: '.npmrc' }], spec, () => null).violations;
  assert.match(npmrc!.reason, /package-manager or build-tool configuration.*script-shell/);
  const [migration] = judgeChanges([{ status: 'M', path: 'db/migrations/001.sql' }], spec, () => null).violations;
  assert.match(migration!.reason, /modifies a protected file: listed in loop\.protectedPaths/);
  const [ops] = judgeChanges([{ status: 'D', path: 'ops/deploy.sh' }], spec, () => null).violations;
  assert.match(ops!.reason, /deletes a protected file/, 'braces in protectedPaths match');
  assert.deepEqual(judgeChanges([{ status: 'M', path: 'src/math.js' }], spec, () => null).violations, []);
});

test('without a test command a first runner config is work, but package-manager configs stay locked', () => {
  const noTests = buildProtectedSpec({ testCommand: null });
  assert.deepEqual(judgeChanges([{ status: 'A', path: 'vitest.config.ts' }], noTests, () => null).violations, []);
  assert.equal(judgeChanges([{ status: 'A', path: '.npmrc' }], noTests, () => null).ok, false);
});

const commandFiles: Array<[string | null, string[]]> = [
  [null, []],
  ['npm test', []],
  ['PYTHONPATH=src python3 -m pytest', []],
  ['make test', ['/Makefile', '/makefile', '/GNUmakefile']],
  ['just test', ['/justfile', '/Justfile', '/.justfile']],
  ['./scripts/test.sh --ci', ['/scripts/test.sh']],
  ['bash ci/run-tests.sh && npm test', ['/ci/run-tests.sh']],
  ['cd pkg && go test ./...', []],
  ['node --test test/', []],
];

for (const [command, files] of commandFiles) {
  test(`the files the test command ${JSON.stringify(command)} runs are graders: ${files.join(' ') || 'none'}`, () => {
    assert.deepEqual(commandGraderFiles(command), files);
  });
}

test('loop\'s config, brief and intelligence are locked by their real names', () => {
  const custom = buildProtectedSpec({ testCommand: 'npm test', configFile: 'ops/team.yaml', briefFile: './docs/goal.md', intelligenceFile: 'docs/INTEL.md' });
  for (const path of ['ops/team.yaml', 'docs/goal.md', 'docs/INTEL.md']) assert.ok(matchesAny(path, custom.lockedGlobs), path);
});

test('every manifest the README names has a test-runner reader', () => {
  for (const name of RUNNER_MANIFESTS) assert.notEqual(runnerReader(name.replace('*', '')), null, name);
});

test('the README table of grader files is the one the list generates', () => {
  const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
  const updated = withGraderTable(readme);
  assert.notEqual(updated, null, 'README.md has the grader-files markers');
  assert.ok(
    updated === readme,
    `README.md's grader table is out of date; regenerate it from the list:\n  npx tsc && node --input-type=module -e "import {readFileSync,writeFileSync} from 'node:fs'; const m = await import('./dist/src/gate/grader-table.js'); writeFileSync('README.md', m.withGraderTable(readFileSync('README.md','utf8')))"\nExpected table:\n${renderGraderTable()}`,
  );
  for (const group of GRADER_GROUPS) for (const glob of group.globs) assert.ok(readme.includes(`\`${glob}\``), `${glob} is in the README`);
});
