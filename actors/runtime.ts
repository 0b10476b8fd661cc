/**
 * The child side of the actor protocol (OTP's gen_server loop): init handshake, validation of every
 * incoming frame, concurrent requests each with its own AbortSignal, replies, crash reports, and
 * process-group hygiene. Actor modules only write `export default defineActor({input, start})`;
 * `actors/entry.js` runs this loop for them.
 */
// Frame ids only need to be unique per channel; the secure nanoid loads node:crypto, ~10 ms of every actor start.
import { nanoid } from 'nanoid/non-secure';
import * as v from 'valibot';
import type { BoardEventDraft } from '../protocol/board-events.js';
import { CONTROL_TYPES, ControlFrameSchema, PROTOCOL, type ErrorInfo } from '../protocol/control.js';
import type { FromActor, FromActorBody, RequestBody, Result, ToActor } from '../protocol/messages.js';
import { killGroup, leadsOwnGroup } from '../supervisor/process-group.js';

/** The schemas of every request (board events, provider configs, …): loaded when the first request arrives. */
type RequestSchemas = typeof import('../protocol/messages.js');

export interface ActorContext {
  readonly actorId: string;
  /** Cast a board event draft; the supervisor's owner relays it to the board. */
  emit(event: BoardEventDraft): void;
  progress(note: string, extra?: { pid?: number; data?: unknown }): void;
  /** An agent process group this actor started: the runtime (and the supervisor) SIGKILL it on crash, disconnect or shutdown. */
  adoptGroup(pid: number): void;
  /** The agent group is gone; stop tracking it. */
  releaseGroup(pid: number): void;
}

export interface RequestContext extends ActorContext {
  readonly requestId: string;
  /** Aborted on `cancel` for this request (reason: the cancel's reason) or on shutdown. */
  readonly signal: AbortSignal;
}

export interface ActorHandlers {
  /** Expected failures are `fail` results; a throw is a crash (the actor exits and is restarted). */
  handle(body: RequestBody, ctx: RequestContext): Promise<Result>;
  stop?(): Promise<void>;
}

export interface ActorDefinition<Input> {
  readonly input: v.GenericSchema<unknown, Input>;
  start(input: Input, ctx: ActorContext): Promise<ActorHandlers> | ActorHandlers;
}

export function defineActor<Input>(definition: ActorDefinition<Input>): ActorDefinition<Input> {
  return definition;
}

/** Upper bound on waiting for the last frame to be written before exiting. */
const FLUSH_TIMEOUT_MS = 1_000;

type Phase = 'waiting-init' | 'starting' | 'running' | 'exiting';
type Loaded = { ok: true; definition: ActorDefinition<unknown> } | { ok: false; error: ErrorInfo };

/** Run the loop for the module at `modulePath` (already being imported as `module`). */
export function runActor(modulePath: string, module: Promise<unknown>): void {
  new ActorLoop(modulePath, module);
}

class ActorLoop {
  #phase: Phase = 'waiting-init';
  #actorId = 'actor';
  #parentId = 'supervisor';
  #handlers: ActorHandlers | null = null;
  readonly #inflight = new Map<string, { controller: AbortController; done: Promise<void> }>();
  readonly #groups = new Set<number>();
  readonly #definition: Promise<Loaded>;
  #lastWrite: Promise<void> = Promise.resolve();
  #requestSchemas: RequestSchemas | null = null;
  /** Frames that arrived while the request schemas were loading, in arrival order. */
  readonly #waiting: unknown[] = [];

