/**
 * The change an attempt made, for the dashboard's task story: what a merge brought onto the
 * integration branch (first parent → merge), or an unmerged attempt's commit against its merge
 * base with the checkout's HEAD. Only commit ids the board recorded are ever passed in.
 */
import { diffForReview } from './diff.js';
import { gitTry } from './git.js';

const SHA = /^[0-9a-f]{7,64}$/;

export async function attemptDiff(repo: string, commit: string, mergedSha?: string): Promise<string | null> {
  if (mergedSha !== undefined && SHA.test(mergedSha) && (await gitTry(repo, ['cat-file', '-e', `${mergedSha}^{commit}`])).ok) {
    return diffForReview(repo, `${mergedSha}^1`, mergedSha);
  }
  if (!SHA.test(commit) || !(await gitTry(repo, ['cat-file', '-e', `${commit}^{commit}`])).ok) return null;
  const base = await gitTry(repo, ['merge-base', commit, 'HEAD']);
  return diffForReview(repo, base.ok && base.stdout ? base.stdout : `${commit}^`, commit);
}
