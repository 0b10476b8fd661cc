/**
 * The SME actor: one process per role, reused for every task of that role. It runs one headless
 * agent per attempt through its provider port. An agent that hung past its deadline or crashed is
 * a failure: the actor crashes (let it crash), the supervisor restarts it with backoff and counts
 * it toward the role's restart intensity, and the conductor retries the task. Everything else the
 * agent produced, good or bad, is data in the reply.
 */
import * as v from 'valibot';
import type { AgentResult, RequestOf, Result } from '../protocol/index.js';
import { defineActor, type RequestContext } from './runtime.js';

export const SmeInputSchema = v.strictObject({
  role: v.string(),
  /** Set by the sim provider's `crash-on-start`: the actor fails its start handshake every time. */
  crashOnStart: v.optional(v.boolean(), false),
});

export interface SmePorts {
  runAttempt(request: RequestOf<'run-attempt'>, ctx: RequestContext): Promise<AgentResult>;
}

export class AgentFailure extends Error {
  override name = 'AgentFailure';
}

export function createSmeActor(ports: SmePorts) {
  return defineActor({
    input: SmeInputSchema,
    start(input) {
      if (input.crashOnStart) throw new Error(`actor for role ${input.role} crashes on start (sim behaviour crash-on-start)`);
      return {
        async handle(body, ctx): Promise<Result> {
          if (body.type !== 'run-attempt') return { tag: 'fail', code: 'unsupported', message: `sme cannot handle "${body.type}"` };
          let result: AgentResult;
          try {
            result = await ports.runAttempt(body, ctx);
          } catch (error) {
            if (ctx.signal.aborted) return { tag: 'interrupted', reason: String(ctx.signal.reason ?? 'cancelled') };
            throw error;
          }
          if (ctx.signal.aborted) return { tag: 'interrupted', reason: String(ctx.signal.reason ?? 'cancelled') };
          if (result.timedOut) {
            throw new AgentFailure(`agent for ${body.taskId} timed out after ${Math.round(body.deadlineMs / 1000)}s and was killed with its process group`);
          }
          if (result.errorKind === 'crash') {
            throw new AgentFailure(`agent for ${body.taskId} crashed (exit ${result.exitCode ?? result.signal}): ${tail(result.text)}`);
          }
          return { tag: 'ok', value: result };
        },
      };
    },
  });
}

const tail = (text: string): string => text.trim().split('\n').slice(-3).join(' ').slice(0, 300);
