/** `loop resume <run>`: continue a run whose supervisor died or that was stopped. */
import { existsSync } from 'node:fs';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig, type LoadedConfig } from '../../config/load.js';
import { checkRunId } from '../../config/run-id.js';
import { formatBoardProblem } from '../../board/store.js';
import { loadBoard } from '../../board/replay.js';
import { TERMINAL } from '../../board/transitions.js';
import { teamDrift, teamFingerprint } from '../../run/team-drift.js';
import { UserError } from '../../util/errors.js';
import { runPaths, type RunPaths } from '../../util/paths.js';
import { isAlive, readRunJson } from '../../run/run-json.js';
import { openRunEngine, type RunEngine } from '../../run/engine.js';
import type { RunJson } from '../../../protocol/index.js';
import { preflight } from '../../run/prepare.js';
import { runSession } from '../../run/session.js';
import { withDashboard } from '../dashboard-child.js';
import { reportDetached, startDetached, tmuxFlag } from '../../run/detach.js';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

export class ResumeCommand extends LoopCommand {
  static override paths = [['resume']];
  static override usage = Command.Usage({
    description: 'continue a run after its supervisor was killed or stopped',
    details: `
      Folds the run's board, kills agents the dead supervisor left behind, records tasks whose change already reached the integration branch as merged, marks the other in-flight attempts interrupted and dispatches them again (once each), then finishes the run. Tasks are never duplicated: the plan is not asked for again.

      A run that is still running, or that already merged every task, is not resumed. When the config's roles or providers changed since the run started, resume says what changed in one line and stops (exit 2); --allow-config-change continues with the new team, as long as every role an unfinished task needs still exists.
    `,
    examples: [
      ['Resume a run', '$0 resume run-20261125-140512'],
      ['List runs to find the id', '$0 runs'],
    ],
  });

  runId = Option.String({ required: true, name: 'run' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });
  json = Option.Boolean('--json', false, { description: 'print the final summary as JSON' });
  allowConfigChange = Option.Boolean('--allow-config-change', false, { description: 'continue although roles or providers changed since the run started (a role unfinished tasks need must still exist)' });
  dashboard = Option.Boolean('--dashboard', false, { description: 'serve the live dashboard (`loop dashboard`) while the run lasts and print its URL' });
  tmux = Option.Boolean('--tmux', { description: 'open the tmux viewport (one pane per role) even without a terminal; --no-tmux: never' });
  detach = Option.Boolean('--detach', false, { description: 'continue the run in the background (it survives the terminal closing) and return at once' });
  detached = Option.Boolean('--detached', false, { hidden: true, description: 'this process is the background supervisor of a --detach run' });

  async run(): Promise<number> {
    const problem = checkRunId(this.runId);
    if (problem) throw new UserError(`run id "${this.runId}": ${problem}`);
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const paths = runPaths(loaded.dir, this.runId);
    const run = readRunJson(paths.runJson);
    if (run && run.status === 'running' && run.pid !== process.pid && isAlive(run.pid)) {
      throw new UserError(`run ${this.runId} is still running (supervisor pid ${run.pid}); stop it first (Ctrl-C in its terminal, or kill ${run.pid})`);
    }
    // nats: refuses when another supervisor answers for the run, and brings the mirror up to date with the stream.
    const engine = await openRunEngine({ loaded, runId: this.runId, paths, purpose: 'resume', say: (line) => this.context.stderr.write(`${line}\n`) });
    try {
      return await this.resume(loaded, paths, run, engine);
    } finally {
      await engine.close();
    }
  }

  private async resume(loaded: LoadedConfig, paths: RunPaths, run: RunJson | null, engine: RunEngine): Promise<number> {
    if (!existsSync(paths.events)) {
      const where = engine.kind === 'nats' ? `${paths.dir} nor on the NATS server` : paths.dir;
      throw new UserError(`no run "${this.runId}" in ${where}; \`loop runs\` lists the runs`);
    }
    const board = loadBoard(paths.events);
    for (const p of board.problems) this.context.stderr.write(`loop: ${formatBoardProblem(p)}\n`);
    const { mode, goal, status, reason } = board.view;
    if (mode === undefined || goal === undefined) throw new UserError(`${paths.events} has no run.started event; this run cannot be resumed`);
    if (status === 'merged') {
      this.context.stdout.write(`run ${this.runId} already finished: ${reason ?? 'every task merged'}\n`);
      return 0;
    }
    const view = board.view;
    const open = view.order.map((id) => view.tasks[id]!).filter((task) => !TERMINAL.has(task.status));
    const drift = teamDrift(run?.team ?? { roleNames: view.roles }, teamFingerprint(loaded.config), open);
    if (drift.changes.length > 0) {
      const what = `the team in ${loaded.file} changed since run ${this.runId} started: ${drift.changes.join('; ')}`;
      if (drift.missingRoles.length > 0) throw new UserError(`${what}; put role ${drift.missingRoles.join(', ')} back to resume it`);
      if (!this.allowConfigChange) throw new UserError(`${what}; undo the change, or pass --allow-config-change to continue with the new team`);
      this.context.stderr.write(`loop: continuing with the changed team: ${drift.changes.join('; ')}\n`);
    }
    await preflight(loaded, mode, true);
    for (const dir of [paths.prompts, join(paths.logs, 'actors')]) mkdirSync(dir, { recursive: true });
    if (this.detach) {
      const args = [
        'resume', this.runId, '-c', loaded.file, ...tmuxFlag(this.tmux),
        ...(this.allowConfigChange ? ['--allow-config-change'] : []), ...(this.dashboard ? ['--dashboard'] : []),
      ];
      // The background supervisor opens the engine itself: this one lets go of the run first.
      await engine.close();
      return reportDetached(await startDetached(args, paths, process.cwd()), this.runId, paths, loaded, this.context);
    }
    const say = (line: string): void => void (this.json ? this.context.stderr : this.context.stdout).write(`${line}\n`);
    return withDashboard(this.dashboard, { loaded, runId: this.runId, say }, () =>
      runSession({
        loaded, runId: this.runId, paths, mode, goal, plan: null, existing: board, engine, json: this.json, stdout: this.context.stdout, stderr: this.context.stderr,
        tmux: this.tmux, detached: this.detached,
      }));
  }
}
