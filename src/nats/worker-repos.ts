/**
 * A `loop worker`'s own copies of the repositories it works on: one clone per git remote under
 * `$LOOP_HOME/worker/<name>-<hash of the URL>/` (cloned once, fetched before each task, never
 * re-cloned), and per run a pool of worktree slots in it, set up by the worker's own setup command
 * run. Nothing here reads the supervisor's files: everything comes from the remote.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { RemoteRepo } from '../../protocol/index.js';
import { gitTry } from '../git/git.js';
import { fetchRefs } from '../git/remote.js';
import { refSha } from '../git/repo.js';
import { serialize } from '../git/repo-queue.js';
import { SlotPool } from '../git/slots.js';

const CLONE_TIMEOUT_MS = 30 * 60_000;

/** The clone's folder: readable name from the URL, and a hash so two remotes never share one. */
export function cloneDir(home: string, url: string): string {
  const name = basename(url.replace(/\/+$/, '')).replace(/\.git$/, '').replace(/[^A-Za-z0-9._-]/g, '_') || 'repo';
  return join(home, 'worker', `${name}-${createHash('sha256').update(url).digest('hex').slice(0, 12)}`);
}

/** What a remote that cannot be reached looks like, in one line with what to do. */
export class RemoteAccessError extends Error {
  override name = 'RemoteAccessError';
  constructor(url: string, error: string) {
    super(`this worker cannot reach the git remote ${url} (${error}); give this machine git access to it (an ssh key or credential helper for this user) and check with \`git ls-remote ${url}\``);
  }
}

export class WorkerRepos {
  readonly #home: string;
  readonly #say: (line: string) => void;
  readonly #clones = new Map<string, Promise<string>>();
  readonly #pools = new Map<string, SlotPool>();

  constructor(home: string, say: (line: string) => void) {
    this.#home = home;
    this.#say = say;
  }

  /**
   * The clone of the job's remote with the run's branches fetched (`refs/heads/loop/<run>/*` into
   * `refs/remotes/loop/<run>/*`, so a task branch's value on the remote is known locally).
   */
  async fetched(repo: RemoteRepo, runId: string): Promise<string> {
    const dir = await this.#clone(repo.remote);
    const fetched = await serialize(dir, () => fetchRefs(dir, repo.remote, [`+refs/heads/loop/${runId}/*:refs/remotes/loop/${runId}/*`]));
    if (!fetched.ok) throw new RemoteAccessError(repo.remote, fetched.error);
    return dir;
  }

  /** The run's slot pool in the clone, with the job's setup command and files to copy. */
  pool(clone: string, runId: string, repo: RemoteRepo): SlotPool {
    const key = `${clone}\n${runId}`;
    let pool = this.#pools.get(key);
    if (pool === undefined) {
      pool = new SlotPool({ repo: clone, runId, home: this.#home, setupCommand: repo.setupCommand, copyFiles: repo.copyFiles, onLog: this.#say });
      this.#pools.set(key, pool);
    }
    return pool;
  }

  /** Removes the slots (uncommitted work in them is archived first, as the supervisor's pools do). */
  async dispose(): Promise<void> {
    await Promise.allSettled([...this.#pools.values()].map((pool) => pool.dispose()));
    this.#pools.clear();
  }

  #clone(url: string): Promise<string> {
    let clone = this.#clones.get(url);
    if (clone === undefined) {
      clone = this.#ensureClone(url);
      clone.catch(() => this.#clones.delete(url));
      this.#clones.set(url, clone);
    }
    return clone;
  }

  async #ensureClone(url: string): Promise<string> {
    const dir = cloneDir(this.#home, url);
    if (!existsSync(join(dir, '.git'))) {
      mkdirSync(join(this.#home, 'worker'), { recursive: true });
      // Cloned beside and renamed: a clone interrupted half-way is never mistaken for a finished one.
      const partial = `${dir}.partial-${process.pid}`;
      rmSync(partial, { recursive: true, force: true });
      this.#say(`cloning ${url} into ${dir}`);
      const cloned = await gitTry(join(this.#home, 'worker'), ['clone', '--quiet', '--no-checkout', url, partial], { env: { GIT_TERMINAL_PROMPT: '0' }, timeoutMs: CLONE_TIMEOUT_MS });
      if (!cloned.ok) {
        rmSync(partial, { recursive: true, force: true });
        throw new RemoteAccessError(url, cloned.stderr.trim().split('\n').pop() ?? `git clone exited with ${cloned.code}`);
      }
      renameSync(partial, dir);
    }
    // Slots are created from HEAD: a remote whose HEAD names no branch leaves it unborn.
    if ((await refSha(dir, 'HEAD')) === null) {
      const any = (await gitTry(dir, ['for-each-ref', '--count=1', '--format=%(objectname)', 'refs/remotes/'])).stdout.trim();
      if (any !== '') await gitTry(dir, ['update-ref', '--no-deref', 'HEAD', any]);
    }
    return dir;
  }
}
