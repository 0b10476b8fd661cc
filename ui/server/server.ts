/**
 * `loop dashboard`'s server: one uWebSockets.js app (HTTP + WebSocket) for every run of a folder.
 * It follows each board as it grows and publishes the events to the run's topic the moment they
 * are read; pages get a snapshot first and resume from the last seq they saw after a reconnect.
 */
import { readdir, readFile, stat } from 'node:fs/promises';
import uWS, { type us_listen_socket } from 'uWebSockets.js';
import { TASK_ID_PATTERN, DASHBOARD_LOG_KINDS, type DashboardLogKind } from '../../protocol/index.js';
import { buildDashboard } from '../model/dashboard.js';
import { taskStory } from '../model/story.js';
import type { RunFeed } from '../live/run-feed.js';
import { logPath, parseLogFileName } from '../live/run-files.js';
import { Http, type Incoming, type Reply } from './http.js';
import { LogFollowers } from './log-follow.js';
import type { DashboardPorts } from './ports.js';
import { Redactor } from './redact.js';
import { RunRegistry } from './registry.js';
import { Guard, newToken, TOKEN_QUERY } from './security.js';
import { runTopic, Sockets, type Peer } from './sockets.js';
import { loadStaticFiles, type StaticFile } from './static.js';

export const DEFAULT_PORT = 4318;
/** A page notices an agent's output at most this often per task (the silence timer needs no more). */
const OUTPUT_NOTICE_MS = 1000;
/** The run picker's list is sent at most this often (it changes with every task created or merged). */
const RUNS_NOTICE_MS = 500;
/** The log endpoint serves at most the last part of a log. */
const MAX_LOG_BYTES = 2 * 1024 * 1024;

/** The address or port cannot be listened on: a user's choice to change, not a bug. */
export class ListenError extends Error {
  override name = 'ListenError';
}

