/**
 * `loop nats setup`: a folder with everything a NATS server for loop needs — its config
 * (nats-server.conf), its JetStream store folder, and two nkey seeds: supervisor.nk (the
 * supervisor's identity, stays on its machine) and worker.nk (copied to each worker machine).
 * Seeds are written 0600 in a 0700 folder; existing ones are kept unless `force` says otherwise.
 */
import { chmodSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import { UserError } from '../util/errors.js';
import { acceptsSyncAlways, renderServerConfig } from './server-config.js';

export interface SetupOptions {
  dir: string;
  /** `host:port` */
  listen: string;
  /** Overwrite seeds and config that are already there. */
  force: boolean;
  /** `nats-server --version` of this machine, when it is installed. */
  serverVersion: string | null;
  now?: Date;
}

export interface SetupResult {
  configFile: string;
  storeDir: string;
  supervisorSeed: string;
  workerSeed: string;
  /** What clients put in `loop.nats.url`. */
  url: string;
  syncAlways: boolean;
}

export const SETUP_FILES = { config: 'nats-server.conf', supervisor: 'supervisor.nk', worker: 'worker.nk', store: 'jetstream' } as const;

export function writeNatsSetup(o: SetupOptions): SetupResult {
  const configFile = join(o.dir, SETUP_FILES.config);
  const supervisorSeed = join(o.dir, SETUP_FILES.supervisor);
  const workerSeed = join(o.dir, SETUP_FILES.worker);
  // The server keeps its streams in `<store_dir>/jetstream`.
  const storeDir = join(o.dir, SETUP_FILES.store);
  const present = [configFile, supervisorSeed, workerSeed].filter((file) => existsSync(file));
  if (present.length > 0 && !o.force) {
    throw new UserError(`${present.join(', ')} already exist(s); keep them, or pass --force to write new keys (servers and workers using the old ones must then be updated)`);
  }
  mkdirSync(o.dir, { recursive: true, mode: 0o700 });
  chmodSync(o.dir, 0o700);
  const supervisor = nkeys.createUser();
  const worker = nkeys.createUser();
  const syncAlways = o.serverVersion !== null && acceptsSyncAlways(o.serverVersion);
  writeSecret(supervisorSeed, supervisor.getSeed());
  writeSecret(workerSeed, worker.getSeed());
  writeFileSync(configFile, renderServerConfig({
    listen: o.listen,
    storeDir: o.dir,
    supervisorKey: supervisor.getPublicKey(),
    workerKey: worker.getPublicKey(),
    syncAlways,
    writtenAt: (o.now ?? new Date()).toISOString(),
  }), { mode: 0o600 });
  return { configFile, storeDir, supervisorSeed, workerSeed, url: `nats://${o.listen}`, syncAlways };
}

function writeSecret(file: string, seed: Uint8Array): void {
  writeFileSync(file, `${new TextDecoder().decode(seed)}\n`, { mode: 0o600 });
  chmodSync(file, 0o600);
}

/** `host:port` with a port between 1 and 65535, or one line saying what is wrong. */
export function checkListen(listen: string): string | null {
  const match = /^(\[[^\]]+\]|[^\s:]+):(\d+)$/.exec(listen);
  if (!match) return `--listen ${listen}: use host:port, e.g. 127.0.0.1:4222 (this machine only) or 0.0.0.0:4222 (workers on other machines)`;
  const port = Number(match[2]);
  if (port < 1 || port > 65535) return `--listen ${listen}: the port must be between 1 and 65535`;
  return null;
}
