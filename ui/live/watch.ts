/**
 * Calls back when something in a folder changes: fs.watch (inotify on Linux), so a board append
 * reaches the dashboard without a poll sleep. A folder that does not exist yet is waited for from
 * its nearest existing parent. Only where fs.watch is unavailable (some network file systems, no
 * inotify watches left) does it fall back to checking every POLL_MS.
 */
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

export const POLL_MS = 250;

export interface Watch {
  close(): void;
}

export function watchFolder(dir: string, onChange: (filename: string | null) => void): Watch {
  let watcher: FSWatcher | null = null;
  let poll: NodeJS.Timeout | null = null;
  let waiting: Watch | null = null;
  let closed = false;

  const fallBackToPolling = (): void => {
    if (poll || closed) return;
    poll = setInterval(() => onChange(null), POLL_MS);
    poll.unref();
  };
  const start = (): void => {
    if (closed) return;
    if (!existsSync(dir)) {
      // Wait for the folder to appear, then watch it (and report once: it may already hold files).
      const parent = dirname(dir);
      if (parent === dir) return fallBackToPolling();
      waiting = watchFolder(parent, (name) => {
        if ((name === null || name === basename(dir)) && existsSync(dir)) {
          waiting?.close();
          waiting = null;
          start();
          onChange(null);
        }
      });
      return;
    }
    try {
      watcher = watch(dir, { persistent: false }, (_event, filename) => onChange(filename === null ? null : String(filename)));
      watcher.on('error', () => {
        // The folder went away (or the watch broke): wait for it again.
        watcher?.close();
        watcher = null;
        setImmediate(start);
      });
    } catch {
      fallBackToPolling();
    }
  };
  start();
  return {
    close() {
      closed = true;
      watcher?.close();
      waiting?.close();
      if (poll) clearInterval(poll);
    },
  };
}
