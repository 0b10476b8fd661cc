/**
 * The critic actor: reviews a change read-only with a provider other than the implementer's. Its
 * verdict is JSON; an unparseable verdict is asked again once, then counts as a reject with that
 * reason. Whatever the critic changed in its copy is discarded and reported.
 */
import * as v from 'valibot';
import type { AgentResult, RequestOf, Result, Verdict } from '../protocol/index.js';
import { defineActor, type RequestContext } from './runtime.js';
import { AgentFailure } from './sme.js';

export const CriticInputSchema = v.strictObject({ runId: v.string() });

export type VerdictParse = { ok: true; verdict: Verdict } | { ok: false; error: string };

export interface CriticPorts {
  ask(request: RequestOf<'review'>, prompt: string, ctx: RequestContext): Promise<AgentResult>;
  parse(text: string): VerdictParse;
  /** Restores the critic's copy and returns the files it had changed. */
  discardEdits(workdir: string | null): Promise<string[]>;
}

export const REASK_PROMPT = (error: string): string =>
  `Your previous answer could not be read as a verdict (${error}). Answer again with only the JSON object ` +
  '{"verdict": "accept" | "reject", "reasons": [string], "notes": [{"criterion": string, "met": boolean, "note": string}]}.';

export function createCriticActor(ports: CriticPorts) {
  return defineActor({
    input: CriticInputSchema,
    start() {
      return {
        async handle(body, ctx): Promise<Result> {
          if (body.type !== 'review') return { tag: 'fail', code: 'unsupported', message: `critic cannot handle "${body.type}"` };
          const calls: AgentResult[] = [];
          let verdict: Verdict | null = null;
          let error = '';
          let discardedEdits: string[] = [];
          try {
            for (let round = 0; round < 2 && verdict === null; round++) {
              const prompt = round === 0 ? body.prompt : `${body.prompt}\n\n${REASK_PROMPT(error)}`;
              const answer = await ports.ask(body, prompt, ctx);
              calls.push(answer);
              if (ctx.signal.aborted) return { tag: 'interrupted', reason: String(ctx.signal.reason ?? 'cancelled') };
              if (answer.timedOut) throw new AgentFailure(`critic for ${body.taskId} timed out and was killed`);
              if (answer.errorKind === 'crash') throw new AgentFailure(`critic for ${body.taskId} crashed: ${answer.text.slice(0, 300)}`);
              if (!answer.ok) {
                return { tag: 'fail', code: answer.errorKind ?? 'agent-error', message: `the critic's provider failed: ${(answer.errorMessage ?? answer.text).trim().split('\n')[0]}`, data: { calls } };
              }
              const parsed = ports.parse(answer.text);
              if (parsed.ok) verdict = parsed.verdict;
              else error = parsed.error;
            }
          } finally {
            // Even a crashing review must not leave edits behind in the critic's copy.
            discardedEdits = await ports.discardEdits(body.workdir);
          }
          verdict ??= {
            verdict: 'reject',
            reasons: [`the critic's verdict could not be parsed, twice: ${error}`],
            notes: [],
          };
          return { tag: 'ok', value: { verdict, calls, discardedEdits } };
        },
      };
    },
  });
}
