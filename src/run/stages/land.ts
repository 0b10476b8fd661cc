/**
 * Stage 6 of 6, land. The change's merge commit is on the integration branch: the task is merged.
 * (At the end of the run, finish.ts lands the integration branch itself on the user's branch,
 * as `loop.land` says.)
 */
import type { TaskView } from '../../board/view.js';
import type { RunContext } from '../run-context.js';
import type { RepoWorkspace } from '../workspace.js';

export async function landStage(ctx: RunContext, input: { task: TaskView; attempt: number; ws: RepoWorkspace | null; sha: string | null }): Promise<void> {
  const { task, attempt, ws, sha } = input;
  await ctx.board.append({
    type: 'task.merged', taskId: task.id, attempt, ...(sha ? { sha } : {}),
    ...(ws ? { branch: ws.integration.ref.replace(/^refs\/heads\//, '') } : {}),
  });
}
