/**
 * What agents may not touch, beyond the existing test files `loop learn` found: CI, test-runner
 * configuration, loop's own config and brief. The gate's `ProtectedSpec.lockedGlobs` is built from
 * these plus the user's `protectedPaths`. Files that mix test settings with everything else
 * (package.json, pyproject.toml, setup.cfg) are not locked whole; checkTamper compares their
 * test-related parts instead. Each entry is a reward-hacking route seen or easy to take:
 * a config that skips or filters tests, a CI file that stops running them, a brief that moves the goal.
 */
import type { ProtectedSpec } from '../../protocol/messages.js';

export const CI_GLOBS = [
  '/.github/workflows/**', '/.github/actions/**', '/.gitlab-ci.yml', '/.gitlab-ci/**', '/.circleci/**',
  '/.travis.yml', '/azure-pipelines.yml', '/.azure-pipelines/**', '/Jenkinsfile', '/.buildkite/**',
  '/bitbucket-pipelines.yml', '/.drone.yml', '/.woodpecker.yml', '/.woodpecker/**', '/appveyor.yml', '/.ci/**',
];

/** Runner configuration at any depth (monorepo packages have their own). */
export const RUNNER_CONFIG_GLOBS = [
  'jest.config.*', 'jest.setup.*', 'jest-setup.*', 'vitest.config.*', 'vitest.workspace.*', 'vitest.setup.*',
  '.mocharc', '.mocharc.*', 'mocha.opts', 'ava.config.*', '.taprc', '.taprc.*', 'jasmine.json',
  'karma.conf.*', 'playwright.config.*', 'cypress.config.*', 'cypress.json', 'uvu.config.*',
  '.nycrc', '.nycrc.*', '.c8rc', '.c8rc.*',
  'conftest.py', 'pytest.ini', 'tox.ini', 'noxfile.py', '.coveragerc',
  '**/.cargo/config', '**/.cargo/config.toml', '**/.config/nextest.toml',
];

export const LOOP_FILE_GLOBS = ['/loop.config.yaml', '/loop.config.yml', '/brief.md', '/PROJECT-INTELLIGENCE.md', '/.loop/**'];

export const DEFAULT_LOCKED_GLOBS = [...CI_GLOBS, ...RUNNER_CONFIG_GLOBS, ...LOOP_FILE_GLOBS];

/** Test files at any depth, as `loop learn` would report them when it found none of its own. */
export const DEFAULT_TEST_GLOBS = [
  '**/test/**', '**/tests/**', '**/__tests__/**', '**/spec/**',
  '*.test.*', '*.spec.*', '*_test.go', 'test_*.py', '*_test.py', '**/testdata/**', '**/fixtures/**',
];

/**
 * The spec for one repository: learned test globs (or the defaults), the default locked files,
 * the config file and brief by their real names, and the user's extra protected paths.
 */
export function buildProtectedSpec(options: {
  testGlobs?: readonly string[];
  extraLocked?: readonly string[];
  /** Repository-relative paths of the loop config and brief when they live in the repository. */
  configFile?: string | null;
  briefFile?: string | null;
}): ProtectedSpec {
  const locked = [...DEFAULT_LOCKED_GLOBS];
  for (const file of [options.configFile, options.briefFile]) if (file) locked.push(`/${file.replace(/^\.?\//, '')}`);
  locked.push(...(options.extraLocked ?? []));
  return {
    testGlobs: [...(options.testGlobs && options.testGlobs.length > 0 ? options.testGlobs : DEFAULT_TEST_GLOBS)],
    lockedGlobs: [...new Set(locked)],
  };
}
