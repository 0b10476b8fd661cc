/**
 * The CPU- and I/O-heavy part of `loop learn`: read files and count lines per language. Runs in
 * piscina worker threads (worker.ts), one chunk of paths per task, and returns one small tally per
 * chunk so almost nothing crosses the thread boundary.
 */
import { closeSync, constants, openSync, readSync } from 'node:fs';
import { languageOf } from './languages.js';

/** Files above this size are generated or data, not code worth counting (and reading them is slow). */
export const MAX_COUNTED_BYTES = 1024 * 1024;
/** git's heuristic: a NUL byte in the first 8 KiB means binary. */
const BINARY_SNIFF_BYTES = 8 * 1024;
const NEWLINE = 0x0a;

// O_NOFOLLOW: a symlink is not a file of this repository (and may point anywhere).
// O_NONBLOCK: a FIFO in an unversioned tree must not hang the scan.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0);

export interface CountTask {
  root: string;
  paths: string[];
  maxBytes?: number;
}

export interface LanguageTally {
  files: number;
  lines: number;
}

export interface CountResult {
  languages: Record<string, LanguageTally>;
  /** Files with a NUL byte in their first 8 KiB. */
  binary: number;
  /** Files over the size cap, counted as neither lines nor language. */
  oversize: number;
  /** Listed but not a readable regular file now (deleted, a directory, a symlink, no permission). */
  unreadable: number;
}

/** One buffer per thread, reused for every file: allocation dominated an earlier version. */
let scratch: Buffer | undefined;

export function countLines(task: CountTask): CountResult {
  const maxBytes = task.maxBytes ?? MAX_COUNTED_BYTES;
  if (!scratch || scratch.length < maxBytes + 1) scratch = Buffer.allocUnsafe(maxBytes + 1);
  const buffer = scratch;
  const result: CountResult = { languages: {}, binary: 0, oversize: 0, unreadable: 0 };
  const prefix = task.root.endsWith('/') ? task.root : `${task.root}/`;
  for (const path of task.paths) {
    const language = languageOf(path);
    if (language === undefined) continue; // the name says nothing: not worth a read
    const size = readInto(prefix + path, buffer, maxBytes + 1);
    if (size < 0) {
      result.unreadable += 1;
    } else if (size > maxBytes) {
      result.oversize += 1;
    } else if (buffer.subarray(0, Math.min(size, BINARY_SNIFF_BYTES)).includes(0)) {
      result.binary += 1;
    } else {
      const tally = (result.languages[language] ??= { files: 0, lines: 0 });
      tally.files += 1;
      tally.lines += countNewlines(buffer, size);
    }
  }
  return result;
}

/** Reads up to `limit` bytes into `buffer`; returns the byte count, or -1 if it is not a readable file. */
function readInto(path: string, buffer: Buffer, limit: number): number {
  let fd: number;
  try {
    fd = openSync(path, OPEN_FLAGS);
  } catch {
    return -1;
  }
  try {
    // One read: for a regular file a short read means end of file, and a second read just to see
    // 0 would add a system call for every file in the repository. (A short read on a network file
    // system only makes a line count low.)
    return readSync(fd, buffer, 0, limit, null);
  } catch {
    return -1; // EISDIR (a submodule), EAGAIN (a FIFO), EIO
  } finally {
    closeSync(fd);
  }
}

/** Lines as editors count them: a last line without a trailing newline still counts. */
export function countNewlines(buffer: Buffer, size: number): number {
  if (size === 0) return 0;
  const content = buffer.subarray(0, size); // the scratch buffer holds stale bytes past `size`
  let lines = 0;
  let at = content.indexOf(NEWLINE, 0);
  while (at !== -1) {
    lines += 1;
    at = content.indexOf(NEWLINE, at + 1);
  }
  return content[size - 1] === NEWLINE ? lines : lines + 1;
}

export function emptyCountResult(): CountResult {
  return { languages: {}, binary: 0, oversize: 0, unreadable: 0 };
}

export function mergeCounts(into: CountResult, from: CountResult): CountResult {
  for (const [language, tally] of Object.entries(from.languages)) {
    const target = (into.languages[language] ??= { files: 0, lines: 0 });
    target.files += tally.files;
    target.lines += tally.lines;
  }
  into.binary += from.binary;
  into.oversize += from.oversize;
  into.unreadable += from.unreadable;
  return into;
}
