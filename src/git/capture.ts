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
  const changedFiles = splitNul(await gitRaw(slotPath, ['diff', '--name-only', '-z', '--no-renames', options.baseSha, head]));
  return { commit: head, changedFiles, refused, tree };
}
