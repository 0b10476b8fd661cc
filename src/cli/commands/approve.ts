/** `loop approve [--run R]`: lets a run that waits for approval of its plan start dispatching. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { UserError } from '../../util/errors.js';
import { askPlanApproval } from '../../run/ask-run.js';
import { pickRun } from '../../run/run-list.js';
import { reportAsk } from '../ask-report.js';

export class ApproveCommand extends LoopCommand {
  static override paths = [['approve']];
  static override usage = Command.Usage({
    description: 'approve the plan of a run started with --approve-plan (or loop.approvePlan: true)',
    details: `
      Such a run plans, prints the plan and the forecast, and waits: nothing is dispatched and nothing is spent on agents until the plan is approved here or with the dashboard's approve button. \`loop logs planner\` and the dashboard's task board show the plan; to drop it instead, \`loop stop <run>\`.
    `,
    examples: [
      ['Approve the latest run\'s plan', '$0 approve'],
      ['Approve a given run\'s plan', '$0 approve --run feature-7'],
    ],
  });

  runId = Option.String('--run', { description: 'run id (exact); default: the latest run' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runId = pickRun(loaded.dir, this.runId);
    return reportAsk(await askPlanApproval({ configDir: loaded.dir, runId, by: 'cli' }), this.context, (message) => new UserError(message));
  }
}
