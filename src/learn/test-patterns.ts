/**
 * Which files are tests and which configure how tests run, as fast matchers for a scan of every
 * file. The lists themselves are the gate's one list of grader files (src/gate/grader-files.ts),
 * so what `loop learn` reports is exactly what the gate protects.
 */
import { PACKAGE_MANAGER_CONFIG_GLOBS, RUNNER_CONFIG_GLOBS, TEST_FILE_GLOBS } from '../gate/grader-files.js';
import { compileGlobs, type PathMatcher } from './glob-set.js';

export const DEFAULT_TEST_PATTERNS: readonly string[] = TEST_FILE_GLOBS;
export const RUNNER_CONFIG_PATTERNS: readonly string[] = RUNNER_CONFIG_GLOBS;

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

export function isPackageManagerConfig(path: string): boolean {
  return matcherFor(PACKAGE_MANAGER_CONFIG_GLOBS)(path);
}
