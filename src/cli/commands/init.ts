/** `loop init`: a starter team that runs with no keys (sim providers), a brief, and `.loop/` kept out of git. */
import { relative, resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { displayPath } from '../../config/load.js';
import { writeStarter, type InitReport } from '../../config/starter.js';
import { EXIT } from '../../util/exit-codes.js';

export class InitCommand extends LoopCommand {
  static override paths = [[`init`]];
  static override usage = Command.Usage({
    description: 'write a starter loop.config.yaml and brief.md',
    details: `
      Writes a commented loop.config.yaml (a planner, architect, backend, frontend and qa critic
      on the built-in \`sim\` provider, so \`loop run\` works with no keys; claude, codex and gemini
      present but disabled) and a brief.md to fill in. Creates \`.loop/\` for run state and adds
      \`.loop/\` to \`.git/info/exclude\` when the folder is inside a git repository (your
      \`.gitignore\` is never touched).

      Existing files are kept unless \`--force\` is given; running it twice changes nothing.
    `,
    examples: [
      [`Set up the team in the current repository`, `$0 init`],
      [`Set up a workspace folder for several repositories`, `$0 init --dir ~/work/product-team`],
      [`Replace an existing config and brief with the starter`, `$0 init --force`],
    ],
  });

  force = Option.Boolean(`-f,--force`, false, { description: `Overwrite an existing loop.config.yaml and brief.md` });
  dir = Option.String(`--dir`, { description: `Folder to write into (default: the current folder; created if missing)` });

  async run(): Promise<number> {
    const cwd = process.cwd();
    const dir = resolve(cwd, this.dir ?? '.');
    const report = await writeStarter({ dir, force: this.force });
    this.context.stdout.write(`${describe(report, cwd).join('\n')}\n`);
    return EXIT.ok;
  }
}

function describe(report: InitReport, cwd: string): string[] {
  const show = (name: string) => {
    const rel = relative(cwd, resolve(report.dir, name));
    return rel === '' ? '.' : displayPath(resolve(report.dir, name), cwd);
  };
  const lines = report.files.map((f) =>
    f.action === 'skipped' ? `skipped ${show(f.name)}: exists; use --force to overwrite` : `${f.action} ${show(f.name)}`);
  lines.push(report.stateDir === 'created' ? `created ${show('.loop')}/` : `kept ${show('.loop')}/: exists`);
  switch (report.exclude.kind) {
    case 'added':
      lines.push(`added .loop/ to ${report.exclude.file}`);
      break;
    case 'present':
      lines.push(`.loop/ is already in ${report.exclude.file}`);
      break;
    case 'not-a-repository':
      lines.push('not inside a git repository, so nothing was excluded; run `git init` (and `loop init` again) before `loop run --execute`');
      break;
  }
  const wrote = report.files.some((f) => f.action !== 'skipped');
  if (wrote) lines.push('next: describe the project in brief.md, check with `loop validate`, then try `loop run "<goal>"` (a free dry run on the sim team)');
  return lines;
}
