/** `loop learn`: scan a repository and write PROJECT-INTELLIGENCE.md (the agents' ground truth). */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { UserError } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/fs.js';
import { learnProject } from '../../learn/learn.js';
import { renderIntelligence } from '../../learn/render.js';
import { createProgressReporter } from '../../learn/progress.js';
import { COMMAND_KINDS, type ProjectIntelligence } from '../../learn/types.js';

export class LearnCommand extends LoopCommand {
  static override paths = [[`learn`]];
  static override usage = Command.Usage({
    description: 'scan a repository and write PROJECT-INTELLIGENCE.md',
    details: `
      Lists the repository's files (tracked plus untracked files git does not ignore; outside git, a walk that skips node_modules, vendor, dist, build, .venv and target), counts lines per language, and reads the project's own files for its install, test, build, lint and format commands, each reported with the file and line it came from. The project's own entry points come first: Makefile, justfile and Taskfile targets, package.json scripts (run with the package manager its lockfile implies), tox envs, nox sessions, pre-commit hooks, Maven and Gradle plugin goals, autotools' make check. Then tools it configures (pytest, ruff, flake8, black, rustfmt, clippy, golangci-lint), then what its GitHub or GitLab CI runs, then the toolchain's own command (go test ./..., cargo test, mvn test). Nothing is invented: a linter or formatter no file mentions is not named, and a command no file implies is reported as "none found". See docs/learn.md.

      The result is written to PROJECT-INTELLIGENCE.md in the scanned folder (or \`--output\`) and sent to every agent. \`--json\` prints the whole result instead of the summary.
    `,
    examples: [
      [`Scan the current repository`, `loop learn`],
      [`Scan another folder and print the result as JSON`, `loop learn --dir ../api --json`],
      [`Write the file somewhere else`, `loop learn --output /tmp/intel.md`],
    ],
  });

  dir = Option.String('--dir,-d', { description: 'Folder to scan (default: the current directory)' });
  json = Option.Boolean('--json', false, { description: 'Print the result as JSON' });
  output = Option.String('--output,-o', { description: 'Where to write the markdown (default: <dir>/PROJECT-INTELLIGENCE.md)' });

  async run(): Promise<number> {
    const dir = resolve(this.dir ?? '.');
    const outputPath = resolve(this.output ?? resolve(dir, 'PROJECT-INTELLIGENCE.md'));
    if (isDirectory(outputPath)) throw new UserError(`--output ${outputPath} is a folder; give a file path such as ${resolve(outputPath, 'PROJECT-INTELLIGENCE.md')}`);
    const stderr = this.context.stderr as NodeJS.WriteStream;
    const reporter = createProgressReporter({
      write: (text) => stderr.write(text),
      isTTY: Boolean(stderr.isTTY),
    });
    let intelligence: ProjectIntelligence;
    try {
      intelligence = await learnProject(dir, { onProgress: (progress) => reporter.update(progress) });
    } finally {
      reporter.finish();
    }
    try {
      writeFileAtomic(outputPath, renderIntelligence(intelligence));
    } catch (error) {
      throw new UserError(`cannot write ${outputPath}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message} (choose another --output)`);
    }
    this.context.stdout.write(this.json ? `${JSON.stringify(intelligence, null, 2)}\n` : summary(intelligence, outputPath));
    return 0;
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

function summary(pi: ProjectIntelligence, outputPath: string): string {
  const languages = pi.languages.slice(0, 5).map((language) => `${language.name} ${language.files}`).join(', ');
  const width = Math.max(...COMMAND_KINDS.map((kind) => pi.commands[kind]?.command.length ?? 'none found'.length));
  const lines = [
    `Scanned ${pi.scannedFiles} files in ${(pi.durationMs / 1000).toFixed(2)} s${languages ? ` (${languages})` : ''}`,
    `Package manager: ${pi.packageManager ?? 'none found'}`,
    ...COMMAND_KINDS.map((kind) => {
      const found = pi.commands[kind];
      return `  ${kind.padEnd(9)}${found ? `${found.command.padEnd(width)}  from ${found.source}` : 'none found'}`;
    }),
    `Wrote ${outputPath}`,
  ];
  return `${lines.join('\n')}\n`;
}
