/**
 * Remotes, for `loop.land: pr`: which remote a branch's work goes to, and pushing the integration
 * branch there. Pushing writes nothing in the user's checkout and never touches their branches.
 */
import { gitTry } from './git.js';

/** The remote the branch tracks, else `origin`, else the only remote; null when there is none. */
export async function landingRemote(repo: string, branch: string): Promise<string | null> {
  const remotes = (await gitTry(repo, ['remote'])).stdout.split('\n').map((line) => line.trim()).filter(Boolean);
  const tracked = await gitTry(repo, ['config', '--get', `branch.${branch}.remote`]);
  const upstream = tracked.ok ? tracked.stdout.trim() : '';
  if (upstream !== '' && remotes.includes(upstream)) return upstream;
  if (remotes.includes('origin')) return 'origin';
  return remotes.length === 1 ? remotes[0]! : null;
}

const PUSH_TIMEOUT_MS = 5 * 60_000;

/** Pushes `refs/heads/<branch>` to the same name on `remote`. */
export async function pushBranch(repo: string, remote: string, branch: string): Promise<{ ok: true } | { ok: false; error: string }> {
  const ref = `refs/heads/${branch}`;
  const pushed = await gitTry(repo, ['push', '--quiet', remote, `${ref}:${ref}`], { env: { GIT_TERMINAL_PROMPT: '0' }, timeoutMs: PUSH_TIMEOUT_MS });
  if (pushed.ok) return { ok: true };
  return { ok: false, error: pushed.stderr.trim().split('\n').find((line) => line.trim() !== '') ?? `git push exited with ${pushed.code}` };
}

/**
 * The remote a `loop worker` exchanges a repository's code through (its clone comes from it, task
 * branches go to it). One function, so `loop doctor` checks the remote the workers will use: a
 * per-repository setting, where configured, takes the place of `origin` here.
 */
export function workerRemote(repo: { remote?: string }): string {
  return repo.remote ?? 'origin';
}

const LS_REMOTE_TIMEOUT_MS = 30_000;

export type RemoteAccess =
  | { ok: true; url: string; heads: number }
  | { ok: false; url: string | null; error: string; timedOut: boolean };

/**
 * `git ls-remote --heads <remote>` in the repository, with prompts off (a password prompt in a
 * check would hang, and workers run unattended): what a worker's fetch and push need to reach.
 */
export async function probeRemote(repo: string, remote: string): Promise<RemoteAccess> {
  const url = await gitTry(repo, ['remote', 'get-url', remote]);
  if (!url.ok) return { ok: false, url: null, error: url.stderr.trim() || `no remote named ${remote}`, timedOut: false };
  const listed = await gitTry(repo, ['ls-remote', '--heads', remote], {
    env: { GIT_TERMINAL_PROMPT: '0', GIT_SSH_COMMAND: process.env['GIT_SSH_COMMAND'] ?? 'ssh -o BatchMode=yes -o ConnectTimeout=15' },
    timeoutMs: LS_REMOTE_TIMEOUT_MS,
  });
  if (listed.ok) return { ok: true, url: url.stdout, heads: listed.stdout.split('\n').filter((line) => line.trim() !== '').length };
  const error = listed.stderr.trim().split('\n').map((line) => line.trim()).filter(Boolean).join(' ') || `git ls-remote exited with ${listed.code}`;
  return { ok: false, url: url.stdout, error, timedOut: listed.code === null };
}
