/** `loop doctor`: what on this machine is ready for `loop run --execute`, and what to do about the rest. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { evaluate, type Check } from '../../doctor/checks.js';
import { workerSettings } from '../../nats/settings.js';
import { UserError } from '../../util/errors.js';
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
      writable. On \`loop.engine: nats\`: the server, its JetStream and the board stream's settings
      (durability included), and with \`loop.nats.dispatch: workers\` each repository's git remote
      as workers use it (\`git ls-remote\` from this machine). Each line is ok, warn or fail, with the fix.

      With --worker, on a machine that runs \`loop worker\`: git, the server with the worker's nkey
      (it connects, JetStream answers, the roles' work queues exist), and, with the project's
      loop.config.yaml here or -c, the agent CLIs of --roles and each repository's remote.

      Exit code 1 when something required is missing, 0 otherwise.
    `,
    examples: [
      [`Check this project and machine`, `$0 doctor`],
      [`Machine-readable, for CI`, `$0 doctor --json`],
      [`On a worker machine`, `$0 doctor --worker --server nats://10.0.0.5:4222 --nkey ~/worker.nk --roles backend,frontend`],
    ],
  });

  config = Option.String(`-c,--config`, { description: `Config file (default: loop.config.yaml here or in a parent folder)` });
  json = Option.Boolean(`--json`, false, { description: `Print {ok, checks: [{status, name, detail, fix}]} as JSON` });
  worker = Option.Boolean(`--worker`, false, { description: `Check what \`loop worker\` needs on this machine (with --server, --roles)` });
  server = Option.String(`--server`, { description: `--worker: the NATS server, nats://host:port` });
  roles = Option.String(`--roles`, { description: `--worker: the roles this worker will take, comma-separated` });
  nkey = Option.String(`--nkey`, { description: `--worker: the workers' nkey seed (default $LOOP_HOME/nats/worker.nk)` });
  creds = Option.String(`--creds`, { description: `--worker: a .creds file instead of an nkey` });

  async run(): Promise<number> {
    const checks = this.worker ? await this.#workerChecks() : evaluate(await gatherFacts({ cwd: process.cwd(), env: process.env, ...this.#configFile() }));
    const ok = !checks.some((c) => c.status === 'fail');
    if (this.json) this.context.stdout.write(`${JSON.stringify({ ok, checks }, null, 2)}\n`);
    else this.context.stdout.write(`${renderChecks(checks).join('\n')}\n`);
    return ok ? EXIT.ok : EXIT.escalated;
  }

  #configFile(): { configFile?: string } {
    return this.config === undefined ? {} : { configFile: this.config };
  }

  async #workerChecks(): Promise<Check[]> {
    if (this.server === undefined || this.roles === undefined) throw new UserError('--worker needs --server URL and --roles (the ones `loop worker` will get), e.g. loop doctor --worker --server nats://10.0.0.5:4222 --roles backend');
    const roles = this.roles.split(',').map((role) => role.trim()).filter((role) => role.length > 0);
    const settings = workerSettings({ server: this.server, nkey: this.nkey, creds: this.creds }, this.context.env);
    const { gatherWorkerFacts } = await import('../../doctor/worker.js');
    const { evaluateWorker } = await import('../../doctor/worker-checks.js');
    return evaluateWorker(await gatherWorkerFacts({ cwd: process.cwd(), env: process.env, settings, roles, ...this.#configFile() }));
  }
}
