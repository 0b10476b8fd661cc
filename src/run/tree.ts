/**
 * The supervision tree of one run (style-and-supervision.md §2.6):
 *
 *   loop            rest_for_one  2 restarts / 60 s
 *   ├─ board        permanent worker   single writer of the board
 *   └─ work         permanent supervisor, one_for_one, 10 / 600 s
 *      ├─ gate      permanent worker (started first: the first train's base run begins with it)
 *      ├─ planner   transient worker (only when the run must make its plan)
 *      ├─ role/<r>  transient supervisor, one_for_one, loop.restartIntensity, start failures retried
 *      │  └─ sme/<r> permanent worker, backoff from loop.backoff
 *      └─ critic    permanent worker
 *
 * `board` starts first: everything after it holds a projection of the board. A role whose actor
 * keeps crashing exhausts its own intensity; being transient, its supervisor is not restarted and
 * the conductor escalates that role's tasks.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BoardInput } from '../../actors/board.js';
import type { LoopConfig } from '../../protocol/index.js';
import type { SupervisorSpec, WorkerSpec } from '../../supervisor/child-spec.js';
import type { RunPaths } from '../util/paths.js';

export const actorModule = (name: string): string => fileURLToPath(new URL(`./actors/${name}.js`, import.meta.url));

export interface TreeRole {
  name: string;
  /** The role's sim provider is configured to crash while starting (to exercise escalation). */
  crashOnStart: boolean;
}

/** Connecting, reading the stream and a server restart of up to 20 s, on a loaded machine. */
const BOARD_ON_NATS_START_MS = 60_000;

export function runTree(options: {
  config: LoopConfig; runId: string; paths: RunPaths; roles: readonly TreeRole[]; board: BoardInput;
  /** False when the run has its plan (`--plan`, or a resumed board with tasks): no planner process is started. */
  planner?: boolean;
}): SupervisorSpec {
  const { config, runId, paths } = options;
  const log = (id: string): string => join(paths.logs, 'actors', `${id.replace(/\//g, '-')}.log`);
  const backoff = { minMs: config.loop.backoff.minMs, maxMs: config.loop.backoff.maxMs, randomFactor: config.loop.backoff.randomFactor, resetAfterMs: 60_000 };
  const worker = (id: string, module: string, input: unknown, extra: Partial<WorkerSpec> = {}): WorkerSpec => ({
    type: 'worker',
    id,
    module: actorModule(module),
    input,
    logFile: log(id),
    // Lets `loop resume` and tests find every process of this run, even after the supervisor died;
    // the run's folder tells it from a run of the same name in another repository on this machine.
    env: { LOOP_RUN_ID: runId, LOOP_RUN_DIR: paths.dir },
    ...extra,
  });
  const roleSupervisors: SupervisorSpec[] = options.roles.map((role) => ({
    type: 'supervisor',
    id: `role/${role.name}`,
    strategy: 'one_for_one',
    restart: 'transient',
    intensity: config.loop.restartIntensity.intensity,
    periodMs: config.loop.restartIntensity.periodSeconds * 1000,
    startFailure: 'retry',
    children: [worker(`sme/${role.name}`, 'sme', { role: role.name, crashOnStart: role.crashOnStart }, { restart: 'permanent', backoff })],
  }));
  return {
    type: 'supervisor',
    id: 'loop',
    strategy: 'rest_for_one',
    intensity: 2,
    periodMs: 60_000,
    children: [
      // On JetStream the board connects and reconciles its mirror with the stream before it is
      // ready, waiting out a restarting server (SERVER_WAIT_MS): more than the default start time.
      worker('board', 'board', options.board, { shutdownMs: 10_000, ...(options.board.jetstream ? { startTimeoutMs: BOARD_ON_NATS_START_MS } : {}) }),
      {
        type: 'supervisor',
        id: 'work',
        strategy: 'one_for_one',
        intensity: 10,
        periodMs: 600_000,
        children: [
          // the gate first: the first train's base run starts as soon as it is up
          worker('gate', 'gate', { runId }, { backoff }),
          ...(options.planner === false ? [] : [worker('planner', 'planner', { runId }, { restart: 'transient' })]),
          ...roleSupervisors,
          worker('critic', 'critic', { runId }, { backoff }),
        ],
      },
    ],
  };
}
