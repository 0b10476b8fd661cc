/**
 * `foldBoard(events) → RunView`: the one pure function every reader of a run goes through. No I/O,
 * no clock. `applyEvent` mutates the view it is handed (the live conductor keeps one and applies
 * each stored event as the board acknowledges it); `foldBoard` builds a fresh view, so it is pure.
 * Illegal transitions throw: they are bugs, never silently applied. A task's history is the list
 * of its events themselves (board/describe.ts says them in words), so folding allocates almost nothing.
 */
import type { BoardEvent, EventOf } from '../../protocol/index.js';
import { checkExpected, checkMove, IllegalTransitionError, type Move } from './transitions.js';
import { emptyRunView, type RunView, type TaskView } from './view.js';

export function foldBoard(events: Iterable<BoardEvent>): RunView {
  const view = emptyRunView();
  for (const event of events) applyEvent(view, event);
  return view;
}

export function applyEvent(view: RunView, event: BoardEvent): RunView {
  if (event.seq <= view.lastSeq) {
    throw new Error(`board event #${event.seq} (${event.type}) arrived after #${view.lastSeq}: events must be folded in seq order`);
  }
  view.lastSeq = event.seq;
  view.lastTs = event.ts;
  applyRunEvent(view, event) || applyTaskEvent(view, event) || applyActorEvent(view, event);
  return view;
}

/** Run-level facts. Returns true when the event was one of them. */
function applyRunEvent(view: RunView, e: BoardEvent): boolean {
  switch (e.type) {
    case 'run.started':
      view.runId = e.runId;
      view.goal = e.goal;
      view.mode = e.mode;
      view.configHash = e.configHash;
      view.roles = [...e.roles];
      view.budgetUsd = e.budgetUsd;
      view.maxParallel = e.maxParallel;
      view.startedAt = e.ts;
      return true;
    case 'run.resumed':
      view.resumes += 1;
      view.status = 'running';
      delete view.exitCode;
      delete view.reason;
      delete view.finishedAt;
      return true;
    case 'run.finished':
      view.status = e.status;
      view.exitCode = e.exitCode;
      view.reason = e.reason;
      view.finishedAt = e.ts;
      return true;
    case 'run.note':
      view.notes.push({ level: e.level, message: e.message });
      return true;
    case 'run.landed': {
      const landing = { repo: e.repo, branch: e.branch, sha: e.sha, fastForwarded: e.fastForwarded };
      view.landings.push({
        ...landing,
        ...(e.command === undefined ? {} : { command: e.command }),
        ...(e.reason === undefined ? {} : { reason: e.reason }),
        ...(e.tasks === undefined ? {} : { tasks: [...e.tasks] }),
        ...(e.url === undefined ? {} : { url: e.url }),
      });
      return true;
    }
    case 'plan.accepted':
      view.planSource = e.source;
      return true;
    case 'plan.failed':
      view.planFailure = e.reason;
      return true;
    case 'plan.approval-requested':
      view.planApproval = 'waiting';
      return true;
    case 'plan.approved':
      view.planApproval = 'approved';
      return true;
    case 'cost.recorded':
      recordCost(view, e);
      return true;
    case 'budget.exhausted':
      view.budgetExhausted = { spentUsd: e.spentUsd, reservedUsd: e.reservedUsd, budgetUsd: e.budgetUsd, unstarted: [...e.unstarted] };
      return true;
    case 'protocol.rejected':
      view.protocolErrors.push({ from: e.from, summary: e.summary });
      return true;
    case 'train.finished':
      view.trains.push({ repo: e.repo, size: e.tasks.length, landed: e.landed.length, culprits: [...e.culprits], suiteRuns: e.suiteRuns, durationMs: e.durationMs });
      return true;
    default:
      return false;
  }
}

function recordCost(view: RunView, e: EventOf<'cost.recorded'>): void {
  const spend = view.spend;
  spend.totalUsd += e.usd;
  spend.calls += 1;
  spend.byRole[e.role] = (spend.byRole[e.role] ?? 0) + e.usd;
  spend.byPhase[e.phase] = (spend.byPhase[e.phase] ?? 0) + e.usd;
  spend.tokens.input += e.tokens.input;
  spend.tokens.output += e.tokens.output;
  if (e.taskId !== undefined) {
    spend.byTask[e.taskId] = (spend.byTask[e.taskId] ?? 0) + e.usd;
    const task = view.tasks[e.taskId];
    if (task) task.costUsd += e.usd;
  }
}

