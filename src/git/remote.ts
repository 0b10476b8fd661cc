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

/** A remote name (`origin`) as opposed to a URL or a path: no `:` and no `/`. */
export const isRemoteName = (remote: string): boolean => !/[:/]/.test(remote);

/**
 * The URL behind `remote`: itself when it is a URL or a path, else the named remote's URL in
 * `repo`; null when the repository has no remote of that name.
 */
export async function remoteUrl(repo: string, remote: string): Promise<string | null> {
  if (!isRemoteName(remote)) return remote;
  const url = await gitTry(repo, ['remote', 'get-url', remote]);
  return url.ok && url.stdout.trim() !== '' ? url.stdout.trim() : null;
}

const firstLine = (stderr: string, fallback: string): string => stderr.trim().split('\n').find((line) => line.trim() !== '')?.trim() ?? fallback;
const REMOTE_ENV = { GIT_TERMINAL_PROMPT: '0' };

export type PushOutcome = { ok: true } | { ok: false; rejected: boolean; error: string };

/**
 * Pushes commit `sha` to `ref` on `remote` only while the remote's ref still holds `expected`
 * (`''`: the ref must not exist yet), so a push never silently overwrites one it did not know of.
 * `rejected`: the remote's ref moved (or the remote refused the update); otherwise git failed.
 */
export async function pushWithLease(repo: string, remote: string, sha: string, ref: string, expected: string): Promise<PushOutcome> {
  const pushed = await gitTry(repo, ['push', '--quiet', '--no-verify', `--force-with-lease=${ref}:${expected}`, remote, `${sha}:${ref}`], { env: REMOTE_ENV, timeoutMs: PUSH_TIMEOUT_MS });
  if (pushed.ok) return { ok: true };
  return { ok: false, rejected: /\[rejected\]|stale info|\[remote rejected\]/.test(pushed.stderr), error: firstLine(pushed.stderr, `git push exited with ${pushed.code}`) };
}

/** Fetches `refspecs` from `remote` into `repo`; the error is git's first line. */
export async function fetchRefs(repo: string, remote: string, refspecs: string[]): Promise<{ ok: true } | { ok: false; error: string }> {
  const fetched = await gitTry(repo, ['fetch', '--quiet', '--no-tags', remote, ...refspecs], { env: REMOTE_ENV, timeoutMs: PUSH_TIMEOUT_MS });
  return fetched.ok ? { ok: true } : { ok: false, error: firstLine(fetched.stderr, `git fetch exited with ${fetched.code}`) };
}

/** The commit `ref` names on `remote` (null when it does not exist there). Throws when the remote cannot be read. */
export async function remoteRefSha(repo: string, remote: string, ref: string): Promise<string | null> {
  const listed = await gitTry(repo, ['ls-remote', '--refs', remote, ref], { env: REMOTE_ENV, timeoutMs: PUSH_TIMEOUT_MS });
  if (!listed.ok) throw new Error(`cannot read the git remote ${remote}: ${firstLine(listed.stderr, `git ls-remote exited with ${listed.code}`)}`);
  const line = listed.stdout.split('\n').find((l) => l.endsWith(`\t${ref}`));
  return line === undefined ? null : line.slice(0, line.indexOf('\t'));
}
