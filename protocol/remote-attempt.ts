/**
 * An SME attempt dispatched to a `loop worker` on another machine (`loop.nats.dispatch: workers`).
 * The job carries what that machine needs instead of the supervisor's paths: the repository's git
 * remote, the commit to start from, the task branch, and the prompt texts. The worker answers with
 * the agent's result (the shape the supervisor's own SME actor returns) plus what it pushed and the
 * agent's transcript, which the supervisor writes into its own log file.
 */
import * as v from 'valibot';
import { TaskIdSchema } from './ids.js';
import { ProviderSpecSchema } from './messages.js';
import { AgentResultSchema } from './results.js';

export const RemoteRepoSchema = v.strictObject({
  /** The repository's name in the config (the worker's clone is keyed by the remote, not by this). */
  name: v.string(),
  /** A git URL the worker can fetch from and push to. */
  remote: v.string(),
  /** The commit the attempt starts from; on the remote under `refs/heads/loop/<run>/…`. */
  base: v.pipe(v.string(), v.regex(/^[0-9a-f]{40}$/)),
  /** The task branch the worker pushes the attempt's commit to. */
  branch: v.string(),
  setupCommand: v.nullable(v.string()),
  copyFiles: v.array(v.string()),
});
export type RemoteRepo = v.InferOutput<typeof RemoteRepoSchema>;

/** Stands in the job's prompt where the supervisor's prompt named its own slot; the worker puts its slot's path there. */
export const WORKDIR_MARK = '<loop:workdir>';

export const RemoteAttemptSchema = v.strictObject({
  type: v.literal('remote-attempt'),
  runId: v.string(),
  taskId: TaskIdSchema,
  attempt: v.pipe(v.number(), v.integer(), v.minValue(1)),
  role: v.string(),
  taskTitle: v.string(),
  taskFiles: v.optional(v.array(v.string())),
  provider: ProviderSpecSchema,
  /** The task's prompt, with `WORKDIR_MARK` where the agent's working folder goes. */
  prompt: v.string(),
  /** The role's system prompt text (the worker writes its own file for the agent CLI). */
  systemPrompt: v.string(),
  deadlineMs: v.pipe(v.number(), v.integer(), v.minValue(1)),
  allowedCommands: v.optional(v.array(v.string())),
  /** Null in dry-run, where no files are touched. */
  repo: v.nullable(RemoteRepoSchema),
});
export type RemoteAttempt = v.InferOutput<typeof RemoteAttemptSchema>;

export const RemoteAttemptResultSchema = v.object({
  ...AgentResultSchema.entries,
  remote: v.strictObject({
    /** The attempt's commit, pushed to the task branch; null when the agent changed nothing (or failed). */
    commit: v.nullable(v.pipe(v.string(), v.regex(/^[0-9a-f]{40}$/))),
    /** The agent's transcript (its log file on the worker). */
    log: v.string(),
  }),
});
export type RemoteAttemptResult = v.InferOutput<typeof RemoteAttemptResultSchema>;
