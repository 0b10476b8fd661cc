/**
 * Supervisor ↔ actor frames over fork IPC (`serialization: 'json'`). The envelope carries the
 * brand/version, a unique id, the id it answers (`re`), sender and receiver; the body is a
 * discriminated union, one schema per message. Requests are imperative and kebab-case; board
 * events (board-events.ts) are past tense.
 */
import * as v from 'valibot';
import { TaskIdSchema } from './ids.js';
import { BoardEventDraftSchema } from './board-events.js';
import { PRE_MERGE_TESTS, ProviderSchema } from './config.js';
import { CancelSchema, envelope, ErrorInfoSchema, InitSchema, PingSchema, ShutdownSchema } from './control.js';

export { CancelSchema, ControlFrameSchema, envelope, ErrorInfoSchema, InitSchema, PingSchema, PROTOCOL, ShutdownSchema, type ErrorInfo } from './control.js';

/** A provider as the actors see it: its key in `providers` and its resolved config. */
export const ProviderSpecSchema = v.strictObject({ key: v.string(), config: ProviderSchema });
export type ProviderSpec = v.InferOutput<typeof ProviderSpecSchema>;

const Ms = v.pipe(v.number(), v.integer(), v.minValue(1));
const Attempt = v.pipe(v.number(), v.integer(), v.minValue(1));
/** What every request about one attempt of one task carries. */
const AttemptRef = { runId: v.string(), taskId: TaskIdSchema, attempt: Attempt };

// ---- supervisor → actor ---------------------------------------------------------------------

/** Board actor: validate, assign seq, append with fdatasync, reply with the stored event. */
export const AppendSchema = v.strictObject({
  type: v.literal('append'),
  event: BoardEventDraftSchema,
  /** Idempotency key: a retried append after a board restart is not written twice. */
  key: v.string(),
});

export const PlanRoleSchema = v.strictObject({
  name: v.string(),
  title: v.string(),
  sme: v.optional(v.string()),
  responsibilities: v.array(v.string()),
});
export type PlanRole = v.InferOutput<typeof PlanRoleSchema>;

/** Planner actor: turn the goal into a validated plan. */
export const PlanRequestSchema = v.strictObject({
  type: v.literal('plan'),
  goal: v.string(),
  /** Roles that may receive tasks. */
  roles: v.array(PlanRoleSchema),
  plannerRole: v.string(),
  provider: ProviderSpecSchema,
  workdir: v.string(),
  systemPromptFile: v.string(),
  logFile: v.string(),
  deadlineMs: Ms,
});

/** SME actor: run one attempt of one task with the role's provider. */
export const RunAttemptSchema = v.strictObject({
  type: v.literal('run-attempt'),
  ...AttemptRef,
  role: v.string(),
  taskTitle: v.string(),
  /** Globs from the plan; the sim agent writes into the first literal path. */
  taskFiles: v.optional(v.array(v.string())),
  provider: ProviderSpecSchema,
  /** The worktree slot; null in dry-run, where no files are touched. */
  workdir: v.nullable(v.string()),
  prompt: v.string(),
  promptFile: v.string(),
  systemPromptFile: v.string(),
  logFile: v.string(),
  deadlineMs: Ms,
  /** The repository's own test/build/lint/format commands, which the agent may run without asking (its CLI's allow-list). */
  allowedCommands: v.optional(v.array(v.string())),
});

/** Critic actor: review a change read-only and return a verdict. */
export const ReviewRequestSchema = v.strictObject({
  type: v.literal('review'),
  ...AttemptRef,
  critic: v.string(),
  provider: ProviderSpecSchema,
  /** Detached copy of the change; null in dry-run. */
  workdir: v.nullable(v.string()),
  prompt: v.string(),
  promptFile: v.string(),
  systemPromptFile: v.string(),
  logFile: v.string(),
  deadlineMs: Ms,
});

export const ProtectedSpecSchema = v.strictObject({
  /** Globs of existing test files (from `loop learn`): may not be modified or deleted; new ones are allowed. */
  testGlobs: v.array(v.string()),
  /** Globs that may not be added, modified or deleted (CI, runner configs, loop config, brief, extras). */
  lockedGlobs: v.array(v.string()),
});
export type ProtectedSpec = v.InferOutput<typeof ProtectedSpecSchema>;

const PreMergeTestsSchema = v.picklist(PRE_MERGE_TESTS);

/**
 * Gate actor: commit the attempt's work, refuse changes to grader files, and say where the change's
 * tests will run (its own slot now, or only its merge train; `preMergeTests`).
 */
export const CaptureRequestSchema = v.strictObject({
  type: v.literal('capture'),
  ...AttemptRef,
  repoPath: v.nullable(v.string()),
  /** Slot holding the attempt; null in dry-run. */
  workdir: v.nullable(v.string()),
  baseSha: v.nullable(v.string()),
  protected: ProtectedSpecSchema,
  commitMessage: v.string(),
  /** Null: the repository has no test command. */
  testCommand: v.nullable(v.string()),
  preMergeTests: PreMergeTestsSchema,
  /** The most changes the repository's next merge train takes (for `auto`). */
  maxTrain: v.pipe(v.number(), v.integer(), v.minValue(1)),
});

/** One suite run of the gate: where its own slots are, what to run, and where its output goes. */
const SuiteRun = {
  /** The gate's own slots, where a suite runs when it is not cached. */
  gateWorkdirs: v.array(v.string()),
  testCommand: v.string(),
  /** Run again before testing when the tested commit's lockfiles differ from what the slot was set up with. */
  setupCommand: v.nullable(v.string()),
  testTimeoutMs: Ms,
  logFile: v.string(),
};

