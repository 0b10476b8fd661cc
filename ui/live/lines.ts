/**
 * Reads the lines appended to a file since the last read. A line is handed out only once it is
 * complete (ends in a newline), so a line caught mid-write is read whole on the next call. A file
 * that shrank was truncated: the caller is told to start over. The file stays open between reads
 * (a board is read once per append; opening it each time cost more than the read), so a file
 * replaced under the same name is not noticed — loop only ever appends to these files.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';

/** Read at most this much per call; the caller calls again while `more` says so. */
const READ_BYTES = 64 * 1024;

export interface NewLines {
  lines: string[];
  /** The file is shorter than what was read before: everything read so far is void. */
  reset: boolean;
  /** More bytes are waiting (the read was capped); call again. */
  more: boolean;
}

const NOTHING: NewLines = { lines: [], reset: false, more: false };

export class LineReader {
  #offset = 0;
  #pending = Buffer.alloc(0);
  #fd: number | null = null;
  /** Reused for every read: lines and the pending tail are copied out of it. */
  #chunk = Buffer.allocUnsafe(READ_BYTES);
  /** Number of complete lines handed out so far (for file:line in problems). */
  lineCount = 0;

  constructor(readonly file: string, startAt = 0) {
    this.#offset = startAt;
  }

  get offset(): number {
    return this.#offset;
  }

  read(): NewLines {
    if (this.#fd === null) {
      try {
        this.#fd = openSync(this.file, 'r');
      } catch {
        return NOTHING;
      }
    }
    const chunk = this.#chunk;
    const got = readSync(this.#fd, chunk, 0, READ_BYTES, this.#offset);
    if (got === 0) {
      // Nothing new, or the file was truncated under us: only then is its size worth asking.
      if (fstatSync(this.#fd).size >= this.#offset) return NOTHING;
      this.close();
      this.#offset = 0;
      this.#pending = Buffer.alloc(0);
      this.lineCount = 0;
      return { lines: [], reset: true, more: false };
    }
    this.#offset += got;
    const more = got === READ_BYTES;
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
  }

  close(): void {
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }
}
