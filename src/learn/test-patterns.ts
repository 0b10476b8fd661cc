/**
 * Which files are tests and which configure the test runner. The gate protects both: existing test
 * files may not be modified or deleted, runner configs may not be added, changed or deleted. The
 * old tool's guard missed runner configs and conftest.py (anchor study §10.4), so they are listed
 * here explicitly. Globs use src/util/glob.ts syntax: no `/` matches the name at any depth.
 */
import { compileGlobs, type PathMatcher } from './glob-set.js';

export const DEFAULT_TEST_PATTERNS: readonly string[] = [
  // Test folders at any depth (Maven's src/test, Rust's tests/, Go's testdata golden files).
  '**/test/**',
  '**/tests/**',
  '**/__tests__/**',
  '**/__snapshots__/**',
  '**/__mocks__/**',
  '**/testdata/**',
  '**/e2e/**',
  '**/cypress/**',
  // JavaScript / TypeScript: foo.test.ts, foo.spec.mjs, foo.e2e-spec.ts (NestJS), …
  '*.test.*',
  '*.spec.{js,jsx,ts,tsx,mjs,cjs,mts,cts,vue,svelte}',
  '*.e2e-spec.*',
  // Python
  'test_*.py',
  '*_test.py',
  'conftest.py',
  // Go, Rust, C/C++
  '*_test.go',
  '*_test.rs',
  '*_tests.rs',
  '*_test.{c,cc,cpp,cxx}',
  '*_unittest.{c,cc,cpp}',
  'test_*.{c,cc,cpp}',
  // Ruby, Elixir, PHP
  '*_spec.rb',
  '*_test.rb',
  'spec_helper.rb',
  'rails_helper.rb',
  '*_test.exs',
  '*Test.php',
  // JVM and .NET
  '*Test.{java,kt,scala,groovy}',
  '*Tests.{java,kt,scala,groovy,cs}',
  '*[a-z]IT.{java,kt}',
  '*Spec.{groovy,scala,kt}',
  '*Test.cs',
];

export const RUNNER_CONFIG_PATTERNS: readonly string[] = [
  // JavaScript / TypeScript runners (vite.config.* because vitest reads its `test` block)
  'jest.config.*',
  'jest.setup.*',
  'jest.preset.*',
  'vitest.config.*',
  'vitest.workspace.*',
  'vitest.setup.*',
  'vite.config.*',
  '.mocharc*',
  'ava.config.*',
  '.taprc',
  '.tap.yml',
  'karma.conf.*',
  'playwright.config.*',
  'playwright-ct.config.*',
  'cypress.config.*',
  'cypress.json',
  'jasmine.json',
  '.jasmine.json',
  'setupTests.*',
  '.nycrc*',
  'nyc.config.*',
  '.c8rc*',
  'node.config.json',
  'wdio.conf.*',
  // Python
  'pytest.ini',
  'tox.ini',
  'conftest.py',
  'setup.cfg',
  'noxfile.py',
  '.coveragerc',
  // Others
  '.rspec',
  'phpunit.xml',
  'phpunit.xml.dist',
  'CTestConfig.cmake',
];

const matchers = new WeakMap<readonly string[], PathMatcher>();

function matcherFor(patterns: readonly string[]): PathMatcher {
  let matcher = matchers.get(patterns);
  if (!matcher) {
    matcher = compileGlobs(patterns);
    matchers.set(patterns, matcher);
  }
  return matcher;
}

export function isTestFile(path: string, patterns: readonly string[] = DEFAULT_TEST_PATTERNS): boolean {
  return matcherFor(patterns)(path);
}

export function isRunnerConfig(path: string): boolean {
  return matcherFor(RUNNER_CONFIG_PATTERNS)(path);
}
