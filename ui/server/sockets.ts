/**
 * The WebSocket side: a page subscribes to one run at a time (topic `run:<id>`) and to the logs it
 * peeks at (topic `log:<run>/<task>/<attempt>/<kind>`). The snapshot or the missed events are sent
 * and the topic joined in the same turn of the event loop, so no event falls between them or comes
 * twice. Every frame from the page is checked; a bad one gets an error frame, never a crash.
 */
import * as v from 'valibot';
import type { TemplatedApp, WebSocket } from 'uWebSockets.js';
import { DashboardClientFrameSchema, type DashboardClientFrame, type DashboardLogKind } from '../../protocol/index.js';
import type { RunFeed } from '../live/run-feed.js';
import { logPath, parseLogFileName } from '../live/run-files.js';
import type { ServerFrame } from './frames.js';
import type { LogFollowers } from './log-follow.js';
import type { Redactor } from './redact.js';
import type { RunRegistry } from './registry.js';

export interface Peer {
  runId: string | null;
  logs: Set<string>;
  /** The page presented the token: its controls work. */
  hasToken: boolean;
}

export const runTopic = (runId: string): string => `run:${runId}`;
export const logTopic = (f: { runId: string; taskId: string; attempt: number; kind: string }): string => `log:${f.runId}/${f.taskId}/${f.attempt}/${f.kind}`;

export class Sockets {
  constructor(
    private readonly app: TemplatedApp,
    private readonly registry: RunRegistry,
    private readonly follow: LogFollowers,
    private readonly redactor: Redactor,
  ) {}

  send(ws: WebSocket<Peer>, frame: ServerFrame): void {
    ws.send(this.redactor.json(frame), false);
  }

  publish(topic: string, frame: ServerFrame): void {
    this.app.publish(topic, this.redactor.json(frame), false);
  }

  onMessage(ws: WebSocket<Peer>, message: ArrayBuffer, isBinary: boolean): void {
    let frame: DashboardClientFrame;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      const parsed = v.safeParse(DashboardClientFrameSchema, JSON.parse(Buffer.from(message).toString('utf8')));
      if (!parsed.success) return this.send(ws, { type: 'error', status: 400, message: `bad frame: ${v.summarize(parsed.issues).replace(/\n/g, '; ')}` });
      frame = parsed.output;
    } catch (error) {
      return this.send(ws, { type: 'error', status: 400, message: `bad frame: ${error instanceof Error ? error.message : String(error)}` });
    }
    const feed = this.registry.get(frame.runId);
    if (!feed) return this.send(ws, { type: 'error', status: 404, message: `no run "${frame.runId}" in this folder` });
    switch (frame.type) {
      case 'subscribe':
        return this.#subscribe(ws, feed, frame.afterSeq, frame.epoch);
      case 'watch-log':
        return this.#watchLog(ws, feed, frame);
      case 'unwatch-log':
        return this.#unwatch(ws, logTopic(frame));
    }
  }

  onClose(ws: WebSocket<Peer>): void {
    // The socket is closed: its topics are gone; drop logs nobody watches any more.
    for (const topic of ws.getUserData().logs) if (this.app.numSubscribers(topic) === 0) this.follow.close(topic);
  }

  /** New lines of a followed log, to its watchers. */
  logChanged(feed: RunFeed, fileName: string): void {
    const log = parseLogFileName(fileName);
    if (log) this.#pollLog(feed.runId, log.taskId, log.attempt, log.kind);
  }

  #subscribe(ws: WebSocket<Peer>, feed: RunFeed, afterSeq: number | undefined, epoch: string | undefined): void {
    const peer = ws.getUserData();
    if (peer.runId !== null && peer.runId !== feed.runId) {
      ws.unsubscribe(runTopic(peer.runId));
      for (const topic of peer.logs) this.#unwatch(ws, topic);
    }
    peer.runId = feed.runId;
    const view = feed.state.view;
    if (afterSeq !== undefined && epoch === feed.epoch && afterSeq <= view.lastSeq) {
      this.send(ws, { type: 'events', runId: feed.runId, epoch: feed.epoch, events: feed.eventsAfter(afterSeq) });
    } else {
      this.send(ws, { type: 'snapshot', runId: feed.runId, epoch: feed.epoch, state: feed.state });
    }
    ws.subscribe(runTopic(feed.runId));
  }

  #watchLog(ws: WebSocket<Peer>, feed: RunFeed, f: Extract<DashboardClientFrame, { type: 'watch-log' }>): void {
    if (!feed.state.view.tasks[f.taskId]) return this.send(ws, { type: 'error', status: 404, message: `no task "${f.taskId}" in run ${f.runId}` });
    const topic = logTopic(f);
    // Bring current watchers up to date first, so the newcomer's tail ends where they stand.
    this.#pollLog(f.runId, f.taskId, f.attempt, f.kind);
    const lines = this.follow.open(topic, logPath(feed.files, f.taskId, f.attempt, f.kind));
    this.send(ws, { type: 'log', runId: f.runId, taskId: f.taskId, attempt: f.attempt, kind: f.kind, lines, reset: true });
    ws.subscribe(topic);
    ws.getUserData().logs.add(topic);
  }

  #unwatch(ws: WebSocket<Peer>, topic: string): void {
    ws.unsubscribe(topic);
    ws.getUserData().logs.delete(topic);
    if (this.app.numSubscribers(topic) === 0) this.follow.close(topic);
  }

  #pollLog(runId: string, taskId: string, attempt: number, kind: DashboardLogKind): void {
    const topic = logTopic({ runId, taskId, attempt, kind });
    if (!this.follow.has(topic)) return;
    const lines = this.follow.poll(topic);
    if (lines.length > 0) this.publish(topic, { type: 'log', runId, taskId, attempt, kind, lines, reset: false });
  }
}
