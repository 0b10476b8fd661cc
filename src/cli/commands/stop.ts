/** `loop stop <run>`: stops a running run the way Ctrl-C does (the run id must match exactly). */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { checkRunId } from '../../config/run-id.js';
import { UserError } from '../../util/errors.js';
import { runsDir } from '../../util/paths.js';
import { stopRun } from '../../run/stop.js';

export class StopCommand extends LoopCommand {
  static override paths = [['stop']];
  static override usage = Command.Usage({
    description: 'stop a running run: agents are cancelled and killed, in-flight tasks marked interrupted',
    details: `
      Sends SIGTERM to the run's supervisor (the \`loop run\` process), which stops exactly as on Ctrl-C: it cancels the agents, kills their process groups, marks in-flight tasks interrupted, keeps the branches so \`loop resume\` can continue, and exits 4. The run id must match exactly; no other run is touched. Waits up to a minute for the supervisor to exit. The dashboard's stop button does the same.
    `,
    examples: [
      ['Stop a run', '$0 stop run-20261125-140512'],
      ['Continue it later', '$0 resume run-20261125-140512'],
    ],
  });

  runId = Option.String({ required: true, name: 'run' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const problem = checkRunId(this.runId);
    if (problem) throw new UserError(`run id "${this.runId}": ${problem}`);
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const outcome = await stopRun({
      configDir: loaded.dir,
      runId: this.runId,
      onSignalled: (pid) => this.context.stdout.write(`stopping run ${this.runId} (supervisor pid ${pid})…\n`),
    });
    if (!outcome) throw new UserError(`no run "${this.runId}" in ${runsDir(loaded.dir)}; \`loop runs\` lists the runs`);
    if (!outcome.ok) {
      this.context.stderr.write(`loop: ${outcome.message}\n`);
      return 1;
    }
    this.context.stdout.write(`${outcome.message}\n`);
    return 0;
  }
}
