/**
 * The runs of the folder served: found by watching `.loop/runs`, each followed by a RunFeed from
 * the first time someone looks at it. One server shows every run, finished or live.
 */
import { existsSync, readdirSync } from 'node:fs';
import { RUN_ID_PATTERN, type BoardEvent } from '../../protocol/index.js';
import { runFigures, type RunFigures } from '../../src/board/summary.js';
import { RunFeed } from '../live/run-feed.js';
import { watchFolder, type Watch } from '../live/watch.js';
import type { DashboardPorts } from './ports.js';

export interface RunSummary extends Omit<RunFigures, 'status'> {
  id: string;
  /** The board's status, or `crashed` when it says running but the supervisor is gone. */
  status: string;
}

export interface RegistryHooks {
  onEvents(feed: RunFeed, events: BoardEvent[]): void;
  onReset(feed: RunFeed): void;
  onOutput(feed: RunFeed, taskId: string, atMs: number): void;
  onLogChange(feed: RunFeed, fileName: string): void;
  /** A run appeared or one changed status. */
  onRunsChanged(): void;
}

export class RunRegistry {
  readonly #feeds = new Map<string, RunFeed>();
  #ids: string[] = [];
  #watch: Watch | null = null;

  constructor(private readonly ports: DashboardPorts, private readonly hooks: RegistryHooks) {}

  start(): void {
    this.#scan();
    this.#watch = watchFolder(this.ports.runsDir, () => {
      if (this.#scan()) this.hooks.onRunsChanged();
    });
  }

  close(): void {
    this.#watch?.close();
    for (const feed of this.#feeds.values()) feed.close();
    this.#feeds.clear();
  }

  /** The run's feed, started on first use; null for a run that is not in the folder. */
  get(runId: string): RunFeed | null {
    if (!RUN_ID_PATTERN.test(runId)) return null;
    const known = this.#feeds.get(runId);
    if (known) return known;
    if (!this.#ids.includes(runId) && !(this.#scan() && this.#ids.includes(runId))) return null;
    const feed = new RunFeed(runId, this.ports.filesOf(runId), {
      onEvents: (events) => {
        this.hooks.onEvents(feed, events);
        if (events.some((e) => e.type.startsWith('run.') || e.type === 'task.merged' || e.type === 'task.escalated' || e.type === 'task.created')) this.hooks.onRunsChanged();
      },
      onReset: () => this.hooks.onReset(feed),
      onOutput: (taskId, at) => this.hooks.onOutput(feed, taskId, at),
      onLogChange: (name) => this.hooks.onLogChange(feed, name),
    });
    this.#feeds.set(runId, feed);
    feed.start();
    return feed;
  }

  /** Every run, newest first. */
  list(): RunSummary[] {
    return this.#ids
      .map((id) => this.get(id))
      .filter((feed): feed is RunFeed => feed !== null)
      .map((feed) => this.#summary(feed))
      .sort((a, b) => (b.startedAt ?? 0) - (a.startedAt ?? 0));
  }

  #summary(feed: RunFeed): RunSummary {
    const figures = runFigures(feed.state.view);
    const crashed = figures.status === 'running' && this.ports.supervisorAlive(feed.runId) === false;
    return { id: feed.runId, ...figures, status: crashed ? 'crashed' : figures.status };
  }

  /** Re-reads the folder; true when the set of runs changed. */
  #scan(): boolean {
    const dir = this.ports.runsDir;
    const ids = existsSync(dir)
      ? readdirSync(dir).filter((id) => RUN_ID_PATTERN.test(id) && existsSync(this.ports.filesOf(id).dir)).sort()
      : [];
    const changed = ids.join('\n') !== this.#ids.join('\n');
    this.#ids = ids;
    return changed;
  }
}
