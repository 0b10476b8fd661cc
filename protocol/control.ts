/**
 * The frame envelope and the control messages every actor understands from its first moment
 * (init, cancel, shutdown, ping). Split from messages.ts so the actor runtime can check these
 * without building the schemas of every request: it loads those when the first request arrives.
 */
import * as v from 'valibot';
import { ActorIdSchema, MessageIdSchema } from './ids.js';

/** Brand and version in one field: a frame without it is not ours, or comes from another build. */
export const PROTOCOL = 'loop/1';

export const envelope = <const TBody extends v.GenericSchema>(body: TBody) =>
  v.strictObject({
    proto: v.literal(PROTOCOL),
    id: MessageIdSchema,
    re: v.optional(MessageIdSchema),
    from: ActorIdSchema,
    to: ActorIdSchema,
    body,
  });

export const ErrorInfoSchema = v.object({
  name: v.string(),
  message: v.string(),
  stack: v.optional(v.string()),
});
export type ErrorInfo = v.InferOutput<typeof ErrorInfoSchema>;

/** First frame to every actor; answered by `ready` or `init-failed` before the start deadline. */
export const InitSchema = v.strictObject({
  type: v.literal('init'),
  actorId: ActorIdSchema,
  /** Validated by the actor against its own input schema. */
  input: v.unknown(),
});

/** Ask the actor to abort the request `target`; it answers that request with `interrupted`. */
export const CancelSchema = v.strictObject({ type: v.literal('cancel'), target: MessageIdSchema, reason: v.string() });
/** Orderly stop: the actor finishes cleanup and exits 0; the supervisor SIGKILLs its group after the grace period. */
export const ShutdownSchema = v.strictObject({ type: v.literal('shutdown'), reason: v.string() });
/** Supervisor liveness probe; answered with `reply ok`. Used by tests and the benchmark. */
export const PingSchema = v.strictObject({ type: v.literal('ping'), payload: v.optional(v.string()) });

/** A frame whose body is one of the control messages above. */
export const ControlFrameSchema = envelope(v.variant('type', [InitSchema, CancelSchema, ShutdownSchema, PingSchema]));
export const CONTROL_TYPES: ReadonlySet<string> = new Set(['init', 'cancel', 'shutdown', 'ping']);
