/**
 * Typed request/reply over one actor's IPC channel (OTP's gen:call: the request frame's id is the
 * correlation tag of its reply). Every incoming frame is validated; an invalid one is reported and
 * never trusted. When the actor exits, every pending call is rejected (Temporal's threaded-vm).
 */
import type { ChildProcess } from 'node:child_process';
import { nanoid } from 'nanoid';
import * as v from 'valibot';
import {
  FromActorSchema, PROTOCOL, type FromActor, type FromActorBody, type RequestBody, type Result, type ToActor, type ToActorBody,
} from '../protocol/messages.js';
import { ProtocolError } from './errors.js';

export type ProgressBody = Extract<FromActorBody, { type: 'progress' }>;

export interface ChannelHooks {
  /** Every valid frame except replies (those settle their call). */
  onFrame(frame: FromActor): void;
  /** A frame that failed its schema; `summary` is valibot's, on one line. */
  onProtocolError(summary: string): void;
  /** A valid reply that no call waits for any more (it timed out or was forgotten): dropped. */
  onLateReply(frame: FromActor): void;
}

interface Pending {
  readonly resolve: (result: Result) => void;
  readonly reject: (error: Error) => void;
  readonly onProgress: ((body: ProgressBody) => void) | undefined;
}

export class Channel {
  readonly #child: ChildProcess;
  readonly #hooks: ChannelHooks;
  readonly #pending = new Map<string, Pending>();
  #closedWith: Error | null = null;

  constructor(child: ChildProcess, readonly ids: { readonly self: string; readonly peer: string }, hooks: ChannelHooks) {
    this.#child = child;
    this.#hooks = hooks;
    child.on('message', (raw: unknown) => this.#receive(raw));
  }

  get pendingCount(): number {
    return this.#pending.size;
  }

  /** Cast a frame. Returns its id, or null when the channel is already closed. */
  send(body: ToActorBody, re?: string): string | null {
    if (this.#closedWith !== null || !this.#child.connected) return null;
    const id = nanoid();
    const frame: ToActor = { proto: PROTOCOL, id, from: this.ids.self, to: this.ids.peer, body };
    if (re !== undefined) frame.re = re;
    // With a callback, a channel that closes mid-send reports here instead of emitting 'error';
    // the exit that follows rejects the pending calls.
    this.#child.send(frame, ignoreSendError);
    return id;
  }

  /** Send a request; `reply` settles with its result. The caller owns the deadline (see `forget`). */
  request(body: RequestBody, onProgress?: (body: ProgressBody) => void): { id: string; reply: Promise<Result> } {
    let pending!: Pending;
    const reply = new Promise<Result>((resolve, reject) => {
      pending = { resolve, reject, onProgress };
    });
    if (this.#closedWith !== null) {
      pending.reject(this.#closedWith);
      return { id: '', reply };
    }
    // A channel that is disconnected but not closed yet belongs to a process that is exiting:
    // keep the call pending, and `close` rejects it with the exit's ActorExitedError.
    const id = this.send(body) ?? `unsent-${nanoid()}`;
    this.#pending.set(id, pending);
    return { id, reply };
  }

  /** Stop waiting for a request (its caller gave up); a reply that still comes is reported as late. */
  forget(id: string): void {
    this.#pending.delete(id);
  }

  /** The actor is gone: reject every pending call with `error` and refuse new ones. */
  close(error: Error): void {
    if (this.#closedWith !== null) return;
    this.#closedWith = error;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const call of pending) call.reject(error);
  }

  #receive(raw: unknown): void {
    const parsed = v.safeParse(FromActorSchema, raw);
    if (!parsed.success) {
      const summary = v.summarize(parsed.issues).replace(/\s*\n\s*/g, ' ');
      const re = replyTarget(raw);
      const pending = re === undefined ? undefined : this.#pending.get(re);
      if (re !== undefined && pending !== undefined) {
        this.#pending.delete(re);
        pending.reject(new ProtocolError(this.ids.peer, summary));
      }
      this.#hooks.onProtocolError(summary);
      return;
    }
    const frame = parsed.output;
    if (frame.body.type === 'reply') {
      const pending = frame.re === undefined ? undefined : this.#pending.get(frame.re);
      if (pending === undefined) {
        this.#hooks.onLateReply(frame);
        return;
      }
      this.#pending.delete(frame.re!);
      pending.resolve(frame.body.result);
      return;
    }
    if (frame.body.type === 'progress' && frame.re !== undefined) {
      this.#pending.get(frame.re)?.onProgress?.(frame.body);
    }
    this.#hooks.onFrame(frame);
  }
}

/** The `re` of something that claims to be a reply, so an invalid reply can fail its call. */
function replyTarget(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null) return undefined;
  const { re, body } = raw as { re?: unknown; body?: unknown };
  const isReply = typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'reply';
  return isReply && typeof re === 'string' ? re : undefined;
}

function ignoreSendError(): void {}
