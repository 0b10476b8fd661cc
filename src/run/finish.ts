/**
 * The end of a run in execute mode: land the integration branch when every task merged (a
 * fast-forward of a clean checkout, or the exact command to do it), otherwise leave it and say how
 * to land what did merge; then archive and remove the worktree slots and the run's branches.
 * Never resets, cleans or checks out over the user's working tree.
 */
import type { BoardEventDraft } from '../../protocol/index.js';
import type { RunView } from '../board/view.js';
import { cleanupRun } from '../git/cleanup.js';
import { integrationBranchName, landIntegration, quote } from '../git/integration.js';
import { resolveSha } from '../git/repo.js';
import type { RunOutcome } from './outcome.js';
import type { RepoWorkspace } from './workspace.js';

export async function landAndClean(options: {
  runId: string;
  view: RunView;
  outcome: RunOutcome;
  workspaces: Iterable<RepoWorkspace>;
  append: (draft: BoardEventDraft) => Promise<unknown>;
  log: (line: string) => void;
}): Promise<void> {
  const { runId, outcome } = options;
  for (const ws of options.workspaces) {
    const head = await resolveSha(ws.repo.path, ws.integration.ref);
    const advanced = head !== ws.integration.baseSha;
    let landed = false;
    if (advanced && outcome.status === 'merged') {
      const land = await landIntegration({ repo: ws.repo.path, runId, branch: ws.integration.branch, protectedBranches: ws.repo.protectedBranches });
      landed = land.landed;
      await options.append({
        type: 'run.landed', repo: ws.repo.name, branch: ws.integration.branch, sha: land.sha, fastForwarded: land.landed,
        ...(land.command ? { command: land.command } : {}), ...(land.reason ? { reason: land.reason } : {}),
      });
    } else if (advanced) {
      const branch = integrationBranchName(runId);
      await options.append({
        type: 'run.landed', repo: ws.repo.name, branch: ws.integration.branch, sha: head, fastForwarded: false,
        reason: `the run did not finish every task, so its merged work was left on ${branch}`,
        command: `git -C ${quote(ws.repo.path)} merge --ff-only ${branch}`,
      });
    }
    const disposed = await ws.pool.dispose();
    for (const ref of disposed.archived) options.log(`archived uncommitted work from a slot as ${ref}`);
    // An interrupted run keeps its branches so `loop resume` can continue from them.
    if (outcome.status !== 'interrupted') {
      const cleaned = await cleanupRun({ repo: ws.repo.path, runId, targetBranch: ws.integration.branch, keepIntegration: advanced && !landed });
      for (const ref of cleaned.archived) options.log(`archived unmerged work as ${ref} (restore: git branch <name> ${ref})`);
    }
  }
}
