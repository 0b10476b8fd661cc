/** `loop dashboard`: the live web dashboard of every run in this folder (uWebSockets.js, 127.0.0.1 by default). */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { UserError } from '../../util/errors.js';
import { pickRun } from '../../run/run-list.js';
import { serveDashboard } from '../dashboard.js';

export class DashboardCommand extends LoopCommand {
  static override paths = [['dashboard']];
  static override usage = Command.Usage({
    description: 'open the live dashboard of the runs in this folder in a browser',
    details: `
      One server for every run beside the config: progress, ETA, spend against the budget, what needs attention and why, one swimlane per role with its agent's live transcript, the task board with dependencies and the critical path, each task's story (attempts, diffs, gate evidence, critic verdicts, costs), the activity feed and charts. Board events reach the page the moment they are written, for live runs started anywhere and for finished ones.

      It listens on 127.0.0.1 unless --host says otherwise. The printed URL carries a random token: controls (stopping a run) need it, and with any --host other than loopback every request needs it. Ctrl-C stops the server.
    `,
    examples: [
      ['Serve this folder\'s runs on http://127.0.0.1:4318', '$0 dashboard'],
      ['Open a given run in the browser', '$0 dashboard --run run-20261125-140512 --open'],
      ['Reachable from other machines (token required)', '$0 dashboard --host 0.0.0.0 --port 8080'],
    ],
  });

  runId = Option.String('--run', { description: 'run to open first (default: the latest)' });
  port = Option.String('--port', '4318', { description: 'port (0 picks a free one)' });
  host = Option.String('--host', '127.0.0.1', { description: 'address to listen on; anything but loopback requires the token on every request' });
  open = Option.Boolean('--open', false, { description: 'open the URL in the default browser' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });
  /** Set by `loop run --dashboard`: stop when the run's end of the stdin pipe closes (the run ended or was killed). */
  attached = Option.Boolean('--attached', false, { hidden: true });

  async run(): Promise<number> {
    const port = Number(this.port);
    if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UserError(`--port ${this.port}: use a port number from 0 to 65535`);
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runId = this.runId === undefined ? null : pickRun(loaded.dir, this.runId);
    // Attached to a run that may already be gone: its closed pipe must not crash the server.
    if (this.attached) process.stdout.on('error', () => undefined);
    const served = await serveDashboard({ loaded, host: this.host, port, runId, open: this.open, say: (line) => this.context.stdout.write(`${line}\n`) });
    if (this.attached && served.dashboard) {
      process.stdin.on('end', () => process.kill(process.pid, 'SIGTERM'));
      process.stdin.on('error', () => process.kill(process.pid, 'SIGTERM'));
      process.stdin.resume();
    }
    await served.stopped;
    return 0;
  }
}
