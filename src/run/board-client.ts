/**
 * The conductor's handle on the board: appends go to the board actor (the single writer); each
 * stored event it acknowledges is folded into the live RunView in seq order and handed to the
 * listeners (printer, scheduler). Nothing in the conductor changes the view any other way.
 */
import { nanoid } from 'nanoid';
import * as v from 'valibot';
import { BoardEventSchema, type BoardEvent, type BoardEventDraft } from '../../protocol/index.js';
import type { RequestBody, Result } from '../../protocol/index.js';
import { applyEvent } from '../board/fold.js';
import { readBoard } from '../board/store.js';
import type { RunView } from '../board/view.js';
import { UserError } from '../util/errors.js';
import { EXIT } from '../util/exit-codes.js';

/** The part of the supervisor the board client needs. */
export interface BoardTransport {
  call(id: string, body: RequestBody, options?: { timeoutMs?: number }): Promise<Result>;
  whenRunning(id: string): Promise<void>;
}

export type BoardListener = (event: BoardEvent, view: RunView) => void;

const APPEND_TIMEOUT_MS = 30_000;
const APPEND_ATTEMPTS = 3;

export class BoardClient {
  readonly view: RunView;
  readonly #transport: BoardTransport;
  readonly #listeners = new Set<BoardListener>();
  /** Acknowledged events waiting for an earlier seq (replies can only reorder if the board restarted). */
  readonly #pending = new Map<number, BoardEvent>();
  /** Appends sent without waiting (`post`); `flush` waits for them. */
  readonly #posted = new Set<Promise<unknown>>();
  #postError: unknown = null;

  readonly #eventsFile: string;

  /** `view` is what the board held when the run (re)started (see board/replay.ts); this client goes on folding it. */
  constructor(transport: BoardTransport, view: RunView, eventsFile: string) {
    this.#transport = transport;
    this.#eventsFile = eventsFile;
    this.view = view;
  }

  on(listener: BoardListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /**
   * Sends an event without waiting for it. Order is still kept: every append goes down the same
   * channel to the single writer, which writes in arrival order. Only for facts no decision waits on
   * (costs, attempt.started, review.started); `flush` surfaces any failure.
   */
  post(draft: BoardEventDraft): void {
    const sent = this.append(draft).catch((error: unknown) => {
      this.#postError ??= error;
    });
    this.#posted.add(sent);
    void sent.finally(() => this.#posted.delete(sent));
  }

  async flush(): Promise<void> {
    while (this.#posted.size > 0) await Promise.all([...this.#posted]);
    if (this.#postError) throw this.#postError;
  }

  async append(draft: BoardEventDraft): Promise<BoardEvent> {
    const key = nanoid();
    let lastError: unknown;
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      try {
        await this.#transport.whenRunning('board');
        const result = await this.#transport.call('board', { type: 'append', event: draft, key }, { timeoutMs: APPEND_TIMEOUT_MS });
        if (result.tag !== 'ok') throw refusal(draft.type, result, this.#eventsFile);
        const parsed = v.safeParse(BoardEventSchema, result.value);
        if (!parsed.success) throw new Error(`the board answered ${draft.type} with an invalid event: ${v.summarize(parsed.issues)}`);
        this.#accept(parsed.output);
        return parsed.output;
      } catch (error) {
        lastError = error;
        // The board actor restarted under us: wait for it and append again (same key).
        if (!isRestartable(error)) throw error;
      }
    }
    throw lastError;
  }

  #accept(event: BoardEvent): void {
    if (event.seq <= this.view.lastSeq) return; // already folded (a duplicate answer)
    this.#pending.set(event.seq, event);
    if (event.seq > this.view.lastSeq + 1 && !this.#pending.has(this.view.lastSeq + 1)) this.#fillGap(event.seq);
    this.#drain();
  }

  /**
   * A board that died after writing an event but before answering leaves a gap: its replacement
   * goes on from the file. Everything below a seq we were given is already on disk (the writer
   * syncs each line before the next), so the missing events are read back from there.
   */
  #fillGap(below: number): void {
    for (const missing of readBoard(this.#eventsFile).events) {
      if (missing.seq > this.view.lastSeq && missing.seq < below && !this.#pending.has(missing.seq)) this.#pending.set(missing.seq, missing);
    }
  }

  #drain(): void {
    for (let next = this.#pending.get(this.view.lastSeq + 1); next; next = this.#pending.get(this.view.lastSeq + 1)) {
      this.#pending.delete(next.seq);
      applyEvent(this.view, next);
      for (const listener of this.#listeners) listener(next, this.view);
    }
  }
}

/**
 * Why the board did not store an event. Another supervisor writing the same board (`fenced`) and a
 * board server that stays away (`unavailable`) end the run with one line: exit 2 for the first,
 * exit 4 (interrupted, `loop resume` continues) for the second. Anything else is a bug.
 */
function refusal(type: string, result: Exclude<Result, { tag: 'ok' }>, eventsFile: string): Error {
  if (result.tag === 'fail' && result.code === 'fenced') return new UserError(result.message, EXIT.usage);
  if (result.tag === 'fail' && result.code === 'unavailable') {
    return new UserError(`${result.message}; every event it acknowledged is in ${eventsFile}, and \`loop resume\` continues the run once the server is back`, EXIT.interrupted);
  }
  return new Error(`the board refused ${type}: ${result.tag === 'fail' ? result.message : result.reason}`);
}

function isRestartable(error: unknown): boolean {
  const name = error instanceof Error ? error.name : '';
  return name === 'ActorExitedError' || name === 'CallTimeoutError';
}
