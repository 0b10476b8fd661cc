/**
 * Reusable worktree slots. One linked worktree per concurrent task (plus critic and scratch
 * slots), created once with `git worktree add` and re-pointed per task with `checkout -f -B`:
 * 2-110x cheaper than add/remove per task and immune to the ext4 inode-recency slowdown
 * (research/machine-limits.md §1, §4). Slots live under `$LOOP_HOME`, never inside the repository.
 */
import { existsSync, mkdirSync, readdirSync, rmSync, rmdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { UserError } from '../util/errors.js';
import { median } from '../util/stats.js';
import { LOOP_COMMIT_ENV, git, gitTry } from './git.js';
import { listWorktrees, repoInfo, type RepoInfo } from './repo.js';
import { serialize } from './repo-queue.js';
import { archiveWorktree } from './archive.js';
import { NO_HOOKS, resetSlot } from './slot-reset.js';
import { poolRoot, readMeta, real, slotMetaPath, slotSetupLogPath, writeMeta } from './slot-paths.js';
import { copyIntoSlot } from './slot-setup.js';
import { restoreSetupState } from './slot-state.js';
import { SETUP_CACHE, forgetFailedSetups, setupCacheDir } from './setup-cache.js';

export interface Slot {
  /** e.g. 'slot-1', 'critic-1', 'scratch'. */
  id: string;
  kind: 'task' | 'critic' | 'scratch';
  path: string;
  /** Created by this acquire. */
  fresh: boolean;
}

export interface SlotPoolOptions {
  repo: string;
  runId: string;
  /** `$LOOP_HOME`. */
  home: string;
  setupCommand: string | null;
  copyFiles: string[];
  setupTimeoutMs?: number;
  onLog?: (line: string) => void;
  /**
   * Task slots the pool makes at most; beyond it an acquire waits for a release. A new slot is a
   * full checkout (a file written per tracked file: seconds of system time in a large repository),
   * so a pool that grows whenever every slot is momentarily held costs more than it saves.
   */
  maxTaskSlots?: number;
  /**
   * How long an acquire that finds every task slot held waits for a release before it makes a new
   * one. Default: as long as this pool's slots took to make (`slotPatienceMs`).
   */
  patienceMs?: number;
}

export { SetupError } from './slot-setup.js';

interface Entry {
  slot: Slot;
  busy: boolean;
  /** Set until the worktree exists. */
  ready: Promise<void> | null;
}

export class SlotPool {
  private readonly entries: Entry[] = [];
  /** Acquires of task slots waiting for one to be released, first come first served. */
  private readonly waiting: (() => void)[] = [];
  /** How long each worktree this pool made took (ms), for the patience of a waiting acquire. */
  private readonly madeInMs: number[] = [];
  /** Time acquires spent waiting for a held task slot since this pool last started making one (ms). */
  private waitedMs = 0;
  private readonly log: (line: string) => void;
  /** Read once, by the first slot made: the slots made beside it share the answer. */
  private info: Promise<RepoInfo> | null = null;
  /** Set once this pool (one per supervisor session) cleared the setup failures an earlier session of the run recorded. */
  private failuresForgotten = false;

  constructor(private readonly options: SlotPoolOptions) {
    this.log = options.onLog ?? (() => {});
  }

  /** `<home>/worktrees/<repo>-<hash>/<runId>`, after the first acquire. */
  async dir(): Promise<string> {
    return join(poolRoot(await this.repoToplevel(), this.options.home), this.options.runId);
  }

  async acquire(kind: Slot['kind']): Promise<Slot> {
    if (kind === 'task') await this.waitForTaskSlot();
    for (;;) {
      const free = this.entries.find((entry) => entry.slot.kind === kind && !entry.busy);
      if (!free) break;
      free.busy = true;
      try {
        if (free.ready) await free.ready;
      } catch {
        continue; // a slot made ahead of time that could not be made (prewarm dropped it): make one now
      }
      return { ...free.slot, fresh: false };
    }
    const entry = this.startCreating(kind, true);
    await entry.ready;
    return { ...entry.slot };
  }

  /**
   * Returns when this acquire may take a free task slot or make one. It queues behind acquires
   * already waiting, and while every task slot is held: at the limit until one is released; below it
   * until the time acquires have spent waiting since the last new slot adds up to what a new slot
   * costs (a checkout: a file written per tracked file, seconds in a large repository). That is ski
   * rental: a slot in use is often handed back sooner than a checkout is made, and when waits keep
   * coming the pool pays for one more slot, never much more than the better of the two choices.
   */
  private async waitForTaskSlot(): Promise<void> {
    const anyFree = (): boolean => this.entries.some((entry) => entry.slot.kind === 'task' && !entry.busy);
    // with no task slot at all there is nothing to wait for
    if (this.waiting.length === 0 && (anyFree() || !this.entries.some((entry) => entry.slot.kind === 'task'))) return;
    const started = Date.now();
    const price = this.options.patienceMs ?? slotPatienceMs(this.madeInMs);
    const deadline = started + Math.max(0, price - this.waitedMs);
    try {
      for (let turn = 0; ; turn++) {
        const full = this.taskSlotsFull();
        const left = deadline - Date.now();
        if (!full && left <= 0) return; // make one
        // one woken but beaten to the slot by a newcomer keeps its place at the front
        if (!(await this.queue(full ? null : left, turn > 0))) return; // patience ran out: make one
        if (anyFree()) return;
      }
    } finally {
      this.waitedMs += Date.now() - started;
    }
  }

  /** Waits in line for `wakeNext`; with a timeout, leaves the line when it passes (false). */
  private queue(timeoutMs: number | null, front: boolean): Promise<boolean> {
    return new Promise<boolean>((resolve) => {
      const wake = (): void => {
        if (timer) clearTimeout(timer);
        resolve(true);
      };
      const timer = timeoutMs === null ? null : setTimeout(() => {
        const at = this.waiting.indexOf(wake);
        if (at >= 0) this.waiting.splice(at, 1);
        resolve(false);
      }, timeoutMs);
      if (front) this.waiting.unshift(wake);
      else this.waiting.push(wake);
    });
  }

  /** A new entry whose worktree is being made; one that cannot be made leaves the pool again (its `ready` rejects). */
  private startCreating(kind: Slot['kind'], busy: boolean): Entry {
    if (kind === 'task') this.waitedMs = 0;
    const entry: Entry = { slot: { id: this.nextId(kind), kind, path: '', fresh: true }, busy, ready: null };
    this.entries.push(entry);
    entry.ready = this.create(entry)
      .catch((error: unknown) => {
        const at = this.entries.indexOf(entry);
        if (at >= 0) this.entries.splice(at, 1);
        this.wakeNext();
        throw error;
      })
      .finally(() => {
        entry.ready = null;
      });
    return entry;
  }

  /** Every task slot is held and the pool may make no more. */
  private taskSlotsFull(): boolean {
    const tasks = this.entries.filter((entry) => entry.slot.kind === 'task');
    return tasks.length >= (this.options.maxTaskSlots ?? Infinity) && tasks.every((entry) => entry.busy);
  }

  /** Lets the first waiting acquire look again (it takes the released slot, or makes one in a retired slot's place). */
  private wakeNext(): void {
    if (this.taskSlotsFull()) return;
    this.waiting.shift()?.();
  }

  /**
   * Makes worktrees ahead of need, up to `count` slots of `kind` in all, while the run is still
   * starting (its actors booting, its plan being read): the first tasks then find their slots
   * ready. A slot that cannot be made is dropped with a log line; the task that needs one makes it.
   */
  prewarm(kind: Slot['kind'], count: number): void {
    for (let have = this.entries.filter((entry) => entry.slot.kind === kind).length; have < count; have++) {
      const entry = this.startCreating(kind, false);
      entry.ready!.catch((error: unknown) => {
        this.log(`${entry.slot.id}: could not be made ahead of time (${error instanceof Error ? error.message : String(error)}); it is made when a task needs it`);
      });
    }
  }

  /**
   * Drops a slot an agent broke (its `.git` deleted, its index wrecked) so the next acquire makes a
   * fresh one. What it held belonged to the failed attempt, which is recorded on the board.
   */
  async retire(slot: Slot): Promise<void> {
    const index = this.entries.findIndex((entry) => entry.slot.id === slot.id);
    if (index >= 0) this.entries.splice(index, 1);
    this.wakeNext();
    if (slot.path === '') return;
    await serialize(this.options.repo, async () => {
      const removal = await gitTry(this.options.repo, ['worktree', 'remove', '--force', '--force', slot.path]);
      if (!removal.ok) {
        rmSync(slot.path, { recursive: true, force: true });
        await gitTry(this.options.repo, ['worktree', 'prune']);
      }
    });
    rmSync(slotMetaPath(slot.path), { force: true });
    this.log(`${slot.id}: retired (it was broken); a new slot will replace it`);
  }

  release(slot: Slot): void {
    const entry = this.entries.find((candidate) => candidate.slot.id === slot.id);
    if (entry) entry.busy = false;
    this.wakeNext();
  }

  /** Every slot this pool holds (busy or free). */
  slots(): Slot[] {
    return this.entries.filter((entry) => entry.slot.path !== '').map((entry) => ({ ...entry.slot, fresh: false }));
  }

  async pointAt(slot: Slot, target: { sha: string; branch: string | null }): Promise<{ setupRan: boolean; setupLog?: string }> {
    const dir = await this.dir();
    if (!this.failuresForgotten) {
      this.failuresForgotten = true;
      forgetFailedSetups(dir);
    }
    const meta = readMeta(slot.path);
    await resetSlot(slot.path, {
      repo: this.options.repo,
      poolDir: dir,
      runId: this.options.runId,
      slotId: slot.id,
      archiveDirty: slot.kind !== 'scratch',
      sha: target.sha,
      branch: target.branch,
      copied: meta.copied ?? [],
      log: this.log,
    });
    const copiedBefore = meta.copied === undefined ? null : JSON.stringify(meta.copied);
    meta.copied = await copyIntoSlot({
      from: await this.repoToplevel(),
      slotPath: slot.path,
      sha: target.sha,
      files: this.options.copyFiles,
      log: (line) => this.log(`${slot.id}: ${line}`),
    });
    // rewritten only when it changes: a file created and renamed per task costs the run's
    // supervisor milliseconds on a busy disk
    if (JSON.stringify(meta.copied) !== copiedBefore) writeMeta(slot.path, meta);

    // every task starts from the committed tree plus setup output, never from a previous task's
    // ignored leftovers (a critic only reads, and the gate prepares its own slots before testing)
    const state = await restoreSetupState(slot.path, {
      sha: target.sha, setupCommand: slot.kind === 'critic' ? null : this.options.setupCommand, poolDir: dir, log: (line) => this.log(`${slot.id}: ${line}`), clean: slot.kind === 'task',
      ...(this.options.setupTimeoutMs === undefined ? {} : { setupTimeoutMs: this.options.setupTimeoutMs }),
    });
    if (state.removed.length > 0) this.log(`${slot.id}: removed ignored leftovers ${state.removed.slice(0, 5).join(', ')}${state.removed.length > 5 ? ', …' : ''}`);
    return state.setupLog === undefined ? { setupRan: state.setupRan } : { setupRan: state.setupRan, setupLog: state.setupLog };
  }

  async dispose(): Promise<{ removed: string[]; archived: string[] }> {
    const removed: string[] = [];
    const archived: string[] = [];
    await Promise.allSettled(this.entries.map((entry) => entry.ready));
    const dir = await this.dir();
    const registered = new Set((await listWorktrees(this.options.repo)).map((worktree) => real(worktree.path)));
    const paths = new Set(this.entries.map((entry) => entry.slot.path).filter((path) => path !== ''));
    for (const name of listDirs(dir)) if (name !== SETUP_CACHE) paths.add(join(dir, name));
    // Every slot's work is pinned first, side by side (each reads only its own worktree; the archive
    // refs are written one at a time by the repository queue); only then are the worktrees removed.
    const pinned = new Map(await Promise.all([...paths].map(async (path): Promise<[string, { ok: boolean; ref: string | null }]> => {
      const id = path.slice(dir.length + 1);
      if (!registered.has(real(path)) || !existsSync(path)) return [path, { ok: true, ref: null }];
      try {
        return [path, { ok: true, ref: await archiveWorktree(this.options.repo, path, this.options.runId, id, readMeta(path).copied ?? []) }];
      } catch (error) {
        this.log(`${id}: could not archive its uncommitted work (${error instanceof Error ? error.message : String(error)}); left in place at ${path}`);
        return [path, { ok: false, ref: null }];
      }
    })));
    const removable: string[] = [];
    for (const path of paths) {
      const id = path.slice(dir.length + 1);
      if (registered.has(real(path)) && existsSync(path)) {
        const { ok, ref } = pinned.get(path)!;
        if (!ok) continue;
        if (ref) {
          archived.push(ref);
          this.log(`${id}: uncommitted work pinned at ${ref}`);
        }
      } else if (existsSync(path)) {
        this.log(`${path} is not a registered worktree of ${this.options.repo}; left in place`);
        continue;
      }
      removable.push(path);
    }
    // One hold of the repository's queue for all of them, removed side by side: each `worktree
    // remove` deletes only its own folder and its own entry under the repository's worktrees/.
    const removals = await serialize(this.options.repo, () => Promise.all(removable.map((path) => gitTry(this.options.repo, ['worktree', 'remove', '--force', '--force', path]))));
    removable.forEach((path, i) => {
      const removal = removals[i]!;
      if (!removal.ok && existsSync(path)) {
        // its work is archived above, so the folder can go; prune below drops git's record of it
        this.log(`git worktree remove failed for ${path} (${removal.stderr.trim()}); deleting the folder`);
        rmSync(path, { recursive: true, force: true });
      }
      rmSync(slotMetaPath(path), { force: true });
      rmSync(slotSetupLogPath(path), { force: true });
      removed.push(path);
    });
    await serialize(this.options.repo, () => git(this.options.repo, ['worktree', 'prune']));
    // clones with no work of anyone's: setup output only
    rmSync(setupCacheDir(dir), { recursive: true, force: true });
    this.entries.length = 0;
    removeIfEmpty(dir);
    removeIfEmpty(dirname(dir));
    return { removed, archived };
  }

  private nextId(kind: Slot['kind']): string {
    const taken = new Set(this.entries.map((entry) => entry.slot.id));
    const prefix = kind === 'task' ? 'slot' : kind;
    for (let n = 1; ; n++) {
      const id = kind === 'scratch' && n === 1 ? 'scratch' : `${prefix}-${n}`;
      if (!taken.has(id)) return id;
    }
  }

  private async create(entry: Entry): Promise<void> {
    const dir = await this.dir();
    const top = real(await this.repoToplevel());
    if (real(dir).startsWith(`${top}/`)) {
      // a slot inside the checkout would show up in the user's `git status` and in every capture
      throw new UserError(`$LOOP_HOME (${this.options.home}) is inside the repository ${top}; point it at a folder outside the repository`);
    }
    mkdirSync(dir, { recursive: true });
    const started = Date.now();
    const made = await serialize(this.options.repo, async (): Promise<{ path: string; head: string } | null> => {
      const registered = new Set((await listWorktrees(this.options.repo)).map((worktree) => real(worktree.path)));
      for (;;) {
        const path = join(dir, entry.slot.id);
        if (registered.has(real(path)) && existsSync(join(path, '.git'))) {
          // left by a crashed run with the same id (resume): adopt it
          entry.slot = { ...entry.slot, path, fresh: false };
          this.log(`${entry.slot.id}: reusing the existing worktree ${path}`);
          return null;
        }
        if (!existsSync(path)) {
          const head = await this.repoHead();
          rmSync(slotMetaPath(path), { force: true });
          // Only the registration holds the repository's queue; the checkout below (a file per
          // tracked file: seconds in a large repository) must not hold up other slots' re-points
          // and ref updates.
          await git(this.options.repo, [...NO_HOOKS, 'worktree', 'add', '--no-checkout', '--detach', path, head], { env: LOOP_COMMIT_ENV });
          entry.slot = { ...entry.slot, path, fresh: true };
          return { path, head };
        }
        // a stray folder of that name that git does not know: leave it alone, take the next id
        this.log(`${path} exists but is not a worktree of this repository; skipping that name`);
        entry.slot = { ...entry.slot, id: bumpId(entry.slot.id, new Set(this.entries.map((e) => e.slot.id))) };
      }
    });
    if (made === null) return;
    try {
      await git(made.path, [...NO_HOOKS, 'checkout', '-q', '-f', '--detach', made.head], { env: LOOP_COMMIT_ENV });
    } catch (error) {
      // half a checkout is no slot: unregister it, so no later acquire adopts it
      await serialize(this.options.repo, () => gitTry(this.options.repo, ['worktree', 'remove', '--force', '--force', made.path]));
      rmSync(made.path, { recursive: true, force: true });
      throw error;
    }
    this.madeInMs.push(Date.now() - started);
    this.log(`${entry.slot.id}: created worktree ${made.path}`);
  }

  private repoInfo(): Promise<RepoInfo> {
    if (this.info === null) {
      this.info = repoInfo(this.options.repo);
      // a failed read is read again by the next slot
      this.info.catch(() => (this.info = null));
    }
    return this.info;
  }

  private async repoToplevel(): Promise<string> {
    return (await this.repoInfo()).toplevel;
  }

  /**
   * The commit a new slot is checked out at, read once: any commit will do, since a slot is
   * re-pointed before each use (three git processes per new slot saved).
   */
  private async repoHead(): Promise<string> {
    const info = await this.repoInfo();
    if (info.head === null) throw new UserError(`${info.toplevel} has no commits yet; make a first commit before running loop`);
    return info.head;
  }

}

/**
 * How long an acquire waits for a held task slot before making a new one: the median time this
 * pool took to make one (0 before it has made any, so the first slots are made at once).
 */
export function slotPatienceMs(madeInMs: readonly number[]): number {
  return madeInMs.length === 0 ? 0 : median(madeInMs.slice(-5));
}

function bumpId(id: string, taken: Set<string>): string {
  const match = /^(.*?)(?:-(\d+))?$/.exec(id)!;
  for (let n = Number(match[2] ?? 1) + 1; ; n++) {
    const candidate = `${match[1]}-${n}`;
    if (!taken.has(candidate)) return candidate;
  }
}

export function listDirs(dir: string): string[] {
  try {
    return readdirSync(dir).filter((name) => {
      try {
        return statSync(join(dir, name)).isDirectory();
      } catch {
        return false;
      }
    });
  } catch {
    return [];
  }
}

function removeIfEmpty(dir: string): void {
  try {
    rmdirSync(dir);
  } catch {
    // not empty or already gone
  }
}
