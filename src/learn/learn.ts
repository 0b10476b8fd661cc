/**
 * `loop learn`'s engine: list the files, count lines per language on worker threads, read the
 * manifests, and return what the project is and which commands it runs. Deterministic and
 * offline: no model is asked anything.
 */
import { statSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { UserError } from '../util/errors.js';
import type { LearnOptions, ProjectIntelligence } from './types.js';
import { listFiles, WALK_SKIP_DIRS } from './list-files.js';
import { countRepository } from './scan.js';
import { createRepoView } from './repo-view.js';
import { detectNode } from './detect-node.js';
import { detectPython, pythonRunPrefix } from './detect-python.js';
import { detectPreCommit } from './pre-commit.js';
import { detectGo } from './detect-go.js';
import { detectCargo } from './detect-cargo.js';
import { detectGradle, detectMaven } from './detect-jvm.js';
import { detectMake } from './detect-make.js';
import { detectJust, detectTaskfile } from './detect-tasks.js';
import { detectCi } from './detect-ci.js';
import { combineDetections, unique } from './combine.js';
import { markerFrameworks } from './frameworks.js';
import { computeLayout } from './layout.js';
import { DEFAULT_TEST_PATTERNS, isPackageManagerConfig, isRunnerConfig } from './test-patterns.js';
import { isCiFile } from './ci-files.js';
import { MAX_COUNTED_BYTES } from './count-lines.js';

export async function learnProject(dir: string, options: LearnOptions = {}): Promise<ProjectIntelligence> {
  const started = performance.now();
  const root = resolve(dir);
  checkDirectory(root);
  const progress = options.onProgress ?? (() => {});

  progress({ phase: 'listing files', done: 0, total: 0 });
  const { files, via } = await listFiles(root);
  progress({ phase: 'counting lines', done: 0, total: files.length });
  const counting = countRepository(root, files, {
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    onChunk: (done, total) => progress({ phase: 'counting lines', done, total }),
  });
  const [facts, counts] = await Promise.all([readManifestsAndLayout(root, files), counting]);
  progress({ phase: 'finishing', done: 1, total: 1 });
  const { combined, layout, runnerConfigs, packageManagerConfigs, ciFiles, frameworks } = facts;

  const languages = Object.entries(counts.languages)
    .map(([name, tally]) => ({ name, files: tally.files, lines: tally.lines }))
    .sort((a, b) => b.files - a.files || b.lines - a.lines || a.name.localeCompare(b.name));

  const notes: string[] = [
    via === 'git'
      ? 'Files: tracked plus untracked files git does not ignore.'
      : `Not a git work tree: walked the folder, skipping ${[...WALK_SKIP_DIRS].join(', ')}.`,
  ];
  if (counts.binary > 0) notes.push(`${counts.binary} binary file(s) skipped in the line count.`);
  if (counts.oversize > 0) notes.push(`${counts.oversize} file(s) over ${MAX_COUNTED_BYTES / 1024 / 1024} MiB skipped in the line count.`);
  if (counts.unreadable > 0) notes.push(`${counts.unreadable} listed path(s) were not readable files (deleted, symlinks, submodules).`);
  notes.push(...combined.notes);
  if (combined.commands.test === null) {
    notes.push('No test command found: set testCommand in loop.config.yaml so the gate can run the tests.');
  } else if (combined.commands.test.source.startsWith('.github/') || combined.commands.test.source.startsWith('.gitlab-ci')) {
    notes.push(`The test command comes from CI (${combined.commands.test.source}); no manifest names one.`);
  }

  return {
    root,
    name: combined.name ?? basename(root),
    scannedFiles: files.length - counts.unreadable,
    durationMs: Math.round(performance.now() - started),
    languages,
    frameworks,
    packageManager: combined.packageManager,
    layout,
    commands: combined.commands,
    testPatterns: unique([...DEFAULT_TEST_PATTERNS, ...combined.testPatterns]),
    runnerConfigs,
    packageManagerConfigs,
    ciFiles,
    notes,
  };
}

/**
 * Everything read on the main thread, which would otherwise idle while the workers count. It
 * yields between steps so finished chunks are collected and the next ones handed out.
 */
async function readManifestsAndLayout(root: string, files: string[]) {
  await yieldToEventLoop();
  const repo = createRepoView(root, files);
  const python = detectPython(repo);
  // Ecosystems first, so their package manager and name win and their entry points win ties with a Makefile's.
  const combined = combineDetections([
    detectNode(repo), python, detectPreCommit(repo, pythonRunPrefix(python?.packageManager)), detectGo(repo), detectCargo(repo),
    detectGradle(repo), detectMaven(repo), detectMake(repo), detectJust(repo), detectTaskfile(repo), detectCi(repo),
  ]);
  await yieldToEventLoop();
  const layout = computeLayout(files);
  await yieldToEventLoop();
  return {
    combined,
    layout,
    runnerConfigs: files.filter(isRunnerConfig).sort(),
    packageManagerConfigs: files.filter(isPackageManagerConfig).sort(),
    ciFiles: files.filter(isCiFile).sort(),
    frameworks: unique([...combined.frameworks, ...markerFrameworks(files)]),
  };
}

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

function checkDirectory(root: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(root).isDirectory();
  } catch {
    throw new UserError(`${root}: no such directory (pass --dir with the repository to scan)`);
  }
  if (!isDirectory) throw new UserError(`${root} is not a directory (pass --dir with the repository to scan)`);
}
