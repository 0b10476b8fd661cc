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
  append(draft: BoardEventDraft): BoardEvent;
  close(): void;
}

/** Appends retried after a lost reply are answered from here instead of being written twice. */
const REMEMBERED_KEYS = 10_000;

export function createBoardActor(open: (input: BoardInput) => BoardStorePort) {
  return defineActor({
    input: BoardInputSchema,
    start(input) {
      const store = open(input);
      const byKey = new Map<string, BoardEvent>();
      return {
        async handle(body): Promise<Result> {
          if (body.type !== 'append') return { tag: 'fail', code: 'unsupported', message: `board cannot handle "${body.type}"` };
          const seen = byKey.get(body.key);
          if (seen) return { tag: 'ok', value: seen };
          const event = store.append(body.event);
          byKey.set(body.key, event);
          if (byKey.size > REMEMBERED_KEYS) byKey.delete(byKey.keys().next().value!);
          return { tag: 'ok', value: event };
        },
        async stop() {
          store.close();
        },
      };
    },
  });
}
