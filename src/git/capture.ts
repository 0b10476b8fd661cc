/**
 * Capturing an attempt: what the agent committed and what it left uncommitted both count (the
 * anchor called a committing agent "no changes" and stranded its work, research §17 item 7).
 * `.loop/` and the files loop copied into the slot (such as `.env`) are never committed.
 *
 * Three git processes in the usual case (`add -A`, one diff of the index against the base, the
 * commit): that diff says at once what to put back, whether anything changed, what the change did
 * per file (the commit's tree is the index's) and what the critic reviews; the slot's HEAD and the
 * trees are read without a process (worktree-head.ts, the batch reader).
 */
import { LOOP_COMMIT_CONFIG, LOOP_COMMIT_ENV, git, gitTry } from './git.js';
import { stageAllExcept } from './archive.js';
import { changedPaths } from './name-status.js';
import { objectInfo } from './object-reader.js';
import { readMeta } from './slot-paths.js';
import { worktreeHead } from './worktree-head.js';

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
  /** The critic's review diff of the change (diff.ts), read by the same git process as `nameStatus`. */
  reviewDiff?: string;
}

export async function captureWork(slotPath: string, options: { baseSha: string; message: string }): Promise<CapturedWork> {
  const copied = readMeta(slotPath).copied ?? [];
  // belt and braces: loop's state never enters history, even when the agent committed it itself
  const { putBack, nameStatus, review } = await stageAllExcept(slotPath, options.baseSha, copied, { review: true });
  const refused = putBack.filter((path) => path === '.loop' || path.startsWith('.loop/')).sort();

  // The index differs from HEAD when it differs from the base and HEAD is the base (the agent did
  // not commit); if the agent committed, git compares the index with HEAD itself.
  const before = await worktreeHead(slotPath);
  const sameAsBase = nameStatus.length === 0;
  const staged = before === options.baseSha ? { code: sameAsBase ? 0 : 1, stderr: '' } : await gitTry(slotPath, ['diff', '--cached', '--quiet', 'HEAD', '--']);
  if (staged.code === 1) {
    await git(slotPath, [...LOOP_COMMIT_CONFIG, 'commit', '-q', '--no-verify', '--allow-empty-message', '-m', options.message], { env: LOOP_COMMIT_ENV });
  } else if (staged.code !== 0) {
    throw new Error(`git diff --cached failed in ${slotPath}: ${staged.stderr.trim()}`);
  }
  // Same tree as the base: whatever the agent did (commits included) changed nothing.
  if (sameAsBase) return { commit: null, changedFiles: [], refused, tree: null };
  const head = staged.code === 1 ? await worktreeHead(slotPath) : before;
  const tree = await objectInfo(slotPath, `${head}^{tree}`);
  if (tree === null) throw new Error(`${head}, the capture in ${slotPath}, names no commit`);
  return { commit: head, changedFiles: changedPaths(nameStatus), refused, tree: tree.sha, nameStatus, ...(review === undefined ? {} : { reviewDiff: review }) };
}
