/** `.loop/runs/<run>/run.json`: the run's identity and outcome, rewritten atomically at start and end. */
import * as v from 'valibot';
import { RUN_STATUSES } from './board-events.js';

export const RunJsonSchema = v.object({
  runId: v.string(),
  goal: v.string(),
  mode: v.picklist(['dry-run', 'execute']),
  configFile: v.string(),
  configHash: v.string(),
  status: v.picklist(['running', ...RUN_STATUSES]),
  /** The supervisor's pid while the run is alive; a dead pid with status running means it crashed. */
  pid: v.number(),
  startedAt: v.number(),
  endedAt: v.optional(v.number()),
  exitCode: v.optional(v.number()),
  reason: v.optional(v.string()),
  /** The team the run was started (or last resumed) with, so a resume can say what changed since. */
  team: v.optional(v.object({
    /** Role name → provider key. */
    roles: v.record(v.string(), v.string()),
    /** Provider key (of those the roles use) → what it runs, e.g. `claude model sonnet`. */
    providers: v.record(v.string(), v.string()),
  })),
});
export type RunJson = v.InferOutput<typeof RunJsonSchema>;

/**
 * `.loop/runs/<run>/control/takeover-<role>.json`: written by `loop attach <role> --takeover`,
 * read (and removed) by the run's supervisor, which answers on the board (`takeover.*` events).
 */
export const TakeoverRequestSchema = v.object({
  role: v.string(),
  /** The requesting `loop attach` process, for the record. */
  pid: v.number(),
  requestedAt: v.number(),
});
export type TakeoverRequest = v.InferOutput<typeof TakeoverRequestSchema>;

/** `control/retry-<task>.json`: `loop retry <task>` (or the dashboard) asks the run to give an escalated task another round. */
export const RetryRequestSchema = v.object({
  taskId: v.string(),
  /** Who asked, for the board: `cli` or `dashboard`. */
  by: v.picklist(['cli', 'dashboard']),
  pid: v.number(),
  requestedAt: v.number(),
});
export type RetryRequest = v.InferOutput<typeof RetryRequestSchema>;

/** `control/approve-plan.json`: `loop approve` (or the dashboard) lets a run that waits for approval of its plan start. */
export const PlanApprovalSchema = v.object({
  by: v.picklist(['cli', 'dashboard']),
  pid: v.number(),
  requestedAt: v.number(),
});
export type PlanApproval = v.InferOutput<typeof PlanApprovalSchema>;
