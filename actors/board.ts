/**
 * The board actor: the single writer of a run's board. Every other process sends it drafts; it
 * validates them, assigns `seq`, appends one fdatasync'ed line per event and replies with the
 * stored event, which the supervisor folds and publishes.
 */
import * as v from 'valibot';
import type { BoardEvent, BoardEventDraft, Result } from '../protocol/index.js';
import { defineActor } from './runtime.js';

export const BoardInputSchema = v.strictObject({ eventsFile: v.string(), costsFile: v.string() });
export type BoardInput = v.InferOutput<typeof BoardInputSchema>;

export interface BoardStorePort {
  /** Writes the draft once per key: a retried append returns the event already written. */
  append(draft: BoardEventDraft, key: string): BoardEvent;
  close(): void;
}

export function createBoardActor(open: (input: BoardInput) => BoardStorePort) {
  return defineActor({
    input: BoardInputSchema,
    start(input) {
      const store = open(input);
      return {
        async handle(body): Promise<Result> {
          if (body.type !== 'append') return { tag: 'fail', code: 'unsupported', message: `board cannot handle "${body.type}"` };
          return { tag: 'ok', value: store.append(body.event, body.key) };
        },
        async stop() {
          store.close();
        },
      };
    },
  });
}
