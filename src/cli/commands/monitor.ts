/** `loop monitor [--run R] [--once]`: full-screen mission control of a run in the terminal. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { runPaths } from '../../util/paths.js';
import { pickRun } from '../../run/run-list.js';
import { RunFeed } from '../../../ui/live/run-feed.js';
import { buildDashboard } from '../../../ui/model/dashboard.js';
import { renderScreen } from '../../../ui/monitor/screen.js';
import { runMonitor } from '../../../ui/monitor/tui.js';

export class MonitorCommand extends LoopCommand {
  static override paths = [['monitor']];
  static override usage = Command.Usage({
    description: 'watch a run in the terminal: progress, ETA, spend, what needs attention, each role, tasks and events',
    details: `
      Full-screen and live: it follows the run's board as events are appended (by a run in this terminal, another one, or a detached run) and redraws on every change, on resize and every second for the timers. Press \`q\` to quit.

      It shows the KPI line (progress, agents at work, in progress, blocked, retries, repairs, ETA from observed task durations and the remaining critical path, spend against the budget turning amber at 80 % and red at 95 %), every task that needs attention with its reason, one line per role (its current task, how long its agent has printed nothing — amber after 2 minutes, red after 5 — and its spend), the tasks by stage with their dependencies (★ marks the critical path) and the latest events.

      Without --run it shows the latest run. With --once, or when the output is not a terminal, it prints the screen once as plain text (for pipes and CI).
    `,
    examples: [
      ['Watch the latest run', '$0 monitor'],
      ['Watch a given run', '$0 monitor --run run-20261125-140512'],
      ['Print it once as plain text', '$0 monitor --once'],
    ],
  });

  runId = Option.String('--run', { description: 'run id (default: the latest run)' });
  once = Option.Boolean('--once', false, { description: 'print the screen once as plain text and exit' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runId = pickRun(loaded.dir, this.runId);
    const stdout = this.context.stdout as NodeJS.WriteStream;
    const stdin = this.context.stdin as NodeJS.ReadStream;
    const live = !this.once && Boolean(stdout.isTTY) && Boolean(stdin.isTTY);
    const redraw = { fn: (): void => undefined };
    const feed = new RunFeed(runId, runPaths(loaded.dir, runId), { onEvents: () => redraw.fn(), onOutput: () => redraw.fn(), onReset: () => redraw.fn() });
    if (!live) {
      feed.refresh();
      const lines = renderScreen(buildDashboard(feed.state, Date.now()), { width: stdout.isTTY ? stdout.columns || 80 : Number.POSITIVE_INFINITY, height: null, color: false, nowMs: Date.now() });
      stdout.write(`${lines.join('\n')}\n`);
      return 0;
    }
    feed.start();
    const monitor = runMonitor(feed, { stdout, stdin }, { color: !process.env['NO_COLOR'] });
    redraw.fn = monitor.redraw;
    return monitor.done;
  }
}
