/**
 * Replaying a board from disk, for `loop resume`, `loop runs` and every report: the view of the
 * last valid snapshot (snapshot.ts) plus the fold of the lines after it, or the fold of every line
 * when there is no usable snapshot. Either way the result equals `foldBoard` over every valid event
 * of the file, in file order; nothing is skipped or reordered. After folding many lines, a fresh
 * snapshot is written so the next replay starts from there.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { BoardEvent } from '../../protocol/board-events.js';
import { writeFileAtomic } from '../util/fs.js';
import { applyEvent, foldBoard } from './fold.js';
import { lineHeads, parseLines, type BoardProblem } from './lines.js';
import { decodeSnapshot, encodeSnapshot, hashPrefix } from './snapshot.js';
import type { RunView } from './view.js';

/** A load that folds at least this many lines writes a new snapshot. */
export const SNAPSHOT_AFTER_EVENTS = 1_000;
/** A live run refreshes its snapshot this often, so resuming after a crash folds at most this many lines. */
export const LIVE_SNAPSHOT_EVERY = 5_000;

export const snapshotFileOf = (eventsFile: string): string => join(dirname(eventsFile), 'snapshot.json');

export interface LoadedBoard {
  view: RunView;
  problems: BoardProblem[];
  /** Events folded from the board's lines (all of them, or the tail after the snapshot). */
  folded: number;
  /** `used`, `none`, or why the snapshot on disk was ignored. */
  snapshot: string;
}

/** Throws only what `foldBoard` throws (an illegal transition on the board). */
export function loadBoard(eventsFile: string, options: { writeSnapshot?: boolean } = {}): LoadedBoard {
  const bytes = existsSync(eventsFile) ? readFileSync(eventsFile) : Buffer.alloc(0);
  const snapshotFile = snapshotFileOf(eventsFile);
  let snapshot = 'none';
  let start: { view: RunView; bytes: number; lines: number; problems: BoardProblem[] } | null = null;
  if (existsSync(snapshotFile)) {
    const decoded = decodeSnapshot(readFileSync(snapshotFile, 'utf8'), bytes, eventsFile);
    if (decoded.ok) {
      start = { view: decoded.view, ...decoded.prefix };
      snapshot = 'used';
    } else {
      snapshot = `ignored (${decoded.reason})`;
    }
  }
  const tail = parseLines(bytes, eventsFile, start?.bytes ?? 0, (start?.lines ?? 0) + 1);
  let view: RunView;
  if (start) {
    view = start.view;
    for (const event of tail.events) applyEvent(view, event);
  } else {
    view = foldBoard(tail.events);
  }
  const problems = [...(start?.problems ?? []), ...tail.problems];
  if ((options.writeSnapshot ?? true) && tail.events.length >= SNAPSHOT_AFTER_EVENTS) saveSnapshot(eventsFile, view, problems, { bytes });
  return { view, problems, folded: tail.events.length, snapshot };
}

/**
 * Writes the snapshot of `view` (folded from `eventsFile` up to `view.lastSeq`, possibly read
 * moments ago as `bytes`). `problems` are the bad lines known before that seq; `index` carries
 * the lines already looked at from one save to the next. Best effort: it is a cache, so a failure
 * returns false and changes nothing.
 */
export function saveSnapshot(eventsFile: string, view: RunView, problems: readonly BoardProblem[], options: { bytes?: Buffer; index?: LineIndex } = {}): boolean {
  try {
    if (view.lastSeq === 0) return false;
    const board = options.bytes ?? readFileSync(eventsFile);
    const index = options.index ?? new LineIndex();
    index.update(board);
    const offsetOf = (event: BoardEvent): number => {
      const offset = index.startOf(event.seq);
      if (offset === undefined) throw new Error(`event #${event.seq} is not on the board`);
      return offset;
    };
    const lastStart = index.startOf(view.lastSeq);
    if (lastStart === undefined) return false;
    const lineEnd = board.indexOf(0x0a, lastStart);
    if (lineEnd === -1) return false;
    const length = lineEnd + 1;
    const lines = countLines(board, length);
    const prefix = { bytes: length, lines, seq: view.lastSeq, sha256: hashPrefix(board, length), problems: problems.filter((p) => p.line <= lines).map((p) => ({ ...p, torn: false })) };
    writeFileAtomic(snapshotFileOf(eventsFile), encodeSnapshot(view, prefix, offsetOf));
    return true;
  } catch {
    return false;
  }
}

function countLines(bytes: Buffer, end: number): number {
  let count = 0;
  for (let at = bytes.indexOf(0x0a, 0); at !== -1 && at < end; at = bytes.indexOf(0x0a, at + 1)) count += 1;
  return count;
}

/** Where each seq's line starts, from a cheap look at each line's head; grows with the board. */
export class LineIndex {
  readonly #starts = new Map<number, number>();
  #scanned = 0;

  /** Looks at the complete lines added since the last update. */
  update(board: Buffer): void {
    const end = board.lastIndexOf(0x0a) + 1;
    if (end <= this.#scanned) return;
    for (const head of lineHeads(board, end, this.#scanned)) this.#starts.set(head.seq, head.start);
    this.#scanned = end;
  }

  startOf(seq: number): number | undefined {
    return this.#starts.get(seq);
  }
}

/** Keeps a live run's snapshot fresh as its supervisor folds events: every `every` events, and at the end. */
export class SnapshotKeeper {
  readonly #eventsFile: string;
  readonly #view: RunView;
  readonly #problems: readonly BoardProblem[];
  readonly #every: number;
  readonly #index = new LineIndex();
  #savedAt: number;

  /** `problems`: bad lines found when the board was loaded (a live run appends only valid ones). */
  constructor(eventsFile: string, view: RunView, problems: readonly BoardProblem[], every = LIVE_SNAPSHOT_EVERY) {
    this.#eventsFile = eventsFile;
    this.#view = view;
    this.#problems = problems;
    this.#every = every;
    this.#savedAt = view.lastSeq;
  }

  folded(): void {
    if (this.#view.lastSeq - this.#savedAt >= this.#every) this.#save();
  }

  close(): void {
    if (this.#view.lastSeq - this.#savedAt >= SNAPSHOT_AFTER_EVENTS) this.#save();
  }

  #save(): void {
    if (saveSnapshot(this.#eventsFile, this.#view, this.#problems, { index: this.#index })) this.#savedAt = this.#view.lastSeq;
  }
}
