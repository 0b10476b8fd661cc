/**
 * The board store of `loop.engine: nats`: the same contract as the JSONL writer (`BoardStorePort`:
 * one event per key, in call order, each with the next seq), on the run's JetStream stream, with
 * the JSONL files kept as a write-through mirror on this machine. Each event goes to the stream
 * first — fenced at seq − 1, deduplicated by message id — and to the mirror once the server has
 * acknowledged it, so the mirror never holds an event the stream refused.
 */
import { nanoid } from 'nanoid';
import * as v from 'valibot';
import { BOARD_EVENT_VERSION, BoardEventSchema, type BoardEvent, type BoardEventDraft, type NatsSettings } from '../../protocol/index.js';
import { BoardFencedError, type BoardStorePort } from '../../actors/board.js';
import { readBoard, type BoardFiles } from '../board/store.js';
import { UserError } from '../util/errors.js';
import { connectBoard, openBoardStream, parseBoardMessage, type BoardConnection } from './board-stream.js';
import { describeSync, syncMirror, type MirrorPaths } from './mirror.js';
import { boardMessageId, boardStream } from './names.js';
import { publishBoardEvent, SERVER_WAIT_MS } from './publish.js';

const MAX_CATCH_UP_ROUNDS = 5;

export interface JetStreamBoardOptions extends MirrorPaths {
  runId: string;
  nats: NatsSettings;
  now?: () => number;
  waitMs?: number;
  /** Told what a restart found and repaired (events re-published, copied into the mirror). */
  onNote?: (message: string) => void;
}

export class JetStreamBoardStore implements BoardStorePort {
  readonly #board: BoardConnection;
  readonly #files: BoardFiles;
  readonly #paths: MirrorPaths;
  readonly #now: () => number;
  readonly #waitMs: number;
  #seq: number;
  #lastTs: number;
  readonly #byKey = new Map<string, BoardEvent>();
  /** Events this store published without an acknowledgement yet, by message id (a lost ack is adopted, not refused). */
  readonly #unconfirmed = new Map<string, BoardEvent>();
  /** Appends run one at a time: each needs the previous one's seq. */
  #queue: Promise<unknown> = Promise.resolve();
  #fenced: BoardFencedError | null = null;

  static async open(options: JetStreamBoardOptions): Promise<JetStreamBoardStore> {
    const board = await connectBoard(options.nats, options.runId, `loop board ${options.runId}`);
    try {
      await openBoardStream(board.jsm, options.runId);
      const now = options.now ?? Date.now;
      const sync = await syncMirror(board, options, now() + (options.waitMs ?? SERVER_WAIT_MS));
      const note = describeSync(options.runId, board.url, sync, options.eventsFile);
      if (note) options.onNote?.(note);
      return new JetStreamBoardStore(board, sync.files, sync.events, options);
    } catch (error) {
      await board.nc.close();
      throw error;
    }
  }

  private constructor(board: BoardConnection, files: BoardFiles, events: readonly BoardEvent[], options: JetStreamBoardOptions) {
    this.#board = board;
    this.#files = files;
    this.#paths = { eventsFile: options.eventsFile, costsFile: options.costsFile };
    this.#now = options.now ?? Date.now;
    this.#waitMs = options.waitMs ?? SERVER_WAIT_MS;
    this.#seq = events.at(-1)?.seq ?? 0;
    this.#lastTs = events.at(-1)?.ts ?? 0;
    for (const event of events) if (event.key !== undefined) this.#byKey.set(event.key, event);
  }

  get lastSeq(): number {
    return this.#seq;
  }

  append(draft: BoardEventDraft, key: string = nanoid()): Promise<BoardEvent> {
    const next = this.#queue.then(() => this.#append(draft, key));
    this.#queue = next.catch(() => undefined);
    return next;
  }

