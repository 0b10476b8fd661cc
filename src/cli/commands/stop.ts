/** `loop stop <run>`: stops a running run the way Ctrl-C does (the run id must match exactly). */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { checkRunId } from '../../config/run-id.js';
import { UserError } from '../../util/errors.js';
import { runPaths } from '../../util/paths.js';
import { sleep } from '../../util/sleep.js';
import { isAlive, readRunJson } from '../../run/run-json.js';

const WAIT_MS = 60_000;

export class StopCommand extends LoopCommand {
  static override paths = [['stop']];
  static override usage = Command.Usage({
    description: 'stop a running run: agents are cancelled and killed, in-flight tasks marked interrupted',
    details: `
      Sends SIGTERM to the run's supervisor (the \`loop run\` process), which stops exactly as on Ctrl-C: it cancels the agents, kills their process groups, marks in-flight tasks interrupted, keeps the branches so \`loop resume\` can continue, and exits 4. The run id must match exactly; no other run is touched. Waits up to a minute for the supervisor to exit.
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
    const run = readRunJson(runPaths(loaded.dir, this.runId).runJson);
    if (!run) throw new UserError(`no run "${this.runId}" here; \`loop runs\` lists the runs`);
    if (run.status !== 'running' || !isAlive(run.pid)) {
      this.context.stdout.write(`run ${this.runId} is not running (${run.status === 'running' ? 'its supervisor is gone; `loop resume` continues it' : run.status})\n`);
      return 0;
    }
    process.kill(run.pid, 'SIGTERM');
    this.context.stdout.write(`stopping run ${this.runId} (supervisor pid ${run.pid})…\n`);
    const deadline = Date.now() + WAIT_MS;
    while (isAlive(run.pid) && Date.now() < deadline) await sleep(100);
    if (isAlive(run.pid)) {
      this.context.stderr.write(`loop: run ${this.runId} is still stopping after ${WAIT_MS / 1000}s; run \`loop stop ${this.runId}\` again to check, or kill ${run.pid}\n`);
      return 1;
    }
    this.context.stdout.write(`stopped; \`loop resume ${this.runId}\` continues it\n`);
    return 0;
  }
}
