/**
 * The RunView: what every report, dashboard, resume and test reads. It is only ever produced by
 * folding board events (fold.ts); nothing else writes it.
 */
import type { BoardEvent, Failure, RunStatus } from '../../protocol/index.js';
import type { TaskStatus } from './transitions.js';

export interface TaskView {
  id: string;
  title: string;
  role: string;
  dependsOn: string[];
  acceptance: string[];
  files?: string[];
  description?: string;
  repo?: string;
  status: TaskStatus;
  /** Number of the current (or last) attempt; 0 before the first dispatch. */
  attempt: number;
  /** Repairs scheduled after validation failures (tests, critic, tamper…); bounded by maxRepairs. */
  repairs: number;
  /** Re-dispatches after failures (crash, hang, rate limit); bounded by maxRetries. */
  retries: number;
  /** The failure the next attempt must fix, with its evidence. */
  lastFailure?: Failure;
  /** Why the task was escalated, cancelled or interrupted. */
  reason?: string;
  costUsd: number;
  /** Commit holding the last attempt's work. */
  commit?: string;
  mergedSha?: string;
  createdAt: number;
  startedAt?: number;
  finishedAt?: number;
  updatedAt: number;
  /** Every event of this task, in order. */
  history: BoardEvent[];
}

export interface ActorView {
  id: string;
  status: 'running' | 'crashed' | 'restarting' | 'gave-up';
  pid?: number;
  restarts: number;
  lastReason?: string;
}

export interface SpendView {
  totalUsd: number;
  calls: number;
  byRole: Record<string, number>;
  byTask: Record<string, number>;
  byPhase: Record<string, number>;
  tokens: { input: number; output: number };
}

export interface LandingView {
  repo: string;
  branch: string;
  sha: string;
  fastForwarded: boolean;
  command?: string;
  reason?: string;
  tasks?: string[];
  url?: string;
}

export interface TrainView {
  repo: string;
  size: number;
  landed: number;
  culprits: string[];
  suiteRuns: number;
  durationMs: number;
}

export interface RunView {
  runId?: string;
  goal?: string;
  mode?: 'dry-run' | 'execute';
  configHash?: string;
  roles: string[];
  budgetUsd: number | null;
  maxParallel: number;
  /** 'running' until `run.finished`. */
  status: 'running' | RunStatus;
  exitCode?: number;
  reason?: string;
  startedAt?: number;
  finishedAt?: number;
  resumes: number;
  planSource?: string;
  planFailure?: string;
  /** `loop.approvePlan`: 'waiting' from `plan.approval-requested` until `plan.approved`. */
  planApproval?: 'waiting' | 'approved';
  tasks: Record<string, TaskView>;
  /** Task ids in plan order. */
  order: string[];
  actors: Record<string, ActorView>;
  spend: SpendView;
  budgetExhausted?: { spentUsd: number; reservedUsd: number; budgetUsd: number; unstarted: string[] };
  notes: { level: 'info' | 'warn'; message: string }[];
  landings: LandingView[];
  /** The merge trains of every repository, in order. */
  trains: TrainView[];
  /** Frames that failed their schema. */
  protocolErrors: { from: string; summary: string }[];
  supervisorReports: { supervisor: string; context: string; reason: string; offender: string }[];
  lastSeq: number;
  lastTs: number;
}

export function emptyRunView(): RunView {
  return {
    roles: [],
    budgetUsd: null,
    maxParallel: 1,
    status: 'running',
    resumes: 0,
    tasks: {},
    order: [],
    actors: {},
    spend: { totalUsd: 0, calls: 0, byRole: {}, byTask: {}, byPhase: {}, tokens: { input: 0, output: 0 } },
    notes: [],
    landings: [],
    trains: [],
    protocolErrors: [],
    supervisorReports: [],
    lastSeq: 0,
    lastTs: 0,
  };
}
