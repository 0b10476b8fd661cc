/**
 * Setup once per (run's pool, setup command, lockfiles): a koa run of 3 tasks did `npm ci` five
 * times, once in every new slot. Now the setup stamp (slot-setup.ts) names a folder of the run's
 * setup cache, `<pool>/<run>/.setup/<stamp>/`, where setup runs once in a clean checkout of the
 * commit, and each slot that needs that stamp gets a copy of what setup made.
 *
 * - A full checkout, not just the lockfiles and manifests: setup commands read more than those
 *   (npm's `prepare` script builds from the sources, workspaces need every member's manifest,
 *   `pip install -e .`, `poetry install` and cargo need the package itself).
 * - A `git clone --shared` of the repository (its objects through alternates), not a linked
 *   worktree: the gate actor and the supervisor are different processes, and worktree
 *   administration must stay in the one that owns the pool (repo-queue.ts); a clone also keeps
 *   whatever setup does to git config (husky's `core.hooksPath`) away from the user's repository.
 * - What setup made is what git lists as ignored afterwards and not before (node_modules/, .venv/,
 *   target/ as whole entries); files copied in (`.env`) were there before and are not part of it.
 * - Copied into a slot as an independent copy (util/copy-tree.ts: reflink or a real copy, never a
 *   hard link or a symlink): an agent's `npm install x`, or any tool writing into a file in place,
 *   changes that slot only.
 * - Output that records where it was made (a virtualenv's scripts and activate file, an editable
 *   install's .pth, a native build's Makefiles, an absolute symlink) would point every slot at the
 *   cache: when the cache's path appears in any file or link of the output, each slot runs setup
 *   itself as before (correct before fast), and says so once per slot.
 * - Per run, not across runs: a tool or runtime upgraded between runs (a new Node ABI for native
 *   modules) must not be served a stale install, and a failure is tried again on the next run.
 * - One run per stamp: callers in one process share a promise, and processes take a lock file
 *   (util/file-lock.ts). A failure is recorded and given to every caller until its retry time
 *   (no storm of failing installs, one per slot); then it runs again, 10 s after the first failure,
 *   20 s after the second, … at most 5 min apart, since an install that failed on a network blip at
 *   night must not stop every later task of the run. A new stamp runs again at once, and a resumed
 *   run forgets recorded failures (forgetFailedSetups).
 */
