/** `loop doctor`: what on this machine is ready for `loop run --execute`, and what to do about the rest. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { evaluate } from '../../doctor/checks.js';
import { gatherFacts } from '../../doctor/gather.js';
import { renderChecks } from '../../doctor/render.js';
import { EXIT } from '../../util/exit-codes.js';

export class DoctorCommand extends LoopCommand {
  static override paths = [[`doctor`]];
  static override usage = Command.Usage({
    description: 'check that this machine is ready to run the team',
    details: `
      Checks Node (20 or newer), git (installed, the repositories exist, \`git worktree list\`
      works), tmux (optional: without it loop runs headless), the config, each provider CLI a role
      uses and its login (\`sim\` needs nothing), that the programs of each repository's setup
      and test commands (learned, or \`loop.setup\` / \`loop.testCommand\`) are installed, free
      disk space at the repositories and at $LOOP_HOME, and that \`.loop/\` and $LOOP_HOME are
      writable. Each line is ok, warn or fail, with the fix.

      Exit code 1 when something required is missing, 0 otherwise.
    `,
    examples: [
      [`Check this project and machine`, `$0 doctor`],
      [`Machine-readable, for CI`, `$0 doctor --json`],
    ],
  });

  config = Option.String(`-c,--config`, { description: `Config file (default: loop.config.yaml here or in a parent folder)` });
  json = Option.Boolean(`--json`, false, { description: `Print {ok, checks: [{status, name, detail, fix}]} as JSON` });

  async run(): Promise<number> {
    const facts = await gatherFacts({ cwd: process.cwd(), env: process.env, ...(this.config === undefined ? {} : { configFile: this.config }) });
    const checks = evaluate(facts);
    const ok = !checks.some((c) => c.status === 'fail');
    if (this.json) this.context.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
    else this.context.stdout.write(`${renderChecks(checks).join('\n')}\n`);
    return ok ? EXIT.ok : EXIT.escalated;
  }
}
