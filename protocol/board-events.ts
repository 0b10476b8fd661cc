/**
 * Board events: the persisted facts of a run, one JSON object per line of
 * `.loop/runs/<run>/board/events.jsonl`. Names are past tense and dotted. Every event carries
 * `v` (schema version), `seq` (assigned by the board actor, the single writer) and `ts` (epoch ms).
 * Writers send a draft (no v/seq/ts) that is checked strictly; readers use a tolerant schema so a
 * newer build's extra field under the same `v` does not break an older reader (see upcast.ts).
 */
import * as v from 'valibot';
import { TaskIdSchema } from './ids.js';

export const BOARD_EVENT_VERSION = 1;

const Count = v.pipe(v.number(), v.integer(), v.minValue(0));
const Attempt = v.pipe(v.number(), v.integer(), v.minValue(1));
const Usd = v.pipe(v.number(), v.minValue(0));
const Text = v.string();
const TaskRef = { taskId: TaskIdSchema };

export const TokensSchema = v.object({
  input: Count,
  output: Count,
  cached: v.optional(Count),
});
export type Tokens = v.InferOutput<typeof TokensSchema>;

/** Why an attempt did not land. Each kind is data for a repair prompt, never a crash. */
export const FAILURE_KINDS = [
  'tests', 'tamper', 'regression', 'review', 'no-changes', 'bad-output', 'agent-error',
  'permission', 'conflict', 'merge-tests', 'setup', 'auth',
] as const;
export const FailureSchema = v.object({
  kind: v.picklist(FAILURE_KINDS),
  /** One line for the report. */
  summary: Text,
  /** The concrete evidence that goes into the repair prompt (failing assertions, reasons, files). */
  evidence: Text,
  files: v.optional(v.array(v.string())),
});
export type Failure = v.InferOutput<typeof FailureSchema>;

export const ERROR_KINDS = ['auth', 'rate-limit', 'timeout', 'permission', 'bad-output', 'crash', 'api', 'exit'] as const;
export const ErrorKindSchema = v.picklist(ERROR_KINDS);
export type ErrorKind = v.InferOutput<typeof ErrorKindSchema>;

