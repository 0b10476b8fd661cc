/** Board actor process: the generic board actor wired to the JSONL store. */
import { createBoardActor } from '../../../actors/board.js';
import { BoardWriter } from '../../board/store.js';

export default createBoardActor((input) => new BoardWriter({ eventsFile: input.eventsFile, costsFile: input.costsFile }));
