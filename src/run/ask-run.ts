/**
 * Asking a run to retry an escalated task or to start on its approved plan, from outside its
 * supervisor: `loop retry`, `loop approve` and the dashboard's buttons all come here. The request
 * is checked against the board first (a refusal is one line), written to the run's control folder
 * (control.ts), and then, when the supervisor is alive, awaited until it has read it; the answer
 * is on the board. A run that is not running keeps the request for `loop resume`.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadBoard } from '../board/replay.js';
import type { RunView } from '../board/view.js';
import { runPaths } from '../util/paths.js';
import { sleep } from '../util/sleep.js';
import { controlDir, requestPlanApproval, requestRetry } from './control.js';
import { approvalRefusal } from './plan-approval.js';
import { planReopen } from './reopen.js';
import { isAlive, readRunJson } from './run-json.js';

export const ASK_WAIT_MS = 15_000;

export interface AskOutcome {
  /** `refused`: the board says the request makes no sense (nothing written); `queued`: no supervisor runs, `loop resume` applies it; `unread`: the supervisor did not read it in time. */
  status: 'done' | 'refused' | 'queued' | 'unread';
  message: string;
}

interface Target {
  configDir: string;
  runId: string;
  by: 'cli' | 'dashboard';
  waitMs?: number;
}

export async function askRetry(o: Target & { taskId: string }): Promise<AskOutcome> {
  const paths = runPaths(o.configDir, o.runId);
  const view = loadBoard(paths.events).view;
  const decision = planReopen(view, o.taskId);
  if (!decision.ok) return { status: 'refused', message: decision.problem };
  requestRetry(paths.dir, o.taskId, o.by);
  const others = decision.reopen.slice(1).map((r) => r.taskId);
  const what = `${o.taskId}${others.length > 0 ? ` and the tasks that waited on it (${others.join(', ')})` : ''}`;
  return settle(o, `retry-${o.taskId}.json`, view.notes.length, (view) => view.tasks[o.taskId]?.status !== 'escalated', `${what} ${others.length > 0 ? 'go' : 'goes'} back to the queue with a fresh round of repairs`);
}

export async function askPlanApproval(o: Target): Promise<AskOutcome> {
  const paths = runPaths(o.configDir, o.runId);
  const view = loadBoard(paths.events).view;
  const refusal = approvalRefusal(view);
  if (refusal !== null) return { status: 'refused', message: `the plan of run ${o.runId} ${refusal}` };
  requestPlanApproval(paths.dir, o.by);
  return settle(o, 'approve-plan.json', view.notes.length, (view) => view.planApproval === 'approved', 'plan approved; the run starts dispatching');
}

/** Waits for the supervisor to read the request file, then reads its answer off the board. */
async function settle(o: Target, file: string, notesBefore: number, done: (view: RunView) => boolean, doneMessage: string): Promise<AskOutcome> {
  const paths = runPaths(o.configDir, o.runId);
  const run = readRunJson(paths.runJson);
  if (!run || run.status !== 'running' || !isAlive(run.pid)) {
    return { status: 'queued', message: `recorded; run ${o.runId} is not running, \`loop resume ${o.runId}\` applies it` };
  }
  const request = join(controlDir(paths.dir), file);
  const deadline = Date.now() + (o.waitMs ?? ASK_WAIT_MS);
  while (existsSync(request) && Date.now() < deadline && isAlive(run.pid)) await sleep(50);
  if (existsSync(request)) {
    return isAlive(run.pid)
      ? { status: 'unread', message: `asked; run ${o.runId}'s supervisor (pid ${run.pid}) has not read the request yet, the board will show its answer` }
      : { status: 'queued', message: `recorded; run ${o.runId} ended before it read the request, \`loop resume ${o.runId}\` applies it` };
  }
  // Read: the answer is appended right after; give it a moment to reach the file.
  for (const until = Date.now() + 2_000; Date.now() < until; await sleep(50)) {
    const view = loadBoard(paths.events).view;
    if (done(view)) return { status: 'done', message: doneMessage };
    // the supervisor's refusal (the board changed since the check), as a note
    const note = view.notes.slice(notesBefore).find((n) => n.message.includes(' ignored: '));
    if (note) return { status: 'refused', message: note.message };
  }
  return { status: 'unread', message: `asked; the board does not show run ${o.runId}'s answer yet` };
}
