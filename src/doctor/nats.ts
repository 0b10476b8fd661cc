/**
 * What `loop doctor` finds out about the NATS server of `loop.engine: nats`: can the supervisor's
 * credentials connect, is JetStream on, does a stream with the board's settings work end to end
 * (created, written with the board's fence, read back, removed), and are the boards already there
 * set up as loop needs them. Effectful; the verdicts are in nats-checks.ts.
 */
import { randomBytes } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { LoopConfig, NatsSettings } from '../../protocol/index.js';
import { describeIdentity, resolveNatsSettings, streamSettings, type StreamSettings } from '../nats/settings.js';

export interface NatsFacts extends ServerReach {
  /** A throwaway stream with the board's settings: created, written, read back, removed. */
  probe?: { ok: boolean; error?: string; settings?: StreamSettings };
  /** Board streams already on the server (BOARD_<run>). */
  boards?: StreamSettings[];
}

/** What every server check starts with: connected as the given identity, and JetStream answering it. */
export interface ServerReach {
  url: string;
  identity: string;
  /** Connected with the given credentials; else `error` says why not. */
  connected: boolean;
  error?: string;
  serverVersion?: string;
  jetstream?: { ok: boolean; error?: string };
}

/**
 * Connects with `settings` and asks JetStream, filling in `facts`; `use` runs when both worked, with
 * the connection and its manager. The connection is closed before this returns.
 */
export async function reachServer<T extends ServerReach>(settings: NatsSettings, name: string, facts: T, use: (nc: NatsConnection, jsm: JetStreamManager) => Promise<void>): Promise<T> {
  // Loaded here: the NATS client costs ~100 ms to import and only this engine needs it.
  const { connectNats } = await import('../nats/connect.js');
  const { jetstreamManager } = await import('@nats-io/jetstream');
  let nc: NatsConnection;
  try {
    nc = await connectNats(settings, name);
  } catch (error) {
    return { ...facts, error: (error as Error).message };
  }
  try {
    facts.connected = true;
    facts.serverVersion = nc.info?.version ?? 'unknown';
    let jsm: JetStreamManager;
    try {
      jsm = await jetstreamManager(nc);
      facts.jetstream = { ok: true };
    } catch (error) {
      facts.jetstream = { ok: false, error: (error as Error).message };
      return facts;
    }
    await use(nc, jsm);
    return facts;
  } finally {
    await nc.close();
  }
}

export async function gatherNats(config: LoopConfig, configDir: string): Promise<NatsFacts | null> {
  if (config.loop.engine !== 'nats' || config.loop.nats === undefined) return null;
  const settings = resolveNatsSettings(config.loop.nats, configDir);
  const { jetstream } = await import('@nats-io/jetstream');
  const { boardStreamConfig } = await import('../nats/board-stream.js');
  const { BOARD_STREAM_PREFIX } = await import('../nats/names.js');
  const facts: NatsFacts = { url: settings.url, identity: describeIdentity(settings), connected: false };
  return reachServer(settings, 'loop doctor', facts, async (nc, jsm) => {
    const name = `LOOP_DOCTOR_${randomBytes(4).toString('hex')}`;
    const subject = `loop.doctor.${name}`;
    try {
      const info = await jsm.streams.add({ ...boardStreamConfig(name), name, subjects: [subject], description: 'loop doctor probe (removed at once)' });
      const js = jetstream(nc);
      await js.publish(subject, new TextEncoder().encode('{"probe":true}'), { msgID: name, expect: { lastSequence: 0 } });
      const stored = await jsm.streams.getMessage(name, { seq: 1 });
      if (stored?.string() !== '{"probe":true}') throw new Error('the message written could not be read back');
      facts.probe = { ok: true, settings: streamSettings(info) };
    } catch (error) {
      facts.probe = { ok: false, error: (error as Error).message };
    } finally {
      await jsm.streams.delete(name).catch(() => undefined);
    }
    const boards: StreamSettings[] = [];
    for await (const info of jsm.streams.list()) {
      if (info.config.name.startsWith(BOARD_STREAM_PREFIX)) boards.push(streamSettings(info));
    }
    facts.boards = boards;
  });
}
