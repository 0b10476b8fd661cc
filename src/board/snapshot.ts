/**
 * A board snapshot: the RunView folded from the first `bytes` of `events.jsonl`, so replay and
 * resume fold only the lines after it. It is a cache, never a source of truth: it names the prefix
 * it covers (byte length, line count, last seq) with the SHA-256 of exactly those bytes and the
 * hash of the fold's own code, and it is ignored when any of them does not match the file and this
 * build. A task's history is stored as the byte offsets of its events' lines and read back from
 * the (verified) prefix only when someone looks at it, so a snapshot is a fraction of the board and
 * loading one parses no event that nobody asks for.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { BoardEvent } from '../../protocol/board-events.js';
import { eventAt, type BoardProblem } from './lines.js';
import type { RunView, TaskView } from './view.js';

const FORMAT = 1;

/** The compiled files whose behaviour a snapshot's view depends on: any change invalidates every snapshot. */
const FOLD_CODE = ['./fold.js', './view.js', './transitions.js', './snapshot.js', '../../protocol/board-events.js', '../../protocol/upcast.js', '../../protocol/fast-check.js'];
let foldHash: string | undefined;

/** Hash of the fold's code, so a view folded by another build of loop is never reused. */
export function foldVersion(): string {
  foldHash ??= FOLD_CODE.reduce((hash, file) => hash.update(readFileSync(new URL(file, import.meta.url))), createHash('sha256')).digest('hex').slice(0, 16);
  return foldHash;
}

/** What a snapshot covers: the first `bytes` of the board, `lines` lines, ending with the event `seq`. */
export interface SnapshotPrefix {
  bytes: number;
  lines: number;
  seq: number;
  sha256: string;
  /** The bad lines inside the prefix, reported again by every load. */
  problems: BoardProblem[];
}

interface SnapshotFile extends SnapshotPrefix {
  snapshot: number;
  fold: string;
  /** The view, its tasks without `history`. */
  view: Omit<RunView, 'tasks'> & { tasks: Record<string, Omit<TaskView, 'history'>> };
  /** Per task, the byte offsets of its history's lines. */
  histories: Record<string, readonly number[]>;
}

export const hashPrefix = (bytes: Buffer, length: number): string => createHash('sha256').update(bytes.subarray(0, length)).digest('hex');

/** Tasks loaded from a snapshot whose history nobody read yet: where its events are. */
const unread = new WeakMap<TaskView, { offsets: readonly number[]; board: Buffer; file: string }>();

function settle(task: TaskView, history: BoardEvent[]): BoardEvent[] {
  unread.delete(task);
  Object.defineProperty(task, 'history', { value: history, writable: true, enumerable: true, configurable: true });
  return history;
}

/**
 * One accessor pair shared by every unread task (closures per task would give each object its own
 * hidden class): the first read parses the task's events, the first write replaces them.
 */
const LAZY_HISTORY: PropertyDescriptor = {
  enumerable: true,
  configurable: true,
  get(this: TaskView): BoardEvent[] {
    const where = unread.get(this)!;
    return settle(this, where.offsets.map((start) => eventAt(where.board, start, where.file)));
  },
  set(this: TaskView, value: BoardEvent[]): void {
    settle(this, value);
  },
};

/**
 * The snapshot's text. `offsetOf` gives the byte offset of an event's line in the board; a history
 * nobody read since it was loaded from a snapshot keeps its offsets without being parsed.
 */
export function encodeSnapshot(view: RunView, prefix: SnapshotPrefix, offsetOf: (event: BoardEvent) => number): string {
  if (view.lastSeq !== prefix.seq) throw new Error(`a snapshot of the view at #${view.lastSeq} cannot cover a prefix ending at #${prefix.seq}`);
  const tasks: SnapshotFile['view']['tasks'] = {};
  const histories: SnapshotFile['histories'] = {};
  for (const [id, task] of Object.entries(view.tasks)) {
    // Copied key by key: reading `history` of an unread task would parse it.
    const copy: Record<string, unknown> = {};
    for (const key of Object.keys(task)) if (key !== 'history') copy[key] = task[key as keyof TaskView];
    tasks[id] = copy as SnapshotFile['view']['tasks'][string];
    histories[id] = unread.get(task)?.offsets ?? task.history.map(offsetOf);
  }
  const file: SnapshotFile = { snapshot: FORMAT, fold: foldVersion(), ...prefix, view: { ...view, tasks }, histories };
  return JSON.stringify(file);
}

export type DecodedSnapshot = { ok: true; view: RunView; prefix: SnapshotPrefix } | { ok: false; reason: string };

/**
 * The view a snapshot holds, if it matches the board's bytes and this build's fold. Histories are
 * read from `board` (which must stay unchanged in memory) the first time they are accessed.
 */
export function decodeSnapshot(text: string, board: Buffer, file: string): DecodedSnapshot {
  let parsed: SnapshotFile;
  try {
    parsed = JSON.parse(text) as SnapshotFile;
  } catch {
    return { ok: false, reason: 'not valid JSON' };
  }
  if (parsed === null || typeof parsed !== 'object' || parsed.snapshot !== FORMAT) return { ok: false, reason: 'unknown snapshot format' };
  if (parsed.fold !== foldVersion()) return { ok: false, reason: 'written by another build of loop' };
  const { bytes, lines, seq, sha256, problems, view, histories } = parsed;
  if (!Number.isInteger(bytes) || bytes <= 0 || bytes > board.length) return { ok: false, reason: 'covers more than the board holds' };
  if (board[bytes - 1] !== 0x0a) return { ok: false, reason: 'does not end on a line boundary of the board' };
  if (hashPrefix(board, bytes) !== sha256) return { ok: false, reason: 'the board\'s first lines differ from the ones it was taken from' };
  if (typeof view !== 'object' || view === null || view.lastSeq !== seq || typeof view.tasks !== 'object' || typeof histories !== 'object' || histories === null) {
    return { ok: false, reason: 'malformed view' };
  }
  for (const [id, task] of Object.entries(view.tasks)) {
    const offsets = histories[id];
    if (!Array.isArray(offsets)) return { ok: false, reason: `no history for task ${id}` };
    unread.set(task as TaskView, { offsets, board, file });
    Object.defineProperty(task, 'history', LAZY_HISTORY);
  }
  return { ok: true, view: view as unknown as RunView, prefix: { bytes, lines, seq, sha256, problems } };
}

