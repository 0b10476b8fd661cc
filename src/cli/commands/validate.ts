/** `loop validate`: every problem in the config, one line each with file:line:column, then a verdict. */
import { dirname } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { analyzeConfigText, type ConfigSummary } from '../../config/check.js';
import { displayPath, findConfigFile, readConfigText } from '../../config/load.js';
import { formatProblem, plural, type ConfigProblem } from '../../config/problems.js';
import { isUserError } from '../../util/errors.js';
import { EXIT } from '../../util/exit-codes.js';
import { allowListLines, allowListsOf } from '../../run/agent-commands.js';

export class ValidateCommand extends LoopCommand {
  static override paths = [[`validate`]];
  static override usage = Command.Usage({
    description: 'check loop.config.yaml and list every problem with its line',
    details: `
      Finds loop.config.yaml in the current folder or a parent (or uses \`-c\`), then reports every
      problem at once, each as \`file:line:column: key.path: message\`: YAML syntax, unknown keys
      (with a did-you-mean), wrong types and ranges, roles that name a missing or disabled
      provider, duplicate names, unknown disciplines, and repository paths that are not git
      repositories. Warnings (for example a critic on the same vendor as every implementer) do not
      fail the check.

      Exit code 0 when there are no errors, 2 otherwise.
    `,
    examples: [
      [`Check the config in this folder or a parent`, `$0 validate`],
      [`Check a config elsewhere and print JSON for a script`, `$0 validate -c ~/work/team/loop.config.yaml --json`],
    ],
  });

  config = Option.String(`-c,--config`, { description: `Config file to check (default: loop.config.yaml here or in a parent folder)` });
  json = Option.Boolean(`--json`, false, { description: `Print {ok, file, errors, warnings, summary} as JSON` });

  async run(): Promise<number> {
    const cwd = process.cwd();
    let file: string;
    let text: string;
    try {
      file = findConfigFile(cwd, this.config);
      text = readConfigText(file, displayPath(file, cwd));
    } catch (error) {
      if (!this.json || !isUserError(error)) throw error;
      const problem: ConfigProblem = { severity: 'error', file: this.config ?? '', line: null, column: null, path: '', message: error.message };
      this.print({ ok: false, file: null, errors: [problem], warnings: [], summary: null });
      return EXIT.usage;
    }
    const shown = displayPath(file, cwd);
    const analysis = analyzeConfigText(text, shown, dirname(file));
    const errors = analysis.problems.filter((p) => p.severity === 'error');
    const warnings = analysis.problems.filter((p) => p.severity === 'warning');
    const allowLists = errors.length === 0 && analysis.config ? await allowListsOf(analysis.config, analysis.repositories) : [];
    if (this.json) {
      this.print({ ok: errors.length === 0, file, errors, warnings, summary: publicSummary(analysis.summary), allowLists });
    } else {
      const lines = analysis.problems.map(formatProblem);
      lines.push(...allowListLines(allowLists));
      lines.push(verdict(shown, errors.length, warnings.length, analysis.summary));
      this.context.stdout.write(`${lines.join('\n')}\n`);
    }
    return errors.length > 0 ? EXIT.usage : EXIT.ok;
  }

  private print(value: unknown): void {
    this.context.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
  }
}

function publicSummary(summary: ConfigSummary) {
  return { roles: summary.roles, providers: summary.providers, disabledProviders: summary.disabledProviders, repositories: summary.repositories };
}

function verdict(file: string, errors: number, warnings: number, summary: ConfigSummary): string {
  const warned = warnings > 0 ? `, ${plural(warnings, 'warning')}` : '';
  if (errors > 0) return `${file}: ${plural(errors, 'error')}${warned}; fix them and run \`loop validate\` again`;
  const disabled = summary.disabledProviders > 0 ? ` (${summary.disabledProviders} disabled)` : '';
  const team = `${plural(summary.roles, 'role')}, ${plural(summary.providers, 'provider')}${disabled}, ${summary.repositories} ${summary.repositories === 1 ? 'repository' : 'repositories'}`;
  return `${file} is valid: ${team}${warned}`;
}
