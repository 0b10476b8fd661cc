/**
 * Base of every `loop` command: subclasses implement `run()` and return an exit code. A
 * `UserError` prints as `loop: <message>` with no stack; anything else is a bug, exit 5.
 */
import { Command } from 'clipanion';
import { isUserError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';

export abstract class LoopCommand extends Command {
  abstract run(): Promise<number>;

  async execute(): Promise<number> {
    try {
      return await this.run();
    } catch (error) {
      return reportError(error, this.context.stderr);
    }
  }
}

export function reportError(error: unknown, stderr: NodeJS.WritableStream): number {
  if (isUserError(error)) {
    stderr.write(`loop: ${error.message}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  stderr.write(`loop: internal error: ${message}\n`);
  if (process.env['LOOP_DEBUG'] && error instanceof Error && error.stack) stderr.write(`${error.stack}\n`);
  else stderr.write('loop: this is a bug in loop; set LOOP_DEBUG=1 to print the stack and please report it\n');
  return EXIT.internal;
}
