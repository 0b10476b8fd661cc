/**
 * The `value` of an `ok` reply, one schema per request type. The caller validates the value with
 * the schema of the request it sent, so a misbehaving actor's answer is reported, not trusted.
 */
import * as v from 'valibot';
import { CriterionNoteSchema, ErrorKindSchema, FailureSchema, TokensSchema } from './board-events.js';
import { PlanSchema } from './plan.js';
import { BoardEventSchema } from './board-events.js';

/** What one headless agent call produced, parsed by its provider adapter. */
export const AgentResultSchema = v.object({
  ok: v.boolean(),
  /** Final text of the agent (or the error text). */
  text: v.string(),
  /** Dollars of this call (claude: delta across a resumed session; others: tokens × price table). */
  usd: v.pipe(v.number(), v.minValue(0)),
  tokens: TokensSchema,
  priced: v.optional(v.boolean()),
  model: v.optional(v.string()),
  sessionId: v.optional(v.string()),
  errorKind: v.optional(ErrorKindSchema),
  errorMessage: v.optional(v.string()),
  exitCode: v.nullable(v.number()),
  signal: v.nullable(v.string()),
  timedOut: v.boolean(),
  durationMs: v.number(),
  /** The command line that ran (`[]` for the in-process sim agent). */
  argv: v.array(v.string()),
});
export type AgentResult = v.InferOutput<typeof AgentResultSchema>;

export const PlanResultSchema = v.object({
  plan: PlanSchema,
  /** How many provider calls it took (1, or 2 after a re-ask). */
  calls: v.number(),
  costs: v.array(AgentResultSchema),
});
export type PlanResult = v.InferOutput<typeof PlanResultSchema>;

export const VerdictSchema = v.object({
  verdict: v.picklist(['accept', 'reject']),
  reasons: v.array(v.string()),
  notes: v.array(CriterionNoteSchema),
});
export type Verdict = v.InferOutput<typeof VerdictSchema>;

export const ReviewResultSchema = v.object({
  verdict: VerdictSchema,
  /** Provider calls made (an unparseable verdict is asked again once). */
  calls: v.array(AgentResultSchema),
  /** Files the critic changed in its read-only copy; discarded. */
  discardedEdits: v.array(v.string()),
});
export type ReviewResult = v.InferOutput<typeof ReviewResultSchema>;

export const CaptureResultSchema = v.object({
  ok: v.boolean(),
  /** Commit holding the attempt's work (agent commits plus what it left uncommitted). */
  commit: v.nullable(v.string()),
  tree: v.nullable(v.string()),
  changedFiles: v.array(v.string()),
  /** Where the tests run: the agent's slot before review, only the merge train, or nowhere (no test command). */
  tests: v.picklist(['slot', 'train', 'none']),
  /** The critic's review diff of an accepted capture, read by the capture's own git diff (never put on the board). */
  reviewDiff: v.optional(v.string()),
  failure: v.optional(FailureSchema),
  summary: v.string(),
  durationMs: v.number(),
});
export type CaptureResult = v.InferOutput<typeof CaptureResultSchema>;

/** The verdict of a change's tests in its own slot (`verify`). */
export const GateResultSchema = v.object({
  ok: v.boolean(),
  tests: v.picklist(['passed', 'failed', 'baseline-red']),
  failure: v.optional(FailureSchema),
  summary: v.string(),
  durationMs: v.number(),
});
export type GateResult = v.InferOutput<typeof GateResultSchema>;

export const MergeResultSchema = v.object({
  ok: v.boolean(),
  /** This change's merge commit on the integration branch. */
  sha: v.nullable(v.string()),
  failure: v.optional(FailureSchema),
  summary: v.string(),
  durationMs: v.number(),
});
export type MergeResult = v.InferOutput<typeof MergeResultSchema>;

export const AppendResultSchema = BoardEventSchema;
