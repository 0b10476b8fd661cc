/** Reads a plan out of a planner's answer text (pure): JSON extraction, schema, team checks. */
import * as v from 'valibot';
// protocol/plan.js, not the index: the planner actor loads only the schema it checks.
import { PlanSchema, type Plan } from '../../protocol/plan.js';
import { extractJson } from '../providers/extract-json.js';
import { checkPlan } from './plan-check.js';

export type PlanParse = { ok: true; plan: Plan } | { ok: false; error: string };

export function parsePlanText(text: string, team: { roles: readonly string[]; repositories?: readonly string[] }): PlanParse {
  const json = extractJson(text);
  if (json === undefined) return { ok: false, error: 'the answer holds no JSON object' };
  return checkPlanValue(Array.isArray(json) ? { tasks: json } : json, team);
}

export function checkPlanValue(value: unknown, team: { roles: readonly string[]; repositories?: readonly string[] }): PlanParse {
  const parsed = v.safeParse(PlanSchema, value);
  if (!parsed.success) {
    const problems = parsed.issues.map((issue) => {
      const path = issue.path?.map((p) => String(p.key)).join('.') ?? '';
      return path ? `${path}: ${issue.message}` : issue.message;
    });
    return { ok: false, error: problems.join('; ') };
  }
  const problems = checkPlan(parsed.output, team);
  return problems.length > 0 ? { ok: false, error: problems.join('; ') } : { ok: true, plan: parsed.output };
}
