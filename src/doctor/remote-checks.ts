/**
 * `loop doctor`'s verdict on a repository's git remote as a worker uses it: reachable with this
 * machine's credentials, or one fix for what is wrong (no such remote, refused credentials, not
 * reachable). Pure; the probe is `probeRemote` in src/git/remote.ts.
 */
import { isRemoteName, type RemoteAccess } from '../git/remote.js';
import type { Check } from './checks.js';

export interface RemoteFacts {
  repo: string;
  path: string;
  remote: string;
  access: RemoteAccess;
}

const REFUSED = /permission denied|publickey|authentication failed|could not read (username|password)|terminal prompts disabled|returned error: 40[13]|access denied|host key verification failed/i;
const UNREACHABLE = /does not appear to be a git repository|not found|could not resolve host|connection refused|timed out|no route to host|network is unreachable|unable to access/i;

export function checkRemote(f: RemoteFacts): Check {
  const name = `remote ${f.repo}`;
  const { access } = f;
  if (access.ok) return { status: 'ok', name, detail: `${f.remote} (${access.url}) answers \`git ls-remote\` from this machine: ${access.heads} branch${access.heads === 1 ? '' : 'es'}` };
  if (access.url === null) {
    return { status: 'fail', name, detail: `${f.path} has no remote "${f.remote}"; workers clone the repository from it and push their task branches to it`, fix: `add it: git -C ${f.path} remote add ${f.remote} <url of the shared repository>` };
  }
  if (REFUSED.test(access.error)) {
    return {
      status: 'fail', name,
      detail: `${f.remote} (${access.url}) refused this machine: ${access.error}`,
      fix: `give this machine access to ${access.url} (an SSH key the host accepts, e.g. a deploy key with write access, or an HTTPS credential helper: git config --global credential.helper store), then check with git -C ${f.path} ls-remote ${f.remote}`,
    };
  }
  if (access.timedOut || UNREACHABLE.test(access.error)) {
    return {
      status: 'fail', name,
      detail: `${f.remote} (${access.url}) cannot be reached${access.timedOut ? ' (no answer in 30 s)' : `: ${access.error}`}`,
      fix: isRemoteName(f.remote)
        ? `check the URL and that this machine reaches its host; fix it with git -C ${f.path} remote set-url ${f.remote} <url>`
        : 'check loop.nats.remote and that this machine reaches its host',
    };
  }
  return { status: 'fail', name, detail: `\`git ls-remote ${f.remote}\` (${access.url}) failed: ${access.error}`, fix: `run git -C ${f.path} ls-remote ${f.remote} and fix what it says` };
}
