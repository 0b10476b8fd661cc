/**
 * Turns a raw board line into a current-version event before `foldBoard` sees it. Old versions get
 * an upcaster here when a schema changes; an unknown `type` or `v` is an error that the caller
 * reports with file and line, never a silent skip.
 */
import * as v from 'valibot';
import { BOARD_EVENT_VERSION, BoardEventReadSchema, type BoardEvent } from './board-events.js';
import { compileCheck } from './fast-check.js';

export type UpcastResult = { ok: true; event: BoardEvent } | { ok: false; message: string };

/**
 * The tolerant reader per event type. Dispatching on `type` with a map is O(1); `v.variant` tries
 * its 32 options in turn, which made replaying a 100k-event board several times slower.
 */
const READ_BY_TYPE = new Map(BoardEventReadSchema.options.map((schema) => [schema.entries.type.literal as string, schema] as const));
/**
 * The same schemas compiled to fast in-place checks (see fast-check.ts), on the first read: a
 * process that never reads a board (an actor) does not pay for compiling them. valibot explains failures.
 */
let checkByType: Map<string, ReturnType<typeof compileCheck>> | null = null;

/** Upcasters from version N to N+1, keyed by N. Empty while every event is at version 1. */
const UPCASTERS: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {};

export function upcastEvent(raw: unknown): UpcastResult {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    return { ok: false, message: 'not a JSON object' };
  }
  let record = raw as Record<string, unknown>;
  let version = record['v'];
  if (typeof version !== 'number' || !Number.isInteger(version)) {
    return { ok: false, message: 'missing or invalid "v" (schema version)' };
  }
  if (version > BOARD_EVENT_VERSION) {
    return { ok: false, message: `event version ${version} is newer than this build understands (${BOARD_EVENT_VERSION}); upgrade loop` };
  }
  while (version < BOARD_EVENT_VERSION) {
    const up = UPCASTERS[version];
    if (!up) return { ok: false, message: `no upcaster from event version ${version}` };
    record = up(record);
    version += 1;
  }
  const type = typeof record['type'] === 'string' ? record['type'] : undefined;
  const schema = type === undefined ? undefined : READ_BY_TYPE.get(type);
  if (!schema) return { ok: false, message: `unknown event type ${JSON.stringify(record['type'])}` };
  checkByType ??= new Map([...READ_BY_TYPE].map(([name, read]) => [name, compileCheck(read)] as const));
  if (checkByType.get(type!)?.(record)) return { ok: true, event: record as BoardEvent };
  const parsed = v.safeParse(schema, record);
  if (!parsed.success) return { ok: false, message: v.summarize(parsed.issues).replace(/\n/g, '; ') };
  return { ok: true, event: parsed.output as BoardEvent };
}
