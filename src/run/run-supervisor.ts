/**
 * The supervisor of one run, made before the session's own modules load: `loop run` forks the
 * actors' Node processes with it first, so they boot on the other core while the CLI is still
 * loading the rest of the run (~130 ms of modules on this machine). Nothing starts in them before
 * `start()`; whoever makes it stops it (the session does, or the command when the session never began).
 */
import type { Plan } from '../../protocol/index.js';
import type { LoadedBoard } from '../board/replay.js';
import type { LoadedConfig } from '../config/load.js';
import { effectiveSim } from '../providers/sim/behaviour.js';
import { Supervisor } from '../../supervisor/supervisor.js';
import type { RunPaths } from '../util/paths.js';
import type { RunEngine } from './engine.js';
import { providerForRun, taskRoles } from './team.js';
import { runTree } from './tree.js';

export function runSupervisor(o: { loaded: LoadedConfig; runId: string; paths: RunPaths; mode: 'dry-run' | 'execute'; plan: Plan | null; existing: LoadedBoard | null; engine: RunEngine }): Supervisor {
  const config = o.loaded.config;
  if (o.engine.kind !== config.loop.engine) throw new Error(`the run was opened on the ${o.engine.kind} engine but the config says ${config.loop.engine}`);
  const roles = taskRoles(config).map((role) => {
    const provider = providerForRun(config, role, o.mode);
    const sim = provider.config.type === 'sim' ? effectiveSim(provider.config.sim, provider.key, process.env) : null;
    return { name: role.name, crashOnStart: sim?.behaviour === 'crash-on-start' };
  });
  // a run that has its plan never calls the planner: one Node process fewer to boot at the start
  const planner = o.plan === null && (o.existing?.view.order.length ?? 0) === 0;
  return new Supervisor(runTree({ config, runId: o.runId, paths: o.paths, roles, board: o.engine.board, planner }));
}
