/**
 * What a stage hands back when a task cannot go on, and how the task flow records it. A stage
 * records the facts it saw (the gate's failure, the critic's reject, the agent's outcome); the
 * decision that follows — repair, retry, escalation, interruption — is recorded here, once per
 * attempt, through the pure rules of outcomes.ts.
 */
import type { BoardEventDraft, Failure } from '../../protocol/index.js';
import { backoffDelayMs } from '../../supervisor/backoff.js';
import type { ActorTrouble } from './actor-call.js';
import { afterFailure, afterValidationFailure } from './outcomes.js';
import type { RunContext } from './run-context.js';

export type Setback =
  /** A validation failure (tests, tamper, critic reject, bad output…): a repair with this evidence, within maxRepairs. */
  | { kind: 'repair'; failure: Failure }
  /** An actor crashed, hung, gave up, or the run stopped, during `what` (agent, gate, critic, setup). */
  | { kind: 'trouble'; trouble: ActorTrouble; what: string; notBefore?: number }
  /** A rate limit: dispatch again after `delayMs`, within maxRetries. */
  | { kind: 'rate-limited'; reason: string }
  | { kind: 'escalate'; reason: string }
  /** The run is stopping. */
  | { kind: 'interrupted' }
  /** The stage already ended the attempt on the board (a review the budget cannot pay for). */
  | { kind: 'ended' }
  /** The stage was called off by the flow itself (the review of a change whose tests failed): nothing to record. */
  | { kind: 'called-off' };

export type StageResult<T> = { ok: true; value: T } | { ok: false; setback: Setback };

export const passed = <T>(value: T): StageResult<T> => ({ ok: true, value });
export const setback = <T = never>(s: Setback): StageResult<T> => ({ ok: false, setback: s });

/** How an attempt ended, for the conductor: when a retry may be dispatched at the earliest. */
export interface FlowEnd {
  retryAt?: number;
}

export interface SetbackDeps {
  ctx: RunContext;
  /** Why a role's actor gave up, when it did (its tasks are escalated, not retried). */
  blockedReason: (role: string) => string | undefined;
}

export async function recordSetback(deps: SetbackDeps, taskId: string, attempt: number, s: Setback): Promise<FlowEnd> {
  const { ctx } = deps;
  const task = () => ctx.board.view.tasks[taskId]!;
  const append = (draft: BoardEventDraft) => ctx.board.append(draft);
  switch (s.kind) {
    case 'repair':
      await append(afterValidationFailure(task(), attempt, s.failure, ctx.config.loop.maxRepairs));
      return {};
    case 'escalate':
      await append({ type: 'task.escalated', taskId, reason: s.reason });
      return {};
    case 'interrupted':
      await markInterrupted(ctx, taskId);
      return {};
    case 'ended':
    case 'called-off':
      return {};
    case 'rate-limited': {
      const delayMs = backoffDelayMs(task().retries, { ...ctx.config.loop.backoff, minMs: Math.max(ctx.config.loop.backoff.minMs, 5_000) }, ctx.random());
      await append(afterFailure(task(), s.reason, delayMs, ctx.config.loop.maxRetries));
      return { retryAt: ctx.now() + delayMs };
    }
    case 'trouble':
      return afterTrouble(deps, taskId, attempt, s.trouble, s.what, s.notBefore);
  }
}

/** An actor crashed, hung, gave up, or the run was stopped: a failure, handled by retry/escalation. */
/** `notBefore`: the retry waits at least until then (a failed setup runs again only at its retry time). */
async function afterTrouble(deps: SetbackDeps, taskId: string, attempt: number, trouble: ActorTrouble, what: string, notBefore?: number): Promise<FlowEnd> {
  const { ctx } = deps;
  const now = ctx.board.view.tasks[taskId]!;
  if (trouble.kind === 'interrupted') {
    await markInterrupted(ctx, taskId);
    return {};
  }
  if (now.status === 'running') {
    await ctx.board.append({
      type: 'attempt.finished', taskId, attempt, outcome: /timed out|did not answer/.test(trouble.reason) ? 'timed-out' : 'crashed',
      summary: trouble.reason, durationMs: 0, usd: 0,
    });
  }
  if (trouble.kind === 'unavailable') {
    const reason = deps.blockedReason(now.role) ?? trouble.reason;
    await ctx.board.append({ type: 'task.escalated', taskId, reason: `the ${what} for role ${now.role} is unavailable: ${reason}` });
    return {};
  }
  const delayMs = Math.max(backoffDelayMs(now.retries, ctx.config.loop.backoff, ctx.random()), (notBefore ?? 0) - ctx.now());
  await ctx.board.append(afterFailure(ctx.board.view.tasks[taskId]!, `${what} failed: ${trouble.reason}`, delayMs, ctx.config.loop.maxRetries));
  return { retryAt: ctx.now() + delayMs };
}

export async function markInterrupted(ctx: RunContext, taskId: string): Promise<void> {
  const status = ctx.board.view.tasks[taskId]?.status;
  if (status && ['ready', 'running', 'implemented', 'reviewing', 'gating'].includes(status)) {
    await ctx.board.append({ type: 'task.interrupted', taskId, reason: 'the run was stopped' });
  }
}
