/** Shared set-up for the git layer's tests: a repo, a `$LOOP_HOME`, and checks that nothing is left behind. */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { git, tempDir, tempRepo, writeFiles } from '../helpers/temp.js';
import { SlotPool, type SlotPoolOptions } from '../../src/git/slots.js';
import { refreshGitEnv } from '../../src/git/git.js';

export { git, tempDir, writeFiles };

export function worktreeCount(repo: string): number {
  return git(repo, ['worktree', 'list', '--porcelain']).split('\n').filter((line) => line.startsWith('worktree ')).length;
}

export interface Fixture {
  repo: string;
  home: string;
  logs: string[];
  pool(options?: Partial<SlotPoolOptions>): SlotPool;
}

/**
 * A repository on `main` and a `$LOOP_HOME`. When the test ends every pool is disposed, the
 * repository must have only its main worktree again, and then both folders are removed (in that
 * order: node:test runs `after` hooks first-registered first).
 */
export function fixture(t: TestContext, files: Record<string, string> = { 'README.md': '# demo\n', 'src/math.js': 'export const add = (a, b) => a + b;\n' }): Fixture {
  const repo = tempRepo(null, files);
  const home = tempDir(null, 'loop-home-');
  const pools: SlotPool[] = [];
  const logs: string[] = [];
  t.after(async () => {
    try {
      for (const pool of pools) await pool.dispose();
      assert.equal(worktreeCount(repo), 1, `worktrees left behind:\n${git(repo, ['worktree', 'list'])}`);
    } finally {
      rmSync(repo, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
      rmSync(home, { recursive: true, force: true, maxRetries: 5, retryDelay: 50 });
    }
  });
  return {
    repo,
    home,
    logs,
    pool(options = {}) {
      const pool = new SlotPool({ repo, runId: 'run1', home, setupCommand: null, copyFiles: [], onLog: (line) => logs.push(line), ...options });
      pools.push(pool);
      return pool;
    },
  };
}

export function commitFiles(repo: string, files: Record<string, string>, message: string): string {
  writeFiles(repo, files);
  git(repo, ['add', '-A']);
  git(repo, ['commit', '-q', '-m', message]);
  return git(repo, ['rev-parse', 'HEAD']);
}

export const read = (root: string, file: string): string => readFileSync(join(root, file), 'utf8');

/**
 * The git subcommands `run` started from this process, in order (git's own trace of every process
 * it starts; the long-lived `cat-file --batch-command` readers are left out: they answer many calls).
 */
export async function gitCommandsDuring<T>(run: () => Promise<T>): Promise<{ result: T; commands: string[] }> {
  const dir = tempDir(null, 'loop-trace-');
  const trace = join(dir, 'trace.json');
  const saved = process.env['GIT_TRACE2_EVENT'];
  process.env['GIT_TRACE2_EVENT'] = trace;
  refreshGitEnv();
  try {
    const result = await run();
    let text = '';
    try {
      text = readFileSync(trace, 'utf8');
    } catch {
      // no git started
    }
    const commands = text.split('\n').filter((line) => line.includes('"event":"start"')).map((line) => {
      const argv = (JSON.parse(line) as { argv: string[] }).argv;
      let i = 1;
      while (argv[i] === '-c' || argv[i] === '-C') i += 2;
      return argv.slice(i).join(' ');
    }).filter((command) => !command.startsWith('cat-file --batch-command'));
    return { result, commands };
  } finally {
    if (saved === undefined) delete process.env['GIT_TRACE2_EVENT'];
    else process.env['GIT_TRACE2_EVENT'] = saved;
    refreshGitEnv();
    rmSync(dir, { recursive: true, force: true });
  }
}
