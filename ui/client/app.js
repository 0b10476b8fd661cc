// The dashboard page: holds one run's live state (snapshot + every event after it, folded with the
// same code as the server and the monitor), renders the model on each change, follows the hash route.
import { applyToLive, buildDashboard, noteOutput, taskStory } from '/m/ui/model/index.js';
import { costChart, doneChart } from './charts.js';
import { Connection } from './connection.js';
import { h, mount } from './dom.js';
import { attentionStrip, board, feed, kpiBar, swimlanes, workersPanel } from './panels.js';
import { notFoundDrawer, storyDrawer, textDrawer } from './story.js';

const MAX_PEEK_LINES = 400;
const app = {
  runs: [], runId: null, epoch: null, state: null, controls: false, status: 'connecting', error: null,
  // The Workers panel's listing (nats engine) and when it was read; null until read, or on the local engine.
  workers: null,
  expanded: new Set(), watched: new Map(), logs: new Map(), detail: new Map(), stopStep: 0, controlMessage: '', asking: new Set(),
  // For tests and the bench: what was applied, skipped as a repeat, and when each seq was on screen.
  appliedSeqs: [], repeats: 0, gaps: [], receivedAt: new Map(), renderedAt: new Map(), renderMs: [],
};
window.__loop = app;

function parseRoute() {
  const parts = location.hash.replace(/^#\/?/, '').split('/').map((p) => { try { return decodeURIComponent(p); } catch { return p; } });
  if (parts[0] !== 'run' || !parts[1]) return { runId: null };
  const route = { runId: parts[1] };
  if (parts[2] === 'task' && parts[3]) {
    route.taskId = parts[3];
    if (parts[4] === 'log' && parts[5] && parts[6]) route.log = { attempt: Number(parts[5]), kind: parts[6] };
    else if (parts[4] === 'diff' && parts[5]) route.diff = Number(parts[5]);
  }
  return route;
}

const conn = new Connection({ onFrame, onStatus: (status) => { app.status = status; schedule(); } });
conn.wanted = () => {
  if (!app.runId) return [];
  const subscribe = app.state ? { type: 'subscribe', runId: app.runId, afterSeq: app.state.view.lastSeq, epoch: app.epoch } : { type: 'subscribe', runId: app.runId };
  return [subscribe, ...[...app.watched.values()].map((w) => ({ type: 'watch-log', runId: app.runId, ...w }))];
};

function showRun(runId) {
  if (runId === app.runId) return;
  panelKeys.clear();
  app.runId = runId;
  app.state = null;
  app.epoch = null;
  app.watched.clear();
  app.logs.clear();
  app.expanded.clear();
  app.appliedSeqs = [];
  app.stopStep = 0;
  app.controlMessage = '';
  conn.send({ type: 'subscribe', runId });
}

function onFrame(frame) {
  switch (frame.type) {
    case 'hello':
      app.controls = frame.controls;
      app.runs = frame.runs;
      followRoute();
      break;
    case 'runs':
      app.runs = frame.runs;
      if (!app.runId) followRoute();
      break;
    case 'snapshot':
      if (frame.runId !== app.runId) return;
      app.state = frame.state;
      app.epoch = frame.epoch;
      app.appliedSeqs.push(`snapshot@${frame.state.view.lastSeq}`);
      break;
    case 'events':
      if (frame.runId !== app.runId || !app.state) return;
      // An empty board has no epoch yet; its first events give it one.
      if (app.epoch === '' && app.state.view.lastSeq === 0) app.epoch = frame.epoch;
      if (frame.epoch !== app.epoch) {
        app.state = null;
        conn.send({ type: 'subscribe', runId: app.runId });
        return;
      }
      const at = performance.timeOrigin + performance.now();
      for (const event of frame.events) {
        app.receivedAt.set(event.seq, at);
        const last = app.state.view.lastSeq;
        if (event.seq <= last) { app.repeats++; continue; }
        if (event.seq !== last + 1) app.gaps.push([last, event.seq]);
        applyToLive(app.state, event);
        app.appliedSeqs.push(event.seq);
      }
      break;
    case 'output':
      if (frame.runId === app.runId && app.state) noteOutput(app.state, frame.taskId, frame.at);
      break;
    case 'log': {
      const key = `${frame.taskId}/${frame.attempt}/${frame.kind}`;
      const lines = frame.reset ? frame.lines : [...(app.logs.get(key) ?? []), ...frame.lines];
      app.logs.set(key, lines.slice(-MAX_PEEK_LINES));
      break;
    }
    case 'error':
      app.error = frame.message;
      break;
  }
  schedule();
}

function followRoute() {
  const route = parseRoute();
  if (route.runId) return showRun(route.runId);
  if (app.runs.length > 0) location.replace(`#/run/${encodeURIComponent(app.runs[0].id)}`);
}

let frameQueued = false;
function schedule() {
  if (frameQueued) return;
  frameQueued = true;
  requestAnimationFrame(() => {
    frameQueued = false;
    const started = performance.now();
    render();
    app.renderMs.push(performance.now() - started);
    if (app.renderMs.length > 2000) app.renderMs.shift();
  });
}

function render() {
  renderHeader();
  const empty = document.getElementById('empty');
  if (!app.state) {
    empty.hidden = false;
    empty.textContent = app.runId ? (app.error ?? `Loading run ${app.runId}…`) : app.runs.length === 0 && app.status === 'live' ? 'No runs in this folder yet: start one with loop run "<goal>".' : 'Connecting…';
    document.getElementById('main').classList.add('waiting');
    mount('drawer');
    return;
  }
  empty.hidden = true;
  document.getElementById('main').classList.remove('waiting');
  const model = buildDashboard(app.state, Date.now());
  panel('kpis', keyOf(model.kpis), () => kpiBar(model));
  // Retry works on a finished run too: the request waits for `loop resume`, and the answer says so.
  const controls = Boolean(app.controls);
  panel('attention', keyOf([model.attention, controls, [...app.asking]]), () => attentionStrip(model, { controls, asking: app.asking }));
  syncWatches(model);
  const peeks = [...app.watched.values()].map((w) => { const lines = app.logs.get(`${w.taskId}/${w.attempt}/${w.kind}`); return `${lines?.length}:${lines?.[lines.length - 1]?.text}`; });
  // A transcript the reader left at its end follows new lines; a new one starts at its end.
  const atBottom = new Map([...document.querySelectorAll('.peek')].map((b) => [b.dataset.role, b.scrollTop + b.clientHeight >= b.scrollHeight - 4]));
  if (panel('lanes', keyOf([model.lanes, [...app.expanded], peeks]), () => swimlanes(model, { expanded: app.expanded, peek }))) {
    for (const box of document.querySelectorAll('.peek')) if (atBottom.get(box.dataset.role) ?? true) box.scrollTop = box.scrollHeight;
  }
  renderWorkers(model);
  panel('board', keyOf(model.columns), () => board(model));
  panel('feed', `${model.feed.length}:${model.feed[0]?.seq}`, () => feed(model));
  // The charts' time axis ends now: redrawn with new points, or every 5 s.
  panel('charts', `${model.charts.cost.points.length}:${model.charts.done.points.length}:${model.charts.cost.budgetUsd}:${Math.floor(model.charts.endAt / 5000)}`,
    () => [h('figure', null, h('figcaption', null, 'Spend against the budget'), costChart(model)), h('figure', null, h('figcaption', null, 'Tasks merged'), doneChart(model))]);
  mount('drawer', drawerFor(model));
  const last = model.run.lastSeq;
  if (!app.renderedAt.has(last)) app.renderedAt.set(last, performance.timeOrigin + performance.now());
  for (const seen of [app.renderedAt, app.receivedAt]) while (seen.size > 20000) seen.delete(seen.keys().next().value);
}

/**
 * Patches a panel only when its part of the model changed (`key`): a render per event then costs
 * the panels that moved, not the whole page. True when it was patched.
 */
const panelKeys = new Map();
/** A panel's key: durations count in the whole seconds they are shown in. */
const keyOf = (value) => JSON.stringify(value, (name, v) => (typeof v === 'number' && name.endsWith('Ms') ? Math.round(v / 1000) : v));
function panel(id, key, build) {
  if (panelKeys.get(id) === key) return false;
  panelKeys.set(id, key);
  mount(id, build());
  return true;
}

function renderWorkers(model) {
  const shown = app.workers !== null;
  document.getElementById('workers-panel').hidden = !shown;
  if (!shown) return;
  const o = { runId: app.runId, roles: model.lanes.map((lane) => lane.role), elapsedMs: Date.now() - app.workers.at, nowMs: Date.now() };
  panel('workers', keyOf([app.workers.at, Math.floor(o.elapsedMs / 1000), o.roles]), () => workersPanel(app.workers.listing, o));
}

/**
 * Workers beat every few seconds: the listing is read again at their pace (the fastest worker's
 * beat, between 1 and 5 s), through the dashboard server, which reads the NATS server.
 */
function readWorkers() {
  fetch('/api/workers')
    .then((r) => r.json())
    .then((body) => {
      if (body.engine !== 'nats') { app.workers = null; return; }
      app.workers = { listing: body, at: Date.now() };
      setTimeout(readWorkers, Math.max(1000, Math.min(5000, ...body.workers.map((w) => w.everyMs))));
    }, () => setTimeout(readWorkers, 5000))
    .finally(schedule);
}
readWorkers();

function renderHeader() {
  const picker = document.getElementById('run-picker');
  const options = app.runs.map((r) => h('option', { value: r.id }, `${r.id} · ${r.status} · ${r.merged}/${r.total}`));
  if (app.runId && !app.runs.some((r) => r.id === app.runId)) options.unshift(h('option', { value: app.runId }, app.runId));
  mount('run-picker', options);
  if (app.runId) picker.value = app.runId;
  const view = app.state?.view;
  mount('run-status', view ? h('span', { class: ['badge', `run-${view.status}`] }, view.status) : null);
  mount('run-goal', view?.goal ?? '');
  mount('conn', h('span', { class: ['dot', `conn-${app.status}`], title: `connection: ${app.status}` }), app.status);
  const running = view?.status === 'running';
  const step = app.stopStep;
  mount('controls',
    app.controls && running ? h('button', { type: 'button', class: ['stop', step === 1 && 'confirm'], disabled: step === 2, dataset: { action: 'stop' } }, step === 1 ? 'Really stop this run?' : step === 2 ? 'Stopping…' : 'Stop run') : null,
    app.controlMessage ? h('span', { class: 'control-message' }, app.controlMessage) : null);
}

function stop() {
  if (app.stopStep === 0) { app.stopStep = 1; schedule(); return; }
  if (app.stopStep !== 1) return;
  app.stopStep = 2;
  post('stop', 'stop', 'stopping…', () => { app.stopStep = 0; });
}

/** A control POST (the same code as its CLI verb); its answer shows beside the controls, the board shows the rest. */
function post(key, path, pending, done = () => {}) {
  if (app.asking.has(key)) return;
  app.asking.add(key);
  app.controlMessage = pending;
  fetch(`/api/runs/${encodeURIComponent(app.runId)}/${path}`, { method: 'POST' })
    .then((r) => r.json())
    .then((body) => { app.controlMessage = body.message ?? ''; }, (error) => { app.controlMessage = `could not ${key.split(':')[0]}: ${error.message}`; })
    .finally(() => { app.asking.delete(key); done(); schedule(); });
  schedule();
}

function toggle(role) {
  if (app.expanded.has(role)) app.expanded.delete(role);
  else app.expanded.add(role);
  schedule();
}

/** The transcript box of an expanded lane (patched in place on each render, so its scroll position stays). */
function peek(lane, live) {
  const w = app.watched.get(lane.role);
  const lines = w ? app.logs.get(`${w.taskId}/${w.attempt}/${w.kind}`) : undefined;
  const body = !live ? 'No agent of this role is running now.'
    : lines === undefined ? 'loading…'
    : lines.length === 0 ? `${live.taskId}: nothing printed yet`
    : lines.map((line) => h('span', { class: `tx tx-${line.kind}` }, `${line.text}\n`));
  return h('pre', { class: 'peek', dataset: { role: lane.role } }, body);
}

/** Watch exactly the logs of the expanded lanes' live agents. */
function syncWatches(model) {
  for (const lane of model.lanes) {
    const live = lane.work.find((w) => w.log);
    const want = app.expanded.has(lane.role) && live ? { taskId: live.taskId, attempt: live.log.attempt, kind: live.log.kind } : null;
    const have = app.watched.get(lane.role);
    if (have && (!want || have.taskId !== want.taskId || have.attempt !== want.attempt || have.kind !== want.kind)) {
      conn.send({ type: 'unwatch-log', runId: app.runId, ...have });
      app.watched.delete(lane.role);
    }
    if (want && !app.watched.has(lane.role)) {
      app.watched.set(lane.role, want);
      conn.send({ type: 'watch-log', runId: app.runId, ...want });
    }
  }
}

function drawerFor(model) {
  const route = parseRoute();
  if (!route.taskId || route.runId !== app.runId) return null;
  const story = taskStory(app.state.view, route.taskId, new Set(model.criticalPath), Date.now());
  if (!story) return notFoundDrawer(app.runId, `There is no task "${route.taskId}" in run ${app.runId}.`);
  const base = `/api/runs/${encodeURIComponent(app.runId)}/tasks/${encodeURIComponent(route.taskId)}/attempts`;
  if (route.log) {
    const url = `${base}/${route.log.attempt}/logs/${encodeURIComponent(route.log.kind)}`;
    return textDrawer(app.runId, route.taskId, `${route.taskId} · attempt ${route.log.attempt} · ${route.log.kind} log`, load(url), false);
  }
  if (route.diff !== undefined) {
    const url = `${base}/${route.diff}/diff`;
    return textDrawer(app.runId, route.taskId, `${route.taskId} · attempt ${route.diff} · diff`, load(url), true);
  }
  // The logs on disk, asked again whenever the task moves on.
  const listed = load(`/api/runs/${encodeURIComponent(app.runId)}/tasks/${encodeURIComponent(route.taskId)}/logs?at=${app.state.view.tasks[route.taskId].history.length}`);
  let logs = null;
  try { logs = listed?.text ? JSON.parse(listed.text) : null; } catch { logs = null; }
  return storyDrawer(app.runId, story, logs);
}

/** Fetched once per opening of a log or diff. */
function load(url) {
  if (!app.detail.has(url)) {
    app.detail.set(url, null);
    fetch(url)
      .then(async (r) => (r.ok ? { text: await r.text() } : { error: (await r.json().catch(() => ({}))).message ?? `HTTP ${r.status}` }))
      .catch((error) => ({ error: error.message }))
      .then((content) => { app.detail.set(url, content); schedule(); });
  }
  return app.detail.get(url);
}

window.addEventListener('hashchange', () => {
  app.detail.clear();
  followRoute();
  schedule();
});
document.addEventListener('click', (e) => {
  const target = e.target instanceof Element ? e.target.closest('[data-action]') : null;
  if (!target) return;
  if (target.dataset.action === 'peek') toggle(target.dataset.role);
  if (target.dataset.action === 'stop') stop();
  if (target.dataset.action === 'retry') post(`retry:${target.dataset.task}`, `tasks/${encodeURIComponent(target.dataset.task)}/retry`, `retrying ${target.dataset.task}…`);
  if (target.dataset.action === 'approve') post('approve', 'approve', 'approving the plan…');
});
document.getElementById('run-picker').addEventListener('change', (e) => { location.hash = `#/run/${encodeURIComponent(e.target.value)}`; });
document.addEventListener('keydown', (e) => {
  if (e.key === 'Escape' && parseRoute().taskId) location.hash = `#/run/${encodeURIComponent(app.runId)}`;
});
setInterval(schedule, 1000);
conn.connect();
schedule();
