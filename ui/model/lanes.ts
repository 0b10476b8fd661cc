/**
 * One swimlane per role: what it is doing now (its agent at work, its task in the gate, review or
 * merge queue, or reviewing someone else's task as the critic), how long its agent has been silent
 * (amber after 2 minutes, red after 5), its spend and its tally.
 */
import type { RunView, TaskView } from '../../src/board/view.js';
import type { LogKind } from './attention.js';

export const IDLE_AMBER_MS = 120_000;
export const IDLE_RED_MS = 300_000;

export type IdleLevel = 'ok' | 'amber' | 'red';

export interface LaneWork {
  taskId: string;
  title: string;
  attempt: number;
  /** What is happening to the task now. */
  phase: 'agent' | 'gate' | 'review' | 'merge' | 'critic';
  /** The transcript to peek at while the phase has a live agent. */
  log: { attempt: number; kind: LogKind } | null;
  /** Since when the agent has printed nothing (agent and critic phases only). */
  silentMs: number | null;
  silence: IdleLevel | null;
}

export interface Lane {
  role: string;
  state: 'working' | 'reviewing' | 'busy' | 'idle' | 'crashed' | 'restarting' | 'gave-up';
  /** One line saying what the role does now. */
  text: string;
  work: LaneWork[];
  spendUsd: number;
  merged: number;
  total: number;
  restarts: number;
}

export function idleLevel(silentMs: number): IdleLevel {
  return silentMs >= IDLE_RED_MS ? 'red' : silentMs >= IDLE_AMBER_MS ? 'amber' : 'ok';
}

const PHASE: Partial<Record<TaskView['status'], LaneWork['phase']>> = { running: 'agent', implemented: 'gate', reviewing: 'review', gating: 'merge' };
const PHASE_WORDS: Record<LaneWork['phase'], string> = { agent: 'agent working on', gate: 'gate testing', review: 'in review:', merge: 'merge queue:', critic: 'reviewing' };

/** The critic reviewing a task now: the last review.started of its current attempt. */
function criticOf(task: TaskView): string | null {
  for (let i = task.history.length - 1; i >= 0; i--) {
    const e = task.history[i]!;
    if (e.type === 'review.started') return e.critic;
  }
  return null;
}

function work(task: TaskView, phase: LaneWork['phase'], outputAt: Record<string, number>, nowMs: number): LaneWork {
  const live = phase === 'agent' || phase === 'critic';
  const silentMs = live ? Math.max(0, nowMs - (outputAt[task.id] ?? task.updatedAt)) : null;
  return {
    taskId: task.id,
    title: task.title,
    attempt: task.attempt,
    phase,
    log: phase === 'agent' ? { attempt: task.attempt, kind: 'agent' } : phase === 'critic' ? { attempt: task.attempt, kind: 'review' } : null,
    silentMs,
    silence: silentMs === null ? null : idleLevel(silentMs),
  };
}

export function lanes(view: RunView, outputAt: Record<string, number>, nowMs: number): Lane[] {
  const tasks = view.order.map((id) => view.tasks[id]!);
  const live = view.status === 'running';
  return view.roles.map((role) => {
    const own = tasks.filter((t) => t.role === role);
    const mine: LaneWork[] = live
      ? own.flatMap((t) => (PHASE[t.status] ? [work(t, PHASE[t.status]!, outputAt, nowMs)] : []))
      : [];
    const reviewing = live ? tasks.filter((t) => t.status === 'reviewing' && criticOf(t) === role).map((t) => work(t, 'critic', outputAt, nowMs)) : [];
    const all = [...mine.filter((w) => w.phase === 'agent'), ...reviewing, ...mine.filter((w) => w.phase !== 'agent')];
    const actor = view.actors[`sme/${role}`];
    const merged = own.filter((t) => t.status === 'merged').length;
    const state: Lane['state'] =
      actor?.status === 'gave-up' ? 'gave-up'
      : actor?.status === 'crashed' ? 'crashed'
      : actor?.status === 'restarting' ? 'restarting'
      : all.some((w) => w.phase === 'agent') ? 'working'
      : reviewing.length > 0 ? 'reviewing'
      : all.length > 0 ? 'busy'
      : 'idle';
    return {
      role,
      state,
      text: laneText(view, state, all, own, actor?.lastReason),
      work: all,
      spendUsd: view.spend.byRole[role] ?? 0,
      merged,
      total: own.length,
      restarts: actor?.restarts ?? 0,
    };
  });
}

function laneText(view: RunView, state: Lane['state'], all: LaneWork[], own: TaskView[], lastReason: string | undefined): string {
  if (state === 'gave-up' || state === 'crashed' || state === 'restarting') return `${state}${lastReason ? `: ${lastReason}` : ''}`;
  if (all.length > 0) return all.map((w) => `${PHASE_WORDS[w.phase]} ${w.taskId}${w.phase === 'agent' && w.attempt > 1 ? ` (attempt ${w.attempt})` : ''}`).join(' · ');
  if (own.length === 0) return 'idle';
  const next = own.find((t) => t.status === 'planned' || t.status === 'ready' || t.status === 'interrupted');
  if (!next) {
    const stuck = own.filter((t) => t.status === 'escalated' || t.status === 'cancelled').length;
    return stuck > 0 ? `idle · ${stuck} escalated` : 'idle · all merged';
  }
  const waits = next.dependsOn.filter((id) => view.tasks[id]?.status !== 'merged');
  return next.status === 'ready' || waits.length === 0 ? `idle · ${next.id} ready` : `idle · ${next.id} waits for ${waits.join(', ')}`;
}
