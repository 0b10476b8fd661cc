/** `loop retry <task> [--run R]`: gives an escalated task another round of attempts. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { UserError } from '../../util/errors.js';
import { askRetry } from '../../run/ask-run.js';
import { pickRun } from '../../run/run-list.js';
import { reportAsk } from '../ask-report.js';

export class RetryCommand extends LoopCommand {
  static override paths = [['retry']];
  static override usage = Command.Usage({
    description: 'give an escalated task another round of attempts (and the tasks escalated because they waited on it)',
    details: `
      The task goes back to the queue with its repairs and retries counted from zero again; its attempt numbers go on, and its next attempt sees the failure that escalated it. Tasks that were escalated only because they depend on it go back too. A running run takes it at once (the board shows \`task.reopened\`); a run that is not running keeps the request, and \`loop resume\` applies it. The dashboard's retry button does the same.
    `,
    examples: [
      ['Retry t3 of the latest run', '$0 retry t3'],
      ['Retry t3 of a finished run, then continue it', '$0 retry t3 --run bug-4 && $0 resume bug-4'],
    ],
  });

  taskId = Option.String({ required: true, name: 'task' });
  runId = Option.String('--run', { description: 'run id (exact); default: the latest run' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runId = pickRun(loaded.dir, this.runId);
    return reportAsk(await askRetry({ configDir: loaded.dir, runId, taskId: this.taskId, by: 'cli' }), this.context, (message) => new UserError(`run ${runId}: ${message}`));
  }
}
