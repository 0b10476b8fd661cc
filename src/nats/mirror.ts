/**
 * The JSONL mirror of a board kept on JetStream, brought in line with the stream before anyone
 * writes (the board actor's start, `loop resume`): what the stream has past the mirror's end is
 * appended to the mirror; what the mirror has past the stream's end (a server that lost writes it
 * had acknowledged) is published again at the same seqs; copies that differ stop everything with
 * one line saying which file to move aside. Nothing is dropped silently.
 */
import type { BoardEvent } from '../../protocol/index.js';
import { BoardFencedError } from '../../actors/board.js';
import { describeConflict, reconcileBoards } from '../board/reconcile.js';
import { BoardFiles, readBoard, type BoardProblem } from '../board/store.js';
import { UserError } from '../util/errors.js';
import { readBoardStream, type BoardConnection } from './board-stream.js';
import { publishBoardEvent } from './publish.js';

export interface MirrorPaths {
  eventsFile: string;
  costsFile: string;
}

export interface MirrorSync {
  /** The whole board after the sync, in seq order. */
  events: BoardEvent[];
  /** Stream messages that are not board events, and unreadable mirror lines. */
  problems: BoardProblem[];
  /** How many events were copied from the stream into the mirror. */
  mirrored: number;
  /** Events the server no longer had, published again from the mirror. */
  republished: BoardEvent[];
  /** The mirror, open for appending; the caller closes it. */
  files: BoardFiles;
}

export async function syncMirror(board: BoardConnection, paths: MirrorPaths, deadline: number): Promise<MirrorSync> {
  const { runId, url } = board;
  const mirror = readBoard(paths.eventsFile);
  const stream = await readBoardStream(board.js, board.jsm, runId);
  const plan = reconcileBoards(stream.events, mirror.events);
  const moveAside = `the server's board is the record: move ${paths.eventsFile} aside (keep it, it is the only copy of what differs) and run \`loop resume ${runId}\` to rebuild it from the server`;
  if (plan.conflict) {
    throw new UserError(`run ${runId}: the board on ${url} and this machine's copy ${paths.eventsFile} differ (${describeConflict(plan.conflict)}), so another supervisor wrote this run; ${moveAside}`);
  }
  if (plan.stranded.length > 0) {
    throw new UserError(`run ${runId}: ${paths.eventsFile} holds events ${plan.stranded[0]!.seq}–${plan.stranded.at(-1)!.seq} that the server at ${url} lacks, after a line that cannot be read, so they cannot be published in order; ${moveAside}`);
  }
  for (const event of plan.toStream) {
    const outcome = await publishBoardEvent({ js: board.js, runId, url, deadline }, event);
    if (outcome === 'wrong-last-sequence') throw new BoardFencedError(`run ${runId}: another supervisor appended to the board on ${url} while this one was restoring events the server had lost; only one supervisor may drive a run`);
  }
  const files = new BoardFiles(paths.eventsFile, paths.costsFile);
  try {
    for (const event of plan.toMirror) files.write(event);
  } catch (error) {
    files.close();
    throw error;
  }
  return {
    events: [...stream.events, ...plan.toStream],
    problems: [...stream.problems, ...mirror.problems],
    mirrored: plan.toMirror.length,
    republished: plan.toStream,
    files,
  };
}

/** One line about what a sync did, or null when both copies were already equal. */
export function describeSync(runId: string, url: string, sync: MirrorSync, eventsFile: string): string | null {
  const parts: string[] = [];
  if (sync.mirrored > 0) parts.push(`copied ${sync.mirrored} event(s) from the server into ${eventsFile}`);
  if (sync.republished.length > 0) {
    const first = sync.republished[0]!.seq;
    const last = sync.republished.at(-1)!.seq;
    parts.push(`published events ${first === last ? first : `${first}–${last}`} of run ${runId} again: the server at ${url} had lost them (it acknowledges writes before they reach its disk); they came from ${eventsFile}`);
  }
  return parts.length === 0 ? null : parts.join('; ');
}
