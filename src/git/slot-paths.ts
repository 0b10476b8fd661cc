/** Where slots live: `$LOOP_HOME/worktrees/<repo-basename>-<hash12 of the repo path>/<runId>/<slot id>`, never inside the repository. */
import { createHash } from 'node:crypto';
import { readFileSync, realpathSync } from 'node:fs';
import { writeFileAtomic } from '../util/fs.js';
import { basename, dirname, join, resolve } from 'node:path';

export function poolRoot(toplevel: string, home: string): string {
  let real = toplevel;
  try {
    real = realpathSync(toplevel);
  } catch {
    // keep the path as given
  }
  const hash = createHash('sha256').update(real).digest('hex').slice(0, 12);
  const name = basename(real).replace(/[^A-Za-z0-9._-]/g, '_') || 'repo';
  return join(home, 'worktrees', `${name}-${hash}`);
}

export const runSlotsDir = (toplevel: string, home: string, runId: string): string => join(poolRoot(toplevel, home), runId);

/** Sidecar of a slot (beside it, outside the worktree): setup stamp, setup output and the files copied into it. */
export const slotMetaPath = (slotPath: string): string => `${slotPath}.loop-slot.json`;
export const slotSetupLogPath = (slotPath: string): string => `${slotPath}.setup.log`;

export interface SlotMeta {
  /** Hash of the setup command and the lockfiles it last ran against. */
  setupStamp?: string;
  /** Repository-relative paths copied from the user's checkout; never committed by captureWork. */
  copied?: string[];
  /** Ignored entries right after setup (slot-state.ts): anything else ignored is removed before a task or a test run. */
  ignored?: string[];
}

export function readMeta(slotPath: string): SlotMeta {
  try {
    return JSON.parse(readFileSync(slotMetaPath(slotPath), 'utf8')) as SlotMeta;
  } catch {
    return {};
  }
}

export function writeMeta(slotPath: string, meta: SlotMeta): void {
  writeFileAtomic(slotMetaPath(slotPath), JSON.stringify(meta));
}

/** The real path when it exists (worktree paths may be recorded through a symlink), else the resolved one. */
export function real(path: string): string {
  const absolute = resolve(path);
  try {
    return realpathSync(absolute);
  } catch {
    const parent = dirname(absolute);
    return parent === absolute ? absolute : join(real(parent), basename(absolute));
  }
}
