/**
 * Attempt logs followed for the pages watching them: one reader per log however many pages watch
 * it. A new watcher gets the log's last lines up to where the shared reader stands, then every
 * line after, so it sees each line once. Lines go out decoded (protocol/transcript.ts: a
 * provider's stream-json becomes assistant text, tool calls and results), one entry per line.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { decodeLine, formatEntry, newDecoder, type DecoderState } from '../../protocol/transcript.js';
import { LineReader } from '../live/lines.js';

export interface LogLine {
  kind: string;
  text: string;
}

/** What a new watcher is shown of the log's past. */
const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 200;
/** Longer lines (a tool result of a whole file) are cut in the peek; the log endpoint has them whole. */
export const MAX_LINE_CHARS = 4000;

const cut = (line: string): string => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (${line.length - MAX_LINE_CHARS} more characters)` : line);

/** The readable entries of raw log lines. */
export function decodeLines(state: DecoderState, lines: string[]): LogLine[] {
  return lines.flatMap((line) => decodeLine(state, line).map((entry) => ({ kind: entry.kind, text: cut(formatEntry(entry)) })));
}

/** The complete lines in the last TAIL_BYTES of the file and the offset just after the last of them. */
function tail(file: string): { lines: string[]; end: number } {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return { lines: [], end: 0 };
  }
  try {
    const size = fstatSync(fd).size;
    const start = Math.max(0, size - TAIL_BYTES);
    const chunk = Buffer.alloc(size - start);
    readSync(fd, chunk, 0, chunk.length, start);
    const last = chunk.lastIndexOf(0x0a);
    if (last === -1) return { lines: [], end: start };
    let text = chunk.subarray(0, last).toString('utf8');
    if (start > 0) text = text.slice(text.indexOf('\n') + 1);
    return { lines: text.split('\n').slice(-TAIL_LINES), end: start + last + 1 };
  } finally {
    closeSync(fd);
  }
}

export class LogFollowers {
  readonly #followed = new Map<string, { reader: LineReader; decoder: DecoderState }>();

  /** Starts following (if nobody was) and returns what a new watcher should see first. */
  open(topic: string, file: string): LogLine[] {
    const known = this.#followed.get(topic);
    const seen = tail(file);
    const decoder = newDecoder();
    if (!known) {
      this.#followed.set(topic, { reader: new LineReader(file, seen.end), decoder });
      return decodeLines(decoder, seen.lines);
    }
    // Someone already follows it: show the newcomer the tail up to the shared reader's position.
    const extra = seen.end > known.reader.offset ? this.#countLinesBetween(known.reader.offset, seen.end, seen.lines) : 0;
    return decodeLines(decoder, seen.lines.slice(0, seen.lines.length - extra));
  }

  /** New entries of a followed log (empty when nobody follows it). */
  poll(topic: string): LogLine[] {
    const followed = this.#followed.get(topic);
    if (!followed) return [];
    const out: LogLine[] = [];
    for (;;) {
      const read = followed.reader.read();
      out.push(...decodeLines(followed.decoder, read.lines));
      if (!read.more) break;
    }
    return out;
  }

  close(topic: string): void {
    this.#followed.get(topic)?.reader.close();
    this.#followed.delete(topic);
  }

  has(topic: string): boolean {
    return this.#followed.has(topic);
  }

  /** Lines of the tail that lie after the shared reader (they will reach the newcomer as new lines). */
  #countLinesBetween(from: number, to: number, lines: string[]): number {
    let bytes = to - from;
    let n = 0;
    for (let i = lines.length - 1; i >= 0 && bytes > 0; i--) {
      bytes -= Buffer.byteLength(lines[i]!) + 1;
      n++;
    }
    return n;
  }
}
