/**
 * Follows a file that another process appends to (`tail -F` for one file): complete lines are
 * handed over as they are written. Changes arrive through fs.watch (inotify on Linux), so a reader
 * is a few milliseconds behind the writer instead of a poll interval; a file that does not exist
 * yet is waited for by watching its folder. Where watching is not possible (no inotify watches
 * left, some network filesystems), it falls back to reading every FALLBACK_POLL_MS.
 */
import { closeSync, existsSync, fstatSync, openSync, readFileSync, readSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export const FALLBACK_POLL_MS = 200;
const CHUNK_BYTES = 64 * 1024;

export class FileFollower {
  readonly path: string;
  readonly #onLines: (lines: string[]) => void;
  #fd: number | null = null;
  #position = 0;
  #partial = '';
  #watcher: FSWatcher | null = null;
  #dirWatcher: FSWatcher | null = null;
  #timer: NodeJS.Timeout | null = null;
  #stopped = false;
  readonly #decoder = new TextDecoder('utf-8');

  constructor(path: string, onLines: (lines: string[]) => void) {
    this.path = path;
    this.#onLines = onLines;
  }

  /** Reads everything written so far, synchronously (complete lines only). */
  readNow(): void {
    if (this.#stopped) return;
    if (this.#fd === null) {
      if (!existsSync(this.path)) return;
      try {
        this.#fd = openSync(this.path, 'r');
      } catch {
        return; // removed between the check and the open
      }
    }
    const size = fstatSync(this.#fd).size;
    if (size < this.#position) {
      // truncated or replaced: start over
      this.#position = 0;
      this.#partial = '';
    }
    const buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let text = '';
    for (;;) {
      const read = readSync(this.#fd, buffer, 0, CHUNK_BYTES, this.#position);
      if (read === 0) break;
      this.#position += read;
      text += this.#decoder.decode(buffer.subarray(0, read), { stream: true });
    }
    if (text === '') return;
    const all = this.#partial + text;
    const end = all.lastIndexOf('\n');
    if (end === -1) {
      this.#partial = all;
      return;
    }
    this.#partial = all.slice(end + 1);
    this.#onLines(all.slice(0, end).split('\n'));
  }

  /** The last line, even without its newline (a writer that finished without one). */
  flushPartial(): void {
    if (this.#partial === '') return;
    const line = this.#partial;
    this.#partial = '';
    this.#onLines([line]);
  }

  /** Reads what is there, then keeps reading as the file grows (or appears). */
  watch(): this {
    if (this.#stopped) return this;
    this.#watchFile();
    this.readNow();
    return this;
  }

  stop(): void {
    this.#stopped = true;
    this.#watcher?.close();
    this.#dirWatcher?.close();
    if (this.#timer) clearInterval(this.#timer);
    this.#watcher = this.#dirWatcher = this.#timer = null;
    if (this.#fd !== null) closeSync(this.#fd);
    this.#fd = null;
  }

  #watchFile(): void {
    if (this.#stopped || this.#watcher || this.#timer) return;
    try {
      if (!existsSync(this.path)) {
        this.#waitForFile();
        return;
      }
      this.#watcher = watch(this.path, { persistent: true }, () => this.readNow());
      this.#watcher.on('error', () => this.#fallBack());
      this.#dirWatcher?.close();
      this.#dirWatcher = null;
    } catch {
      this.#fallBack();
    }
  }

  #waitForFile(): void {
    if (this.#dirWatcher) return;
    const name = basename(this.path);
    try {
      this.#dirWatcher = watch(dirname(this.path), { persistent: true }, (_event, changed) => {
        if (changed !== null && changed !== name) return;
        if (!existsSync(this.path)) return;
        this.#watchFile();
        this.readNow();
      });
      this.#dirWatcher.on('error', () => this.#fallBack());
    } catch {
      this.#fallBack();
      return;
    }
    // created between the first check and the watch
    if (existsSync(this.path)) {
      this.#watchFile();
      this.readNow();
    }
  }

  #fallBack(): void {
    if (this.#stopped || this.#timer) return;
    this.#watcher?.close();
    this.#dirWatcher?.close();
    this.#watcher = this.#dirWatcher = null;
    this.#timer = setInterval(() => this.readNow(), FALLBACK_POLL_MS);
  }
}

/**
 * Resolves with the file's content once it exists (writers create it by renaming, so it is whole)
 * and `accept` likes it, or with null when `signal` aborts first. Watches the folder, so a file
 * replaced by a rename is seen too; polls only where watching fails.
 */
export function whenFileExists(path: string, signal?: AbortSignal, accept: (text: string) => boolean = () => true): Promise<string | null> {
  return new Promise((resolve) => {
    let watcher: FSWatcher | null = null;
    let timer: NodeJS.Timeout | null = null;
    let settled = false;
    const done = (value: string | null): void => {
      if (settled) return;
      settled = true;
      watcher?.close();
      if (timer) clearInterval(timer);
      watcher = timer = null;
      signal?.removeEventListener('abort', onAbort);
      resolve(value);
    };
    const onAbort = (): void => done(null);
    const check = (): void => {
      if (settled || !existsSync(path)) return;
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        return; // replaced while we looked; the folder watch fires again
      }
      if (accept(text)) done(text);
    };
    const poll = (): void => {
      watcher?.close();
      watcher = null;
      timer ??= setInterval(check, FALLBACK_POLL_MS);
    };
    if (signal?.aborted) return done(null);
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(dirname(path), check);
      watcher.on('error', poll);
    } catch {
      poll();
    }
    check();
  });
}
