/**
 * A board kept on JetStream has two copies: the stream, which is the order of record, and the JSONL
 * mirror on the supervisor's machine. The writer publishes first and mirrors second, so after a
 * crash they can differ only at their ends: the stream one event ahead (killed between the two
 * writes), or the mirror ahead (a server that lost acknowledged writes: power loss before its fsync).
 * Anything else — both hold a seq and the events differ — means another writer was at work; it is
 * reported and neither copy is touched. Pure: the caller reads both copies and applies the answer.
 */
import type { BoardEvent } from '../../protocol/index.js';

export interface Reconciliation {
  /** Events the stream has past the mirror's end: appended to the mirror. */
  toMirror: BoardEvent[];
  /** Events the mirror has past the stream's end: published again, in order, with their seq. */
  toStream: BoardEvent[];
  /** Mirror events past the stream's end that follow an unreadable mirror line: they cannot be published in order. */
  stranded: BoardEvent[];
  /** The first seq both copies hold with different events. */
  conflict: { seq: number; stream: BoardEvent; mirror: BoardEvent } | null;
}

/** Both lists are in seq order, as read (a mirror line that did not parse is simply absent). */
export function reconcileBoards(stream: readonly BoardEvent[], mirror: readonly BoardEvent[]): Reconciliation {
  const mirrored = new Map(mirror.map((event) => [event.seq, event]));
  for (const event of stream) {
    const copy = mirrored.get(event.seq);
    if (copy !== undefined && !sameEvent(event, copy)) return { toMirror: [], toStream: [], stranded: [], conflict: { seq: event.seq, stream: event, mirror: copy } };
  }
  const streamEnd = stream.at(-1)?.seq ?? 0;
  const mirrorEnd = mirror.at(-1)?.seq ?? 0;
  const ahead = mirror.filter((event) => event.seq > streamEnd);
  const gap = ahead.findIndex((event, i) => event.seq !== streamEnd + 1 + i);
  return {
    toMirror: stream.filter((event) => event.seq > mirrorEnd),
    toStream: gap === -1 ? ahead : ahead.slice(0, gap),
    stranded: gap === -1 ? [] : ahead.slice(gap),
    conflict: null,
  };
}

/** Both copies hold the same serialisation of one stored event (the key makes every append unique). */
export function sameEvent(a: BoardEvent, b: BoardEvent): boolean {
  return a.seq === b.seq && a.type === b.type && a.key === b.key && JSON.stringify(a) === JSON.stringify(b);
}

/** One line for the user: where the two copies part and what each holds there. */
export function describeConflict(conflict: NonNullable<Reconciliation['conflict']>): string {
  return `seq ${conflict.seq} is ${conflict.stream.type} on the server but ${conflict.mirror.type} in this machine's copy`;
}
