/**
 * What the dashboard needs from the rest of loop, handed in by the command that starts it (ui/
 * imports only protocol/ and the board): where runs live, whether a run's supervisor is alive, and
 * the control actions, which run the same code as their CLI verbs.
 */
import type { WorkerListing } from '../../protocol/index.js';
import type { RunFiles } from '../live/run-files.js';

export interface ControlResult {
  ok: boolean;
  message: string;
}

export interface DashboardPorts {
  /** `.loop/runs` of the folder served. */
  runsDir: string;
  filesOf(runId: string): RunFiles;
  /** From run.json: false when it says running but its supervisor is gone (crashed); null when unknown. */
  supervisorAlive(runId: string): boolean | null;
  /** Variables whose values must never leave the server (providers' `env` in the config), as [name, value]. */
  secrets?: Array<[name: string, value: string]>;
  /** `loop stop <run>`. */
  stop?(runId: string): Promise<ControlResult>;
  /** `loop retry <task> --run <run>`: `refused` when the board says the task cannot be retried. */
  retry?(runId: string, taskId: string): Promise<ControlResult & { refused: boolean }>;
  /** `loop approve --run <run>`. */
  approve?(runId: string): Promise<ControlResult & { refused: boolean }>;
  /**
   * On `loop.engine: nats`: the `loop worker` processes on the folder's server, from their
   * heartbeats. The server's address and credentials stay here; the page gets the listing only.
   */
  workers?(): Promise<WorkerListing>;
  /** The change an attempt made, as `git diff` text; null when there is none to show. */
  diff?(request: { runId: string; taskId: string; commit: string; mergedSha?: string; repo?: string }): Promise<string | null>;
}
