/**
 * The only file of the engine that creates processes. Each actor is forked with JSON IPC into its
 * own process group (`detached: true`), so one `kill(-pid)` reaches it and everything it spawned.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { closeSync, mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The child-side loop; it imports the actor module given as argv[2]. */
export const ACTOR_ENTRY = fileURLToPath(new URL('../actors/entry.js', import.meta.url));

export interface ForkActorOptions {
  /** Absolute path of the compiled actor module. */
  readonly module: string;
  readonly env?: Readonly<Record<string, string>>;
  /** stdout and stderr are appended here; without it they are discarded (crash frames still carry the stack). */
  readonly logFile?: string | undefined;
}

/**
 * Fork `actors/entry.js` for one actor. stdin is closed; `execArgv` is empty so the parent's
 * `--inspect`/test-runner flags are not inherited. The pid is undefined when the fork failed; the
 * ChildProcess then emits 'error' and 'close'.
 */
export function forkActor({ module, env, logFile }: ForkActorOptions): ChildProcess {
  let logFd: number | undefined;
  if (logFile !== undefined) {
    mkdirSync(dirname(logFile), { recursive: true });
    logFd = openSync(logFile, 'a');
  }
  try {
    const output = logFd ?? 'ignore';
    return fork(ACTOR_ENTRY, [module], {
      serialization: 'json',
      detached: true,
      stdio: ['ignore', output, output, 'ipc'],
      env: actorEnv(env),
      execArgv: [],
    });
  } finally {
    // The child holds its own copy of the descriptor.
    if (logFd !== undefined) closeSync(logFd);
  }
}

/** Where NODE_EXTRA_CA_CERTS travels to the actor without being read by its own Node start-up. */
export const DEFERRED_CA_CERTS_VAR = 'LOOP_DEFERRED_NODE_EXTRA_CA_CERTS';

/**
 * The actor's environment. NODE_EXTRA_CA_CERTS makes every Node process parse the CA bundle at
 * start-up (~70 ms, more than the rest of an actor's cold start). Actors make no TLS connections
 * themselves, so the variable is moved aside and `actors/entry.js` puts it back into
 * `process.env` before loading the actor, so the agent CLIs it spawns still trust those CAs.
 * A worker whose spec sets NODE_EXTRA_CA_CERTS in `env` gets it as is.
 */
function actorEnv(specEnv: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...specEnv };
  const extraCaCerts = env['NODE_EXTRA_CA_CERTS'];
  if (extraCaCerts !== undefined && specEnv?.['NODE_EXTRA_CA_CERTS'] === undefined) {
    env[DEFERRED_CA_CERTS_VAR] = extraCaCerts;
    delete env['NODE_EXTRA_CA_CERTS'];
  }
  return env;
}
