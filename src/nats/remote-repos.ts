/**
 * The supervisor's side of code moving through a git remote (`loop.nats.dispatch: workers`): the
 * remote of each repository (`loop.nats.remote`, a remote name or URL, default `origin`), the
 * integration branch published there after each advance (`--force-with-lease` against the value
 * this supervisor last saw there), a base commit made reachable on the remote before a job is
 * dispatched, and a worker's commit fetched back into the agent's slot, checked to be exactly the
 * commit the worker reported.
 */
import { NO_HOOKS } from '../git/slot-reset.js';
import { git, gitTry } from '../git/git.js';
import { fetchRefs, pushWithLease, remoteRefSha, remoteUrl } from '../git/remote.js';
import { isAncestor, resolveSha } from '../git/repo.js';
import type { RepoWorkspace } from '../run/workspace.js';

export const DEFAULT_REMOTE = 'origin';

/** Where a repository's base commits ride when they are not on the published integration branch (a repair's starting point). */
export const baseCarrier = (branch: string): string => `refs/heads/${branch}.base`;

interface Published {
  url: string;
  /** What the integration branch holds on the remote, as this supervisor last saw or pushed it ('' = absent). */
  head: string;
  /** Pushes to one remote go one after the other. */
  tail: Promise<unknown>;
}

export class RemoteRepos {
  readonly #remote: string;
  readonly #repos = new Map<string, Promise<Published>>();
  /** The background publish under way per repository, and the repositories that asked for another meanwhile. */
  readonly #publishing = new Map<string, Promise<void>>();
  readonly #again = new Set<string>();

  constructor(remote: string | undefined) {
    this.#remote = remote ?? DEFAULT_REMOTE;
  }

  /** The URL workers clone `ws`'s repository from. */
  async url(ws: RepoWorkspace): Promise<string> {
    return (await this.#published(ws)).url;
  }

  /** Makes `base` reachable on the remote: on the published integration branch, or pushed to the task's carrier ref. */
  async ensureBase(ws: RepoWorkspace, base: string, branch: string): Promise<void> {
    const published = await this.#published(ws);
    if (published.head !== '' && (await isAncestor(ws.repo.path, base, published.head))) return;
    if (base === (await resolveSha(ws.repo.path, ws.integration.ref))) {
      await this.publishIntegration(ws);
      if ((await this.#published(ws)).head === base) return;
    }
    const pushed = await this.#serial(published, () => gitTry(ws.repo.path, ['push', '--quiet', '--no-verify', published.url, `+${base}:${baseCarrier(branch)}`], { env: { GIT_TERMINAL_PROMPT: '0' } }));
    if (!pushed.ok) throw new Error(`could not push the base commit of ${branch} to ${published.url}: ${pushed.stderr.trim().split('\n')[0]}`);
  }

  /**
   * Publishes the integration head in the background (after a merge: the next merge need not wait
   * for the push). Pushes that pile up collapse into one of the newest head. A push that fails is
   * tried again, and its error thrown, by the next `ensureBase` that needs the head on the remote.
   */
  publishSoon(ws: RepoWorkspace): void {
    const key = ws.repo.path;
    if (this.#publishing.has(key)) {
      this.#again.add(key);
      return;
    }
    const publish = this.publishIntegration(ws).catch(() => undefined).then(() => {
      this.#publishing.delete(key);
      if (this.#again.delete(key)) this.publishSoon(ws);
    });
    this.#publishing.set(key, publish);
  }

  /** Resolves once no background publish is under way (before the engine closes). */
  async settled(): Promise<void> {
    while (this.#publishing.size > 0) await Promise.all(this.#publishing.values());
  }

  /** Pushes the integration head to the remote unless it is there already; a branch someone else moved is left alone (said in the error). */
  async publishIntegration(ws: RepoWorkspace): Promise<void> {
    const published = await this.#published(ws);
    await this.#serial(published, async () => {
      const head = await resolveSha(ws.repo.path, ws.integration.ref);
      if (head === published.head) return;
      const pushed = await pushWithLease(ws.repo.path, published.url, head, ws.integration.ref, published.head);
      if (!pushed.ok) throw new Error(`could not publish ${ws.integration.branch} to ${published.url}: ${pushed.error}${pushed.rejected ? ' (the branch there is not the one this supervisor pushed last; only the supervisor of the run may push it)' : ''}`);
      published.head = head;
    });
  }

  /**
   * Brings the worker's `commit` of `branch` into the supervisor's `slot`: fetched from the remote
   * into the slot's FETCH_HEAD (no ref left behind), checked to be that commit, then checked out on
   * the task branch. The slot was just pointed at the base and is clean, so a plain checkout moves it.
   */
  async takeCommit(ws: RepoWorkspace, slot: string, branch: string, commit: string): Promise<void> {
    const { url } = await this.#published(ws);
    const fetched = await fetchRefs(slot, url, [`refs/heads/${branch}`]);
    if (!fetched.ok) throw new Error(`could not fetch ${branch} from ${url}: ${fetched.error}`);
    const got = await git(slot, ['rev-parse', 'FETCH_HEAD']);
    if (got !== commit) throw new Error(`the task branch ${branch} on ${url} holds ${got.slice(0, 12)}, not the ${commit.slice(0, 12)} its worker reported (another push overwrote it); the attempt is not taken`);
    await git(slot, [...NO_HOOKS, 'checkout', '-q', '-B', branch, commit]);
  }

  #published(ws: RepoWorkspace): Promise<Published> {
    let published = this.#repos.get(ws.repo.path);
    if (published === undefined) {
      published = this.#open(ws);
      published.catch(() => this.#repos.delete(ws.repo.path));
      this.#repos.set(ws.repo.path, published);
    }
    return published;
  }

  async #open(ws: RepoWorkspace): Promise<Published> {
    const url = await remoteUrl(ws.repo.path, this.#remote);
    // `loop validate` refuses such a config before a run; this is the repository changed since.
    if (url === null) throw new Error(missingRemote(ws.repo.name, this.#remote));
    const published: Published = { url, head: (await remoteRefSha(ws.repo.path, url, ws.integration.ref)) ?? '', tail: Promise.resolve() };
    return published;
  }

  #serial<T>(published: Published, fn: () => Promise<T>): Promise<T> {
    const result = published.tail.then(fn);
    published.tail = result.catch(() => undefined);
    return result;
  }
}

export const missingRemote = (repo: string, remote: string): string =>
  `repository ${repo} has no git remote "${remote}", which loop worker processes clone from and push to (loop.nats.dispatch: workers); add it with \`git remote add ${remote} <url>\` or set loop.nats.remote to a URL every worker can reach`;
