/**
 * `loop.nats` as the engine uses it (file paths resolved against the config's folder, the identity
 * described for messages) and a board stream's settings as `loop doctor` judges them. No NATS
 * client is loaded here, so config checks and doctor verdicts use it for free.
 */
import { isAbsolute, join, resolve } from 'node:path';
import type { StreamInfo } from '@nats-io/jetstream';
import type { NatsSettings } from '../../protocol/index.js';
import { expandHome, loopHome } from '../util/paths.js';

/** Settings with every file path made absolute (relative paths are relative to the config's folder). */
export function resolveNatsSettings(settings: NatsSettings, configDir: string): NatsSettings {
  const at = (path: string): string => {
    const expanded = expandHome(path);
    return isAbsolute(expanded) ? expanded : resolve(configDir, expanded);
  };
  const tls = settings.tls === undefined ? undefined : Object.fromEntries(Object.entries(settings.tls).map(([key, path]) => [key, at(path)]));
  return {
    url: settings.url,
    ...(settings.nkey === undefined ? {} : { nkey: at(settings.nkey) }),
    ...(settings.creds === undefined ? {} : { creds: at(settings.creds) }),
    ...(tls === undefined ? {} : { tls }),
  };
}

/** The resolved `loop.nats` of a config on `loop.engine: nats`; null on the local engine. */
export function natsSettingsOf(loaded: { dir: string; config: { loop: { engine?: string; nats?: NatsSettings | undefined } } }): NatsSettings | null {
  const { engine, nats } = loaded.config.loop;
  return engine === 'nats' && nats !== undefined ? resolveNatsSettings(nats, loaded.dir) : null;
}

/** `loop worker`'s (and `loop doctor --worker`'s) flags as settings: the nkey defaults to $LOOP_HOME/nats/worker.nk. */
export function workerSettings(o: { server: string; nkey?: string | undefined; creds?: string | undefined }, env: NodeJS.ProcessEnv): NatsSettings {
  if (o.creds !== undefined) return { url: o.server, creds: resolve(o.creds) };
  return { url: o.server, nkey: resolve(o.nkey ?? join(loopHome(env), 'nats', 'worker.nk')) };
}

/** Which identity the settings present, for messages: `the nkey in /…/supervisor.nk`. */
export function describeIdentity(settings: NatsSettings): string {
  if (settings.nkey !== undefined) return `the nkey in ${settings.nkey}`;
  if (settings.creds !== undefined) return `the credentials in ${settings.creds}`;
  if (settings.tls?.cert !== undefined) return `the client certificate ${settings.tls.cert}`;
  return 'no credentials';
}


/** What `loop doctor` reports about a board stream, and what makes it unfit (empty when it is fine). */
export interface StreamSettings {
  name: string;
  storage: string;
  replicas: number;
  denyDelete: boolean;
  denyPurge: boolean;
  messages: number;
}

export function streamSettings(info: StreamInfo): StreamSettings {
  return {
    name: info.config.name,
    storage: String(info.config.storage),
    replicas: info.config.num_replicas,
    denyDelete: info.config.deny_delete === true,
    denyPurge: info.config.deny_purge === true,
    messages: info.state.messages,
  };
}

export function streamProblems(settings: StreamSettings): string[] {
  const problems: string[] = [];
  if (settings.storage !== 'file') problems.push(`storage is ${settings.storage}, not file: a server restart loses the board`);
  if (!settings.denyDelete) problems.push('deny_delete is off: a client could delete board events');
  if (!settings.denyPurge) problems.push('deny_purge is off: a client could purge the board');
  return problems;
}