export const ATTEMPT_OUTCOMES = ['ok', 'failed', 'no-changes', 'timed-out', 'crashed', 'rate-limited', 'interrupted'] as const;
export const RUN_STATUSES = ['merged', 'escalated', 'budget-exhausted', 'interrupted', 'failed'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export const CriterionNoteSchema = v.object({
  criterion: Text,
  met: v.boolean(),
  note: v.optional(Text),
});

/** Builds the three schemas of one event type: strict draft (writers), strict stored, tolerant read. */
function defineEvent<const T extends string, const E extends v.ObjectEntries>(type: T, entries: E) {
  const head = {
    v: v.literal(BOARD_EVENT_VERSION),
    seq: v.pipe(v.number(), v.integer(), v.minValue(1)),
    ts: v.number(),
    type: v.literal(type),
    /** The writer's idempotency key: an append retried after the board restarted is not written twice. */
    key: v.optional(v.string()),
  };
  return {
    draft: v.strictObject({ type: v.literal(type), ...entries }),
    stored: v.strictObject({ ...head, ...entries }),
    read: v.object({ ...head, ...entries }),
  };
}

const RunStarted = defineEvent('run.started', {
  runId: Text,
  goal: Text,
  mode: v.picklist(['dry-run', 'execute']),
  configHash: Text,
  configFile: Text,
  pid: v.number(),
  roles: v.array(Text),
  budgetUsd: v.nullable(Usd),
  maxParallel: v.number(),
});
const RunResumed = defineEvent('run.resumed', { pid: v.number(), interrupted: v.array(Text) });
const RunFinished = defineEvent('run.finished', {
  status: v.picklist(RUN_STATUSES),
  exitCode: v.number(),
  reason: Text,
});
const RunNote = defineEvent('run.note', { level: v.picklist(['info', 'warn']), message: Text });
const RunLanded = defineEvent('run.landed', {
  repo: Text,
  branch: Text,
  sha: Text,
  fastForwarded: v.boolean(),
  /** When not fast-forwarded: the exact command that lands the work. */
  command: v.optional(Text),
  reason: v.optional(Text),
  /** The merged tasks whose work this landing (or pull request, or left branch) carries. */
  tasks: v.optional(v.array(Text)),
  /** `loop.land: pr`: the pull request opened for the integration branch. */
  url: v.optional(Text),
});
const PlanAccepted = defineEvent('plan.accepted', {
  source: v.picklist(['planner', 'file', 'sim']),
  taskCount: v.number(),
  planner: v.optional(Text),
});
const PlanFailed = defineEvent('plan.failed', { reason: Text });
/** `loop.approvePlan` (or `--approve-plan`): the plan is on the board and nothing is dispatched until a person approves it. */
const PlanApprovalRequested = defineEvent('plan.approval-requested', { taskCount: Count });
const PlanApproved = defineEvent('plan.approved', { by: v.picklist(['cli', 'dashboard']) });

const TaskCreated = defineEvent('task.created', {
  ...TaskRef,
  title: Text,
  role: Text,
  dependsOn: v.array(TaskIdSchema),
  acceptance: v.array(Text),
  files: v.optional(v.array(Text)),
  description: v.optional(Text),
  repo: v.optional(Text),
});
const TaskReady = defineEvent('task.ready', { ...TaskRef });
const TaskDispatched = defineEvent('task.dispatched', { ...TaskRef, role: Text, attempt: Attempt });
const AttemptStarted = defineEvent('attempt.started', {
  ...TaskRef,
  attempt: Attempt,
  role: Text,
  provider: Text,
  providerType: Text,
  workdir: v.optional(Text),
  logFile: v.optional(Text),
  argv: v.optional(v.array(Text)),
  pid: v.optional(v.number()),
});
const AttemptFinished = defineEvent('attempt.finished', {
  ...TaskRef,
  attempt: Attempt,
  outcome: v.picklist(ATTEMPT_OUTCOMES),
  errorKind: v.optional(ErrorKindSchema),
  summary: Text,
  durationMs: v.number(),
  usd: Usd,
  commit: v.optional(Text),
  changedFiles: v.optional(v.array(Text)),
  /** The agent CLI's session (claude session_id, codex thread_id), so a takeover can resume it. */
  sessionId: v.optional(Text),
});
/** The gate committed the attempt's work and found no grader file touched; its tests and the review follow. */
const GateCaptured = defineEvent('gate.captured', {
  ...TaskRef,
  attempt: Attempt,
  commit: Text,
  changedFiles: v.array(Text),
  /** Where the change's tests run: in its own slot before review (`slot`), or only in its merge train (`train`). */
  tests: v.picklist(['slot', 'train', 'none']),
});
const GatePassed = defineEvent('gate.passed', {
  ...TaskRef,
  attempt: Attempt,
  tests: v.picklist(['passed', 'none', 'baseline-red', 'skipped']),
  summary: Text,
  durationMs: v.number(),
  commit: v.optional(Text),
  changedFiles: v.optional(v.array(Text)),
});
const GateFailed = defineEvent('gate.failed', { ...TaskRef, attempt: Attempt, failure: FailureSchema, commit: v.optional(Text) });
const ReviewStarted = defineEvent('review.started', { ...TaskRef, attempt: Attempt, critic: Text, provider: Text });
const ReviewAccepted = defineEvent('review.accepted', {
  ...TaskRef,
  attempt: Attempt,
  critic: Text,
  reasons: v.array(Text),
  notes: v.array(CriterionNoteSchema),
});
const ReviewRejected = defineEvent('review.rejected', {
  ...TaskRef,
  attempt: Attempt,
  critic: Text,
  reasons: v.array(Text),
  notes: v.array(CriterionNoteSchema),
});
const CriticEditDiscarded = defineEvent('critic.edit-discarded', { ...TaskRef, attempt: Attempt, files: v.array(Text) });
const TaskMerged = defineEvent('task.merged', {
  ...TaskRef,
  attempt: Attempt,
  sha: v.optional(Text),
  branch: v.optional(Text),
});
const MergeFailed = defineEvent('merge.failed', { ...TaskRef, attempt: Attempt, failure: FailureSchema });
/** One merge train of a repository's queue: the changes merged together, the suite runs it took, what landed and what was found to break. */
const TrainFinished = defineEvent('train.finished', {
  repo: Text,
  /** Task ids in merge order. */
  tasks: v.array(TaskIdSchema),
  landed: v.array(TaskIdSchema),
  /** Changes found to break the train (by bisection when the train had more than one). */
  culprits: v.array(TaskIdSchema),
  /** Changes that conflicted, or went back to the queue for the next train. */
  conflicts: v.array(TaskIdSchema),
  requeued: v.array(TaskIdSchema),
  /** Suite runs this train started (runs found in the cache by tree are not counted). */
  suiteRuns: Count,
  /** Of those, the runs of prefixes of a red train searched for its culprit. */
  bisectRuns: v.optional(Count),
  /** The regression rule's verdict on the tree that landed (absent when nothing landed or there is no test command). */
  tests: v.optional(Text),
  durationMs: Count,
});
const RepairScheduled = defineEvent('repair.scheduled', { ...TaskRef, nextAttempt: Attempt, failure: FailureSchema });
const RetryScheduled = defineEvent('retry.scheduled', { ...TaskRef, reason: Text, retries: Count, delayMs: Count });
const TaskEscalated = defineEvent('task.escalated', { ...TaskRef, reason: Text });
const TaskCancelled = defineEvent('task.cancelled', { ...TaskRef, reason: Text });
const TaskInterrupted = defineEvent('task.interrupted', { ...TaskRef, reason: Text });
/** `loop retry` (or the dashboard): an escalated task gets a fresh round of repairs and retries; `reason` says who asked and why it moves. */
const TaskReopened = defineEvent('task.reopened', { ...TaskRef, by: v.picklist(['cli', 'dashboard']), reason: Text });

const ActorStarted = defineEvent('actor.started', { actor: Text, pid: v.number(), restarts: Count });
const ActorCrashed = defineEvent('actor.crashed', {
  actor: Text,
  reason: Text,
  exitCode: v.optional(v.nullable(v.number())),
  signal: v.optional(v.nullable(Text)),
});
const ActorRestarted = defineEvent('actor.restarted', { actor: Text, restarts: Count, delayMs: Count });
/** OTP's supervisor report: `{supervisor, errorContext, reason, offender}`. */
const SupervisorReport = defineEvent('supervisor.report', {
  supervisor: Text,
  context: v.picklist(['child_terminated', 'start_error', 'reached_max_restart_intensity', 'shutdown_error']),
  reason: Text,
  offender: Text,
});
const CostRecorded = defineEvent('cost.recorded', {
  role: Text,
  taskId: v.optional(TaskIdSchema),
  phase: v.picklist(['plan', 'attempt', 'review']),
  provider: Text,
  model: v.optional(Text),
  usd: Usd,
  tokens: TokensSchema,
  /** True when the dollars were computed from tokens with the price table. */
  priced: v.optional(v.boolean()),
});
const BudgetExhausted = defineEvent('budget.exhausted', {
  spentUsd: Usd,
  reservedUsd: Usd,
  budgetUsd: Usd,
  unstarted: v.array(Text),
});
/** `loop attach <role> --takeover`: the user asked to drive the role's next attempt in its provider's interactive CLI. */
const TakeoverRequested = defineEvent('takeover.requested', { role: Text });
const TakeoverDeclined = defineEvent('takeover.declined', { role: Text, reason: Text });
/** The interactive CLI opened in the role's pane and slot; `continues`: after the agent's own attempt, resuming its session. */
const TakeoverStarted = defineEvent('takeover.started', {
  ...TaskRef, attempt: Attempt, role: Text, argv: v.array(Text), workdir: Text, continues: v.boolean(),
});
const TakeoverFinished = defineEvent('takeover.finished', { ...TaskRef, attempt: Attempt, role: Text, exitCode: v.nullable(v.number()) });
/** A frame that failed its schema: reported, never trusted. */
const ProtocolRejected = defineEvent('protocol.rejected', { from: Text, summary: Text });

const ALL = [
  RunStarted, RunResumed, RunFinished, RunNote, RunLanded, PlanAccepted, PlanFailed, PlanApprovalRequested, PlanApproved,
  TaskCreated, TaskReady, TaskDispatched, AttemptStarted, AttemptFinished, GateCaptured, GatePassed, GateFailed,
  ReviewStarted, ReviewAccepted, ReviewRejected, CriticEditDiscarded, TaskMerged, MergeFailed, TrainFinished,
  RepairScheduled, RetryScheduled, TaskEscalated, TaskCancelled, TaskInterrupted, TaskReopened,
  ActorStarted, ActorCrashed, ActorRestarted, SupervisorReport, CostRecorded, BudgetExhausted,
  ProtocolRejected, TakeoverRequested, TakeoverDeclined, TakeoverStarted, TakeoverFinished,
] as const;

/** The three schemas of every event type, picked from ALL with the tuple type kept for inference. */
type PickEach<T extends readonly unknown[], K extends PropertyKey> = { -readonly [I in keyof T]: T[I] extends Record<K, infer S> ? S : never };
type Picked<K extends 'draft' | 'stored' | 'read'> = PickEach<typeof ALL, K>;
const pick = <K extends 'draft' | 'stored' | 'read'>(key: K): Picked<K> => ALL.map((event) => event[key]) as unknown as Picked<K>;

export const BoardEventDraftSchema = v.variant('type', pick('draft'));
export const BoardEventSchema = v.variant('type', pick('stored'));
/** Tolerant reader of the current version (extra keys allowed). */
export const BoardEventReadSchema = v.variant('type', pick('read'));

export type BoardEventDraft = v.InferOutput<typeof BoardEventDraftSchema>;
export type BoardEvent = v.InferOutput<typeof BoardEventSchema>;
export type BoardEventType = BoardEvent['type'];
export type EventOf<T extends BoardEventType> = Extract<BoardEvent, { type: T }>;
export type DraftOf<T extends BoardEventType> = Extract<BoardEventDraft, { type: T }>;

export const BOARD_EVENT_TYPES: readonly BoardEventType[] = ALL.map(
  (e) => e.draft.entries.type.literal,
) as BoardEventType[];
