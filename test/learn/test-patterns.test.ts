import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_TEST_PATTERNS, RUNNER_CONFIG_PATTERNS, isRunnerConfig, isTestFile } from '../../src/learn/test-patterns.js';
import { matchesAny } from '../../src/util/glob.js';

const testFiles: [string, boolean][] = [
  ['test/math.test.js', true],
  ['src/math.test.ts', true],
  ['src/components/Button.spec.tsx', true],
  ['apps/api/test/app.e2e-spec.ts', true],
  ['src/__tests__/cart.ts', true],
  ['src/__snapshots__/cart.test.ts.snap', true],
  ['tests/test_stock.py', true],
  ['pkg/stock_test.py', true],
  ['tests/conftest.py', true],
  ['conftest.py', true],
  ['ledger/ledger_test.go', true],
  ['ledger/testdata/golden.json', true],
  ['crates/core/tests/integration.rs', true],
  ['src/test/java/com/acme/CartTest.java', true],
  ['src/main/java/com/acme/CartTests.kt', true],
  ['src/it/java/com/acme/CartServiceIT.java', true],
  ['spec/models/user_spec.rb', true],
  ['test/unit/parser_test.c', true],
  ['e2e/login.ts', true],
  ['cypress/support/commands.js', true],
  // not tests
  ['src/math.js', false],
  ['src/testing.ts', false],
  ['src/contest.py', false],
  ['src/latest_results.go', false],
  ['api/openapi.spec.yaml', false],
  ['src/main/java/com/acme/AUDIT.java', false],
  ['src/main/java/com/acme/Contest.java', false],
  ['docs/testing.md', false],
  ['attest/x.ts', false],
];

for (const [path, expected] of testFiles) {
  test(`"${path}" ${expected ? 'is' : 'is not'} a test file`, () => {
    assert.equal(isTestFile(path), expected);
    assert.equal(matchesAny(path, DEFAULT_TEST_PATTERNS), expected, 'the combined matcher agrees with the glob matcher');
  });
}

test('custom patterns replace the defaults', () => {
  assert.equal(isTestFile('checks/check_x.py', ['check_*.py']), true);
  assert.equal(isTestFile('tests/test_x.py', ['check_*.py']), false);
  assert.equal(isTestFile('tests/test_x.py', []), false);
});

const runnerConfigs: [string, boolean][] = [
  ['jest.config.js', true],
  ['packages/web/jest.config.ts', true],
  ['vitest.config.mts', true],
  ['vite.config.ts', true],
  ['.mocharc.yml', true],
  ['.mocharc.json', true],
  ['ava.config.js', true],
  ['.taprc', true],
  ['karma.conf.js', true],
  ['playwright.config.ts', true],
  ['cypress.config.ts', true],
  ['pytest.ini', true],
  ['tox.ini', true],
  ['tests/conftest.py', true],
  // holds much besides pytest settings: the gate compares its [tool:pytest] section instead
  ['setup.cfg', false],
  ['phpunit.xml', true],
  ['.rspec', true],
  ['pytest.toml', true],
  ['noxfile.py', true],
  ['.nycrc', true],
  ['.nycrc.json', true],
  ['node.config.json', true],
  ['src/setupTests.ts', true],
  ['tsconfig.json', false],
  ['package.json', false],
  ['pyproject.toml', false],
  ['src/jest.ts', false],
];

for (const [path, expected] of runnerConfigs) {
  test(`"${path}" ${expected ? 'is' : 'is not'} a test-runner config`, () => {
    assert.equal(isRunnerConfig(path), expected);
    assert.equal(matchesAny(path, RUNNER_CONFIG_PATTERNS), expected);
  });
}

test('the compiled glob set gives the same answers as matchesAny for every pattern list', async () => {
  const { compileGlobs } = await import('../../src/learn/glob-set.js');
  const { CI_GLOBS, PACKAGE_MANAGER_CONFIG_GLOBS } = await import('../../src/gate/grader-files.js');
  const folders = ['', 'src/', 'test/', 'a/tests/b/', 'latest/', '.github/workflows/', '.github/actions/x/', 'spec/', 'pkg/__tests__/', 'sub/'];
  const names = [
    'x.test.ts', 'x.spec.yaml', 'x.spec.tsx', 'test_x.py', 'x_test.go', 'conftest.py', 'jest.config.js', '.mocharc.yml',
    'ci.yml', 'ci.yaml', '.gitlab-ci.yml', 'Jenkinsfile', 'FooTest.java', 'AUDIT.java', 'FooIT.kt', 'main.c', 'x_test.cc',
    'pytest.ini', 'setup.cfg', 'README.md', 'tests', 'test', '.npmrc', 'x.ts', 'gradlew',
  ];
  const lists = [DEFAULT_TEST_PATTERNS, RUNNER_CONFIG_PATTERNS, CI_GLOBS, PACKAGE_MANAGER_CONFIG_GLOBS, ['**', 'src/**/*.ts', '{a,b}/x', '{src/**,lib/**}', '/root-only.txt', './test/']];
  for (const patterns of lists) {
    const matcher = compileGlobs(patterns);
    for (const folder of folders) {
      for (const name of names) {
        const path = folder + name;
        assert.equal(matcher(path), matchesAny(path, patterns), `${path} against ${patterns.join(' ')}`);
      }
    }
  }
});
