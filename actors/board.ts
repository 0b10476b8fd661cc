/**
 * The board actor: the single writer of a run's board. Every other process sends it drafts; it
 * validates them, assigns `seq`, has its store write them and replies with the stored event, which
 * the supervisor folds and publishes. The store is the local JSONL file (`loop.engine: local`) or a
 * JetStream stream mirrored to that file (`nats`); both implement `BoardStorePort`.
 */
import * as v from 'valibot';
import { NatsSchema, type BoardEvent, type BoardEventDraft, type Result } from '../protocol/index.js';
import { defineActor, type ActorContext } from './runtime.js';

export const BoardInputSchema = v.strictObject({
  eventsFile: v.string(),
  costsFile: v.string(),
  /** `loop.engine: nats`: the run's stream on this server (file paths already absolute); the files above are its mirror. */
  jetstream: v.optional(v.strictObject({ runId: v.string(), nats: NatsSchema })),
});
export type BoardInput = v.InferOutput<typeof BoardInputSchema>;

export interface BoardStorePort {
  /**
   * Writes the draft once per key: a retried append returns the event already written. Appends are
   * stored in the order they are called, each with the next seq.
   */
  append(draft: BoardEventDraft, key: string): BoardEvent | Promise<BoardEvent>;
  close(): void | Promise<void>;
}

/** Another writer appended to this board: this supervisor must stop (answered as `fail`, code `fenced`). */
export class BoardFencedError extends Error {
  override name = 'BoardFencedError';
}

/** The store could not write within its deadline (a server that is down): `fail`, code `unavailable`. */
export class BoardUnavailableError extends Error {
  override name = 'BoardUnavailableError';
}

/** Failures that are answers, not crashes: restarting the board actor would not make them go away. */
const FAILURE_CODES: Record<string, string> = { BoardFencedError: 'fenced', BoardUnavailableError: 'unavailable' };

export function createBoardActor(open: (input: BoardInput, ctx: ActorContext) => BoardStorePort | Promise<BoardStorePort>) {
  return defineActor({
    input: BoardInputSchema,
    async start(input, ctx) {
      const store = await open(input, ctx);
      return {
        async handle(body): Promise<Result> {
          if (body.type !== 'append') return { tag: 'fail', code: 'unsupported', message: `board cannot handle "${body.type}"` };
          try {
            return { tag: 'ok', value: await store.append(body.event, body.key) };
          } catch (error) {
            const code = error instanceof Error ? FAILURE_CODES[error.name] : undefined;
            if (code === undefined) throw error;
            return { tag: 'fail', code, message: (error as Error).message };
          }
        },
        async stop() {
          await store.close();
        },
      };
    },
  });
}
