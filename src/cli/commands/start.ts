/** `loop start --run X`: the manual mode: one tmux session per role with its full prompt; --execute launches its CLI with the prompt loaded. */
import { basename } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { checkRunId } from '../../config/run-id.js';
import { repositoriesOfRole, providerOf } from '../../config/team.js';
import { interactiveCommand } from '../../providers/interactive.js';
import { readIntelligence, writeSystemPrompts } from '../../run/prepare.js';
import { envArgs, exactSession, hasSession, serverArgs, sessionName, tmux, tmuxInstalled } from '../../tmux/tmux.js';
import { UserError } from '../../util/errors.js';
import { ensureDir } from '../../util/fs.js';
import { runPaths } from '../../util/paths.js';
import { shellQuote } from '../../util/shell-quote.js';

/** After the CLI (or instead of it), the session stays as a shell in the role's folder, so it never just vanishes. */
const SESSION_SCRIPT = [
  'banner=$1; shift',
  'if [ "$1" = --prompt ]; then cat "$2"; printf "\\n%s\\n" "$banner"',
  'else "$@"; printf "\\n%s exited (%s); this is a shell in %s\\n" "$1" "$?" "$PWD"; fi',
  'exec "${SHELL:-sh}" -i',
].join('\n');

export class StartCommand extends LoopCommand {
  static override paths = [['start']];
  static override usage = Command.Usage({
    description: "manual mode: one tmux session per role with the role's full prompt; --execute launches its agent CLI with the prompt loaded",
    details: `
      Writes each role's full system prompt (role, brief, project intelligence) to \`.loop/runs/<run>/prompts/<role>.md\` and opens tmux session \`<namespace>-<project>-<run>-<role>\` in the role's repository. Without --execute the session shows the prompt and gives you a shell; with --execute it starts the role's provider interactively with the prompt loaded (claude: as its system prompt; codex and gemini: as the opening prompt). Sessions are found by their exact name, so run bug-4 never touches bug-42's. A session that is already open is left alone.
    `,
    examples: [
      ['Prompts and shells for every role', '$0 start --run sprint-1'],
      ['Launch claude for be1 with its prompt loaded', '$0 start --run sprint-1 --role be1 --execute'],
    ],
  });

  runId = Option.String('--run', { required: true, description: 'run id the prompts are written for (exact)' });
  roles = Option.Array('--role', { description: 'only these roles (repeatable); default: every role with autoStart' });
  executeAgents = Option.Boolean('--execute', false, { description: "launch each role's provider CLI with its prompt loaded" });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const problem = checkRunId(this.runId);
    if (problem) throw new UserError(`--run ${this.runId}: ${problem}`);
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const config = loaded.config;
    for (const name of this.roles ?? []) {
      if (!config.roles.some((r) => r.name === name)) throw new UserError(`no role "${name}" in ${loaded.file} (roles: ${config.roles.map((r) => r.name).join(', ')})`);
    }
    if (!tmuxInstalled()) throw new UserError('loop start opens tmux sessions, and tmux is not installed (apt-get install tmux)');
    const roles = this.roles ? config.roles.filter((r) => this.roles!.includes(r.name)) : config.roles.filter((r) => r.autoStart);
    const paths = runPaths(loaded.dir, this.runId);
    ensureDir(paths.prompts);
    const prompts = writeSystemPrompts({ loaded, runId: this.runId, paths, intelligenceFor: () => readIntelligence(loaded) });
    const project = config.project ?? basename(loaded.dir);
    const out = (line: string): void => void this.context.stdout.write(`${line}\n`);
    out(`run ${this.runId}: prompts in ${paths.prompts}`);
    for (const role of roles) {
      const session = sessionName([config.defaults.namespace, project, this.runId, role.name]);
      const attach = ['tmux', ...serverArgs(), 'attach', '-t', exactSession(session)].map(shellQuote).join(' ');
      if (await hasSession(session)) {
        out(`  ${role.name}: session ${session} is already open · ${attach}`);
        continue;
      }
      const cwd = repositoriesOfRole(loaded, role.name)[0]?.path ?? loaded.dir;
      const promptFile = prompts.get(role.name)!;
      const provider = providerOf(config, role);
      const cli = this.executeAgents ? interactiveCommand({ provider, systemPromptFile: promptFile, promptFile: null, workdir: cwd }) : null;
      const banner = `${role.name}'s prompt: ${promptFile} (above). Start your agent here, or run \`loop start --run ${this.runId} --role ${role.name} --execute\`.`;
      const command = cli ? cli.argv : ['--prompt', promptFile];
      await tmux(['new-session', '-d', '-s', session, '-x', '200', '-y', '50', '-c', cwd, ...envArgs({ ...process.env, ...cli?.env }), 'sh', '-c', SESSION_SCRIPT, 'loop-start', banner, ...command]);
      out(`  ${role.name}: ${cli ? `${cli.argv[0]} started with the role prompt loaded` : 'prompt shown, shell ready'} · ${attach}`);
    }
    return 0;
  }
}
