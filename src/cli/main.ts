#!/usr/bin/env node
/** The `loop` executable: parses argv with clipanion and runs one command class per verb. */
import { Builtins, Cli, type CommandClass } from 'clipanion';
import { commandsFor } from './commands/index.js';
import { reportError } from './base.js';
import { packageVersion } from '../util/package-root.js';
import { EXIT } from '../util/exit-codes.js';
import { runGitInOwnGroups } from '../git/git.js';

export function buildCli(commands: readonly CommandClass[]): Cli {
  const colors = Boolean(process.stdout.isTTY) && !process.env['NO_COLOR'];
  const cli = new Cli({
    binaryLabel: 'loop',
    binaryName: 'loop',
    binaryVersion: packageVersion(),
    enableCapture: false,
    enableColors: colors,
  });
  for (const command of commands) cli.register(command);
  cli.register(Builtins.HelpCommand);
  cli.register(Builtins.VersionCommand);
  return cli;
}

export async function main(argv: string[]): Promise<number> {
  const args = argv.length === 0 ? ['--help'] : argv;
  const cli = buildCli(await commandsFor(args));
  let command;
  try {
    command = cli.process(args);
  } catch (error) {
    process.stderr.write(`loop: ${describeSyntaxError(error, args)}\n`);
    return EXIT.usage;
  }
  try {
    return await cli.run(command, Cli.defaultContext);
  } catch (error) {
    return reportError(error, process.stderr);
  }
}

/** clipanion's syntax errors span several lines; one line with the usage to try is enough. */
function describeSyntaxError(error: unknown, args: string[]): string {
  const lines = (error instanceof Error ? error.message : String(error)).split('\n');
  const usages = lines.filter((line) => line.startsWith('$ ')).map((line) => line.slice(2));
  if (lines[0]!.startsWith('Command not found')) {
    const hint = usages.length > 0 ? `; did you mean "${usages[0]}"?` : '';
    return `unknown command "${args.join(' ')}"${hint} (run "loop --help" to list the commands)`;
  }
  const usage = usages[0] ? ` (usage: ${usages[0]}; "loop <command> --help" has examples)` : '';
  return `${lines[0]!.replace(/\.$/, '')}${usage}`;
}

let settled = false;
// A promise that never settles would otherwise let Node exit quietly with code 0.
process.on('beforeExit', () => {
  if (settled) return;
  settled = true;
  process.stderr.write('loop: internal error: the command stopped without finishing (a bug in loop; please report it)\n');
  process.exitCode = EXIT.internal;
});

// The CLI is in the terminal's foreground process group: a Ctrl-C there is loop's to handle, not
// its git commands' (see gitInOwnGroup).
runGitInOwnGroups();
main(process.argv.slice(2)).then(
  (code) => {
    settled = true;
    process.exitCode = code;
  },
  (error: unknown) => {
    settled = true;
    process.exitCode = reportError(error, process.stderr);
  },
);
