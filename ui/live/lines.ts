/**
 * Reads the lines appended to a file since the last read. A line is handed out only once it is
 * complete (ends in a newline), so a line caught mid-write is read whole on the next call. A file
 * that shrank was replaced or truncated: the caller is told to start over.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Read at most this much per call; the rest is read on the next call. */
const MAX_READ_BYTES = 8 * 1024 * 1024;

export interface NewLines {
  lines: string[];
  /** The file is shorter than what was read before: everything read so far is void. */
  reset: boolean;
  /** More bytes are waiting (the read was capped); call again. */
  more: boolean;
}

export class LineReader {
  #offset = 0;
  #pending = Buffer.alloc(0);
  /** Number of complete lines handed out so far (for file:line in problems). */
  lineCount = 0;

  constructor(readonly file: string, startAt = 0) {
    this.#offset = startAt;
  }

  get offset(): number {
    return this.#offset;
  }

  read(): NewLines {
    let fd: number;
    try {
      fd = openSync(this.file, 'r');
    } catch {
      return { lines: [], reset: false, more: false };
    }
    try {
      const size = fstatSync(fd).size;
      if (size < this.#offset) {
        this.#offset = 0;
        this.#pending = Buffer.alloc(0);
        this.lineCount = 0;
        return { lines: [], reset: true, more: false };
      }
      const length = Math.min(size - this.#offset, MAX_READ_BYTES);
      if (length === 0) return { lines: [], reset: false, more: false };
      const chunk = Buffer.alloc(length);
      const got = readSync(fd, chunk, 0, length, this.#offset);
      this.#offset += got;
      const more = this.#offset < size;
      const data = this.#pending.length > 0 ? Buffer.concat([this.#pending, chunk.subarray(0, got)]) : chunk.subarray(0, got);
      const end = data.lastIndexOf(0x0a);
      if (end === -1) {
        this.#pending = Buffer.from(data);
        return { lines: [], reset: false, more };
      }
      this.#pending = Buffer.from(data.subarray(end + 1));
      const lines = data.subarray(0, end).toString('utf8').split('\n');
      this.lineCount += lines.length;
      return { lines, reset: false, more };
    } finally {
      closeSync(fd);
    }
  }
}
