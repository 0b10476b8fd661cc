/**
 * The one list of grader files: everything that decides whether an attempt's tests pass. `loop
 * learn` reports the ones a repository has, the gate refuses any change to them (adding one is
 * tampering just like editing one; only new *test* files are allowed), and the README table is
 * generated from it (test/gate/grader-files.test.ts fails when the table drifts). Each entry is a
 * route to a green suite that tests nothing: a runner config that skips tests, a package-manager
 * config that swaps the shell scripts run in (`.npmrc` `script-shell=true` turns `npm test` into a
 * no-op), a CI file that stops running them, a brief that moves the goal.
 *
 * Globs use src/util/glob.ts syntax: a pattern without `/` matches the file name at any depth
 * (monorepo packages have their own configs); a leading `/` anchors at the repository root.
 */
import type { ProtectedSpec } from '../../protocol/messages.js';

export type GraderGroupId = 'tests' | 'runner-configs' | 'package-manager-configs' | 'ci' | 'loop-files';

export interface GraderGroup {
  id: GraderGroupId;
  /** What the files are, for the README and the tamper message ("adds a <title>"). */
  title: string;
  /** Why an agent may not touch them. */
  why: string;
  globs: readonly string[];
}

/** Test files at any depth, as `loop learn` reports them when the project names no patterns of its own. */
export const TEST_FILE_GLOBS: readonly string[] = [
  // Test folders at any depth (Maven's src/test, Rust's tests/, Go's testdata golden files).
  '**/test/**', '**/tests/**', '**/__tests__/**', '**/__snapshots__/**', '**/__mocks__/**', '**/testdata/**', '**/e2e/**', '**/cypress/**',
  // JavaScript / TypeScript: foo.test.ts, foo.spec.mjs, foo.e2e-spec.ts (NestJS), …
  '*.test.*', '*.spec.{js,jsx,ts,tsx,mjs,cjs,mts,cts,vue,svelte}', '*.e2e-spec.*',
  // Python
  'test_*.py', '*_test.py', 'conftest.py',
  // Go, Rust, C/C++
  '*_test.go', '*_test.rs', '*_tests.rs', '*_test.{c,cc,cpp,cxx}', '*_unittest.{c,cc,cpp}', 'test_*.{c,cc,cpp}',
  // Ruby, Elixir, PHP
  '*_spec.rb', '*_test.rb', 'spec_helper.rb', 'rails_helper.rb', '*_test.exs', '*Test.php',
  // JVM and .NET
  '*Test.{java,kt,scala,groovy}', '*Tests.{java,kt,scala,groovy,cs}', '*[a-z]IT.{java,kt}', '*Spec.{groovy,scala,kt}', '*Test.cs',
];

/** Configuration of the test runners of every ecosystem `loop learn` knows, at any depth. */
export const RUNNER_CONFIG_GLOBS: readonly string[] = [
  // JavaScript / TypeScript (vite.config.* because vitest reads its `test` block)
  'jest.config.*', 'jest.setup.*', 'jest-setup.*', 'jest.preset.*', 'vitest.config.*', 'vitest.workspace.*', 'vitest.setup.*',
  'vite.config.*', '.mocharc*', 'mocha.opts', 'ava.config.*', '.taprc', '.taprc.*', '.tap.yml', 'jasmine.json', '.jasmine.json',
  'karma.conf.*', 'playwright.config.*', 'playwright-ct.config.*', 'cypress.config.*', 'cypress.json', 'uvu.config.*',
  'wdio.conf.*', 'setupTests.*', '.nycrc*', 'nyc.config.*', '.c8rc*', 'node.config.json',
  // Python (sitecustomize.py runs at interpreter start, before any test)
  'pytest.ini', 'pytest.toml', '.pytest.toml', 'tox.ini', 'conftest.py', 'noxfile.py', '.coveragerc', 'sitecustomize.py',
  // Rust
  '**/.cargo/config', '**/.cargo/config.toml', '**/.config/nextest.toml',
  // Ruby, PHP, C/C++, .NET
  '.rspec', '.rspec-local', 'phpunit.xml', 'phpunit.xml.dist', 'phpunit.dist.xml', 'CTestConfig.cmake', 'CTestCustom.cmake',
  '*.runsettings', 'xunit.runner.json',
];

/** Package-manager and build-tool files that change how scripts run or which tools they run. */
export const PACKAGE_MANAGER_CONFIG_GLOBS: readonly string[] = [
  '.npmrc', '.yarnrc', '.yarnrc.yml', '/.yarn/releases/**', '/.yarn/plugins/**', '.pnpmfile.cjs', '.pnpmfile.mjs', 'bunfig.toml',
  'pip.conf', 'pip.ini', 'uv.toml',
  'mvnw', 'mvnw.cmd', '**/.mvn/**', 'gradlew', 'gradlew.bat', '**/gradle/wrapper/**',
];

