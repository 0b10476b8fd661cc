/**
 * Merging accepted work onto the integration branch: the merge happens in a scratch slot at the
 * integration head resolved to a SHA (never in the user's checkout), the caller re-tests it there,
 * and the branch only moves by compare-and-swap, so a concurrent advance is detected, not overwritten.
 */
import { LOOP_COMMIT_CONFIG, LOOP_COMMIT_ENV, git, gitRaw, gitTry, splitNul } from './git.js';
import { resolveSha } from './repo.js';
import { serialize } from './repo-queue.js';
import type { Slot, SlotPool } from './slots.js';

export type MergeResult =
  | { ok: true; sha: string; baseSha: string; tree: string }
  | { ok: false; conflict: { files: string[]; message: string }; baseSha: string };

export async function mergeInScratch(options: {
  repo: string;
  scratch: Slot;
  pool: SlotPool;
  integrationRef: string;
  taskCommit: string;
  message: string;
}): Promise<MergeResult> {
  const baseSha = await resolveSha(options.repo, options.integrationRef);
  const taskSha = await resolveSha(options.repo, options.taskCommit);
  await options.pool.pointAt(options.scratch, { sha: baseSha, branch: null });
  return mergeAt(options.scratch.path, baseSha, taskSha, options.message);
}

/**
 * The merge itself, in a slot of loop's own already detached at `baseSha`: a conflict is data
 * (the conflicting files and git's message, with the merge aborted); any other failure throws.
 */
export async function mergeAt(cwd: string, baseSha: string, taskSha: string, message: string): Promise<MergeResult> {
  const merge = await gitTry(
    cwd,
    [...LOOP_COMMIT_CONFIG, 'merge', '--no-ff', '--no-edit', '--no-verify', '--no-stat', '-m', message, taskSha],
    { env: LOOP_COMMIT_ENV },
  );
  if (merge.ok) {
    const [sha, tree] = (await git(cwd, ['rev-parse', 'HEAD', 'HEAD^{tree}'])).split('\n') as [string, string];
    return { ok: true, sha, baseSha, tree };
  }

  const files = splitNul(await gitRaw(cwd, ['diff', '--name-only', '--diff-filter=U', '-z']).catch(() => ''));
  const output = `${merge.stdout}\n${merge.stderr}`.trim();
  // leave the scratch slot as it was; the next pointAt would also clear it
  await gitTry(cwd, ['merge', '--abort']);
  if (files.length === 0 && !/CONFLICT|conflict/.test(output)) {
    throw new Error(`git merge of ${taskSha} onto ${baseSha} failed in ${cwd}: ${output || `exit ${merge.code}`}`);
  }
  return { ok: false, conflict: { files, message: conflictSummary(output) }, baseSha };
}

/**
 * The merge without a worktree (`git merge-tree --write-tree`, git >= 2.38): the merged tree is
 * computed in the object store and `commit-tree` records the merge commit, so no file of a slot is
 * rewritten — a slot is checked out only if the merged tree still has to be tested. Returns null
 * when this git cannot do it (the caller merges in a slot instead).
 */
export async function mergeInObjectStore(repo: string, baseSha: string, taskSha: string, message: string): Promise<MergeResult | null> {
  const result = await gitTry(repo, ['merge-tree', '--write-tree', '--name-only', '--messages', baseSha, taskSha]);
  if (result.code !== 0 && result.code !== 1) return null;
  const [tree, ...rest] = result.stdout.split('\n');
  if (!tree || !/^[0-9a-f]{40,64}$/.test(tree.trim())) return null;
  if (result.code === 1) {
    // After the tree: the conflicted paths, a blank line, then git's messages.
    const blank = rest.indexOf('');
    const files = (blank === -1 ? rest : rest.slice(0, blank)).filter(Boolean);
    const messages = blank === -1 ? '' : rest.slice(blank + 1).join('\n');
    return { ok: false, conflict: { files, message: conflictSummary(messages) }, baseSha };
  }
  const sha = await git(repo, [...LOOP_COMMIT_CONFIG, 'commit-tree', tree.trim(), '-p', baseSha, '-p', taskSha, '-m', message], { env: LOOP_COMMIT_ENV });
  return { ok: true, sha, baseSha, tree: tree.trim() };
}

/** git's conflict lines first (they name files and kinds), capped. */
function conflictSummary(message: string): string {
  const lines = message.split('\n').filter((line) => line.trim() !== '');
  const conflicts = lines.filter((line) => line.startsWith('CONFLICT'));
  const rest = lines.filter((line) => !line.startsWith('CONFLICT') && !line.startsWith('Auto-merging'));
  return [...conflicts, ...rest].slice(0, 30).join('\n');
}

/** Compare-and-swap: `git update-ref <ref> <newSha> <expectedOldSha>`; false when the ref no longer holds `expectedOldSha`. */
export async function advanceRef(repo: string, ref: string, newSha: string, expectedOldSha: string): Promise<boolean> {
  return serialize(repo, async () => {
    // another process may hold the ref's lock for a moment; only a different value means stale
    for (let attempt = 0; attempt < 5; attempt++) {
      const result = await gitTry(repo, ['update-ref', '-m', 'loop: advance', ref, newSha, expectedOldSha], { env: LOOP_COMMIT_ENV });
      if (result.ok) return true;
      const current = await gitTry(repo, ['rev-parse', '-q', '--verify', ref]);
      if (!current.ok || current.stdout.trim() !== expectedOldSha) return false;
      await new Promise((resolve) => setTimeout(resolve, 20 * (attempt + 1)));
    }
    return false;
  });
}