  async close(): Promise<void> {
    await this.#queue;
    try {
      this.#files.close();
    } finally {
      // A connection left open reconnects forever (maxReconnectAttempts -1) and keeps the process alive.
      if (!this.#board.nc.isClosed()) await this.#board.nc.close();
    }
  }

  async #append(draft: BoardEventDraft, key: string): Promise<BoardEvent> {
    if (this.#fenced) throw this.#fenced;
    const seen = this.#byKey.get(key);
    if (seen) return seen;
    // ts never goes backwards, so the board stays ordered even if the wall clock steps back.
    const ts = Math.max(this.#now(), this.#lastTs);
    const event = v.parse(BoardEventSchema, { ...draft, v: BOARD_EVENT_VERSION, seq: this.#seq + 1, ts, key });
    await this.#publish(event);
    this.#accept(event);
    return event;
  }

  #accept(event: BoardEvent): void {
    this.#files.write(event);
    this.#unconfirmed.delete(boardMessageId(this.#board.runId, event));
    this.#seq = event.seq;
    this.#lastTs = event.ts;
    if (event.key !== undefined) this.#byKey.set(event.key, event);
  }

  async #publish(event: BoardEvent): Promise<void> {
    const id = boardMessageId(this.#board.runId, event);
    this.#unconfirmed.set(id, event);
    const ctx = { js: this.#board.js, runId: this.#board.runId, url: this.#board.url, deadline: this.#now() + this.#waitMs, now: this.#now };
    for (let round = 1; ; round++) {
      const outcome = await publishBoardEvent(ctx, event);
      if (outcome !== 'wrong-last-sequence') return;
      // The stream's end is not where this store left it: see whose events are there.
      if (await this.#catchUp(id)) return;
      if (round >= MAX_CATCH_UP_ROUNDS) throw new Error(`board event ${event.seq} of run ${this.#board.runId}: the stream kept answering "wrong last sequence" after ${round} repairs`);
    }
  }

  /**
   * The stream's last sequence was not seq − 1. Events past our seq that this store published
   * itself (acknowledgements lost, or the duplicate window passed) are adopted; the event being
   * published, if among them, is done (true). Anyone else's event fences this store for good.
   * A stream that ends before our seq lost acknowledged writes: they are published again from
   * the mirror, and the caller publishes its event again (false).
   */
  async #catchUp(publishing: string): Promise<boolean> {
    const { js, jsm, runId, url } = this.#board;
    const stream = boardStream(runId);
    const last = (await jsm.streams.info(stream)).state.last_seq;
    if (last < this.#seq) {
      const mirror = readBoard(this.#paths.eventsFile).events.filter((e) => e.seq >= last && e.seq <= this.#seq);
      // The stream's new end must still be one of ours, or someone wrote after the loss.
      const end = last === 0 ? null : await jsm.streams.getMessage(stream, { seq: last });
      const mine = mirror.find((e) => e.seq === last);
      if (end !== null && (mine === undefined || end.header?.get('Nats-Msg-Id') !== boardMessageId(runId, mine))) {
        const parsed = parseBoardMessage(stream, last, end.data);
        return this.#fence(last, 'event' in parsed ? parsed.event : null);
      }
      const lostEvents = mirror.filter((e) => e.seq > last);
      if (lostEvents.length !== this.#seq - last) throw new UserError(`run ${runId}: the server at ${url} lost board events ${last + 1}–${this.#seq} and ${this.#paths.eventsFile} cannot supply all of them`);
      for (const lost of lostEvents) {
        const outcome = await publishBoardEvent({ js, runId, url, deadline: this.#now() + this.#waitMs, now: this.#now }, lost);
        if (outcome === 'wrong-last-sequence') return this.#fence(lost.seq, null);
      }
      return false;
    }
    for (let seq = this.#seq + 1; seq <= last; seq++) {
      const stored = await jsm.streams.getMessage(stream, { seq });
      const id = stored?.header?.get('Nats-Msg-Id') ?? '';
      const ours = this.#unconfirmed.get(id);
      if (stored === null || ours === undefined) {
        const parsed = stored === null ? null : parseBoardMessage(stream, seq, stored.data);
        return this.#fence(seq, parsed !== null && 'event' in parsed ? parsed.event : null);
      }
      this.#accept(ours);
      if (id === publishing) return true;
    }
    return false;
  }

  #fence(seq: number, theirs: BoardEvent | null): never {
    const { runId, url } = this.#board;
    const what = theirs === null ? '' : ` (${theirs.type}${'pid' in theirs ? ` by pid ${theirs.pid}` : ''})`;
    this.#fenced = new BoardFencedError(`another supervisor wrote event ${seq}${what} of run ${runId}'s board on ${url}; this one stops so that only one drives the run (its board copy ${this.#paths.eventsFile} ends at event ${this.#seq})`);
    throw this.#fenced;
  }
}
