/**
 * The end of a run in execute mode: do with each repository's integration branch what `loop.land`
 * says (fast-forward the user's branch to the merged work, open a pull request, or only print the
 * command), then archive and remove the worktree slots and the run's branches. Never resets,
 * cleans or checks out over the user's working tree.
 */
import { join } from 'node:path';
import type { BoardEventDraft, LandPolicy, RunStatus } from '../../protocol/index.js';
import type { RunView, TaskView } from '../board/view.js';
import { cleanupRun } from '../git/cleanup.js';
import { fastForwardCommand, integrationBranchName, landIntegration, type LandResult } from '../git/integration.js';
import { resolveSha } from '../git/repo.js';
import type { RunOutcome } from './outcome.js';
import { openPullRequest, pullRequestText } from './pull-request.js';
import type { RepoWorkspace } from './workspace.js';

/** land: fast-forward when the checkout allows · check: only say how · pr · leave: keep the branch and say why · skip: nothing merged. */
export type LandingAction = 'land' | 'check' | 'pr' | 'leave' | 'skip';

/**
 * What the end of a run does with an integration branch (pure). The branch holds only merged,
 * tested work, so by default it lands even when other tasks escalated or the budget ran out; a
 * stopped run keeps it for `loop resume`.
 */
export function landingAction(policy: LandPolicy, status: RunStatus, advanced: boolean): LandingAction {
  if (!advanced) return 'skip';
  if (status === 'interrupted') return 'leave';
  switch (policy) {
    case 'merged':
      return 'land';
    case 'all':
      return status === 'merged' ? 'land' : 'leave';
    case 'none':
      return 'check';
    case 'pr':
      return 'pr';
  }
}

export async function landAndClean(options: {
  runId: string;
  goal: string;
  /** The run folder (`.loop/runs/<run>`): a pull request's body is kept there. */
  runDir: string;
  policy: LandPolicy;
  view: RunView;
  outcome: RunOutcome;
  workspaces: Iterable<RepoWorkspace>;
  /** The repository a task works in. */
  repoOf: (task: TaskView) => string | undefined;
  append: (draft: BoardEventDraft) => Promise<unknown>;
  log: (line: string) => void;
}): Promise<void> {
  const { runId, outcome, view } = options;
  const integration = integrationBranchName(runId);
  for (const ws of options.workspaces) {
    const head = await resolveSha(ws.repo.path, ws.integration.ref);
    const action = landingAction(options.policy, outcome.status, head !== ws.integration.baseSha);
    const tasks = view.order.filter((id) => view.tasks[id]!.status === 'merged' && options.repoOf(view.tasks[id]!) === ws.repo.name);
    let landed = false;
    if (action !== 'skip') {
      const result = await landing(action, ws, options, head, integration, tasks);
      landed = result.landed;
      await options.append({
        type: 'run.landed', repo: ws.repo.name, branch: ws.integration.branch, tasks, sha: result.sha, fastForwarded: result.landed,
        ...(result.command ? { command: result.command } : {}), ...(result.reason ? { reason: result.reason } : {}), ...(result.url ? { url: result.url } : {}),
      });
    }
    const disposed = await ws.pool.dispose();
    for (const ref of disposed.archived) options.log(`archived uncommitted work from a slot as ${ref}`);
    // An interrupted run keeps its branches so `loop resume` can continue from them.
    if (outcome.status !== 'interrupted') {
      const cleaned = await cleanupRun({ repo: ws.repo.path, runId, targetBranch: ws.integration.branch, keepIntegration: action !== 'skip' && !landed });
      for (const ref of cleaned.archived) options.log(`archived unmerged work as ${ref} (restore: git branch <name> ${ref})`);
    }
  }
}

async function landing(
  action: Exclude<LandingAction, 'skip'>,
  ws: RepoWorkspace,
  options: Parameters<typeof landAndClean>[0],
  head: string,
  integration: string,
  tasks: string[],
): Promise<LandResult & { url?: string }> {
  const land = { repo: ws.repo.path, runId: options.runId, branch: ws.integration.branch, protectedBranches: ws.repo.protectedBranches };
  switch (action) {
    case 'land':
      return landIntegration(land);
    case 'check': {
      const checked = await landIntegration({ ...land, apply: false });
      return { ...checked, reason: checked.reason ?? 'loop.land is "none": loop leaves your checkout alone' };
    }
    case 'leave': {
      const reason = options.outcome.status === 'interrupted'
        ? `the run was stopped; \`loop resume ${options.runId}\` continues it, and what merged so far is on ${integration}`
        : `loop.land is "all" and not every task merged, so the merged work was left on ${integration}`;
      return { landed: false, sha: head, reason, command: fastForwardCommand(ws.repo.path, integration) };
    }
    case 'pr': {
      const text = pullRequestText({ runId: options.runId, goal: options.goal, view: options.view, tasks, integration });
      const bodyFile = join(options.runDir, `pull-request-${ws.repo.name}.md`);
      const opened = await openPullRequest({ repo: ws.repo.path, branch: ws.integration.branch, integration, text, bodyFile, env: process.env });
      return opened.ok
        ? { landed: false, sha: head, url: opened.url, reason: `opened a pull request of ${integration} into ${ws.integration.branch}` }
        : { landed: false, sha: head, reason: opened.reason, command: opened.command };
    }
  }
}
