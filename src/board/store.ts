/**
 * The board on disk: `events.jsonl` (every state change) and `costs.jsonl` (one line per provider
 * call). Only the board actor writes, one `write()` per line on an O_APPEND fd followed by
 * `fdatasync`, so a line is either whole or torn at the very end (power loss). Reading tolerates a
 * torn last line and reports every bad line with file and line number.
 */
import { closeSync, existsSync, fdatasyncSync, fstatSync, mkdirSync, openSync, readFileSync, readSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import * as v from 'valibot';
import {
  BOARD_EVENT_VERSION,
  BoardEventSchema,
  upcastEvent,
  type BoardEvent,
  type BoardEventDraft,
} from '../../protocol/index.js';

export interface BoardProblem {
  file: string;
  line: number;
  message: string;
  /** The last line, cut short: expected after a power loss, the rest of the board is fine. */
  torn: boolean;
}

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
  const text = readFileSync(file, 'utf8');
  const events: BoardEvent[] = [];
  const problems: BoardProblem[] = [];
  const endsClean = text.length === 0 || text.endsWith('\n');
  let start = 0;
  let line = 0;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line += 1;
    const raw = text.slice(start, end);
    const isLast = end >= text.length - 1;
    start = end + 1;
    if (raw.trim() === '') continue;
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      problems.push({ file, line, message: 'not valid JSON', torn: isLast && !endsClean });
      continue;
    }
    const result = upcastEvent(parsed);
    if (result.ok) events.push(result.event);
    else problems.push({ file, line, message: result.message, torn: false });
  }
  return { events, problems };
}

/** Single writer of one board. Not safe to share across processes: only the board actor owns one. */
export class BoardWriter {
  readonly #file: string;
  readonly #now: () => number;
  readonly #files: BoardFiles;
  #seq: number;
  #lastTs = 0;
  /** Events by idempotency key, including those a previous writer of this board wrote. */
  readonly #byKey = new Map<string, BoardEvent>();

  constructor(options: { eventsFile: string; costsFile: string; now?: () => number }) {
    this.#file = options.eventsFile;
    this.#now = options.now ?? Date.now;
    const existing = readBoard(this.#file);
    this.#seq = existing.events.reduce((max, e) => Math.max(max, e.seq), 0);
    for (const event of existing.events) if (event.key !== undefined) this.#byKey.set(event.key, event);
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
    const seen = key === undefined ? undefined : this.#byKey.get(key);
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
}

/**
 * The two append-only files of a board, `events.jsonl` and `costs.jsonl`: the local board's own
 * storage, and the mirror of a board kept on JetStream. Every line is one write() then fdatasync.
 */
export class BoardFiles {
  readonly #fd: number;
  readonly #costsFd: number;

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

  close(): void {
    closeSync(this.#fd);
    closeSync(this.#costsFd);
  }
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
