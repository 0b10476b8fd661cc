/** Identifier schemas shared by IPC frames, board events and config. Imports only valibot. */
import * as v from 'valibot';

/**
 * Run ids become tmux session names and git ref components (`loop/<run>/<task>`): tmux rewrites
 * `.` and `:` in session names, and git refuses `..`, `~`, `^`, `:` and spaces, so only letters,
 * digits, `-` and `_` are accepted.
 */
export const RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const RunIdSchema = v.pipe(
  v.string(),
  v.regex(RUN_ID_PATTERN, 'use 1-64 letters, digits, "-" or "_" (tmux and git cannot take "." ":" "/" or spaces)'),
);

/** Task ids are also git ref components (`loop/<run>/<task>`), so they follow the run id rule. */
export const TASK_ID_PATTERN = RUN_ID_PATTERN;
export const TaskIdSchema = v.pipe(
  v.string(),
  v.regex(TASK_ID_PATTERN, 'use 1-64 letters, digits, "-" or "_"'),
);

/** Role names appear in actor ids (`sme/<role>`), file names and tmux pane titles. */
export const ROLE_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;
export const RoleNameSchema = v.pipe(
  v.string(),
  v.regex(ROLE_NAME_PATTERN, 'use 1-64 letters, digits, "-" or "_"'),
);

/** `board`, `planner`, `critic`, `gate`, `sme/<role>`, or a supervisor name such as `loop`. */
export const ActorIdSchema = v.pipe(v.string(), v.minLength(1));
export const MessageIdSchema = v.pipe(v.string(), v.minLength(1));

export type RunId = v.InferOutput<typeof RunIdSchema>;
export type TaskId = v.InferOutput<typeof TaskIdSchema>;
export type ActorId = v.InferOutput<typeof ActorIdSchema>;
export type MessageId = v.InferOutput<typeof MessageIdSchema>;
