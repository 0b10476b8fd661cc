/**
 * A real nats-server per test: the config and nkeys `loop nats setup` writes, JetStream on a temp
 * store, 127.0.0.1 on a port the server picks itself (no race for a "free" port). Stopped (and
 * waited for) when the test ends; `restart()` brings it back on the same port and store.
 */
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import type { NatsSettings } from '../../protocol/index.js';
import { launchNatsServer as launch, stopNatsServer as stopProcess } from '../../src/nats/server-process.js';
import { writeNatsSetup, type SetupResult } from '../../src/nats/setup.js';
import { tempDir } from './temp.js';

export interface NatsServer {
  url: string;
  port: number;
  dir: string;
  setup: SetupResult;
  /** Connection settings of the two identities `loop nats setup` creates. */
  supervisor: NatsSettings;
  worker: NatsSettings;
  /** Stops the server (SIGTERM: orderly; SIGKILL: a crash) and waits for it to exit. */
  stop(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
  /** Stops it (SIGTERM, or SIGKILL for a crash) and starts it again on the same port with the same store. */
  restart(signal?: 'SIGTERM' | 'SIGKILL'): Promise<void>;
}

export async function startNatsServer(t: TestContext): Promise<NatsServer> {
  // Removed only once the server has stopped (after-hooks run in the order they were added, and a
  // running server still writes its store: removing it first failed with ENOTEMPTY under load).
  const dir = tempDir(null, 'loop-nats-');
  let child: Awaited<ReturnType<typeof launch>> | null = null;
  t.after(async () => {
    if (child !== null) await stopProcess(child.process, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });
  const setup = writeNatsSetup({ dir, listen: '127.0.0.1:-1', force: false, serverVersion: null });
  child = await launch(setup.configFile);
  const port = child.port;
  // From now on the server always comes back on the port it picked the first time.
  writeFileSync(setup.configFile, readFileSync(setup.configFile, 'utf8').replace('listen: 127.0.0.1:-1', `listen: 127.0.0.1:${port}`));
  const url = `nats://127.0.0.1:${port}`;
  const server: NatsServer = {
    url,
    port,
    dir,
    setup,
    supervisor: { url, nkey: setup.supervisorSeed },
    worker: { url, nkey: setup.workerSeed },
    async stop(signal = 'SIGTERM') {
      await stopProcess(child!.process, signal);
    },
    async restart(signal = 'SIGTERM') {
      await stopProcess(child!.process, signal);
      child = await launch(setup.configFile);
      if (child.port !== port) throw new Error(`nats-server came back on port ${child.port}, not ${port}`);
    },
  };
  return server;
}