import { copyFileSync, cpSync, existsSync, mkdirSync, readFileSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { exec } from '../util/exec.js';
import { copyTree } from '../util/copy-tree.js';
import { withFileLock } from '../util/file-lock.js';
import { writeFileAtomic } from '../util/fs.js';
import { git, gitRaw, splitNul } from './git.js';
import { queueKey } from './repo-queue.js';
import { NO_HOOKS } from './slot-reset.js';
import { SetupError, runSetup } from './slot-setup.js';

/** The run's setup cache inside its pool folder; not a slot (slots.ts and cleanup skip it). */
export const SETUP_CACHE = '.setup';

type Outcome =
  | { ok: true; entries: string[]; log: string; pinnedBy: string | null }
  | { ok: false; message: string; log: string; exitCode: number | null; timedOut: boolean; logFile: string; failures: number; retryAt: number };

/** How long a recorded setup failure is given to callers before setup runs again, after `failures` failures in a row. */
export function setupRetryDelayMs(failures: number): number {
  return Math.min(5 * 60_000, 10_000 * 2 ** Math.max(0, Math.min(failures, 30) - 1));
}

/** A recorded outcome still to be given as it is: a success, or a failure before its retry time. */
const standing = (outcome: Outcome | null, now: number): boolean => outcome !== null && (outcome.ok || now < (outcome.retryAt ?? 0));

/** Setup output ready to copy, or why each slot must run setup itself. */
export type SharedSetup =
  | { kind: 'shared'; tree: string; entries: string[]; log: string }
  | { kind: 'per-slot'; reason: string };

export interface SharedSetupOptions {
  /** The slot asking: its pool folder holds the cache, its repository is cloned, its copied files are copied. */
  slot: string;
  sha: string;
  command: string;
  stamp: string;
  timeoutMs: number;
  copied: readonly string[];
  log?: (line: string) => void;
}

const inFlight = new Map<string, Promise<Outcome>>();

export const setupCacheDir = (runPoolDir: string): string => join(runPoolDir, SETUP_CACHE);
const recordPath = (dir: string): string => join(dir, 'result.json');

/** The setup output for the stamp, made now if no process made it yet. Throws SetupError when setup failed (now or earlier in this run). */
export async function sharedSetup(o: SharedSetupOptions): Promise<SharedSetup> {
  const dir = join(setupCacheDir(dirname(o.slot)), o.stamp);
  let pending = inFlight.get(dir);
  if (!pending) {
    pending = outcomeOf(dir, o).finally(() => inFlight.delete(dir));
    inFlight.set(dir, pending);
  }
  const outcome = await pending;
  if (!outcome.ok) throw new SetupError(outcome.message, outcome.log, outcome.exitCode, outcome.timedOut, outcome.logFile, outcome.retryAt);
  if (outcome.pinnedBy !== null) return { kind: 'per-slot', reason: `its output records the folder it was made in (${outcome.pinnedBy})` };
  return { kind: 'shared', tree: join(dir, 'tree'), entries: outcome.entries, log: outcome.log };
}

/** Copies the output into the slot, replacing what is at those paths (the caller removed the old setup output). */
export async function installSetupOutput(shared: Extract<SharedSetup, { kind: 'shared' }>, slot: string): Promise<void> {
  for (const entry of shared.entries) {
    const path = entry.replace(/\/+$/, '');
    const target = join(slot, path);
    rmSync(target, { recursive: true, force: true });
    mkdirSync(dirname(target), { recursive: true });
    await copyTree(join(shared.tree, path), target);
  }
}

/** A resumed run tries again what failed before it stopped (the user may have fixed the machine). */
export function forgetFailedSetups(runPoolDir: string): void {
  const cache = setupCacheDir(runPoolDir);
  let stamps: string[];
  try {
    stamps = readdirSync(cache);
  } catch {
    return;
  }
  for (const stamp of stamps) {
    const known = readOutcome(join(cache, stamp));
    if (known && !known.ok) rmSync(recordPath(join(cache, stamp)), { force: true });
  }
}

async function outcomeOf(dir: string, o: SharedSetupOptions): Promise<Outcome> {
  const known = readOutcome(dir);
  if (known && standing(known, Date.now())) return repeated(known);
  mkdirSync(dir, { recursive: true });
  // another process may run it meanwhile; a holder is given the setup timeout and two minutes for the checkout and the scan
  return withFileLock(join(dir, 'lock'), { staleMs: o.timeoutMs + 120_000 }, async () => {
    const made = readOutcome(dir);
    if (made && standing(made, Date.now())) return repeated(made);
    const outcome = await runOnce(dir, o, made && !made.ok ? made.failures ?? 1 : 0);
    writeFileAtomic(recordPath(dir), JSON.stringify(outcome));
    return outcome;
  });
}

/** A failure recorded by an earlier caller: said as such, not run again before its time. */
function repeated(outcome: Outcome): Outcome {
  return outcome.ok ? outcome : { ...outcome, message: `${outcome.message}; it failed earlier in this run and runs again at ${clock(outcome.retryAt)} (or at once for other lockfiles)` };
}

const clock = (epochMs: number): string => new Date(epochMs).toISOString().slice(11, 19);

async function runOnce(dir: string, o: SharedSetupOptions, failedBefore: number): Promise<Outcome> {
  const tree = join(dir, 'tree');
  // a checkout left half-made by a killed process
  rmSync(tree, { recursive: true, force: true });
  const source = queueKey(o.slot);
  await git(dir, ['clone', '-q', '--shared', '--no-checkout', source, tree]);
  // ignore rules kept outside the tree must hold in the clone too
  if (existsSync(join(source, 'info', 'exclude'))) copyFileSync(join(source, 'info', 'exclude'), join(tree, '.git', 'info', 'exclude'));
  await git(tree, [...NO_HOOKS, 'checkout', '-q', '--detach', o.sha]);
  for (const file of o.copied) {
    if (!existsSync(join(o.slot, file))) continue;
    mkdirSync(dirname(join(tree, file)), { recursive: true });
    cpSync(join(o.slot, file), join(tree, file), { recursive: true, force: true });
  }
  const before = new Set(await ignoredEntries(tree));
  const logFile = join(dir, 'setup.log');
  o.log?.(`running setup "${o.command}" once for this run and these lockfiles (log: ${logFile})`);
  let log: string;
  try {
    log = await runSetup(tree, o.command, o.timeoutMs, logFile);
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    const failures = failedBefore + 1;
    const retryAt = Date.now() + setupRetryDelayMs(failures);
    o.log?.(`${error.message}; every slot needing these lockfiles fails with it until ${clock(retryAt)} UTC, when it runs again`);
    return { ok: false, message: error.message, log: error.log, exitCode: error.exitCode, timedOut: error.timedOut, logFile, failures, retryAt };
  }
  const entries = (await ignoredEntries(tree)).filter((entry) => !before.has(entry));
  return { ok: true, entries, log, pinnedBy: await recordedPath(tree, entries) };
}

/** Ignored entries as git lists them: a whole ignored folder is one entry (`node_modules/`). */
async function ignoredEntries(tree: string): Promise<string[]> {
  return splitNul(await gitRaw(tree, ['ls-files', '-z', '--others', '--ignored', '--exclude-standard', '--directory']));
}

/**
 * The first file or symlink of the output that holds the tree's own path, or why that could not
 * be checked (then the output is treated as not relocatable); null when none does.
 */
async function recordedPath(tree: string, entries: readonly string[]): Promise<string | null> {
  if (entries.length === 0) return null;
  const paths = entries.map((entry) => entry.replace(/\/+$/, ''));
  for (const folder of new Set([tree, realpathSync(tree)])) {
    // -r does not follow symlinks inside folders; binary files are searched as text (a compiled path counts too)
    const grep = await exec('grep', ['-rlsF', '--binary-files=text', '-e', folder, '--', ...paths], { cwd: tree }).catch(() => null);
    const file = grep?.stdout.split('\n')[0];
    if (file) return file;
    if (grep?.code !== 1) return `grep could not search it${grep ? ` (exit ${grep.code})` : ''}`;
    const find = await exec('find', [...paths, '-type', 'l', '-lname', `${folder.replace(/[[\]*?\\]/g, '\\$&')}/*`], { cwd: tree }).catch(() => null);
    const link = find?.stdout.split('\n')[0];
    if (link) return `${link} (a symlink)`;
    if (find?.code !== 0) return `find could not search it${find ? ` (exit ${find.code})` : ''}`;
  }
  return null;
}

function readOutcome(dir: string): Outcome | null {
  try {
    return JSON.parse(readFileSync(recordPath(dir), 'utf8')) as Outcome;
  } catch {
    return null;
  }
}
