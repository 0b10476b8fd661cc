/** How `loop retry` and `loop approve` report a request's outcome: done 0, queued 0 (said so), unread 1, refused exit 2. */
import type { BaseContext } from 'clipanion';
import type { AskOutcome } from '../run/ask-run.js';

export function reportAsk(outcome: AskOutcome, context: BaseContext, refusal: (message: string) => Error): number {
  if (outcome.status === 'refused') throw refusal(outcome.message);
  if (outcome.status === 'unread') {
    context.stderr.write(`loop: ${outcome.message}\n`);
    return 1;
  }
  context.stdout.write(`${outcome.message}\n`);
  return 0;
}
