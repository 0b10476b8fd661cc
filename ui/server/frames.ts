/** What the dashboard server sends over the WebSocket (the page's frames are in protocol/dashboard.ts). */
import type { BoardEvent, DashboardLogKind } from '../../protocol/index.js';
import type { LiveState } from '../model/live-state.js';
import type { LogLine } from './log-follow.js';
import type { RunSummary } from './registry.js';

export type ServerFrame =
  | { type: 'hello'; runs: RunSummary[]; controls: boolean; tokenRequired: boolean }
  | { type: 'runs'; runs: RunSummary[] }
  /** The run's whole state; `epoch` names this board so a reconnect can ask for what follows. */
  | { type: 'snapshot'; runId: string; epoch: string; state: LiveState }
  | { type: 'events'; runId: string; epoch: string; events: BoardEvent[] }
  | { type: 'output'; runId: string; taskId: string; at: number }
  | { type: 'log'; runId: string; taskId: string; attempt: number; kind: DashboardLogKind; lines: LogLine[]; reset: boolean }
  | { type: 'error'; status: number; message: string };
