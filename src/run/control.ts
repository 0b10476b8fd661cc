/**
 * Requests to a running supervisor from other `loop` processes, as files in
 * `.loop/runs/<run>/control/` (written atomically by the requester, removed once read). Today:
 * `takeover-<role>.json` from `loop attach <role> --takeover`. The answer goes on the board.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import * as v from 'valibot';
import { TakeoverRequestSchema, type TakeoverRequest } from '../../protocol/index.js';
import { writeFileAtomic } from '../util/fs.js';
import { FALLBACK_POLL_MS } from '../util/follow-file.js';

const REQUEST = /^takeover-.+\.json$/;

export const controlDir = (runDir: string): string => join(runDir, 'control');

export function requestTakeover(runDir: string, role: string): void {
  const request: TakeoverRequest = { role, pid: process.pid, requestedAt: Date.now() };
  writeFileAtomic(join(controlDir(runDir), `takeover-${role}.json`), `${JSON.stringify(request)}\n`);
}

/** Calls `onTakeover` for every request file, present and future, until the returned stop is called. */
export function watchControl(runDir: string, onTakeover: (request: TakeoverRequest) => void, onProblem: (message: string) => void): () => void {
  const dir = controlDir(runDir);
  mkdirSync(dir, { recursive: true });
  const scan = (): void => {
    for (const name of readdirSync(dir).filter((n) => REQUEST.test(n))) {
      const file = join(dir, name);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
        rmSync(file, { force: true });
      } catch {
        continue; // another scan took it
      }
      let parsed;
      try {
        parsed = v.safeParse(TakeoverRequestSchema, JSON.parse(text));
      } catch {
        parsed = null;
      }
      if (parsed?.success) onTakeover(parsed.output);
      else onProblem(`${file}: not a takeover request; ignored`);
    }
  };
  let watcher: FSWatcher | null = null;
  let timer: NodeJS.Timeout | null = null;
  try {
    watcher = watch(dir, () => scan());
    watcher.on('error', () => {
      watcher?.close();
      timer ??= setInterval(scan, FALLBACK_POLL_MS);
    });
  } catch {
    timer = setInterval(scan, FALLBACK_POLL_MS);
  }
  if (existsSync(dir)) scan();
  return () => {
    watcher?.close();
    if (timer) clearInterval(timer);
  };
}