/** Gate actor: run the tests on a captured change in its slot and apply the regression rule against its base. */
export const VerifyRequestSchema = v.strictObject({
  type: v.literal('verify'),
  ...AttemptRef,
  repoPath: v.string(),
  /** The agent's slot, holding `commit` as captured (plus setup output). */
  workdir: v.string(),
  commit: v.string(),
  baseSha: v.string(),
  ...SuiteRun,
});

/**
 * Gate actor: the merge queue. Accepted changes waiting for a repository's queue are merged together
 * onto the integration head (a train), tested once, and the branch advances past all of them; a red
 * train is bisected to its culprit and the rest land. The reply comes when this change landed or
 * was refused.
 */
export const MergeRequestSchema = v.strictObject({
  type: v.literal('merge'),
  ...AttemptRef,
  repoPath: v.nullable(v.string()),
  /** The gate's own slots for suite runs (probes of a red train run in parallel, one per slot). */
  gateWorkdirs: v.array(v.string()),
  /** Full ref name of the integration branch, e.g. `refs/heads/loop/<run>/integration`. */
  integrationRef: v.nullable(v.string()),
  taskCommit: v.nullable(v.string()),
  testCommand: v.nullable(v.string()),
  setupCommand: v.nullable(v.string()),
  testTimeoutMs: Ms,
  logFile: v.string(),
  message: v.string(),
  /** The repository's name, for the train's board event. */
  repo: v.string(),
  maxTrain: v.pipe(v.number(), v.integer(), v.minValue(1)),
  /**
   * Other tasks of this repository on their way to its queue when this change was sent, their agent
   * done (under review or accepted): a train that could leave may wait for them (`trainWait`).
   */
  onTheWay: v.optional(v.array(v.string()), []),
  /** Tasks of this repository whose agent is still at work, each with when it is expected to finish (the run's typical agent time less its time so far). */
  arriving: v.optional(v.array(v.strictObject({ taskId: v.string(), inMs: v.pipe(v.number(), v.minValue(0)) })), []),
  /** The longest a train waits for changes on their way: `auto` (one suite run, as measured) or milliseconds. */
  trainWait: v.optional(v.union([v.literal('auto'), v.pipe(v.number(), v.integer(), v.minValue(0))]), 'auto'),
});

/**
 * Gate actor: run the suite on the integration head while the first changes are still being made,
 * so the first train finds its base's run done (runs are cached by tree) instead of starting it.
 */
export const PrimeRequestSchema = v.strictObject({
  type: v.literal('prime'),
  runId: v.string(),
  repoPath: v.string(),
  commit: v.string(),
  ...SuiteRun,
});

export const ToActorBodySchema = v.variant('type', [
  InitSchema, AppendSchema, PlanRequestSchema, RunAttemptSchema, ReviewRequestSchema,
  CaptureRequestSchema, VerifyRequestSchema, MergeRequestSchema, PrimeRequestSchema, CancelSchema, ShutdownSchema, PingSchema,
]);
export const ToActorSchema = envelope(ToActorBodySchema);
export type ToActorBody = v.InferOutput<typeof ToActorBodySchema>;
export type ToActor = v.InferOutput<typeof ToActorSchema>;
export type RequestBody = Exclude<ToActorBody, { type: 'init' | 'cancel' | 'shutdown' }>;
export type RequestOf<T extends RequestBody['type']> = Extract<RequestBody, { type: T }>;

// ---- actor → supervisor ---------------------------------------------------------------------

/** Like Effect's Exit: expected failures are data (`fail`); cancellations are `interrupted`; defects are crashes, never replies. */
export const ResultSchema = v.variant('tag', [
  v.strictObject({ tag: v.literal('ok'), value: v.unknown() }),
  v.strictObject({ tag: v.literal('fail'), code: v.string(), message: v.string(), data: v.optional(v.unknown()) }),
  v.strictObject({ tag: v.literal('interrupted'), reason: v.string() }),
]);
export type Result = v.InferOutput<typeof ResultSchema>;

export const ReadySchema = v.strictObject({ type: v.literal('ready'), pid: v.number() });
export const InitFailedSchema = v.strictObject({ type: v.literal('init-failed'), error: ErrorInfoSchema });
/**
 * Cast, correlated with `re`. `agent-started`/`agent-exited` carry the pid of an agent process
 * group so the supervisor can kill it if the actor dies without doing so itself.
 */
export const ProgressSchema = v.strictObject({
  type: v.literal('progress'),
  note: v.string(),
  pid: v.optional(v.number()),
  data: v.optional(v.unknown()),
});
export const EmitSchema = v.strictObject({ type: v.literal('emit'), event: BoardEventDraftSchema });
export const ReplySchema = v.strictObject({ type: v.literal('reply'), result: ResultSchema });
/** Last frame before a non-zero exit, sent from the runtime's top-level catch. */
export const CrashSchema = v.strictObject({ type: v.literal('crash'), error: ErrorInfoSchema });

export const FromActorBodySchema = v.variant('type', [
  ReadySchema, InitFailedSchema, ProgressSchema, EmitSchema, ReplySchema, CrashSchema,
]);
export const FromActorSchema = envelope(FromActorBodySchema);
export type FromActorBody = v.InferOutput<typeof FromActorBodySchema>;
export type FromActor = v.InferOutput<typeof FromActorSchema>;
