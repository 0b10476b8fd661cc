/**
 * Keeps `.loop/` out of git through `.git/info/exclude`, never `.gitignore` (the user's file,
 * and committed). The common git dir is used so a linked worktree writes the shared exclude file.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { exec } from '../util/exec.js';

export const STATE_EXCLUDE_LINE = '.loop/';
const ALREADY_EXCLUDED = /^\/?\.loop\/?$/;

export type ExcludeOutcome =
  | { kind: 'added'; file: string }
  | { kind: 'present'; file: string }
  | { kind: 'not-a-repository' };

/** The shared git dir of the repository holding `dir`, or null outside git. */
export async function gitCommonDir(dir: string): Promise<string | null> {
  try {
    const result = await exec('git', ['rev-parse', '--git-common-dir'], { cwd: dir, timeoutMs: 10_000 });
    if (result.code !== 0) return null;
    const out = result.stdout.trim();
    return out ? resolve(dir, out) : null;
  } catch {
    return null; // git is not installed: there is nothing to exclude from
  }
}

/** Adds `.loop/` to info/exclude once; an existing `.loop`, `/.loop` or `.loop/` line counts. */
export async function excludeStateDir(dir: string): Promise<ExcludeOutcome> {
  const common = await gitCommonDir(dir);
  if (!common) return { kind: 'not-a-repository' };
  const file = join(common, 'info', 'exclude');
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    current = '';
  }
  if (current.split(/\r?\n/).some((line) => ALREADY_EXCLUDED.test(line.trim()))) return { kind: 'present', file };
  mkdirSync(join(common, 'info'), { recursive: true });
  const separator = current === '' || current.endsWith('\n') ? '' : '\n';
  appendFileSync(file, `${separator}# loop's run state (added by \`loop init\`)\n${STATE_EXCLUDE_LINE}\n`);
  return { kind: 'added', file };
}
