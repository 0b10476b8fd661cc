/**
 * `loop.engine` and `loop.nats`, checked on a config that passed the schema: the nats engine needs
 * a server URL, at most one kind of credentials, and credential files that exist (so a run never
 * starts only to be refused by the server for a typo in a path).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { LoopConfig } from '../../protocol/config.js';
import { isRemoteName } from '../git/remote.js';
import { DEFAULT_REMOTE, missingRemote } from '../nats/remote-repos.js';
import { resolveNatsSettings } from '../nats/settings.js';
import type { ResolvedRepository } from './load.js';
import type { Finding } from './schema-issues.js';

export function checkEngine(config: LoopConfig, dir: string, repositories: readonly ResolvedRepository[] = []): Finding[] {
  const { engine, nats } = config.loop;
  if (engine === 'local') {
    if (nats === undefined) return [];
    return [{ severity: 'warning', path: ['loop', 'nats'], at: 'key', message: 'loop.nats is set but loop.engine is local (the default), so no server is used; set `engine: nats` under loop to keep the board on it' }];
  }
  if (nats === undefined) {
    return [{ severity: 'error', path: ['loop', 'engine'], at: 'value', message: 'loop.engine is nats but loop.nats is missing; add loop.nats with the server url and the supervisor\'s nkey (`loop nats setup` prints the block)' }];
  }
  const findings: Finding[] = [];
  if (nats.nkey !== undefined && nats.creds !== undefined) {
    findings.push({ severity: 'error', path: ['loop', 'nats', 'creds'], at: 'key', message: 'give loop.nats either nkey or creds, not both' });
  }
  const resolved = resolveNatsSettings(nats, dir);
  const files: Array<[string[], string | undefined]> = [
    [['nkey'], resolved.nkey], [['creds'], resolved.creds],
    [['tls', 'ca'], resolved.tls?.ca], [['tls', 'cert'], resolved.tls?.cert], [['tls', 'key'], resolved.tls?.key],
  ];
  for (const [key, file] of files) {
    if (file === undefined || existsSync(file)) continue;
    const hint = key[0] === 'nkey' ? '; `loop nats setup` writes supervisor.nk' : '';
    findings.push({ severity: 'error', path: ['loop', 'nats', ...key], at: 'value', message: `${file} does not exist${hint}` });
  }
  if ((resolved.tls?.cert === undefined) !== (resolved.tls?.key === undefined)) {
    findings.push({ severity: 'error', path: ['loop', 'nats', 'tls'], at: 'key', message: 'loop.nats.tls needs both cert and key for a client certificate' });
  }
  if (nats.dispatch === 'workers') findings.push(...checkRemote(nats.remote, repositories));
  return findings;
}

/** Workers clone from and push to a git remote: each repository needs one (a name it has, or one URL for one repository). */
function checkRemote(remote: string | undefined, repositories: readonly ResolvedRepository[]): Finding[] {
  const name = remote ?? DEFAULT_REMOTE;
  const path = remote === undefined ? ['loop', 'nats', 'dispatch'] : ['loop', 'nats', 'remote'];
  if (!isRemoteName(name)) {
    if (repositories.length <= 1) return [];
    return [{ severity: 'error', path, at: 'value', message: `loop.nats.remote is a URL, but there are ${repositories.length} repositories; give a remote name each of them has (e.g. origin)` }];
  }
  return repositories
    .filter((repo) => spawnSync('git', ['remote', 'get-url', name], { cwd: repo.path, stdio: 'ignore', timeout: 10_000 }).status !== 0)
    .map((repo) => ({ severity: 'error' as const, path, at: 'value' as const, message: missingRemote(repo.name, name) }));
}