/** Task lifecycle. Returns true when the event was a task event. */
function applyTaskEvent(view: RunView, e: BoardEvent): boolean {
  if (e.type === 'task.created') {
    if (view.tasks[e.taskId]) throw new IllegalTransitionError(e.seq, e.taskId, view.tasks[e.taskId]!.status, 'task.created (duplicate id)');
    view.tasks[e.taskId] = {
      id: e.taskId,
      title: e.title,
      role: e.role,
      dependsOn: [...e.dependsOn],
      acceptance: [...e.acceptance],
      ...(e.files === undefined ? {} : { files: [...e.files] }),
      ...(e.description === undefined ? {} : { description: e.description }),
      ...(e.repo === undefined ? {} : { repo: e.repo }),
      status: 'planned',
      attempt: 0,
      repairs: 0,
      retries: 0,
      costUsd: 0,
      createdAt: e.ts,
      updatedAt: e.ts,
      history: [],
    };
    view.order.push(e.taskId);
    view.tasks[e.taskId]!.history.push(e);
    return true;
  }
  if (!('taskId' in e) || e.type === 'cost.recorded') return false;
  const task = view.tasks[e.taskId];
  if (!task) throw new IllegalTransitionError(e.seq, e.taskId, 'unknown', e.type);
  task.updatedAt = e.ts;
  task.history.push(e);
  switch (e.type) {
    case 'task.ready':
      move(task, 'task.ready', e);
      break;
    case 'task.dispatched':
      move(task, 'task.dispatched', e);
      task.attempt = e.attempt;
      task.startedAt ??= e.ts;
      break;
    case 'attempt.started':
      checkExpected('attempt.started', task.status, e.seq, task.id);
      break;
    case 'attempt.finished':
      checkExpected('attempt.finished', task.status, e.seq, task.id);
      if (e.outcome === 'ok') move(task, 'attempt.finished:ok', e);
      if (e.commit !== undefined) task.commit = e.commit;
      break;
    case 'gate.captured':
      checkExpected('gate.captured', task.status, e.seq, task.id);
      task.commit = e.commit;
      break;
    case 'gate.passed':
      checkExpected('gate.passed', task.status, e.seq, task.id);
      if (e.commit !== undefined) task.commit = e.commit;
      break;
    case 'gate.failed':
      checkExpected('gate.failed', task.status, e.seq, task.id);
      task.lastFailure = e.failure;
      if (e.commit !== undefined) task.commit = e.commit;
      break;
    case 'review.started':
      move(task, 'review.started', e);
      break;
    case 'review.accepted':
      move(task, 'review.accepted', e);
      break;
    case 'review.rejected':
      checkExpected('review.rejected', task.status, e.seq, task.id);
      task.lastFailure = { kind: 'review', summary: `rejected by ${e.critic}`, evidence: e.reasons.join('\n') };
      break;
    case 'critic.edit-discarded':
      checkExpected('critic.edit-discarded', task.status, e.seq, task.id);
      break;
    case 'merge.failed':
      checkExpected('merge.failed', task.status, e.seq, task.id);
      task.lastFailure = e.failure;
      break;
    case 'task.merged':
      move(task, 'task.merged', e);
      if (e.sha !== undefined) task.mergedSha = e.sha;
      task.finishedAt = e.ts;
      delete task.reason;
      break;
    case 'repair.scheduled':
      move(task, 'repair.scheduled', e);
      task.repairs += 1;
      task.lastFailure = e.failure;
      break;
    case 'retry.scheduled':
      move(task, 'retry.scheduled', e);
      task.retries += 1;
      break;
    case 'takeover.started':
    case 'takeover.finished':
      break; // the attempt goes on; its history says who drove it
    case 'task.reopened':
      // a fresh round: repairs and retries count again from zero; the attempt number goes on
      move(task, 'task.reopened', e);
      task.repairs = 0;
      task.retries = 0;
      delete task.reason;
      delete task.finishedAt;
      break;
    case 'task.escalated':
    case 'task.cancelled':
    case 'task.interrupted':
      move(task, e.type, e);
      task.reason = e.reason;
      if (e.type !== 'task.interrupted') task.finishedAt = e.ts;
      break;
    default:
      return assertNever(e);
  }
  return true;
}

function applyActorEvent(view: RunView, e: BoardEvent): boolean {
  switch (e.type) {
    case 'actor.started': {
      const actor = (view.actors[e.actor] ??= { id: e.actor, status: 'running', restarts: 0 });
      actor.status = 'running';
      actor.pid = e.pid;
      actor.restarts = e.restarts;
      return true;
    }
    case 'actor.crashed': {
      const actor = (view.actors[e.actor] ??= { id: e.actor, status: 'crashed', restarts: 0 });
      actor.status = 'crashed';
      actor.lastReason = e.reason;
      return true;
    }
    case 'actor.restarted': {
      const actor = (view.actors[e.actor] ??= { id: e.actor, status: 'restarting', restarts: 0 });
      actor.status = 'restarting';
      actor.restarts = e.restarts;
      return true;
    }
    case 'supervisor.report': {
      view.supervisorReports.push({ supervisor: e.supervisor, context: e.context, reason: e.reason, offender: e.offender });
      if (e.context === 'reached_max_restart_intensity') {
        const actor = (view.actors[e.offender] ??= { id: e.offender, status: 'gave-up', restarts: 0 });
        actor.status = 'gave-up';
        actor.lastReason = e.reason;
      }
      return true;
    }
    default:
      return false;
  }
}

function move(task: TaskView, moveName: Move, e: BoardEvent): void {
  task.status = checkMove(moveName, task.status, e.seq, task.id);
}


function assertNever(value: never): never {
  throw new Error(`unhandled board event ${JSON.stringify(value)}`);
}