export interface DashboardOptions {
  ports: DashboardPorts;
  host: string;
  port: number;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

export interface RunningDashboard {
  host: string;
  port: number;
  token: string;
  tokenRequired: boolean;
  /** The URL to open: with the token, so controls work. */
  url: string;
  close(): void;
}

export async function startDashboard(o: DashboardOptions): Promise<RunningDashboard> {
  const now = o.now ?? Date.now;
  const token = newToken();
  const files = loadStaticFiles();
  const redactor = new Redactor(o.env ?? process.env, [...(o.ports.secrets ?? []), ['dashboard token', token]]);
  const app = uWS.App();
  const follow = new LogFollowers();
  const lastNotice = new Map<string, number>();
  const open = new Set<uWS.WebSocket<Peer>>();
  let runsNotice: NodeJS.Timeout | null = null;
  let sockets: Sockets;
  const registry = new RunRegistry(o.ports, {
    onEvents: (feed, events) => sockets.publish(runTopic(feed.runId), { type: 'events', runId: feed.runId, epoch: feed.epoch, events }),
    onReset: (feed) => sockets.publish(runTopic(feed.runId), { type: 'snapshot', runId: feed.runId, epoch: feed.epoch, state: feed.state }),
    onOutput: (feed, taskId, at) => {
      const key = `${feed.runId}/${taskId}`;
      if (at - (lastNotice.get(key) ?? 0) < OUTPUT_NOTICE_MS) return;
      lastNotice.set(key, at);
      sockets.publish(runTopic(feed.runId), { type: 'output', runId: feed.runId, taskId, at });
    },
    onLogChange: (feed, name) => sockets.logChanged(feed, name),
    onRunsChanged: () => {
      runsNotice ??= setTimeout(() => {
        runsNotice = null;
        sockets.publish('runs', { type: 'runs', runs: registry.list() });
      }, RUNS_NOTICE_MS);
    },
  });
  sockets = new Sockets(app, registry, follow, redactor);

  const { listenSocket, port } = await listen(app, o.host, o.port);
  const guard = new Guard(token, o.host, port);
  const http = new Http(guard, redactor);
  const feedOr404 = (r: Incoming): RunFeed | Reply => registry.get(r.params[0]!) ?? http.notFound(`no run "${r.params[0]}" in this folder`);
  const isReply = <T extends object>(x: T | Reply): x is Reply => 'status' in x && 'body' in x;

  app.ws<Peer>('/ws', {
    compression: uWS.DISABLED,
    maxPayloadLength: 16 * 1024,
    maxBackpressure: 16 * 1024 * 1024,
    idleTimeout: 120,
    sendPingsAutomatically: true,
    upgrade: (res, req, context) => {
      const facts = { method: 'GET', host: req.getHeader('host'), origin: req.getHeader('origin'), fetchSite: req.getHeader('sec-fetch-site'), authorization: req.getHeader('authorization'), cookie: req.getHeader('cookie'), query: req.getQuery() ?? '' };
      const verdict = guard.check(facts, 'socket');
      if (!verdict.ok) {
        res.writeStatus(`${verdict.status} ${verdict.status === 401 ? 'Unauthorized' : 'Forbidden'}`).writeHeader('Content-Type', 'application/json').end(JSON.stringify({ error: 'refused', message: verdict.message }));
        return;
      }
      res.upgrade<Peer>({ runId: null, logs: new Set(), hasToken: verdict.hasToken }, req.getHeader('sec-websocket-key'), req.getHeader('sec-websocket-protocol'), req.getHeader('sec-websocket-extensions'), context);
    },
    open: (ws) => {
      open.add(ws);
      ws.subscribe('runs');
      sockets.send(ws, { type: 'hello', runs: registry.list(), controls: o.ports.stop !== undefined && ws.getUserData().hasToken, tokenRequired: guard.tokenRequired });
    },
    message: (ws, message, isBinary) => sockets.onMessage(ws, message, isBinary),
    close: (ws) => {
      open.delete(ws);
      sockets.onClose(ws);
    },
  });

  app.get('/api/health', http.handler('read', 0, () => http.json(200, { ok: true, app: 'loop-dashboard' })));
  app.get('/api/runs', http.handler('read', 0, () => http.json(200, registry.list())));
  // The local engine has no workers; the page then shows no Workers panel.
  app.get('/api/workers', http.handler('read', 0, async () => ({
    ...http.json(200, o.ports.workers ? { engine: 'nats', ...(await o.ports.workers()) } : { engine: 'local' }),
    close: true,
  })));
  app.get('/api/runs/:run', http.handler('read', 1, (r) => {
    const feed = feedOr404(r);
    return isReply(feed) ? feed : http.json(200, { runId: feed.runId, epoch: feed.epoch, state: feed.state });
  }));
  app.get('/api/runs/:run/model', http.handler('read', 1, (r) => {
    const feed = feedOr404(r);
    return isReply(feed) ? feed : http.json(200, buildDashboard(feed.state, now()));
  }));
  app.get('/api/runs/:run/roles/:role', http.handler('read', 2, (r) => {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    const lane = buildDashboard(feed.state, now()).lanes.find((l) => l.role === r.params[1]);
    return lane ? http.json(200, lane) : http.notFound(`no role "${r.params[1]}" in run ${feed.runId}`);
  }));
  app.get('/api/runs/:run/tasks/:task', http.handler('read', 2, (r) => {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    const model = buildDashboard(feed.state, now());
    const story = taskStory(feed.state.view, r.params[1]!, new Set(model.criticalPath), now());
    return story ? http.json(200, story) : http.notFound(`no task "${r.params[1]}" in run ${feed.runId}`);
  }));
  app.get('/api/runs/:run/tasks/:task/logs', http.handler('read', 2, async (r) => {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    const taskId = r.params[1]!;
    if (!feed.state.view.tasks[taskId]) return http.notFound(`no task "${taskId}" in run ${feed.runId}`);
    const names = await readdir(feed.files.logs).catch(() => [] as string[]);
    const logs = names.map(parseLogFileName).filter((log) => log?.taskId === taskId).map((log) => ({ attempt: log!.attempt, kind: log!.kind }));
    return http.json(200, logs.sort((a, b) => a.attempt - b.attempt || DASHBOARD_LOG_KINDS.indexOf(a.kind) - DASHBOARD_LOG_KINDS.indexOf(b.kind)));
  }));
  app.get('/api/runs/:run/tasks/:task/attempts/:attempt/logs/:kind', http.handler('read', 4, async (r) => {
    const target = attemptOf(r);
    if (isReply(target)) return target;
    const kind = r.params[3] as DashboardLogKind;
    if (!DASHBOARD_LOG_KINDS.includes(kind)) return http.notFound(`no log kind "${kind}" (agent, gate, review or merge)`);
    return readLog(logPath(target.feed.files, target.taskId, target.attempt, kind));
  }));
  app.get('/api/runs/:run/tasks/:task/attempts/:attempt/diff', http.handler('read', 3, async (r) => {
    const target = attemptOf(r);
    if (isReply(target)) return target;
    const story = taskStory(target.feed.state.view, target.taskId, new Set(), now())!;
    const attempt = story.attempts.find((a) => a.attempt === target.attempt);
    if (!o.ports.diff || !attempt?.commit) return http.notFound(`attempt ${target.attempt} of ${target.taskId} left no commit to show`);
    const task = target.feed.state.view.tasks[target.taskId]!;
    const diff = await o.ports.diff({ runId: target.feed.runId, taskId: target.taskId, commit: attempt.commit, ...(attempt.merge?.sha ? { mergedSha: attempt.merge.sha } : {}), ...(task.repo ? { repo: task.repo } : {}) });
    return diff === null ? http.notFound(`the commit of attempt ${target.attempt} is no longer in the repository`) : http.text(diff);
  }));
  app.post('/api/runs/:run/stop', http.handler('control', 1, async (r) => {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    if (!o.ports.stop) return http.notFound('stopping runs is not available from this server');
    const result = await o.ports.stop(feed.runId);
    return http.json(result.ok ? 202 : 409, result);
  }));
  app.post('/api/runs/:run/tasks/:task/retry', http.handler('control', 2, async (r) => {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    if (!o.ports.retry) return http.notFound('retrying tasks is not available from this server');
    const result = await o.ports.retry(feed.runId, r.params[1]!);
    return http.json(result.refused ? 409 : 202, { ok: result.ok, message: result.message });
  }));
  app.post('/api/runs/:run/approve', http.handler('control', 1, async (r) => {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    if (!o.ports.approve) return http.notFound('approving plans is not available from this server');
    const result = await o.ports.approve(feed.runId);
    return http.json(result.refused ? 409 : 202, { ok: result.ok, message: result.message });
  }));
  app.get('/*', http.handler('read', 0, (r) => {
    const file: StaticFile | undefined = files.get(r.url);
    if (!file) return http.notFound(`nothing at ${r.url}`);
    // Opening the printed URL (?token=…) stores the token in a cookie and drops it from the address bar.
    if (r.url === '/' && r.hasToken && new URLSearchParams(r.query).has(TOKEN_QUERY)) {
      return { status: 303, type: 'text/plain', body: '', headers: { Location: '/', 'Set-Cookie': `${guard.cookieName()}=${token}; Path=/; HttpOnly; SameSite=Strict` } };
    }
    return { status: 200, type: file.type, body: file.body };
  }));
  app.any('/*', http.handler('read', 0, (r) => http.json(r.method === 'POST' ? 404 : 405, { error: r.method === 'POST' ? 'not found' : 'method not allowed', message: `${r.method} ${r.url}` })));

  function attemptOf(r: Incoming): Reply | { feed: RunFeed; taskId: string; attempt: number } {
    const feed = feedOr404(r);
    if (isReply(feed)) return feed;
    const [, taskId, attemptText] = r.params as [string, string, string];
    const attempt = Number(attemptText);
    if (!TASK_ID_PATTERN.test(taskId) || !feed.state.view.tasks[taskId]) return http.notFound(`no task "${taskId}" in run ${feed.runId}`);
    if (!Number.isInteger(attempt) || attempt < 1) return http.notFound(`no attempt "${attemptText}" of ${taskId}`);
    return { feed, taskId, attempt };
  }

  async function readLog(file: string): Promise<Reply> {
    let size: number;
    try {
      size = (await stat(file)).size;
    } catch {
      return http.notFound('that log has not been written (yet)');
    }
    const text = (await readFile(file)).subarray(Math.max(0, size - MAX_LOG_BYTES)).toString('utf8');
    return http.text(size > MAX_LOG_BYTES ? `[… the first ${size - MAX_LOG_BYTES} bytes are not shown; the file is ${file}]\n${text}` : text);
  }

  registry.start();
  const shown = o.host.includes(':') ? `[${o.host}]` : o.host === '0.0.0.0' ? '127.0.0.1' : o.host;
  return {
    host: o.host,
    port,
    token,
    tokenRequired: guard.tokenRequired,
    url: `http://${shown}:${port}/?${TOKEN_QUERY}=${token}`,
    close() {
      if (runsNotice) clearTimeout(runsNotice);
      registry.close();
      uWS.us_listen_socket_close(listenSocket);
      for (const ws of open) ws.end(1001, 'the dashboard is shutting down');
    },
  };
}

/**
 * Resolves once listening; port 0 picks a free port. The port is exclusive: by default uSockets
 * sets SO_REUSEPORT, and a second dashboard on the same port would then share its connections.
 */
function listen(app: uWS.TemplatedApp, host: string, port: number): Promise<{ listenSocket: us_listen_socket; port: number }> {
  // The (host, port, options, callback) form exists in the binary but not in its typings.
  const listenExclusive = app.listen as unknown as (host: string, port: number, options: number, cb: (socket: us_listen_socket | false) => void) => void;
  return new Promise((resolve, reject) => {
    listenExclusive.call(app, host, port, (uWS as unknown as { LIBUS_LISTEN_EXCLUSIVE_PORT: number }).LIBUS_LISTEN_EXCLUSIVE_PORT, (socket) => {
      if (!socket) reject(new ListenError(`cannot listen on ${host}:${port}: the port is in use or the address is not one of this machine's; pick another with --port or --host`));
      else resolve({ listenSocket: socket, port: uWS.us_socket_local_port(socket as unknown as uWS.us_socket) });
    });
  });
}