export const CI_GLOBS: readonly string[] = [
  '/.github/workflows/**', '/.github/actions/**', '/.gitlab-ci.yml', '/.gitlab-ci/**', '/.circleci/**',
  '/.travis.yml', '/azure-pipelines.yml', '/.azure-pipelines/**', '/Jenkinsfile', '/.buildkite/**',
  '/bitbucket-pipelines.yml', '/.drone.yml', '/.woodpecker.yml', '/.woodpecker/**', '/appveyor.yml', '/.ci/**',
];

/** loop's own files at their default names; the real config, brief and intelligence file names are added per run. */
export const LOOP_FILE_GLOBS: readonly string[] = ['/loop.config.yaml', '/loop.config.yml', '/brief.md', '/PROJECT-INTELLIGENCE.md', '/.loop/**'];

export const GRADER_GROUPS: readonly GraderGroup[] = [
  { id: 'tests', title: 'test file', why: 'they are the grader', globs: TEST_FILE_GLOBS },
  { id: 'runner-configs', title: 'test-runner configuration', why: 'it can skip, filter or stub tests', globs: RUNNER_CONFIG_GLOBS },
  { id: 'package-manager-configs', title: 'package-manager or build-tool configuration', why: 'it changes how the test script runs (`script-shell=true` makes `npm test` a no-op)', globs: PACKAGE_MANAGER_CONFIG_GLOBS },
  { id: 'ci', title: 'CI file', why: 'CI must keep running the same checks', globs: CI_GLOBS },
  { id: 'loop-files', title: "loop's own file", why: 'the config, brief and intelligence set the goal and the rules', globs: LOOP_FILE_GLOBS },
];

/** package.json keys that configure a test runner in place of a config file. */
export const RUNNER_CONFIG_KEYS: readonly string[] = ['jest', 'ava', 'mocha', 'tap', 'c8', 'nyc', 'jasmine', 'vitest', 'playwright'];

/** ini/TOML sections that configure pytest inside files that hold much else. */
export const PYTEST_SECTIONS: Readonly<Record<string, RegExp>> = {
  'pyproject.toml': /^\[tool\.pytest(\.[^\]]*)?\]\s*$/,
  'setup.cfg': /^\[tool:pytest\]\s*$/,
};

/**
 * Files a test command runs directly: the Makefile for `make`, the justfile for `just`, a script
 * named by path (`./scripts/test.sh`, `bash ci/test.sh`). They grade the work like a runner config.
 */
export function commandGraderFiles(testCommand: string | null): string[] {
  if (testCommand === null) return [];
  const found: string[] = [];
  for (const part of testCommand.split(/&&|\|\||;|\|/)) {
    const words = part.trim().split(/\s+/).filter((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));
    const program = words[0] ?? '';
    if (/^(g?make)$/.test(program)) found.push('/Makefile', '/makefile', '/GNUmakefile');
    if (program === 'just') found.push('/justfile', '/Justfile', '/.justfile');
    if (program === 'task') found.push('/Taskfile.yml', '/Taskfile.yaml');
    for (const word of words) {
      const path = word.replace(/^['"]|['"]$/g, '');
      if (/^-|:\/\/|^\/|\.\.\./.test(path) || !/\//.test(path) || /[*?$`]/.test(path)) continue;
      if (/^\.\/|\.(sh|bash|py|js|mjs|cjs|ts|rb|pl)$/.test(path)) found.push(`/${path.replace(/^\.\//, '')}`);
    }
  }
  return [...new Set(found)];
}

/**
 * The spec the gate checks for one repository: the learned test globs (or the defaults), every
 * locked group, the config, brief and intelligence file by their real names, the files the test
 * command runs, and the user's `protectedPaths`. A project with no test command yet has no grader
 * to protect: adding its first runner config is work, so runner configs are locked only when a
 * test command exists.
 */
export function buildProtectedSpec(options: {
  testGlobs?: readonly string[];
  /** The user's `protectedPaths`. */
  extraLocked?: readonly string[];
  testCommand?: string | null;
  /** Repository-relative paths of loop's files when they live in the repository. */
  configFile?: string | null;
  briefFile?: string | null;
  intelligenceFile?: string | null;
}): ProtectedSpec {
  const hasTests = options.testCommand !== null;
  const locked: string[] = [];
  for (const group of GRADER_GROUPS) {
    if (group.id === 'tests' || (group.id === 'runner-configs' && !hasTests)) continue;
    locked.push(...group.globs);
  }
  for (const file of [options.configFile, options.briefFile, options.intelligenceFile]) if (file) locked.push(`/${file.replace(/^\.?\//, '')}`);
  locked.push(...commandGraderFiles(options.testCommand ?? null), ...(options.extraLocked ?? []));
  return {
    testGlobs: [...(options.testGlobs && options.testGlobs.length > 0 ? options.testGlobs : TEST_FILE_GLOBS)],
    lockedGlobs: [...new Set(locked)],
  };
}
