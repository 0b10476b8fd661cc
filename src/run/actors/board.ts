/** Board actor process: the generic board actor wired to the JSONL store, or to JetStream with the JSONL files as its mirror. */
import { createBoardActor } from '../../../actors/board.js';
import { BoardWriter } from '../../board/store.js';

export default createBoardActor(async (input, ctx) => {
  if (input.jetstream === undefined) return new BoardWriter({ eventsFile: input.eventsFile, costsFile: input.costsFile });
  // Loaded only for the nats engine: a local board actor starts without the NATS client.
  const { JetStreamBoardStore } = await import('../../nats/board-store.js');
  return JetStreamBoardStore.open({
    ...input.jetstream,
    eventsFile: input.eventsFile,
    costsFile: input.costsFile,
    // What a restart found and repaired is recorded on the board itself.
    onNote: (message) => ctx.emit({ type: 'run.note', level: 'warn', message }),
  });
});
