/** `loop auth configure`: writes what `auth status` found into loop.config.yaml, keeping its comments. */
import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { displayPath, loadConfig } from '../../config/load.js';
import { analyzeConfigText } from '../../config/check.js';
import { applyYamlEdits } from '../../config/yaml-edit.js';
import { formatProblem } from '../../config/problems.js';
import { checkProviders, targetsFromConfig } from '../../auth/status.js';
import { describeChange, planAuthChanges, toEdits } from '../../auth/configure.js';
import { writeFileAtomic } from '../../util/fs.js';
import { EXIT } from '../../util/exit-codes.js';
import { plural } from '../../config/problems.js';

export class AuthConfigureCommand extends LoopCommand {
  static override paths = [[`auth`, `configure`]];
  static override usage = Command.Usage({
    description: 'record the detected provider logins in loop.config.yaml',
    details: `
      Runs the same detection as \`loop auth status\` and sets, for each claude, codex and gemini
      provider, \`auth: {mode, env, configured}\` (mode api-key, subscription or auto; env is the
      NAME of the key variable, never its value; configured is true only when the CLI is found
      and logged in) and \`command\` when the CLI was found and none is set.

      Without \`--write\` it only prints the changes. With \`--write\` it edits the file in place:
      only the changed lines differ, every comment and blank line is kept.
    `,
    examples: [
      [`See what would change`, `$0 auth configure`],
      [`Write it into loop.config.yaml`, `$0 auth configure --write`],
    ],
  });

  config = Option.String(`-c,--config`, { description: `Config file (default: loop.config.yaml here or in a parent folder)` });
  write = Option.Boolean(`--write`, false, { description: `Edit the config file (default: print the changes only)` });

  async run(): Promise<number> {
    const cwd = process.cwd();
    const loaded = await loadConfig(this.config === undefined ? { cwd } : { cwd, configFile: this.config });
    const shown = displayPath(loaded.file, cwd);
    const statuses = await checkProviders(targetsFromConfig(loaded.config), { env: process.env, cwd: loaded.dir });
    const changes = planAuthChanges(loaded.config, statuses);
    const out = this.context.stdout;
    if (changes.length === 0) {
      out.write(`${shown} already records what this machine has; nothing to change\n`);
      return EXIT.ok;
    }
    const lines = changes.map(describeChange);
    if (!this.write) {
      lines.push(`nothing written; run \`loop auth configure --write\` to apply ${plural(changes.length, 'change')} to ${shown}`);
      out.write(`${lines.join('\n')}\n`);
      return EXIT.ok;
    }
    const edited = applyYamlEdits(loaded.text, toEdits(changes));
    const after = analyzeConfigText(edited, shown, dirname(loaded.file));
    const broken = after.problems.filter((p) => p.severity === 'error');
    if (broken.length > 0) {
      throw new Error(`the edited config would not validate, so nothing was written: ${broken.map(formatProblem).join('; ')}`);
    }
    writeFileAtomic(realpathSync(loaded.file), edited);
    lines.push(`updated ${shown}: ${plural(changes.length, 'change')}; comments and layout kept`);
    out.write(`${lines.join('\n')}\n`);
    return EXIT.ok;
  }
}
