/**
 * Attempt logs followed for the pages watching them: one reader per log however many pages watch
 * it. A new watcher gets the log's last lines up to where the shared reader stands, then every
 * line after, so it sees each line once.
 */
import { closeSync, openSync, readSync, fstatSync } from 'node:fs';
import { LineReader } from '../live/lines.js';

/** What a new watcher is shown of the log's past. */
const TAIL_BYTES = 64 * 1024;
const TAIL_LINES = 200;
/** Longer lines (a tool result of a whole file) are cut in the peek; the log endpoint has them whole. */
export const MAX_LINE_CHARS = 4000;

export const cutLine = (line: string): string => (line.length > MAX_LINE_CHARS ? `${line.slice(0, MAX_LINE_CHARS)}… (${line.length - MAX_LINE_CHARS} more characters)` : line);

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
  readonly #readers = new Map<string, LineReader>();

  /** Starts following (if nobody was) and returns what a new watcher should see first. */
  open(topic: string, file: string): string[] {
    let reader = this.#readers.get(topic);
    if (!reader) {
      const seen = tail(file);
      reader = new LineReader(file, seen.end);
      this.#readers.set(topic, reader);
      return seen.lines.map(cutLine);
    }
    // Someone already follows it: show the newcomer the tail up to the shared reader's position.
    const seen = tail(file);
    const extra = seen.end > reader.offset ? this.#countLinesBetween(reader.offset, seen.end, seen.lines) : 0;
    return seen.lines.slice(0, seen.lines.length - extra).map(cutLine);
  }

  /** New complete lines of a followed log (empty when nobody follows it). */
  poll(topic: string): string[] {
    const reader = this.#readers.get(topic);
    if (!reader) return [];
    const out: string[] = [];
    for (;;) {
      const read = reader.read();
      out.push(...read.lines.map(cutLine));
      if (!read.more) break;
    }
    return out;
  }

  close(topic: string): void {
    this.#readers.delete(topic);
  }

  has(topic: string): boolean {
    return this.#readers.has(topic);
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
