/**
 * Follows one run on disk: folds its board as lines are appended (by a supervisor in this or any
 * other process, live or long finished) and notices when an agent's transcript grows. The
 * dashboard server and the monitor both hold one per run they show.
 */
import { statSync } from 'node:fs';
import { upcastEvent, type BoardEvent } from '../../protocol/index.js';
import { applyToLive, emptyLiveState, noteOutput, type LiveState } from '../model/live-state.js';
import { LineReader } from './lines.js';
import { logPath, parseLogFileName, type RunFiles } from './run-files.js';
import { watchFolder, type Watch } from './watch.js';
import { dirname } from 'node:path';

export interface RunFeedHooks {
  /** New events, in seq order, already applied to the state. */
  onEvents?(events: BoardEvent[]): void;
  /** The board file was replaced or truncated: the state was rebuilt from scratch. */
  onReset?(): void;
  /** An agent's transcript (implementer or critic) grew. */
  onOutput?(taskId: string, atMs: number): void;
  /** Any attempt log changed (for followers of that log). */
  onLogChange?(fileName: string): void;
}

export class RunFeed {
  state: LiveState = emptyLiveState();
  /** Every event folded so far, in seq order: a client resumes from any seq without a gap. */
  events: BoardEvent[] = [];
  #reader: LineReader;
  #watches: Watch[] = [];

  constructor(
    readonly runId: string,
    readonly files: RunFiles,
    private readonly hooks: RunFeedHooks = {},
    private readonly now: () => number = Date.now,
  ) {
    this.#reader = new LineReader(files.events);
  }

  /** Reads what is on disk now (the state a first snapshot shows, so no hook is called for it) and follows from there. */
  start(): this {
    this.#read(false);
    this.#noteTranscriptTimes();
    this.#watches.push(watchFolder(dirname(this.files.events), (name) => {
      if (name === null || name.startsWith('events')) this.refresh();
    }));
    this.#watches.push(watchFolder(this.files.logs, (name) => this.#logChanged(name)));
    return this;
  }

  /** Reads lines appended since the last read and applies them. */
  refresh(): void {
    this.#read(true);
  }

  #read(notify: boolean): void {
    const fresh: BoardEvent[] = [];
    for (;;) {
      const read = this.#reader.read();
      if (read.reset) {
        this.state = emptyLiveState();
        this.events = [];
        fresh.length = 0;
        if (notify) this.hooks.onReset?.();
        continue;
      }
      const firstLine = this.#reader.lineCount - read.lines.length + 1;
      read.lines.forEach((line, i) => {
        const event = this.#parse(line, firstLine + i);
        if (event && applyToLive(this.state, event)) {
          this.events.push(event);
          fresh.push(event);
        }
      });
      if (!read.more) break;
    }
    if (notify && fresh.length > 0) this.hooks.onEvents?.(fresh);
  }

  /** Names this board: a page holding events of another board (a run recreated under the same id) gets a snapshot instead. */
  get epoch(): string {
    const first = this.events[0];
    return first ? `${first.seq}:${first.ts}` : '';
  }

  /** Events after `seq`, in order (empty when the client is up to date). */
  eventsAfter(seq: number): BoardEvent[] {
    let lo = 0;
    let hi = this.events.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.events[mid]!.seq <= seq) lo = mid + 1;
      else hi = mid;
    }
    return this.events.slice(lo);
  }

  close(): void {
    for (const w of this.#watches) w.close();
    this.#watches = [];
    this.#reader.close();
  }

  #parse(line: string, lineNumber: number): BoardEvent | null {
    if (line.trim() === '') return null;
    let raw: unknown;
    try {
      raw = JSON.parse(line);
    } catch {
      this.state.problems.push(`${this.files.events}:${lineNumber}: not valid JSON`);
      return null;
    }
    const result = upcastEvent(raw);
    if (result.ok) return result.event;
    this.state.problems.push(`${this.files.events}:${lineNumber}: ${result.message}`);
    return null;
  }

  #logChanged(name: string | null): void {
    if (name === null) return;
    const log = parseLogFileName(name);
    if (log && (log.kind === 'agent' || log.kind === 'review')) {
      const at = this.now();
      noteOutput(this.state, log.taskId, at);
      this.hooks.onOutput?.(log.taskId, at);
    }
    this.hooks.onLogChange?.(name);
  }

  /** A feed started mid-run takes each running agent's last output time from its transcript. */
  #noteTranscriptTimes(): void {
    const view = this.state.view;
    for (const id of view.order) {
      const task = view.tasks[id]!;
      const kind = task.status === 'running' ? 'agent' : task.status === 'reviewing' ? 'review' : null;
      if (!kind) continue;
      try {
        noteOutput(this.state, id, statSync(logPath(this.files, id, task.attempt, kind)).mtimeMs);
      } catch {
        // no output yet
      }
    }
  }
}
