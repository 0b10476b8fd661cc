/**
 * Where a run's board lives (`loop.engine`). `local`: the JSONL files, nothing to open. `nats`: the
 * run's JetStream stream, with the JSONL files as this machine's mirror (src/nats/run-engine.ts).
 * `loop run` and `loop resume` open the engine before the supervision tree starts, so every way it
 * can refuse is one line and exit 2 before anything is spent.
 */
import type { BoardInput } from '../../actors/board.js';
import type { Engine } from '../../protocol/index.js';
import type { LoadedConfig } from '../config/load.js';
import type { RunPaths } from '../util/paths.js';
import type { SupervisorPort } from './run-context.js';
import type { RepoWorkspace } from './workspace.js';

export interface RunEngine {
  readonly kind: Engine;
  /** What the board actor opens: the JSONL files, and for `nats` the run's stream they mirror. */
  readonly board: BoardInput;
  /**
   * The port the pipeline calls actors through: the supervision tree's own, or, with
   * `loop.nats.dispatch: workers`, one that sends the SME calls to `loop worker` processes (which
   * work in their own clones of `workspaces`' repositories) and the merges through a merge queue.
   */
  actorPort(local: SupervisorPort, workspaces: ReadonlyMap<string, RepoWorkspace>): SupervisorPort;
  /** Closes the engine's connection (after the supervision tree stopped). */
  close(): Promise<void>;
}

export function localEngine(paths: RunPaths): RunEngine {
  return { kind: 'local', board: { eventsFile: paths.events, costsFile: paths.costs }, actorPort: (local) => local, close: async () => undefined };
}

export interface OpenEngineOptions {
  loaded: LoadedConfig;
  runId: string;
  paths: RunPaths;
  /** A new run must not exist on the server; a resumed one has its mirror brought up to date first. */
  purpose: 'new' | 'resume';
  say: (line: string) => void;
}

export async function openRunEngine(o: OpenEngineOptions): Promise<RunEngine> {
  if (o.loaded.config.loop.engine === 'local') return localEngine(o.paths);
  // Loaded only for the nats engine: the NATS client costs ~100 ms to import.
  const { openNatsEngine } = await import('../nats/run-engine.js');
  return openNatsEngine(o);
}