  constructor(modulePath: string, module: Promise<unknown>) {
    this.#definition = module.then(
      (loaded) => asDefinition(loaded, modulePath),
      (error: unknown) => ({ ok: false as const, error: { ...errorInfo(error), message: `cannot load actor module ${modulePath}: ${errorInfo(error).message}` } }),
    );
    process.on('message', (raw: unknown) => this.#receive(raw));
    // The supervisor is gone (even kill -9): leave no orphans behind, neither adopted agent groups
    // nor helpers spawned into our own group (the supervisor forks each actor as a group leader).
    process.on('disconnect', () => {
      this.#killGroups();
      if (leadsOwnGroup()) killGroup(process.pid);
      process.exit(this.#phase === 'exiting' ? 0 : 1);
    });
    process.on('uncaughtException', (error) => this.#crash(error));
    process.on('unhandledRejection', (reason) => this.#crash(reason));
  }

  /**
   * Control frames (init, cancel, shutdown, ping) are checked at once; the first other frame loads
   * the request schemas, and every frame behind it waits its turn, so order is kept.
   */
  #receive(raw: unknown): void {
    if (this.#waiting.length === 0 && (this.#requestSchemas !== null || isControlFrame(raw))) {
      this.#dispatch(raw);
      return;
    }
    this.#waiting.push(raw);
    if (this.#waiting.length === 1 && this.#requestSchemas === null) {
      import('../protocol/messages.js').then(
        (schemas) => {
          this.#requestSchemas = schemas;
          for (const frame of this.#waiting.splice(0)) this.#dispatch(frame);
        },
        (error: unknown) => this.#crash(error),
      );
    }
  }

  #dispatch(raw: unknown): void {
    const parsed = v.safeParse(this.#requestSchemas?.ToActorSchema ?? ControlFrameSchema, raw);
    if (!parsed.success) {
      this.#rejectFrame(raw, v.summarize(parsed.issues).replace(/\s*\n\s*/g, ' '));
      return;
    }
    const frame = parsed.output as ToActor;
    const body = frame.body;
    switch (body.type) {
      case 'init': void this.#init(frame, body.actorId, body.input); return;
      case 'shutdown': void this.#shutdown(body.reason); return;
      case 'cancel': this.#inflight.get(body.target)?.controller.abort(body.reason); return;
      case 'ping': this.#reply(frame.id, { tag: 'ok', value: body.payload ?? null }); return;
      default: this.#handle(frame.id, body);
    }
  }

  #rejectFrame(raw: unknown, summary: string): void {
    process.stderr.write(`[${this.#actorId}] invalid frame from the supervisor, ignored: ${summary}\n`);
    const id = (raw as { id?: unknown } | null)?.id;
    if (typeof id === 'string' && id.length > 0) {
      this.#reply(id, { tag: 'fail', code: 'protocol', message: `invalid frame: ${summary}` });
    }
  }

  async #init(frame: ToActor, actorId: string, rawInput: unknown): Promise<void> {
    if (this.#phase !== 'waiting-init') {
      process.stderr.write(`[${this.#actorId}] second init ignored\n`);
      return;
    }
    this.#phase = 'starting';
    this.#actorId = actorId;
    this.#parentId = frame.from;
    const loaded = await this.#definition;
    if (!loaded.ok) return this.#exit(1, { type: 'init-failed', error: loaded.error }, frame.id);
    const input = v.safeParse(loaded.definition.input, rawInput);
    if (!input.success) {
      const message = `invalid input for actor "${actorId}": ${v.summarize(input.issues).replace(/\s*\n\s*/g, ' ')}`;
      return this.#exit(1, { type: 'init-failed', error: { name: 'InvalidInput', message } }, frame.id);
    }
    let handlers: ActorHandlers;
    try {
      handlers = await loaded.definition.start(input.output, this.#context(undefined));
    } catch (error) {
      return this.#exit(1, { type: 'init-failed', error: errorInfo(error) }, frame.id);
    }
    if (this.#phase !== 'starting') return; // shut down while starting
    this.#handlers = handlers;
    this.#phase = 'running';
    this.#send({ type: 'ready', pid: process.pid }, frame.id);
  }

  #handle(id: string, body: RequestBody): void {
    if (this.#phase !== 'running' || this.#handlers === null) {
      const state = this.#phase === 'exiting' ? 'shutting down' : 'not started yet';
      this.#reply(id, { tag: 'fail', code: 'not-ready', message: `actor "${this.#actorId}" is ${state}` });
      return;
    }
    const handlers = this.#handlers;
    const controller = new AbortController();
    const ctx: RequestContext = { ...this.#context(id), requestId: id, signal: controller.signal };
    const done = (async () => {
      let result: Result;
      try {
        result = await handlers.handle(body, ctx);
      } catch (error) {
        this.#crash(error); // let it crash: the supervisor restarts us and the caller sees ActorExitedError
        return;
      } finally {
        this.#inflight.delete(id);
      }
      this.#reply(id, result);
    })();
    this.#inflight.set(id, { controller, done });
  }

  async #shutdown(reason: string): Promise<void> {
    if (this.#phase === 'exiting') return;
    const wasRunning = this.#phase === 'running';
    this.#phase = 'exiting';
    const inflight = [...this.#inflight.values()];
    for (const { controller } of inflight) controller.abort(`shutdown: ${reason}`);
    try {
      if (wasRunning) {
        await Promise.allSettled(inflight.map((request) => request.done));
        await this.#handlers?.stop?.();
      }
    } catch (error) {
      return this.#exit(1, { type: 'crash', error: errorInfo(error) });
    }
    return this.#exit(0);
  }

  #crash(error: unknown): void {
    if (this.#phase === 'exiting') {
      process.stderr.write(`[${this.#actorId}] error while exiting: ${errorInfo(error).stack ?? errorInfo(error).message}\n`);
      return;
    }
    this.#phase = 'exiting';
    for (const { controller } of this.#inflight.values()) controller.abort('crash');
    void this.#exit(1, { type: 'crash', error: errorInfo(error) });
  }

  /** Kill adopted groups first (no orphans even if the send hangs), then the last frame, then exit. */
  async #exit(code: number, last?: FromActorBody, re?: string): Promise<void> {
    this.#phase = 'exiting';
    this.#killGroups();
    if (last !== undefined) this.#send(last, re);
    await Promise.race([this.#lastWrite, new Promise((resolve) => setTimeout(resolve, FLUSH_TIMEOUT_MS).unref())]);
    process.exit(code);
  }

  #context(re: string | undefined): ActorContext {
    const actorId = this.#actorId;
    return {
      actorId,
      emit: (event) => this.#send({ type: 'emit', event }, re),
      progress: (note, extra) => {
        const body: Extract<FromActorBody, { type: 'progress' }> = { type: 'progress', note };
        if (extra?.pid !== undefined) body.pid = extra.pid;
        if (extra?.data !== undefined) body.data = extra.data;
        this.#send(body, re);
      },
      adoptGroup: (pid) => {
        this.#groups.add(pid);
        this.#send({ type: 'progress', note: 'agent-started', pid }, re);
      },
      releaseGroup: (pid) => {
        this.#groups.delete(pid);
        this.#send({ type: 'progress', note: 'agent-exited', pid }, re);
      },
    };
  }

  #reply(re: string, result: Result): void {
    // JSON drops an undefined `value`, which the reply schema would then reject.
    const safe: Result = result.tag === 'ok' && result.value === undefined ? { tag: 'ok', value: null } : result;
    this.#send({ type: 'reply', result: safe }, re);
  }

  #send(body: FromActorBody, re?: string): void {
    if (!process.connected || process.send === undefined) return;
    const frame: FromActor = { proto: PROTOCOL, id: nanoid(), from: this.#actorId, to: this.#parentId, body };
    if (re !== undefined) frame.re = re;
    this.#lastWrite = new Promise((resolve) => {
      // With a callback, a closed channel reports here instead of throwing or emitting 'error'.
      process.send!(frame, undefined, undefined, () => resolve());
    });
  }

  #killGroups(): void {
    for (const pgid of this.#groups) {
      if (pgid !== process.pid) killGroup(pgid);
    }
    this.#groups.clear();
  }
}

function isControlFrame(raw: unknown): boolean {
  const body = (raw as { body?: { type?: unknown } } | null)?.body;
  return typeof body?.type === 'string' && CONTROL_TYPES.has(body.type);
}

function asDefinition(module: unknown, modulePath: string): Loaded {
  const candidate = (module as { default?: unknown } | null)?.default as Partial<ActorDefinition<unknown>> | undefined;
  if (typeof candidate === 'object' && candidate !== null && typeof candidate.start === 'function'
    && typeof candidate.input === 'object' && candidate.input !== null) {
    return { ok: true, definition: candidate as ActorDefinition<unknown> };
  }
  return { ok: false, error: { name: 'InvalidActorModule', message: `${modulePath} has no default export made with defineActor({input, start})` } };
}

function errorInfo(error: unknown): ErrorInfo {
  if (error instanceof Error) {
    return error.stack === undefined ? { name: error.name, message: error.message } : { name: error.name, message: error.message, stack: error.stack };
  }
  return { name: 'NonError', message: String(error) };
}
