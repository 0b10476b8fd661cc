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
import { lineHeads, lineStartOf, parseLines, type BoardProblem } from './lines.js';
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
  const tail = parseLines(bytes, eventsFile, start?.bytes ?? 0, (start?.lines ?? 0) + 1, true);
  let view: RunView;
  if (start) {
    view = start.view;
    for (const event of tail.events) applyEvent(view, event);
  } else {
    view = foldBoard(tail.events);
  }
  const problems = [...(start?.problems ?? []), ...tail.problems];
  if ((options.writeSnapshot ?? true) && tail.events.length >= SNAPSHOT_AFTER_EVENTS) saveSnapshot(eventsFile, view, problems, bytes, tail.offsets.at(-1));
  return { view, problems, folded: tail.events.length, snapshot };
}

/**
 * Writes the snapshot of `view` (folded from `eventsFile` up to `view.lastSeq`, possibly read
 * moments ago as `bytes`, the line of `view.lastSeq` starting at `lastLineStart` when known).
 * `problems` are the bad lines known before that seq. Best effort: it is a cache, so a failure
 * returns false and changes nothing.
 */
export function saveSnapshot(eventsFile: string, view: RunView, problems: readonly BoardProblem[], bytes?: Buffer, lastLineStart?: number): boolean {
  try {
    if (view.lastSeq === 0) return false;
    const board = bytes ?? readFileSync(eventsFile);
    // Events of a live run came over IPC, not from the file: find their lines by seq (once).
    let bySeq: Map<number, number> | null = null;
    const offsetBySeq = (seq: number): number | undefined => (bySeq ??= new Map(lineHeads(board).map((h) => [h.seq, h.start]))).get(seq);
    const offsetOf = (event: BoardEvent): number => {
      const offset = lineStartOf(event) ?? offsetBySeq(event.seq);
      if (offset === undefined) throw new Error(`event #${event.seq} is not on the board`);
      return offset;
    };
    const lastStart = lastLineStart ?? offsetBySeq(view.lastSeq);
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

/** Keeps a live run's snapshot fresh as its supervisor folds events: every `every` events, and at the end. */
export class SnapshotKeeper {
  readonly #eventsFile: string;
  readonly #view: RunView;
  readonly #problems: readonly BoardProblem[];
  readonly #every: number;
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
    if (saveSnapshot(this.#eventsFile, this.#view, this.#problems)) this.#savedAt = this.#view.lastSeq;
  }
}
