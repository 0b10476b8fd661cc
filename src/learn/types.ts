/**
 * What `loop learn` knows about a repository. Plain types: this object never crosses a process
 * boundary as a wire format (it is rendered to PROJECT-INTELLIGENCE.md or printed with --json).
 */

/** A command read from one of the repository's own files, never made up. */
export interface FoundCommand {
  command: string;
  /** Where it was read, with the line where there is one: "package.json line 7 (scripts.test, pnpm)", "Makefile line 18 (target test)". */
  source: string;
}

export type CommandKind = 'install' | 'test' | 'build' | 'lint' | 'format';
export const COMMAND_KINDS: readonly CommandKind[] = ['install', 'test', 'build', 'lint', 'format'];

export interface ProjectIntelligence {
  root: string;
  name: string;
  scannedFiles: number;
  durationMs: number;
  /** Sorted by files, descending. */
  languages: { name: string; files: number; lines: number }[];
  frameworks: string[];
  /** npm | pnpm | yarn | bun | pip | poetry | uv | go | cargo | maven | gradle | make | null */
  packageManager: string | null;
  layout: {
    topLevel: { path: string; kind: 'dir' | 'file'; files: number }[];
    sourceDirs: string[];
    testDirs: string[];
  };
  commands: Record<CommandKind, FoundCommand | null>;
  /** Globs (src/util/glob.ts syntax) of the test files the gate protects: the project's own patterns plus src/gate/grader-files.ts. */
  testPatterns: string[];
  /** Test-runner config files present (jest/vitest/mocha/pytest/tox/conftest/...). */
  runnerConfigs: string[];
  /** Package-manager and build-tool configs present that change how scripts run (.npmrc, .yarnrc.yml, bunfig.toml, …). */
  packageManagerConfigs: string[];
  ciFiles: string[];
  notes: string[];
}

export interface LearnProgress {
  phase: string;
  done: number;
  total: number;
}

export interface LearnOptions {
  onProgress?: (progress: LearnProgress) => void;
  /** Worker threads for the line count; default: the machine's available parallelism. */
  threads?: number;
}
