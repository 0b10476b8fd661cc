/**
 * A merge's effect, made idempotent for redelivery: a job that comes back after its merge already
 * happened (the consumer died between advancing the integration branch and acknowledging) finds
 * the change's commit already an ancestor of the integration head and records it as merged with
 * the commit that merged it, instead of merging it a second time.
 */
import type { MergeResult, RequestOf, Result } from '../../protocol/index.js';
import { git } from '../git/git.js';
import { isAncestor, resolveSha } from '../git/repo.js';

export type MergeRequest = RequestOf<'merge'>;

export async function mergeOnce(request: MergeRequest, merge: (request: MergeRequest) => Promise<Result>): Promise<Result> {
  const { repoPath, integrationRef, taskCommit } = request;
  if (repoPath === null || integrationRef === null || taskCommit === null) return merge(request);
  const head = await resolveSha(repoPath, integrationRef);
  if (!(await isAncestor(repoPath, taskCommit, head))) return merge(request);
  // The oldest commit on the branch's own line that contains the change: its merge.
  const line = (await git(repoPath, ['rev-list', '--first-parent', '--ancestry-path', `${taskCommit}..${head}`])).split('\n').filter(Boolean);
  const value: MergeResult = {
    ok: true,
    sha: line.at(-1) ?? head,
    summary: `${request.taskId} is already on ${integrationRef.replace(/^refs\/heads\//, '')} (its merge was delivered again): recorded, not merged twice`,
    durationMs: 0,
  };
  return { tag: 'ok', value };
}
