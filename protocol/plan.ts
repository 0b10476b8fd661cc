/**
 * One shape for `--plan FILE` and for the planner's answer:
 * `{tasks: [{id, title, role, dependsOn, acceptance, files?}]}`. Ids given by the user are kept.
 */
import * as v from 'valibot';
import { TaskIdSchema } from './ids.js';

export const PlanTaskSchema = v.strictObject({
  id: TaskIdSchema,
  title: v.pipe(v.string(), v.minLength(1, 'a task needs a title')),
  role: v.pipe(v.string(), v.minLength(1, 'a task needs a role')),
  dependsOn: v.optional(v.array(TaskIdSchema), []),
  acceptance: v.optional(v.array(v.string()), []),
  /** Globs the task is expected to touch (a hint to the agent and to the sim agent). */
  files: v.optional(v.array(v.string())),
  description: v.optional(v.string()),
  /** Repository name when the role is bound to several. */
  repo: v.optional(v.string()),
});
export type PlanTask = v.InferOutput<typeof PlanTaskSchema>;

export const PlanSchema = v.strictObject({
  tasks: v.pipe(v.array(PlanTaskSchema), v.minLength(1, 'a plan needs at least one task')),
});
export type Plan = v.InferOutput<typeof PlanSchema>;

/**
 * `.loop/runs/<run>/plan.json`: the accepted plan, written (durably) before its first task reaches
 * the board, so `loop resume` can re-create tasks a crash kept off the board.
 */
export const AcceptedPlanSchema = v.object({
  source: v.picklist(['planner', 'file', 'sim']),
  planner: v.optional(v.string()),
  tasks: v.array(PlanTaskSchema),
});
export type AcceptedPlan = v.InferOutput<typeof AcceptedPlanSchema>;
