/** Small file helpers: atomic writes (tmp + rename) so a crash never leaves half a file. */
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * `durable`: the data and the rename reach the disk before this returns (fsync of file and folder).
 * `mode`: the file's permissions (0o600 for a file holding a token).
 */
export function writeFileAtomic(path: string, data: string, options: { durable?: boolean; mode?: number } = {}): void {
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    if (options.durable) {
      const fd = openSync(tmp, 'w', options.mode);
      try {
        const bytes = Buffer.from(data);
        for (let written = 0; written < bytes.length; ) written += writeSync(fd, bytes, written);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    } else {
      writeFileSync(tmp, data, options.mode === undefined ? undefined : { mode: options.mode });
    }
    renameSync(tmp, path);
  } catch (error) {
    rmSync(tmp, { force: true });
    throw error;
  }
  if (options.durable) {
    const dir = openSync(dirname(path), 'r');
    try {
      fsyncSync(dir);
    } finally {
      closeSync(dir);
    }
  }
}

export function ensureDir(path: string): string {
  mkdirSync(path, { recursive: true });
  return path;
}
