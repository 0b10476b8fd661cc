/** `loop resume`: what happened to the attempts that were in flight when the supervisor died. */
import { isAncestor, resolveSha } from '../git/repo.js';
import { workspaceOf, type RunContext } from './run-context.js';

/**
 * After the previous supervisor died: a task whose change already reached the integration branch
 * is recorded as merged; every other in-flight task is marked interrupted and made ready again,
 * once. Tasks interrupted by an earlier Ctrl-C are made ready too.
 */
export async function recoverInFlight(rt: RunContext): Promise<void> {
  const view = rt.board.view;
  const interrupted: string[] = [];
  for (const id of view.order) {
    const task = view.tasks[id]!;
    if (['running', 'implemented', 'reviewing', 'gating'].includes(task.status)) {
      const ws = rt.mode === 'execute' ? workspaceOf(rt, rt.config.roles.find((r) => r.name === task.role)!, task.repo) : null;
      if (task.status === 'gating' && ws && task.commit && (await isAncestor(ws.repo.path, task.commit, await resolveSha(ws.repo.path, ws.integration.ref)))) {
        await rt.board.append({ type: 'task.merged', taskId: id, attempt: task.attempt, branch: ws.integration.ref.replace(/^refs\/heads\//, '') });
        continue;
      }
      await rt.board.append({ type: 'task.interrupted', taskId: id, reason: 'the supervisor stopped during this attempt; dispatching it again' });
      interrupted.push(id);
    } else if (task.status === 'interrupted') {
      interrupted.push(id);
    }
  }
  await rt.board.append({ type: 'run.resumed', pid: process.pid, interrupted });
  for (const id of interrupted) await rt.board.append({ type: 'task.ready', taskId: id });
}

