/**
 * What a dashboard or monitor holds for one run: the board fold plus what the fold does not keep
 * (the cost and tasks-done series, the recent activity in words, when each running agent last
 * printed). Built only by applying stored board events in seq order, so a server's snapshot and a
 * client that applies the events after it hold the same state. JSON-serialisable; no Node imports
 * (the page loads this module).
 */
import type { BoardEvent } from '../../protocol/index.js';
import { describeEvent, type EventTone } from '../../src/board/describe.js';
import { applyEvent } from '../../src/board/fold.js';
import { emptyRunView, type RunView } from '../../src/board/view.js';

/** Activity entries kept for the feed; older ones stay on the board file. */
export const FEED_MAX = 300;

export interface FeedEntry {
  seq: number;
  ts: number;
  taskId?: string;
  role?: string;
  what: string;
  text: string;
  tone: EventTone;
}

/** [epoch ms, value] */
export type Point = [number, number];

export interface LiveState {
  view: RunView;
  /** Cumulative spend after each provider call. */
  cost: Point[];
  /** Merged tasks after each merge. */
  done: Point[];
  feed: FeedEntry[];
  /** Epoch ms of the last output of a task's current agent (from its transcript file), by task id. */
  outputAt: Record<string, number>;
  /** Events that could not be folded (a bug in loop): said, then skipped. */
  problems: string[];
}

export function emptyLiveState(): LiveState {
  return { view: emptyRunView(), cost: [], done: [], feed: [], outputAt: {}, problems: [] };
}

/** Applies one stored event. Events at or below the last seq are ignored (a resend), never folded twice. */
export function applyToLive(state: LiveState, event: BoardEvent): boolean {
  const view = state.view;
  if (event.seq <= view.lastSeq) return false;
  try {
    applyEvent(view, event);
  } catch (error) {
    // The fold refuses illegal transitions; the view keeps going so the rest of the run stays visible.
    view.lastSeq = event.seq;
    view.lastTs = event.ts;
    state.problems.push(`board event #${event.seq} (${event.type}): ${error instanceof Error ? error.message : String(error)}`);
  }
  if (event.type === 'cost.recorded') state.cost.push([event.ts, view.spend.totalUsd]);
  if (event.type === 'task.merged') state.done.push([event.ts, state.done.length + 1]);
  // A new agent (implementer or critic) starts its silence clock when it starts.
  if (event.type === 'attempt.started' || event.type === 'review.started') state.outputAt[event.taskId] = event.ts;
  const said = describeEvent(event);
  if (said) {
    const task = 'taskId' in event && event.type !== 'cost.recorded' ? view.tasks[event.taskId] : undefined;
    state.feed.push({ seq: event.seq, ts: event.ts, ...(task ? { taskId: task.id, role: task.role } : {}), ...said });
    if (state.feed.length > FEED_MAX) state.feed.splice(0, state.feed.length - FEED_MAX);
  }
  return true;
}

/** A transcript grew: its agent is alive and talking. */
export function noteOutput(state: LiveState, taskId: string, atMs: number): void {
  if ((state.outputAt[taskId] ?? 0) < atMs) state.outputAt[taskId] = atMs;
}
