/**
 * Fixture repositories for `loop learn` tests: plain files under test/fixtures/repos/<name>, copied
 * into a temp dir and committed there. A file named `_gitignore` becomes `.gitignore` (stored under
 * another name so it does not act on this repository's own checkout).
 */
import { cpSync, readdirSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { packageRoot } from '../../src/util/package-root.js';
import { git, tempDir, writeFiles } from '../helpers/temp.js';

export function fixtureDir(name: string): string {
  return join(packageRoot(), 'test', 'fixtures', 'repos', name);
}

/** The fixture's files in a fresh temp dir, without git. */
export function copyFixture(t: TestContext, name: string): string {
  const dir = tempDir(t, `loop-learn-${name}-`);
  cpSync(fixtureDir(name), dir, { recursive: true });
  renameDotFiles(dir);
  return dir;
}

/** The fixture committed to a new git repository; `untracked` files are written after the commit. */
export function fixtureRepo(t: TestContext, name: string, untracked: Record<string, string> = {}): string {
  const dir = copyFixture(t, name);
  git(dir, ['init', '-q', '-b', 'main']);
  git(dir, ['add', '-A']);
  git(dir, ['commit', '-q', '-m', 'fixture']);
  writeFiles(dir, untracked);
  return dir;
}

function renameDotFiles(dir: string): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) renameDotFiles(path);
    else if (entry.name === '_gitignore') renameSync(path, join(dir, '.gitignore'));
  }
}
