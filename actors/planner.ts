/**
 * The planner actor: asks the planner role's provider for a plan and validates it. An invalid
 * answer is asked again once with the validation error; a second failure is a loud failure of the
 * run, never a silent one-task fallback (the old product's bug).
 */
import * as v from 'valibot';
import type { AgentResult, Plan, RequestOf, Result } from '../protocol/index.js';
import { defineActor, type RequestContext } from './runtime.js';

export const PlannerInputSchema = v.strictObject({ runId: v.string() });

export type PlanParse = { ok: true; plan: Plan } | { ok: false; error: string };

export interface PlannerPorts {
  /** One provider call with this prompt. */
  ask(request: RequestOf<'plan'>, prompt: string, ctx: RequestContext): Promise<AgentResult>;
  prompt(request: RequestOf<'plan'>, previousError: string | null): string;
  parse(text: string, request: RequestOf<'plan'>): PlanParse;
}

export function createPlannerActor(ports: PlannerPorts) {
  return defineActor({
    input: PlannerInputSchema,
    start() {
      return {
        async handle(body, ctx): Promise<Result> {
          if (body.type !== 'plan') return { tag: 'fail', code: 'unsupported', message: `planner cannot handle "${body.type}"` };
          const calls: AgentResult[] = [];
          let error: string | null = null;
          for (let round = 0; round < 2; round++) {
            const answer = await ports.ask(body, ports.prompt(body, error), ctx);
            calls.push(answer);
            if (ctx.signal.aborted) return { tag: 'interrupted', reason: String(ctx.signal.reason ?? 'cancelled') };
            if (!answer.ok) {
              return { tag: 'fail', code: answer.errorKind ?? 'agent-error', message: `the planner's provider failed: ${firstLine(answer.errorMessage ?? answer.text)}`, data: { calls } };
            }
            const parsed = ports.parse(answer.text, body);
            if (parsed.ok) return { tag: 'ok', value: { plan: parsed.plan, calls: calls.length, costs: calls } };
            error = parsed.error;
          }
          return { tag: 'fail', code: 'bad-plan', message: `the planner answered twice without a valid plan: ${error}`, data: { calls } };
        },
      };
    },
  });
}

const firstLine = (text: string): string => text.trim().split('\n')[0]?.slice(0, 300) ?? '';
