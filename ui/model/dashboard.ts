/**
 * The dashboard model: everything the page and the monitor show, computed from a run's live state
 * and the time. Pure; the two renderers only lay it out.
 */
import type { LandingView, RunView } from '../../src/board/view.js';
import { attentionItems, type AttentionItem } from './attention.js';
import { columns, type Column } from './board.js';
import { kpis, type Kpis } from './kpis.js';
import { lanes, type Lane } from './lanes.js';
import type { FeedEntry, LiveState, Point } from './live-state.js';
import { deadTasks, eta } from './schedule.js';

export interface RunHeader {
  id: string;
  goal: string;
  mode: string;
  status: RunView['status'];
  exitCode?: number;
  reason?: string;
  startedAt?: number;
  finishedAt?: number;
  lastSeq: number;
  landings: LandingView[];
}

export interface Charts {
  startedAt: number | null;
  endAt: number;
  cost: { points: Point[]; budgetUsd: number | null };
  done: { points: Point[]; total: number };
}

export interface DashboardModel {
  run: RunHeader;
  kpis: Kpis;
  attention: AttentionItem[];
  lanes: Lane[];
  columns: Column[];
  /** Task ids on the critical path: of the remaining work while the run is on, of the whole run after. */
  criticalPath: string[];
  /** Newest first. */
  feed: FeedEntry[];
  charts: Charts;
}

export function buildDashboard(state: LiveState, nowMs: number, options: { feed?: number } = {}): DashboardModel {
  const view = state.view;
  const timeline = eta(view, nowMs);
  const critical = new Set(timeline.criticalPath.ids);
  const k = kpis(view, timeline, nowMs);
  const endAt = view.status === 'running' ? nowMs : view.finishedAt ?? view.lastTs;
  return {
    run: {
      id: view.runId ?? '',
      goal: view.goal ?? '',
      mode: view.mode ?? '',
      status: view.status,
      ...(view.exitCode === undefined ? {} : { exitCode: view.exitCode }),
      ...(view.reason === undefined ? {} : { reason: view.reason }),
      ...(view.startedAt === undefined ? {} : { startedAt: view.startedAt }),
      ...(view.finishedAt === undefined ? {} : { finishedAt: view.finishedAt }),
      lastSeq: view.lastSeq,
      landings: view.landings,
    },
    kpis: k,
    attention: attentionItems(view, { spendLevel: k.spend.level, spendPct: k.spend.pct, dead: deadTasks(view), problems: state.problems }),
    lanes: lanes(view, state.outputAt, nowMs),
    columns: columns(view, critical, nowMs),
    criticalPath: timeline.criticalPath.ids,
    feed: state.feed.slice(-(options.feed ?? 60)).reverse(),
    charts: {
      startedAt: view.startedAt ?? null,
      endAt,
      cost: { points: state.cost, budgetUsd: view.budgetUsd },
      done: { points: state.done, total: view.order.length },
    },
  };
}
