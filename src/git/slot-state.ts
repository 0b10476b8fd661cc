/**
 * A slot's state besides its commit: what the setup command produced (node_modules, a virtualenv,
 * build caches), recorded right after setup as git's list of ignored entries. Before each task
 * and before each test run, ignored entries that are not in that record are removed, so tests see
 * the committed tree plus the setup output and nothing an agent (or an earlier test run) left in
 * ignored paths: a `gen/sub.js` under an ignored `gen/` would make a change look green that fails
 * on a clean checkout. Cheap: one `git ls-files` (an ignored folder is one entry) and a readdir of
 * each ignored folder, so a new `node_modules/<pkg>` is caught too. Files changed *inside* setup
 * output are not detected (that would mean hashing node_modules); the merge queue re-tests in the
 * gate's own slots, which no agent touches.
 */
import { existsSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { gitRaw, splitNul } from './git.js';
import { readMeta, writeMeta } from './slot-paths.js';
import { assertSlot } from './slot-reset.js';
import { DEFAULT_SETUP_TIMEOUT_MS, runSetup, setupStamp } from './slot-setup.js';
import { installSetupOutput, sharedSetup } from './setup-cache.js';

/**
 * Build caches that cannot stand in for a missing source file, kept whether or not setup made
 * them: cargo rebuilds from fingerprints of the committed sources. (A Maven or tsc output folder
 * is not kept: a stale class or .js file of an uncommitted source would be used.)
 */
function isContentCheckedCache(slot: string, entry: string): boolean {
  return /(^|\/)target\/$/.test(entry) && existsSync(join(slot, dirname(entry), 'Cargo.toml'));
}

/** Ignored entries of the slot as git lists them (`dir/` for a whole ignored folder), each with its direct children when it is a folder. */
async function scanIgnored(slot: string): Promise<Map<string, string[]>> {
  const entries = splitNul(await gitRaw(slot, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']));
  const scanned = new Map<string, string[]>();
  for (const entry of entries) {
    const children: string[] = [];
    if (entry.endsWith('/')) {
      try {
        for (const child of readdirSync(join(slot, entry), { withFileTypes: true })) children.push(`${entry}${child.name}${child.isDirectory() ? '/' : ''}`);
      } catch {
        // gone meanwhile
      }
    }
    scanned.set(entry, children);
  }
  return scanned;
}

/** The record kept after setup: every ignored entry and every child of an ignored folder. */
export async function listIgnored(slot: string): Promise<string[]> {
  return [...(await scanIgnored(slot))].flatMap(([entry, children]) => [entry, ...children]);
}

/** Removes ignored entries and children of kept ignored folders that are neither in `kept` nor a content-checked cache; returns what went. */
export async function removeNewIgnored(slot: string, poolDir: string, kept: ReadonlySet<string>): Promise<string[]> {
  assertSlot(slot, poolDir);
  const root = resolve(slot);
  const removed: string[] = [];
  const remove = (entry: string) => {
    if (isContentCheckedCache(slot, entry)) return;
    const target = resolve(root, entry);
    if (target === root || !target.startsWith(root + sep)) return;
    rmSync(target, { recursive: true, force: true });
    removed.push(entry);
  };
  for (const [entry, children] of await scanIgnored(slot)) {
    if (!kept.has(entry)) remove(entry);
    else for (const child of children) if (!kept.has(child)) remove(child);
  }
  return removed;
}

/** What stays in a slot besides the commit: the recorded setup output, and the files loop copied in with the folders holding them. */
function keptEntries(ignored: readonly string[], copied: readonly string[]): Set<string> {
  const kept = new Set(ignored);
  for (const file of copied) {
    const parts = file.replace(/\/+$/, '').split('/');
    for (let i = 1; i < parts.length; i++) kept.add(`${parts.slice(0, i).join('/')}/`);
    kept.add(parts.join('/'));
    kept.add(`${parts.join('/')}/`);
  }
  return kept;
}

export interface SlotStateOptions {
  /** The commit checked out in the slot (its lockfiles decide whether setup must run again). */
  sha: string;
  setupCommand: string | null;
  setupTimeoutMs?: number;
  /** Loop's own folder of slots: nothing outside it is ever cleaned. */
  poolDir: string;
  log?: (line: string) => void;
  /** Remove ignored entries setup did not make (default true); setup still runs when due. */
  clean?: boolean;
}

export interface SlotState {
  setupRan: boolean;
  setupLog?: string;
  /** Ignored entries that were removed (left by an agent or an earlier run). */
  removed: string[];
}

/**
 * Brings a slot checked out at `sha` to "the committed tree plus its setup output": when its
 * lockfiles changed since it last got setup output (or it never did), the run's setup cache's
 * output for them is copied in (setup-cache.ts; setup runs in the slot itself only when that
 * output is not relocatable), and what is there then is recorded; else
 * every ignored entry setup did not make is removed. Files loop copied in (`.env`) stay. Throws
 * SetupError when setup fails.
 */
export async function restoreSetupState(slot: string, options: SlotStateOptions): Promise<SlotState> {
  const meta = readMeta(slot);
  const kept = keptEntries(meta.ignored ?? [], meta.copied ?? []);
  const command = options.setupCommand;
  if (command) {
    const stamp = await setupStamp(slot, options.sha, command);
    if (meta.setupStamp !== stamp) {
      const timeoutMs = options.setupTimeoutMs ?? DEFAULT_SETUP_TIMEOUT_MS;
      const shared = await sharedSetup({ slot, sha: options.sha, command, stamp, timeoutMs, copied: meta.copied ?? [], ...(options.log ? { log: options.log } : {}) });
      if (shared.kind === 'shared') {
        // the previous setup output goes too (a new lockfile's node_modules replaces the old one whole); only leftovers are reported
        const gone = await removeNewIgnored(slot, options.poolDir, keptEntries([], meta.copied ?? []));
        await installSetupOutput(shared, slot);
        writeMeta(slot, { ...readMeta(slot), setupStamp: stamp, ignored: await listIgnored(slot) });
        return { setupRan: true, setupLog: shared.log, removed: options.clean === false ? [] : gone.filter((entry) => !kept.has(entry)) };
      }
      const removed = meta.ignored === undefined || options.clean === false ? [] : await removeNewIgnored(slot, options.poolDir, kept);
      options.log?.(`running setup "${command}" in this slot: ${shared.reason} (${meta.setupStamp === undefined ? 'new slot' : 'lockfile changed'})`);
      const setupLog = await runSetup(slot, command, timeoutMs);
      writeMeta(slot, { ...readMeta(slot), setupStamp: stamp, ignored: await listIgnored(slot) });
      return { setupRan: true, setupLog, removed };
    }
  }
  if (options.clean === false) return { setupRan: false, removed: [] };
  if (meta.ignored === undefined) {
    // first use of the slot (no setup, or made by an older loop): what is there now is the baseline
    writeMeta(slot, { ...meta, ignored: await listIgnored(slot) });
    return { setupRan: false, removed: [] };
  }
  return { setupRan: false, removed: await removeNewIgnored(slot, options.poolDir, kept) };
}
