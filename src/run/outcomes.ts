/**
 * What happens to a task after a setback (pure). Validation failures (tests, critic, tamper, bad
 * output) are repairs, bounded by maxRepairs; failures (crash, hang, rate limit) are retries,
 * bounded by maxRetries. The two are never mixed up.
 */
import type { BoardEventDraft, Failure } from '../../protocol/index.js';
import type { TaskView } from '../board/view.js';

export function afterValidationFailure(task: TaskView, attempt: number, failure: Failure, maxRepairs: number): BoardEventDraft {
  if (task.repairs < maxRepairs) return { type: 'repair.scheduled', taskId: task.id, nextAttempt: attempt + 1, failure };
  const attempts = `${attempt} attempt${attempt === 1 ? '' : 's'}`;
  return { type: 'task.escalated', taskId: task.id, reason: `${failure.summary} (gave up after ${attempts}; maxRepairs ${maxRepairs})` };
}

export function afterFailure(task: TaskView, reason: string, delayMs: number, maxRetries: number): BoardEventDraft {
  if (task.retries < maxRetries) return { type: 'retry.scheduled', taskId: task.id, reason, retries: task.retries + 1, delayMs: Math.round(delayMs) };
  return { type: 'task.escalated', taskId: task.id, reason: `${reason} (failed ${task.retries + 1} times; maxRetries ${maxRetries})` };
}

/** The evidence of an agent that ended badly: its own words, bounded. */
export function agentFailure(kind: Failure['kind'], summary: string, text: string): Failure {
  const body = text.trim();
  const evidence = body.length > 4000 ? `…${body.slice(-4000)}` : body;
  return { kind, summary, evidence: evidence || summary };
}

export const firstLine = (text: string, max = 200): string => {
  const line = text.trim().split('\n').find((l) => l.trim().length > 0)?.trim() ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
};
