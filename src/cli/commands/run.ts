/** PLACEHOLDER: replaced by the real implementation; must not survive into a landed commit. */
import { Command } from 'clipanion';
import { LoopCommand } from '../base.js';
import { UserError } from '../../util/errors.js';

export class RunCommand extends LoopCommand {
  static override paths = [[`run`]];
  static override usage = Command.Usage({ description: 'not implemented yet' });
  async run(): Promise<number> {
    throw new UserError('not implemented yet');
  }
}
