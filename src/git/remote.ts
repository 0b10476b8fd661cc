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
