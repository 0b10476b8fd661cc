/**
 * Capturing an attempt: what the agent committed and what it left uncommitted both count (the
 * anchor called a committing agent "no changes" and stranded its work, research §17 item 7).
 * `.loop/` and the files loop copied into the slot (such as `.env`) are never committed.
 */
import { LOOP_COMMIT_CONFIG, LOOP_COMMIT_ENV, git, gitRaw, gitTry, splitNul } from './git.js';
import { stageAllExcept } from './archive.js';
import { readMeta } from './slot-paths.js';

export interface CapturedWork {
  /** HEAD after capture; null when the tree equals the base tree. */
  commit: string | null;
  changedFiles: string[];
  /** Paths under `.loop/` the attempt tried to add; left out of the commit. */
  refused: string[];
  /** Tree of the commit (for test-result caching); null with `commit`. */
  tree: string | null;
  /** `git diff --name-status -z -M` from the base to the commit, as git printed it (the tamper check reads it too). */
  nameStatus?: string;
}

export async function captureWork(slotPath: string, options: { baseSha: string; message: string }): Promise<CapturedWork> {
  const copied = readMeta(slotPath).copied ?? [];
  // belt and braces: loop's state never enters history, even when the agent committed it itself
  const putBack = await stageAllExcept(slotPath, options.baseSha, copied);
  const refused = putBack.filter((path) => path === '.loop' || path.startsWith('.loop/')).sort();

  const staged = await gitTry(slotPath, ['diff', '--cached', '--quiet', 'HEAD', '--']);
  if (staged.code === 1) {
    await git(slotPath, [...LOOP_COMMIT_CONFIG, 'commit', '-q', '--no-verify', '--allow-empty-message', '-m', options.message], { env: LOOP_COMMIT_ENV });
  } else if (staged.code !== 0) {
    throw new Error(`git diff --cached failed in ${slotPath}: ${staged.stderr.trim()}`);
  }

  const [head, tree, baseTree] = (await git(slotPath, ['rev-parse', 'HEAD', 'HEAD^{tree}', `${options.baseSha}^{tree}`])).split('\n') as [string, string, string];
  // Same tree as the base: whatever the agent did (commits included) changed nothing.
  if (tree === baseTree) return { commit: null, changedFiles: [], refused, tree: null };
  const nameStatus = await gitRaw(slotPath, NAME_STATUS_ARGS(options.baseSha, head));
  return { commit: head, changedFiles: changedPaths(nameStatus), refused, tree, nameStatus };
}

/** What the change did per file with renames found, read once for the changed files and for the tamper check. */
export const NAME_STATUS_ARGS = (base: string, commit: string): string[] => ['diff', '--name-status', '-z', '-M', '--no-ext-diff', base, commit];

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
