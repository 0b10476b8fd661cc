/**
 * The board of one run on JetStream: stream `BOARD_<run>` on subjects `loop.board.<run>.<event
 * type>`, file storage, no limits, message deletion and purging refused by the server. The stream's
 * sequence is the board's `seq`; replay and tail are ordered consumers from a seq.
 */
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import {
  DeliverPolicy, DiscardPolicy, RetentionPolicy, StorageType, jetstream, jetstreamManager,
  type JetStreamClient, type JetStreamManager, type StreamConfig, type StreamInfo,
} from '@nats-io/jetstream';
import { upcastEvent, type BoardEvent, type NatsSettings } from '../../protocol/index.js';
import type { BoardProblem } from '../board/store.js';
import { UserError } from '../util/errors.js';
import { connectNats } from './connect.js';
import { describeIdentity } from './settings.js';
import { boardStream, boardSubjects } from './names.js';

/** How long the server remembers a `Nats-Msg-Id`: a retried publish inside it is answered "duplicate". */
export const DUPLICATE_WINDOW_MS = 120_000;

export function boardStreamConfig(runId: string): Partial<StreamConfig> & { name: string } {
  return {
    name: boardStream(runId),
    subjects: [boardSubjects(runId)],
    description: `loop board of run ${runId}`,
    storage: StorageType.File,
    num_replicas: 1,
    retention: RetentionPolicy.Limits,
    discard: DiscardPolicy.New,
    max_msgs: -1,
    max_bytes: -1,
    max_age: 0,
    duplicate_window: nanos(DUPLICATE_WINDOW_MS),
    // A board is append-only: no client, the supervisor included, may delete or purge its events.
    deny_delete: true,
    deny_purge: true,
    allow_direct: true,
  };
}

/** The stream's info, or null when the run has no board on this server. */
export async function boardStreamInfo(jsm: JetStreamManager, runId: string): Promise<StreamInfo | null> {
  try {
    return await jsm.streams.info(boardStream(runId));
  } catch (error) {
    if (isStreamNotFound(error)) return null;
    throw error;
  }
}

/** Creates the run's stream if it does not exist; an existing one must capture this run's subjects. */
export async function openBoardStream(jsm: JetStreamManager, runId: string): Promise<StreamInfo> {
  const existing = await boardStreamInfo(jsm, runId);
  if (existing === null) return jsm.streams.add(boardStreamConfig(runId));
  if (!existing.config.subjects?.includes(boardSubjects(runId))) {
    throw new UserError(`stream ${boardStream(runId)} on the NATS server does not capture ${boardSubjects(runId)} (it has ${existing.config.subjects?.join(', ') ?? 'no subjects'}); it was not made by loop — remove it or pick another run id`);
  }
  return existing;
}

export function isStreamNotFound(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 10059 || (error instanceof Error && error.name === 'StreamNotFoundError');
}

/** Adds the stream unless one of that name exists (an existing stream is kept as it is). */
export async function addStreamIfMissing(jsm: JetStreamManager, config: Partial<StreamConfig> & { name: string }): Promise<void> {
  try {
    await jsm.streams.info(config.name);
    return;
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
  }
  await jsm.streams.add(config);
}

/** One stored message as a board event; its `seq` must be the message's stream sequence. */
export function parseBoardMessage(stream: string, seq: number, data: Uint8Array): { event: BoardEvent } | { problem: BoardProblem } {
  const at = { file: `nats:${stream}`, line: seq, torn: false };
  let raw: unknown;
  try {
    raw = JSON.parse(new TextDecoder().decode(data));
  } catch {
    return { problem: { ...at, message: 'not valid JSON' } };
  }
  const result = upcastEvent(raw);
  if (!result.ok) return { problem: { ...at, message: result.message } };
  if (result.event.seq !== seq) return { problem: { ...at, message: `holds event seq ${result.event.seq} at stream sequence ${seq}` } };
  return { event: result.event };
}

export interface StreamRead {
  events: BoardEvent[];
  problems: BoardProblem[];
  /** The stream's last sequence when the read started. */
  lastSeq: number;
}

/** Replays the run's board from `fromSeq` to the stream's end as it was when called (an ordered consumer). */
export async function readBoardStream(js: JetStreamClient, jsm: JetStreamManager, runId: string, fromSeq = 1): Promise<StreamRead> {
  const info = await boardStreamInfo(jsm, runId);
  const lastSeq = info?.state.last_seq ?? 0;
  const read: StreamRead = { events: [], problems: [], lastSeq };
  if (info === null || info.state.messages === 0 || lastSeq < fromSeq) return read;
  const start = Math.max(fromSeq, info.state.first_seq);
  const consumer = await js.consumers.get(boardStream(runId), { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: start });
  const messages = await consumer.consume({ max_messages: 5000 });
  for await (const message of messages) {
    const parsed = parseBoardMessage(info.config.name, message.seq, message.data);
    if ('event' in parsed) read.events.push(parsed.event);
    else read.problems.push(parsed.problem);
    // `pending` 0: nothing more is stored right now (the last sequences may be gone from a stream loop did not make).
    if (message.seq >= lastSeq || message.info.pending === 0) break;
  }
  return read;
}

export interface BoardTail {
  /** Stops the consumer; resolves once no more events will be delivered. */
  stop(): Promise<void>;
}

/**
 * Follows the run's board from `fromSeq` on, live: every stored event, in order, as it is written
 * (an ordered consumer; it recreates itself after a server restart). For readers on other machines.
 */
export async function tailBoardStream(
  js: JetStreamClient,
  runId: string,
  fromSeq: number,
  on: { event(event: BoardEvent): void; problem?(problem: BoardProblem): void },
): Promise<BoardTail> {
  const stream = boardStream(runId);
  const consumer = await js.consumers.get(stream, { deliver_policy: DeliverPolicy.StartSequence, opt_start_seq: Math.max(1, fromSeq) });
  const messages = await consumer.consume({ max_messages: 1000 });
  const loop = (async () => {
    for await (const message of messages) {
      const parsed = parseBoardMessage(stream, message.seq, message.data);
      if ('event' in parsed) on.event(parsed.event);
      else on.problem?.(parsed.problem);
    }
  })();
  return {
    async stop() {
      messages.stop();
      await loop;
    },
  };
}

/** An open connection to one run's board on the server. */
export interface BoardConnection {
  nc: NatsConnection;
  js: JetStreamClient;
  jsm: JetStreamManager;
  runId: string;
  url: string;
}

export async function connectBoard(settings: NatsSettings, runId: string, name: string): Promise<BoardConnection> {
  const nc = await connectNats(settings, name);
  try {
    return { nc, js: jetstream(nc), jsm: await jetstreamManager(nc), runId, url: settings.url };
  } catch (error) {
    await nc.close();
    const reason = error instanceof Error ? error.message : String(error);
    if (/permission/i.test(reason)) throw new UserError(`the NATS server at ${settings.url} does not let ${describeIdentity(settings)} use JetStream (${reason}); the supervisor needs the identity \`loop nats setup\` writes to supervisor.nk, not a worker's`);
    throw new UserError(`the NATS server at ${settings.url} has no JetStream (${reason}); enable it with a \`jetstream { store_dir: … }\` block in its config (\`loop nats setup\` writes one)`);
  }
}
