/**
 * What a change did per file, as `git diff --name-status -z -M` prints it: read once per capture
 * (against the base, from the index) and used for the changed-file list and the tamper check.
 */
import { splitNul } from './git.js';

/** Rename detection on, paths verbatim and NUL-separated, never an external diff driver. */
export const NAME_STATUS_FLAGS = ['--name-status', '-z', '-M', '--no-ext-diff'] as const;

/** The same between two commits (the tamper check of a change no capture read in this process). */
export const NAME_STATUS_ARGS = (base: string, commit: string): string[] => ['diff', ...NAME_STATUS_FLAGS, base, commit];

/**
 * Every path a change touched, in git's order, from `--name-status -z -M` output: both sides of a
 * rename (as `--no-renames` lists them: one deleted, one added), only the new side of a copy.
 */
export function changedPaths(nameStatus: string): string[] {
  const fields = splitNul(nameStatus);
  const paths = new Set<string>();
  for (let i = 0; i < fields.length; i++) {
    const letter = fields[i]![0];
    if (letter === 'R') paths.add(fields[++i]!);
    else if (letter === 'C') i++;
    paths.add(fields[++i]!);
  }
  return [...paths].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}
