/**
 * `loop.engine` and `loop.nats`, checked on a config that passed the schema: the nats engine needs
 * a server URL, at most one kind of credentials, and credential files that exist (so a run never
 * starts only to be refused by the server for a typo in a path).
 */
import { existsSync } from 'node:fs';
import type { LoopConfig } from '../../protocol/config.js';
import { resolveNatsSettings } from '../nats/settings.js';
import type { Finding } from './schema-issues.js';

export function checkEngine(config: LoopConfig, dir: string): Finding[] {
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
  return findings;
}
