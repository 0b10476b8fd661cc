/**
 * The lines of `events.jsonl`: each one parsed into an event (or a problem with its line number),
 * and a cheap look at the fields the single writer puts first with the byte offset of each line,
 * so a snapshot can name the prefix it covers, hash exactly those bytes and find events again.
 */
import type { BoardEvent } from '../../protocol/board-events.js';
import { upcastEvent } from '../../protocol/upcast.js';

export interface BoardProblem {
  file: string;
  line: number;
  message: string;
  /** The last line, cut short: expected after a power loss, the rest of the board is fine. */
  torn: boolean;
}

export interface BoardLines {
  events: BoardEvent[];
  problems: BoardProblem[];
  /** Lines seen, blank and bad ones included (the next line's number is `lines + 1`). */
  lines: number;
}

const NEWLINE = 0x0a;

/**
 * Parses and upcasts every line of `bytes` from byte `from` on (a line boundary), numbering lines
 * from `firstLine`. Never throws for a bad line: it becomes a problem with its line number.
 */
export function parseLines(bytes: Buffer, file: string, from = 0, firstLine = 1): BoardLines {
  const events: BoardEvent[] = [];
  const problems: BoardProblem[] = [];
  const text = bytes.toString('utf8', from);
  const endsClean = text.length === 0 || text.endsWith('\n');
  let start = 0;
  let line = firstLine - 1;
  while (start < text.length) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = text.length;
    line += 1;
    const raw = text.slice(start, end);
    const isLast = end >= text.length - 1;
    start = end + 1;
    const parsed = parseText(raw);
    if (parsed === null) continue;
    if ('event' in parsed) {
      events.push(parsed.event);
    } else {
      problems.push({ file, line, message: parsed.problem, torn: parsed.problem === NOT_JSON && isLast && !endsClean });
    }
  }
  return { events, problems, lines: line };
}

const NOT_JSON = 'not valid JSON';

/** One line as an event, a problem, or null for a blank line. */
export function parseLine(bytes: Buffer, start: number, end: number): { event: BoardEvent } | { problem: string } | null {
  return parseText(bytes.toString('utf8', start, end));
}

function parseText(raw: string): { event: BoardEvent } | { problem: string } | null {
  if (raw.trim() === '') return null;
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return { problem: NOT_JSON };
  }
  const result = upcastEvent(json);
  return result.ok ? { event: result.event } : { problem: result.message };
}

/** The event on the line that starts at `start` (which is known to hold a valid event). */
export function eventAt(bytes: Buffer, start: number, file: string): BoardEvent {
  let end = bytes.indexOf(NEWLINE, start);
  if (end === -1) end = bytes.length;
  const parsed = parseLine(bytes, start, end);
  if (parsed === null || !('event' in parsed)) {
    throw new Error(`${file}: no valid event at byte ${start} (${parsed === null ? 'blank line' : parsed.problem}); the board changed under its snapshot`);
  }
  return parsed.event;
}

/**
 * The writer stores `{"v":…,"seq":…,"ts":…,"type":"…","key":"…",…}` (schema order). Reading just
 * that head finds seq and key without parsing the line; anything else (older or hand-written
 * lines) returns null and the caller parses the line in full.
 */
const HEAD = /^\{"v":\d+,"seq":(\d+),"ts":-?[\d.e+]+,"type":"[a-z.-]+"(?:,"key":"([A-Za-z0-9_-]*)")?[,}]/;
const HEAD_BYTES = 160;

export interface LineHead {
  seq: number;
  key: string | undefined;
  start: number;
}

/**
 * Seq and idempotency key of every valid line of `bytes` from `from` up to `end`, cheaply: the head of a
 * writer's line is matched, any other line is parsed and checked in full (bad lines are skipped).
 */
export function lineHeads(bytes: Buffer, end = bytes.length, from = 0): LineHead[] {
  const heads: LineHead[] = [];
  let start = from;
  while (start < end) {
    let stop = bytes.indexOf(NEWLINE, start);
    if (stop === -1 || stop > end) stop = end;
    const match = HEAD.exec(bytes.toString('latin1', start, Math.min(stop, start + HEAD_BYTES)));
    if (match) {
      heads.push({ seq: Number(match[1]), key: match[2], start });
    } else {
      const parsed = parseLine(bytes, start, stop);
      if (parsed !== null && 'event' in parsed) heads.push({ seq: parsed.event.seq, key: parsed.event.key, start });
    }
    start = stop + 1;
  }
  return heads;
}
