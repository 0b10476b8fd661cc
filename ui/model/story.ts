/**
 * A task's story, attempt by attempt: which agent ran, what it said and cost, what the gate found
 * (with the evidence), what each critic decided and why, the merge, and what came next (a repair
 * with its reason, a retry, the escalation). Read from the task's own history on the board.
 */
import type { BoardEvent } from '../../protocol/index.js';
import type { RunView, TaskView } from '../../src/board/view.js';
import { failureInWords } from './attention.js';
import { card, type Card } from './board.js';

export interface ReviewStory {
  critic: string;
  provider?: string;
  verdict: 'pending' | 'accepted' | 'rejected';
  reasons: string[];
  notes: { criterion: string; met: boolean; note?: string }[];
}

export interface AttemptStory {
  attempt: number;
  provider?: string;
  providerType?: string;
  startedAt?: number;
  outcome?: string;
  summary?: string;
  durationMs?: number;
  usd?: number;
  commit?: string;
  changedFiles: string[];
  gate?: { passed: boolean; text: string; evidence?: string; files?: string[] };
  reviews: ReviewStory[];
  discarded: string[];
  merge?: { merged: boolean; text: string; sha?: string; evidence?: string };
  /** What the board decided after this attempt. */
  next?: { kind: 'repair' | 'retry' | 'escalated' | 'cancelled' | 'interrupted'; text: string };
}

export interface TaskStory {
  card: Card;
  acceptance: string[];
  description?: string;
  files?: string[];
  reason?: string;
  lastFailure?: string;
  attempts: AttemptStory[];
}

function blank(attempt: number): AttemptStory {
  return { attempt, changedFiles: [], reviews: [], discarded: [] };
}

function apply(attempts: Map<number, AttemptStory>, current: () => AttemptStory, e: BoardEvent): void {
  const at = (n: number): AttemptStory => {
    let story = attempts.get(n);
    if (!story) attempts.set(n, (story = blank(n)));
    return story;
  };
  switch (e.type) {
    case 'task.dispatched':
      at(e.attempt);
      break;
    case 'attempt.started': {
      const s = at(e.attempt);
      Object.assign(s, { provider: e.provider, providerType: e.providerType, startedAt: e.ts });
      break;
    }
    case 'attempt.finished': {
      const s = at(e.attempt);
      Object.assign(s, { outcome: e.outcome, summary: e.summary, durationMs: e.durationMs, usd: e.usd, changedFiles: e.changedFiles ?? s.changedFiles });
      if (e.commit) s.commit = e.commit;
      break;
    }
    case 'gate.captured': {
      // the tamper check passed; the tests' verdict follows (gate.passed/failed) or comes from the merge train
      const s = at(e.attempt);
      s.gate = { passed: true, text: e.tests === 'train' ? 'protected files unchanged; tested in its merge train' : e.tests === 'slot' ? 'protected files unchanged; testing in its slot' : 'protected files unchanged; no test command' };
      s.commit = e.commit;
      s.changedFiles = e.changedFiles;
      break;
    }
    case 'gate.passed': {
      const s = at(e.attempt);
      s.gate = { passed: true, text: e.summary };
      if (e.commit) s.commit = e.commit;
      if (e.changedFiles) s.changedFiles = e.changedFiles;
      break;
    }
    case 'gate.failed': {
      const s = at(e.attempt);
      s.gate = { passed: false, text: failureInWords(e.failure), evidence: e.failure.evidence, ...(e.failure.files ? { files: e.failure.files } : {}) };
      if (e.commit) s.commit = e.commit;
      break;
    }
    case 'review.started': {
      const s = at(e.attempt);
      s.reviews.push({ critic: e.critic, provider: e.provider, verdict: 'pending', reasons: [], notes: [] });
      break;
    }
    case 'review.accepted':
    case 'review.rejected': {
      const s = at(e.attempt);
      const open = [...s.reviews].reverse().find((r) => r.verdict === 'pending' && r.critic === e.critic);
      const verdict = e.type === 'review.accepted' ? 'accepted' : 'rejected';
      if (open) Object.assign(open, { verdict, reasons: e.reasons, notes: e.notes });
      else s.reviews.push({ critic: e.critic, verdict, reasons: e.reasons, notes: e.notes });
      break;
    }
    case 'critic.edit-discarded':
      at(e.attempt).discarded.push(...e.files);
      break;
    case 'task.merged': {
      const s = at(e.attempt);
      s.merge = { merged: true, text: e.sha ? `merged ${e.sha.slice(0, 7)} on ${e.branch ?? 'the integration branch'}` : 'merged (dry-run)', ...(e.sha ? { sha: e.sha } : {}) };
      break;
    }
    case 'merge.failed': {
      const s = at(e.attempt);
      s.merge = { merged: false, text: failureInWords(e.failure), evidence: e.failure.evidence };
      break;
    }
    case 'repair.scheduled':
      current().next = { kind: 'repair', text: `attempt ${e.nextAttempt} repairs: ${failureInWords(e.failure)}` };
      break;
    case 'retry.scheduled':
      current().next = { kind: 'retry', text: `retry ${e.retries}: ${e.reason}` };
      break;
    case 'task.escalated':
    case 'task.cancelled':
    case 'task.interrupted':
      current().next = { kind: e.type.slice(5) as 'escalated' | 'cancelled' | 'interrupted', text: e.reason };
      break;
    default:
      break;
  }
}

export function taskStory(view: RunView, taskId: string, critical: ReadonlySet<string>, nowMs: number): TaskStory | null {
  const task: TaskView | undefined = view.tasks[taskId];
  if (!task) return null;
  const attempts = new Map<number, AttemptStory>();
  let latest = 0;
  const current = (): AttemptStory => {
    if (!attempts.has(latest)) attempts.set(latest, blank(latest));
    return attempts.get(latest)!;
  };
  for (const e of task.history) {
    if ('attempt' in e && typeof e.attempt === 'number') latest = Math.max(latest, e.attempt);
    apply(attempts, current, e);
  }
  return {
    card: card(view, task, critical, nowMs),
    acceptance: task.acceptance,
    ...(task.description ? { description: task.description } : {}),
    ...(task.files ? { files: task.files } : {}),
    ...(task.reason ? { reason: task.reason } : {}),
    ...(task.lastFailure ? { lastFailure: failureInWords(task.lastFailure) } : {}),
    attempts: [...attempts.values()].sort((a, b) => a.attempt - b.attempt),
  };
}
