/**
 * "Is a supervisor driving this run?" over core NATS request/reply: the supervisor of a run on the
 * `nats` engine answers on `loop.run.<run>.supervisor` for as long as it is connected, so a second
 * `loop resume` (on this machine or another) is refused before it touches anything. A supervisor
 * killed outright drops its connection and stops answering; one that is cut off from the server
 * cannot answer either, and then the board's sequence fence stops whichever of the two writes second.
 */
import { hostname } from 'node:os';
import type { NatsConnection, Subscription } from '@nats-io/transport-node';
import { presenceSubject } from './names.js';

export interface SupervisorPresence {
  pid: number;
  host: string;
  since: number;
}

/** How long a supervisor that holds the subscription gets to answer. */
const ANSWER_TIMEOUT_MS = 5_000;

export type PresenceAnswer = { state: 'none' } | { state: 'running'; supervisor: SupervisorPresence } | { state: 'silent' };

export async function askSupervisor(nc: NatsConnection, runId: string): Promise<PresenceAnswer> {
  try {
    const reply = await nc.request(presenceSubject(runId), '', { timeout: ANSWER_TIMEOUT_MS });
    return { state: 'running', supervisor: reply.json<SupervisorPresence>() };
  } catch (error) {
    // No subscriber: the server says so at once ("no responders").
    if (isNoResponders(error)) return { state: 'none' };
    return { state: 'silent' };
  }
}

/** Answers for this process until the subscription (or the connection) is closed. */
export function answerAsSupervisor(nc: NatsConnection, runId: string, since: number): Subscription {
  const me: SupervisorPresence = { pid: process.pid, host: hostname(), since };
  return nc.subscribe(presenceSubject(runId), {
    callback: (_error, message) => {
      message.respond(JSON.stringify(me));
    },
  });
}

function isNoResponders(error: unknown): boolean {
  for (let e: unknown = error; e instanceof Error; e = e.cause) {
    if (e.name === 'NoRespondersError' || /no responders/i.test(e.message)) return true;
  }
  return false;
}
