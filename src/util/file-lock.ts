/**
 * A lock between processes on one machine (a supervisor and its gate actor, or a `loop worker`):
 * a file created with O_EXCL that holds the owner's pid. A waiter is woken by the file's removal
 * (fs.watch on its folder); a slow check every `checkMs` takes over a lock whose owner died (kill
 * -9 leaves the file behind) or that is older than `staleMs` (the owner's pid was reused).
 */
import { readFileSync, rmSync, statSync, watch, writeFileSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { isAlive } from './process-alive.js';

export interface FileLockOptions {
  /** A lock older than this is taken over whoever holds it: longer than any holder may work. */
  staleMs: number;
  checkMs?: number;
}

export async function withFileLock<T>(file: string, options: FileLockOptions, fn: () => Promise<T>): Promise<T> {
  while (!tryCreate(file)) await released(file, options);
  try {
    return await fn();
  } finally {
    rmSync(file, { force: true });
  }
}

function tryCreate(file: string): boolean {
  try {
    writeFileSync(file, `${process.pid}\n`, { flag: 'wx' });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
}

/** Resolves when the lock is gone, or after removing a stale one. */
function released(file: string, options: FileLockOptions): Promise<void> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      watcher.close();
      clearInterval(timer);
      resolve();
    };
    const check = (): void => {
      const holder = holderOf(file);
      if (holder === null) return finish();
      if (!isAlive(holder.pid) || Date.now() - holder.since > options.staleMs) {
        // a dead owner cannot remove it. Read again right before removing, so a waiter that raced
        // here and already made a new lock keeps it (the window left is two syscalls wide)
        const again = holderOf(file);
        if (again?.pid === holder.pid && again.since === holder.since) rmSync(file, { force: true });
        finish();
      }
    };
    const watcher = watch(dirname(file), (_event, name) => {
      if (name === null || name === basename(file)) check();
    });
    // the folder removed meanwhile (a run's cache disposed): the next create attempt says why
    watcher.on('error', finish);
    const timer = setInterval(check, options.checkMs ?? 1000);
    check();
  });
}

function holderOf(file: string): { pid: number; since: number } | null {
  try {
    const since = statSync(file).mtimeMs;
    const pid = Number.parseInt(readFileSync(file, 'utf8'), 10);
    // a file just created and not written yet reads as empty: its owner is alive by definition
    return { pid: Number.isFinite(pid) ? pid : process.pid, since };
  } catch {
    return null;
  }
}
