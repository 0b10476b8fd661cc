/** The shape of the tree: top-level entries with file counts, where code and tests live. */
import { isCodePath } from './languages.js';
import { isRunnerConfig, isTestFile } from './test-patterns.js';
import type { ProjectIntelligence } from './types.js';

type Layout = ProjectIntelligence['layout'];

const TEST_DIR_NAMES = new Set(['test', 'tests', '__tests__', 'spec', 'specs', 'e2e', 'testing', 'integration-tests']);
/** Top-level folders that hold code but are not the product's source. */
const NOT_SOURCE = new Set(['docs', 'doc', 'documentation', 'examples', 'example', 'samples', 'fixtures', 'benchmarks']);
const MAX_TEST_DIR_DEPTH = 4;
export const MAX_LISTED_DIRS = 30;

export function computeLayout(files: readonly string[]): Layout {
  const topLevel = new Map<string, { kind: 'dir' | 'file'; files: number }>();
  const codeDirs = new Set<string>();
  const testDirs = new Set<string>();
  // Paths arrive grouped by folder, so folder facts are worked out once per folder and a file
  // costs no allocation: 100 000 of them pass through here.
  let folder: string | undefined;
  let entry: { kind: 'dir' | 'file'; files: number } | undefined;
  let top = '';
  let testDir: string | undefined;
  for (const path of files) {
    const inFolder = folder !== undefined && path.startsWith(folder) && path.indexOf('/', folder.length) === -1;
    if (!inFolder) {
      folder = path.slice(0, path.lastIndexOf('/') + 1);
      testDir = topmostTestDir(path);
      if (testDir) testDirs.add(testDir);
    }
    if (folder === '') {
      // A root-level file is its own top-level entry.
      top = path;
      entry = topLevel.get(path) ?? { kind: 'file', files: 0 };
      topLevel.set(path, entry);
    } else if (!inFolder) {
      top = path.slice(0, path.indexOf('/'));
      entry = topLevel.get(top) ?? { kind: 'dir', files: 0 };
      topLevel.set(top, entry);
    }
    entry!.files += 1;
    const codeDir = folder === '' ? '.' : top;
    // One source file is enough to call a folder a source folder: skip the checks after that.
    if (testDir || codeDirs.has(codeDir) || !isCodePath(path) || isTestFile(path)) continue;
    if (folder !== '' || !isRootToolFile(path)) codeDirs.add(codeDir);
  }
  const sourceDirs = [...codeDirs].filter((dir) => dir === '.' || (!dir.startsWith('.') && !NOT_SOURCE.has(dir.toLowerCase())));
  return {
    topLevel: [...topLevel]
      .map(([path, info]) => ({ path, ...info }))
      .sort((a, b) => (a.kind === b.kind ? a.path.localeCompare(b.path) : a.kind === 'dir' ? -1 : 1)),
    sourceDirs: sourceDirs.sort(),
    testDirs: [...testDirs].sort(),
  };
}

/** Build and tool files that sit at the root of most projects; they do not make the root a source folder. */
const ROOT_TOOL_FILES = new Set([
  'Makefile', 'makefile', 'GNUmakefile', 'Dockerfile', 'CMakeLists.txt', 'setup.py', 'noxfile.py', 'manage.py',
  'Rakefile', 'Gemfile', 'Jenkinsfile', 'Justfile', 'justfile', 'build.gradle.kts', 'settings.gradle.kts', 'gradlew',
]);

function isRootToolFile(name: string): boolean {
  return ROOT_TOOL_FILES.has(name) || /\.config\.[cm]?[jt]s$|^\.?[\w-]+rc\.[cm]?js$/.test(name) || isRunnerConfig(name);
}

/** "pkg/a/tests/unit/x.py" → "pkg/a/tests"; undefined when no folder on the path is a test folder. */
function topmostTestDir(path: string): string | undefined {
  let start = 0;
  for (let depth = 0; depth < MAX_TEST_DIR_DEPTH; depth++) {
    const end = path.indexOf('/', start);
    if (end === -1) return undefined;
    if (TEST_DIR_NAMES.has(path.slice(start, end))) return path.slice(0, end);
    start = end + 1;
  }
  return undefined;
}
