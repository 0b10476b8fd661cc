/** `loop runs`: every run beside the config with goal, status, progress, spend and age. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { formatAge, listRuns } from '../../run/run-list.js';

export class RunsCommand extends LoopCommand {
  static override paths = [['runs']];
  static override usage = Command.Usage({
    description: 'list runs with goal, status, tasks merged, spend and age',
    details: 'A run whose run.json says running but whose supervisor process is gone is shown as `crashed`; `loop resume <run>` continues it.',
    examples: [
      ['List runs', '$0 runs'],
      ['As JSON for scripts', '$0 runs --json'],
    ],
  });

  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });
  json = Option.Boolean('--json', false, { description: 'print JSON' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const runs = listRuns(loaded.dir);
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      this.context.stdout.write('no runs yet; start one with `loop run "<goal>"`\n');
      return 0;
    }
    const now = Date.now();
    const rows = runs.map((r) => [
      r.runId, r.status, `${r.merged}/${r.total}`, `$${r.spentUsd.toFixed(2)}${r.budgetUsd === null ? '' : ` / $${r.budgetUsd.toFixed(2)}`}`,
      r.startedAt === null ? '' : formatAge(now - r.startedAt), r.goal.length > 60 ? `${r.goal.slice(0, 59)}…` : r.goal,
    ]);
    const header = ['RUN', 'STATUS', 'MERGED', 'SPENT', 'STARTED', 'GOAL'];
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
    for (const row of [header, ...rows]) this.context.stdout.write(`${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}\n`);
    return 0;
  }
}
