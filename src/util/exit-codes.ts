/** Exit codes of every `loop` command (DESIGN §4). */
export const EXIT = {
  /** Every task merged (or the command did what it was asked). */
  ok: 0,
  /** The run finished with escalated tasks (or a check found a problem). */
  escalated: 1,
  /** Usage or config error, before any spend. */
  usage: 2,
  /** The budget was exhausted. */
  budget: 3,
  /** Stopped or interrupted. */
  interrupted: 4,
  /** Internal error (a bug in loop). */
  internal: 5,
} as const;
