/**
 * Environment of every agent process: the caller's, plus markers that let `loop resume` and
 * `loop clean` recognise (and kill) agents a crashed supervisor left behind.
 */
export function agentEnv(runId: string, taskId: string, role: string): NodeJS.ProcessEnv {
  return { ...process.env, LOOP_RUN_ID: runId, LOOP_TASK_ID: taskId, LOOP_ROLE: role };
}
