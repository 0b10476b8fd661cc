/**
 * The board on disk: `events.jsonl` (every state change) and `costs.jsonl` (one line per provider
 * call). Only the board actor writes, one `write()` per line on an O_APPEND fd followed by
 * `fdatasync`, so a line is either whole or torn at the very end (power loss). Reading tolerates a
 * torn last line and reports every bad line with file and line number.
 */
import { closeSync, existsSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v from 'valibot';
import { BOARD_EVENT_VERSION, BoardEventSchema, type BoardEvent, type BoardEventDraft } from '../../protocol/board-events.js';
import { lineHeads, parseLine, parseLines, type BoardProblem, type LineHead } from './lines.js';

export type { BoardProblem } from './lines.js';

export interface BoardRead {
  events: BoardEvent[];
  problems: BoardProblem[];
}

export function formatBoardProblem(problem: BoardProblem): string {
  const what = problem.torn ? 'torn last line (ignored; likely a crash or power loss while writing)' : problem.message;
  return `${problem.file}:${problem.line}: ${what}`;
}

/** Reads and upcasts every line. Never throws for bad lines: they are returned as problems. */
export function readBoard(file: string): BoardRead {
  if (!existsSync(file)) return { events: [], problems: [] };
  const { events, problems } = parseLines(readFileSync(file), file);
  return { events, problems };
}

/** Single writer of one board. Not safe to share across processes: only the board actor owns one. */
export class BoardWriter {
  readonly #file: string;
  readonly #now: () => number;
  readonly #files: BoardFiles;
  #seq: number;
  #lastTs = 0;
  /** Events by idempotency key that this writer appended. */
  readonly #byKey = new Map<string, BoardEvent>();
  /** Where the line of each key a previous writer of this board wrote starts in `#existing`. */
  readonly #keyOffsets = new Map<string, number>();
  /** The board as it was when this writer opened it. */
  readonly #existing: Buffer;

  constructor(options: { eventsFile: string; costsFile: string; now?: () => number }) {
    this.#file = options.eventsFile;
    this.#now = options.now ?? Date.now;
    // Only seq and keys are needed: a cheap look at each line's head, not a parse of the board.
    this.#existing = existsSync(this.#file) ? readFileSync(this.#file) : Buffer.alloc(0);
    const heads = lineHeads(this.#existing);
    this.#seq = lastValidSeq(this.#existing, heads);
    for (const head of heads) if (head.key !== undefined) this.#keyOffsets.set(head.key, head.start);
    this.#files = new BoardFiles(this.#file, options.costsFile);
  }

  get lastSeq(): number {
    return this.#seq;
  }

  /**
   * Stamps `v`, `seq` and `ts`, validates strictly, appends and syncs. Throws on an invalid draft (a
   * bug in the sender). An append whose `key` is already on the board returns that event instead.
   */
  append(draft: BoardEventDraft, key?: string): BoardEvent {
    const seen = key === undefined ? undefined : this.#byKey.get(key) ?? this.#earlier(key);
    if (seen) return seen;
    // ts never goes backwards, so the board stays ordered even if the wall clock steps back.
    const ts = Math.max(this.#now(), this.#lastTs);
    const candidate = { ...draft, v: BOARD_EVENT_VERSION, seq: this.#seq + 1, ts, ...(key === undefined ? {} : { key }) };
    const event = v.parse(BoardEventSchema, candidate);
    this.#files.write(event);
    this.#seq = event.seq;
    this.#lastTs = ts;
    if (key !== undefined) this.#byKey.set(key, event);
    return event;
  }

  close(): void {
    this.#files.close();
  }

  /** An event a previous writer stored under `key`, parsed only when a retried append asks for it. */
  #earlier(key: string): BoardEvent | undefined {
    const start = this.#keyOffsets.get(key);
    if (start === undefined) return undefined;
    const end = this.#existing.indexOf(0x0a, start);
    const parsed = parseLine(this.#existing, start, end === -1 ? this.#existing.length : end);
    return parsed !== null && 'event' in parsed && parsed.event.key === key ? parsed.event : undefined;
  }
}

/**
 * The two append-only files of a board, `events.jsonl` and `costs.jsonl`: the local board's own
 * storage, and the mirror of a board kept on JetStream. Every line is one write() then fdatasync.
 */
export class BoardFiles {
  readonly #fd: number;
  readonly #costsFd: number;
  #closed = false;

  constructor(eventsFile: string, costsFile: string) {
    mkdirSync(dirname(eventsFile), { recursive: true });
    this.#fd = openSync(eventsFile, 'a');
    this.#costsFd = openSync(costsFile, 'a');
    terminateTornLine(this.#fd, eventsFile);
    terminateTornLine(this.#costsFd, costsFile);
  }

  /** Appends a stored event, and its line in costs.jsonl when it is a cost. */
  write(event: BoardEvent): void {
    writeLine(this.#fd, JSON.stringify(event));
    if (event.type === 'cost.recorded') {
      const { type: _type, v: _v, key: _key, ...cost } = event;
      writeLine(this.#costsFd, JSON.stringify(cost));
    }
  }

  /** Idempotent: a second close must not close descriptors the process has since reused for other files. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    closeSync(this.#fd);
    closeSync(this.#costsFd);
  }
}

/** The seq of the last line that is a valid event (the single writer's seqs only grow). */
function lastValidSeq(bytes: Buffer, heads: readonly LineHead[]): number {
  for (let i = heads.length - 1; i >= 0; i--) {
    const start = heads[i]!.start;
    const end = bytes.indexOf(0x0a, start);
    const parsed = parseLine(bytes, start, end === -1 ? bytes.length : end);
    if (parsed !== null && 'event' in parsed) return parsed.event.seq;
  }
  return 0;
}

function writeLine(fd: number, json: string): void {
  const data = Buffer.from(`${json}\n`, 'utf8');
  let offset = 0;
  while (offset < data.length) offset += writeSync(fd, data, offset);
  fdatasyncSync(fd);
}

/** A file whose last line was torn gets a newline, so the next event starts on a line of its own. Nothing is deleted. */
function terminateTornLine(fd: number, file: string): void {
  const size = fstatSync(fd).size;
  if (size === 0) return;
  const last = Buffer.alloc(1);
  const readFd = openSync(file, 'r');
  try {
    readSync(readFd, last, 0, 1, size - 1);
  } finally {
    closeSync(readFd);
  }
  if (last[0] !== 0x0a) writeLine(fd, '');
}
