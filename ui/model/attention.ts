/**
 * The needs-attention list: every task that is escalated, rejected, failing its gate, retrying or
 * interrupted, with its reason in words, its attempt count and where its evidence is; then the
 * run-level problems (budget, an actor that gave up, a failed plan, work that did not land).
 */
import type { BoardEvent, DashboardLogKind, Failure } from '../../protocol/index.js';
import type { RunView, TaskView } from '../../src/board/view.js';
import { formatUsd } from './format.js';
import type { SpendLevel } from './kpis.js';

export type LogKind = DashboardLogKind;

export interface Evidence {
  taskId: string;
  attempt: number;
  log: LogKind;
}

export interface AttentionItem {
  kind: 'escalated' | 'rejected' | 'failing' | 'retrying' | 'interrupted' | 'blocked' | 'budget' | 'actor' | 'plan' | 'approval' | 'landing' | 'problem';
  severity: 'red' | 'amber';
  taskId?: string;
  role?: string;
  title?: string;
  /** The reason in words ("tests failed: ADD_SUM_CHECK", "critic qa: …", "tampered: .npmrc"). */
  reason: string;
  /** The failure behind an escalation, when it adds to the reason. */
  detail?: string;
  attempts?: number;
  evidence?: Evidence;
}

const FAILURE_LABEL: Record<Failure['kind'], string> = {
  tests: 'tests failed', regression: 'regression', review: 'critic', tamper: 'tampered', 'no-changes': 'no changes',
  'bad-output': 'unreadable agent output', 'agent-error': 'agent error', permission: 'permission refused',
  conflict: 'merge conflict', 'merge-tests': 'red after merge', setup: 'setup failed', auth: 'not authenticated',
};

/** "tests failed: add", "critic qa: multiply(2,3) returns 5", "tampered: .npmrc". */
export function failureInWords(failure: Failure): string {
  const label = FAILURE_LABEL[failure.kind] ?? failure.kind;
  if (failure.kind === 'tamper' && failure.files && failure.files.length > 0) return `${label}: ${failure.files.join(', ')}`;
  const rejected = failure.kind === 'review' ? /^rejected by ([^:]+): ([\s\S]*)$/.exec(failure.summary) : null;
  if (rejected) return `critic ${rejected[1]}: ${rejected[2]}`;
  const summary = failure.summary.trim();
  // "tests failed: add" and "agent failed: exit 1" already say what kind of failure they are.
  if (summary.toLowerCase().split(/\s/)[0] === label.toLowerCase().split(/\s/)[0]) return summary;
  return `${label}: ${summary}`;
}

/** The attempt and log that show why the task last failed. */
export function evidenceOf(task: TaskView): Evidence | undefined {
  for (let i = task.history.length - 1; i >= 0; i--) {
    const log = failureLog(task.history[i]!);
    if (log) return { taskId: task.id, attempt: log.attempt, log: log.kind };
  }
  return undefined;
}

function failureLog(e: BoardEvent): { attempt: number; kind: LogKind } | null {
  switch (e.type) {
    case 'gate.failed':
      return { attempt: e.attempt, kind: 'gate' };
    case 'review.rejected':
      return { attempt: e.attempt, kind: 'review' };
    case 'merge.failed':
      return { attempt: e.attempt, kind: 'merge' };
    case 'attempt.finished':
      return e.outcome === 'ok' ? null : { attempt: e.attempt, kind: 'agent' };
    default:
      return null;
  }
}

function taskItem(task: TaskView, dead: ReadonlySet<string>): AttentionItem | null {
  const base = { taskId: task.id, role: task.role, title: task.title, ...(task.attempt > 0 ? { attempts: task.attempt } : {}) };
  const evidence = evidenceOf(task);
  const withEvidence = evidence ? { evidence } : {};
  const failure = task.lastFailure ? failureInWords(task.lastFailure) : undefined;
  const last = task.history[task.history.length - 1];
  switch (task.status) {
    case 'merged':
      return null;
    case 'escalated':
    case 'cancelled': {
      const detail = failure && !(task.reason ?? '').includes(task.lastFailure!.summary) ? { detail: failure } : {};
      return { kind: 'escalated', severity: 'red', ...base, reason: task.reason ?? task.status, ...detail, ...withEvidence };
    }
    case 'interrupted':
      return { kind: 'interrupted', severity: 'amber', ...base, reason: `interrupted: ${task.reason ?? 'the run stopped'}`, ...withEvidence };
    default:
      if (last?.type === 'retry.scheduled') return { kind: 'retrying', severity: 'amber', ...base, reason: `retrying: ${last.reason}`, ...withEvidence };
      if (dead.has(task.id)) {
        const upstream = task.dependsOn.filter((id) => dead.has(id));
        return { kind: 'blocked', severity: 'amber', ...base, reason: `blocked: waits for ${upstream.join(', ')}, which cannot finish` };
      }
      if (task.repairs > 0 && task.lastFailure) {
        return { kind: task.lastFailure.kind === 'review' ? 'rejected' : 'failing', severity: 'amber', ...base, reason: failure!, detail: `repair ${task.repairs} in progress`, ...withEvidence };
      }
      return null;
  }
}

export interface RunSignals {
  spendLevel: SpendLevel;
  spendPct: number | null;
  dead: ReadonlySet<string>;
  problems: readonly string[];
}

export function attentionItems(view: RunView, signals: RunSignals): AttentionItem[] {
  const items: AttentionItem[] = [];
  if (view.planFailure !== undefined) items.push({ kind: 'plan', severity: 'red', reason: `no plan: ${view.planFailure}` });
  if (view.planApproval === 'waiting' && view.status === 'running') {
    items.push({ kind: 'approval', severity: 'amber', reason: `the plan (${view.order.length} tasks) waits for your approval before anything is dispatched: \`loop approve --run ${view.runId ?? '<run>'}\`` });
  }
  if (view.budgetExhausted) {
    const b = view.budgetExhausted;
    items.push({ kind: 'budget', severity: 'red', reason: `budget reached: ${formatUsd(b.spentUsd)} spent + ${formatUsd(b.reservedUsd)} in flight of ${formatUsd(b.budgetUsd)}${b.unstarted.length > 0 ? `; not started: ${b.unstarted.join(', ')}` : ''}` });
  } else if (signals.spendLevel === 'amber' || signals.spendLevel === 'red') {
    items.push({ kind: 'budget', severity: signals.spendLevel, reason: `${Math.round(signals.spendPct ?? 0)}% of the ${formatUsd(view.budgetUsd ?? 0)} budget spent` });
  }
  for (const actor of Object.values(view.actors)) {
    if (actor.status === 'gave-up') items.push({ kind: 'actor', severity: 'red', reason: `${actor.id} gave up after ${actor.restarts} restarts: ${actor.lastReason ?? 'no reason recorded'}` });
  }
  const tasks = view.order.map((id) => view.tasks[id]!);
  for (const task of tasks) {
    const item = taskItem(task, signals.dead);
    if (item) items.push(item);
  }
  for (const landing of view.landings) {
    if (!landing.fastForwarded && !landing.url) items.push({ kind: 'landing', severity: 'amber', reason: `not landed in ${landing.repo}: ${landing.reason ?? ''}${landing.command ? ` — land it with: ${landing.command}` : ''}` });
  }
  for (const problem of signals.problems) items.push({ kind: 'problem', severity: 'amber', reason: problem });
  // Red first, then in plan order (stable sort keeps it).
  return items.sort((a, b) => (a.severity === b.severity ? 0 : a.severity === 'red' ? -1 : 1));
}
