/**
 * Frames a dashboard page sends to the server over its WebSocket. They come from a browser, so the
 * server checks each one against these schemas and answers a bad one with an error frame; nothing
 * in them is trusted. (What the server sends is typed in ui/server/frames.ts: it carries the fold.)
 */
import * as v from 'valibot';
import { RunIdSchema, TaskIdSchema } from './ids.js';

export const DASHBOARD_LOG_KINDS = ['agent', 'gate', 'review', 'merge'] as const;
export const DashboardLogKindSchema = v.picklist(DASHBOARD_LOG_KINDS);

const Attempt = v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100_000));
const LogRef = { runId: RunIdSchema, taskId: TaskIdSchema, attempt: Attempt, kind: DashboardLogKindSchema };

export const DashboardClientFrameSchema = v.variant('type', [
  /** Show this run: a snapshot, or the events after `afterSeq` when the page already holds this board (same `epoch`). */
  v.strictObject({
    type: v.literal('subscribe'),
    runId: RunIdSchema,
    afterSeq: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
    epoch: v.optional(v.pipe(v.string(), v.maxLength(100))),
  }),
  /** Stream the lines of one attempt log (the transcript peek). */
  v.strictObject({ type: v.literal('watch-log'), ...LogRef }),
  v.strictObject({ type: v.literal('unwatch-log'), ...LogRef }),
]);
export type DashboardClientFrame = v.InferOutput<typeof DashboardClientFrameSchema>;
export type DashboardLogKind = v.InferOutput<typeof DashboardLogKindSchema>;
