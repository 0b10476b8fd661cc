/**
 * One board event onto the run's stream, fenced and idempotent: `Nats-Expected-Last-Sequence` is
 * seq − 1, so the event lands exactly at its seq or not at all, and `Nats-Msg-Id` comes from the
 * event, so a publish retried after a lost acknowledgement is answered "duplicate" by the server
 * (inside its duplicate window) instead of being stored twice. The server checks the message id
 * before the expected sequence, which is what makes the retry safe.
 */
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import type { BoardEvent } from '../../protocol/index.js';
import { BoardUnavailableError } from '../../actors/board.js';
import { sleep } from '../util/sleep.js';
import { boardMessageId, boardSubject } from './names.js';

/** JetStream API error codes for "the stream's last sequence is not the one expected". */
const WRONG_LAST_SEQUENCE = new Set([10071, 10164]);
/**
 * A publish sent just as the server went away is lost without an answer; after this long it is sent
 * again with the same message id (so a slow answer to the first one only makes the second a duplicate).
 */
const ACK_TIMEOUT_MS = 2_000;
/** How long an append waits for a server that does not answer (a restart takes about a second) before it is reported unavailable. */
export const SERVER_WAIT_MS = 20_000;
const RETRY_PAUSE_MS = 250;

export type PublishOutcome = 'stored' | 'duplicate' | 'wrong-last-sequence';

export interface PublishContext {
  js: JetStreamClient;
  runId: string;
  /** For messages: the server's URL. */
  url: string;
  /** Epoch ms after which a server that does not answer is given up on. */
  deadline: number;
  now?: () => number;
}

export async function publishBoardEvent(ctx: PublishContext, event: BoardEvent): Promise<PublishOutcome> {
  const now = ctx.now ?? Date.now;
  const payload = new TextEncoder().encode(JSON.stringify(event));
  const msgID = boardMessageId(ctx.runId, event);
  for (;;) {
    let ack: PubAck;
    try {
      ack = await ctx.js.publish(boardSubject(ctx.runId, event.type), payload, { msgID, expect: { lastSequence: event.seq - 1 }, timeout: ACK_TIMEOUT_MS });
    } catch (error) {
      if (WRONG_LAST_SEQUENCE.has((error as { code?: number }).code ?? 0)) return 'wrong-last-sequence';
      // Anything else is the server being away (timeouts, no responders while JetStream restarts,
      // a reconnecting client): the same message id is published again until the deadline.
      const remaining = ctx.deadline - now();
      if (remaining <= 0) {
        const reason = error instanceof Error ? error.message : String(error);
        throw new BoardUnavailableError(`the NATS server at ${ctx.url} did not store board event ${event.seq} (${event.type}): ${reason}`);
      }
      await sleep(Math.min(RETRY_PAUSE_MS, remaining));
      continue;
    }
    if (ack.seq !== event.seq) throw new Error(`the server stored board event ${event.seq} (${event.type}) at sequence ${ack.seq}`);
    return ack.duplicate ? 'duplicate' : 'stored';
  }
}
