/**
 * Starting a local nats-server from a config file `loop nats setup` wrote, and stopping it: used by
 * the tests (a server per test) and the benchmarks. Ready means the server logged "Server is ready";
 * the port is the one it listens on (a config with port -1 lets the server pick a free one itself,
 * so nobody races for a "free" port).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';

const READY_TIMEOUT_MS = 30_000;
const running = new Set<ChildProcess>();
process.on('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

export interface NatsServerProcess {
  process: ChildProcess;
  port: number;
}

export async function launchNatsServer(configFile: string): Promise<NatsServerProcess> {
  const child = spawn('nats-server', ['-c', configFile], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.on('exit', () => running.delete(child));
  let log = '';
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`nats-server did not become ready within ${READY_TIMEOUT_MS} ms:\n${log}`)), READY_TIMEOUT_MS);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`cannot start nats-server (${error.message}); install it (Debian: apt-get install nats-server; .ci/run does)`));
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`nats-server exited with ${code} before it was ready:\n${log}`));
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      const listening = /Listening for client connections on [^\s]+:(\d+)/.exec(log);
      if (listening && log.includes('Server is ready')) {
        clearTimeout(timer);
        resolve(Number(listening[1]));
      }
    });
  });
  child.stderr!.resume();
  return { process: child, port };
}

/** Stops the server (SIGTERM: orderly; SIGKILL: a crash) and waits for it to exit. */
export async function stopNatsServer(child: ChildProcess, signal: 'SIGTERM' | 'SIGKILL'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  await exited;
}
