/** Calling an actor from a stage: the ways a call can fail become data; bugs still throw. */
import * as v from 'valibot';
import type { Result } from '../../protocol/index.js';
import { minutes, type RunContext, type SupervisorPort } from './run-context.js';

export type ActorTrouble = { kind: 'crashed'; reason: string } | { kind: 'unavailable'; reason: string } | { kind: 'interrupted'; reason: string };
export type ActorReply = { kind: 'result'; result: Result } | ActorTrouble;

export async function callActor(ctx: Pick<RunContext, 'supervisor'>, id: string, body: Parameters<SupervisorPort['call']>[1], timeoutMs: number, signal: AbortSignal): Promise<ActorReply> {
  try {
    const result = await ctx.supervisor.call(id, body, { timeoutMs, signal });
    if (result.tag === 'interrupted') {
      // Interrupted while the call goes on: the supervisor shut the actor down to restart it (a
      // sibling such as the board crashed). That is a failure to retry, not a stop.
      return signal.aborted ? { kind: 'interrupted', reason: result.reason } : { kind: 'crashed', reason: `${id} was restarted mid-call (${result.reason})` };
    }
    return { kind: 'result', result };
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    const message = error instanceof Error ? error.message : String(error);
    if (signal.aborted) return { kind: 'interrupted', reason: 'the run was stopped' };
    if (name === 'ActorExitedError') return { kind: 'crashed', reason: message };
    if (name === 'CallTimeoutError') {
      ctx.supervisor.kill(id, `no answer within ${Math.round(timeoutMs / 1000)}s`);
      return { kind: 'crashed', reason: `${id} did not answer within ${Math.round(timeoutMs / 1000)}s and was killed` };
    }
    if (name === 'ChildUnavailableError') return { kind: 'unavailable', reason: message };
    throw error;
  }
}

export function parseReply<T>(result: Result, schema: v.GenericSchema<unknown, T>, what: string): T {
  if (result.tag !== 'ok') throw new Error(`${what} answered ${result.tag}: ${result.tag === 'fail' ? result.message : result.reason}`);
  const parsed = v.safeParse(schema, result.value);
  if (!parsed.success) throw new Error(`${what} answered with an invalid value: ${v.summarize(parsed.issues)}`);
  return parsed.output;
}

/** How long the conductor waits for the gate's answer to one change's capture or tests before calling it hung. */
export const gateTimeoutMs = (ctx: Pick<RunContext, 'config'>): number =>
  (minutes(ctx.config.loop.testTimeoutMinutes) * 3 + 300_000) * Math.max(1, ctx.config.loop.maxParallel);
