/** `loop run "<goal>"`: plan the goal and drive the team; dry-run (sim agents, no spend) unless --execute. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { UserError } from '../../util/errors.js';
import { chooseRunId, makeRunFolders, preflight, readPlanFile } from '../../run/prepare.js';
import { openRunEngine } from '../../run/engine.js';
import { runSupervisor } from '../../run/run-supervisor.js';
import { runPaths } from '../../util/paths.js';
import { terminalQuestion } from '../ask.js';
import { reportDetached, startDetached, tmuxFlag } from '../../run/detach.js';
import { resolve } from 'node:path';

export class RunCommand extends LoopCommand {
  static override paths = [['run']];
  static override usage = Command.Usage({
    description: 'turn a goal into merged, verified commits with the configured team',
    details: `
      Plans the goal into tasks (or takes them from --plan), runs each task's agent in its own git worktree, verifies the change with the project's tests and an independent critic, and merges green work through a merge queue. One line is printed per state change, then a summary table.

      Without --execute this is a dry-run: every agent is the built-in \`sim\` agent, no provider CLI is started, nothing is spent and no file is touched; the plan and the exact command line each real provider would get are printed.

      Before the first task starts, a forecast for --execute is printed: the plan's critical path, the expected wall time and a cost range, from the durations and token counts of earlier --execute runs in this folder and the price table ("no history yet" otherwise). When its upper bound passes budgetUsd, --execute asks on a terminal before spending (--yes skips the question); without a terminal it says so and starts.

      With --detach the supervisor runs in the background, in a session of its own (closing the terminal does not stop it), logging to \`.loop/runs/<run>/supervisor.log\`; the command returns at once with the run id. \`loop status\`, \`loop attach\`, \`loop logs\`, \`loop stop\` and \`loop resume\` work on it as on any run. In a terminal with tmux (or detached, when tmux is installed) the run opens its viewport: tmux session \`<namespace>-<project>-<run>\`, one pane per role.

      Exit codes: 0 every task merged · 1 the run ended with escalated tasks · 2 usage or config error · 3 budget exhausted · 4 stopped (Ctrl-C) · 5 internal error.
    `,
    examples: [
      ['Dry-run a goal with the sim agents', '$0 run "add rate limiting to the /login endpoint"'],
      ['Run the real agents', '$0 run "add subtract(a,b) and multiply(a,b) to math.js, each with a test" --execute'],
      ['Skip the planner and name the run', '$0 run "todo app" --plan plan.yaml --run todo-1 --execute'],
      ['Watch it in the browser while it runs', '$0 run "add a /health endpoint" --execute --dashboard'],
      ['Leave it running on a VM and log out', '$0 run "todo app" --plan plan.yaml --execute --detach'],
    ],
  });

  goal = Option.String({ required: true, name: 'goal' });
  executeAgents = Option.Boolean('--execute', false, { description: 'launch the real agent CLIs (default: dry-run with sim agents)' });
  runId = Option.String('--run', { description: 'run id (letters, digits, "-", "_"); default run-<timestamp>' });
  plan = Option.String('--plan', { description: 'YAML or JSON plan file: {tasks: [{id, title, role, dependsOn, acceptance, files}]}' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml (default: search upward from the current folder)' });
  json = Option.Boolean('--json', false, { description: 'print the final summary as JSON (progress lines go to stderr)' });
  yes = Option.Boolean('--yes', false, { description: 'start even when the forecast\'s upper bound passes budgetUsd, without asking' });
  dashboard = Option.Boolean('--dashboard', false, { description: 'serve the live dashboard (`loop dashboard`) while the run lasts and print its URL' });
  approvePlan = Option.Boolean('--approve-plan', { description: 'wait after planning until `loop approve` (or the dashboard) approves the plan; default: loop.approvePlan' });
  tmux = Option.Boolean('--tmux', { description: 'open the tmux viewport (one pane per role) even without a terminal; --no-tmux: never' });
  detach = Option.Boolean('--detach', false, { description: 'run the supervisor in the background (it survives the terminal closing) and return at once' });
  detached = Option.Boolean('--detached', false, { hidden: true, description: 'this process is the background supervisor of a --detach run' });

  async run(): Promise<number> {
    const goal = this.goal.trim();
    if (goal.length === 0) throw new UserError('the goal is empty; say what the team should do, e.g. loop run "add a /health endpoint"');
    const cwd = process.cwd();
    const loaded = await loadConfig({ cwd, ...(this.config ? { configFile: this.config } : {}) });
    const mode = this.executeAgents ? 'execute' : 'dry-run';
    const plan = readPlanFile(loaded, this.plan, cwd);
    await preflight(loaded, mode, plan !== null);
    const runId = chooseRunId(loaded, this.runId);
    // The engine may refuse the run id (taken on the server) before any folder is made for it.
    const engine = await openRunEngine({ loaded, runId, paths: runPaths(loaded.dir, runId), purpose: 'new', say: (line) => this.context.stderr.write(`${line}\n`) });
    try {
      const paths = makeRunFolders(loaded, runId);
      if (this.detach) {
        if (this.json) throw new UserError('--json prints the summary at the end of the run, and --detach returns at once; `loop status --json` reports a detached run');
        // The background supervisor opens the engine itself: this one lets go of the run first.
        await engine.close();
        const args = [
          'run', goal, '--run', runId, '-c', loaded.file, ...(this.executeAgents ? ['--execute'] : []),
          ...(this.plan ? ['--plan', resolve(cwd, this.plan)] : []), ...tmuxFlag(this.tmux),
          ...(this.yes ? ['--yes'] : []), ...(this.dashboard ? ['--dashboard'] : []),
          ...(this.approvePlan === undefined ? [] : [this.approvePlan ? '--approve-plan' : '--no-approve-plan']),
        ];
        return reportDetached(await startDetached(args, paths, cwd), runId, paths, loaded, this.context);
      }
      const say = (line: string): void => void (this.json ? this.context.stderr : this.context.stdout).write(`${line}\n`);
      // The actors' Node processes boot while the session's own modules load (they start at its start()).
      const supervisor = runSupervisor({ loaded, runId, paths, mode, plan, existing: null, engine });
      supervisor.prefork();
      try {
        const [{ runSession }, { withDashboard }] = await Promise.all([import('../../run/session.js'), import('../dashboard-child.js')]);
        return await withDashboard(this.dashboard, { loaded, runId, say }, () =>
          runSession({
            loaded, runId, paths, mode, goal, plan, existing: null, engine, json: this.json, supervisor,
            budgetQuestion: { yes: this.yes, ask: terminalQuestion(this.context.stdin, this.context.stderr) },
            stdout: this.context.stdout, stderr: this.context.stderr, tmux: this.tmux, detached: this.detached, approvePlan: this.approvePlan,
          }));
      } finally {
        // the session stops it when it ends; this is for a session that never began (idempotent)
        await supervisor.stop('the run ended');
      }
    } finally {
      await engine.close();
    }
  }
}
