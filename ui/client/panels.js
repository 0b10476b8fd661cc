// The page's panels, each a function of the dashboard model (ui/model/dashboard.ts).
import { clock, formatDuration, formatUsd, workersView } from '/m/ui/model/index.js';
import { h } from './dom.js';

export const taskHref = (runId, taskId) => `#/run/${encodeURIComponent(runId)}/task/${encodeURIComponent(taskId)}`;
export const logHref = (runId, taskId, attempt, kind) => `${taskHref(runId, taskId)}/log/${attempt}/${kind}`;

function kpi(label, value, extra, cls) {
  return h('div', { class: ['kpi', cls], dataset: { kpi: label.toLowerCase().replace(/[^a-z]+/g, '-') } },
    h('div', { class: 'kpi-label' }, label),
    h('div', { class: 'kpi-value' }, value),
    extra ? h('div', { class: 'kpi-extra' }, extra) : null);
}

function meter(pct, cls) {
  return h('div', { class: ['meter', cls] }, h('div', { class: 'meter-fill', style: `width:${Math.max(0, Math.min(100, pct))}%` }));
}

export function kpiBar(m) {
  const k = m.kpis;
  const spend = k.spend.budgetUsd === null
    ? kpi('Spend', formatUsd(k.spend.usd), 'no budget cap')
    : kpi('Spend', formatUsd(k.spend.usd), [meter(k.spend.pct ?? 0, `level-${k.spend.level}`), `${Math.round(k.spend.pct ?? 0)}% of ${formatUsd(k.spend.budgetUsd)}`], `level-${k.spend.level}`);
  return [
    kpi('Progress', `${k.progressPct}%`, [meter(k.progressPct, 'level-ok'), `${k.merged} of ${k.total} merged`]),
    kpi('Agents active', `${k.agentsActive}`, `of ${k.roles} roles`),
    kpi('In progress', `${k.inProgress}`, `${k.blocked} blocked`, k.blocked > 0 ? 'level-red' : null),
    kpi('Retries · repairs', `${k.retries} · ${k.repairs}`, 'crashes retried · failures repaired', k.retries + k.repairs > 0 ? 'level-amber' : null),
    kpi('ETA', k.eta.text, k.eta.basis === 'critical-path' ? 'remaining critical path' : k.eta.basis === 'parallel-work' ? 'remaining work ÷ slots' : k.eta.basis === 'no-data' ? 'no task has merged yet' : `ran ${formatDuration(k.elapsedMs)}`),
    spend,
  ];
}

/** `controls`: this page may act (it holds the token); the escalated tasks get a retry button, a waiting plan an approve button. */
export function attentionStrip(m, { controls = false, asking = new Set() } = {}) {
  if (m.attention.length === 0) return [h('div', { class: 'calm' }, 'Nothing needs attention: no task is escalated, rejected or blocked.')];
  return m.attention.map((item) => h('div', { class: ['attention-item', `sev-${item.severity}`], dataset: { kind: item.kind, task: item.taskId, key: `${item.kind}:${item.taskId ?? item.reason}` } },
    h('span', { class: 'att-kind' }, item.kind),
    item.taskId ? h('a', { class: 'chip task-chip', href: taskHref(m.run.id, item.taskId), title: item.title }, item.taskId) : null,
    h('span', { class: 'att-reason' }, item.reason),
    item.detail ? h('span', { class: 'att-detail' }, item.detail) : null,
    item.attempts !== undefined ? h('span', { class: 'att-attempts' }, `attempt ${item.attempts}`) : null,
    item.evidence ? h('a', { class: 'att-evidence', href: taskHref(m.run.id, item.evidence.taskId), title: `the story of ${item.evidence.taskId}, with the evidence of attempt ${item.evidence.attempt}` }, `evidence (attempt ${item.evidence.attempt}) →`) : null,
    controls && item.kind === 'escalated' && item.taskId
      ? h('button', { type: 'button', class: 'att-action', disabled: asking.has(`retry:${item.taskId}`), dataset: { action: 'retry', task: item.taskId }, title: 'loop retry: another round of attempts for this task (and the tasks that waited on it)' }, asking.has(`retry:${item.taskId}`) ? 'Retrying…' : 'Retry')
      : null,
    controls && item.kind === 'approval'
      ? h('button', { type: 'button', class: 'att-action', disabled: asking.has('approve'), dataset: { action: 'approve' }, title: 'loop approve: start dispatching this plan' }, asking.has('approve') ? 'Approving…' : 'Approve plan')
      : null,
  ));
}

function silence(w) {
  if (w.silentMs === null) return null;
  return h('span', { class: ['silence', `level-${w.silence}`], title: 'time since the agent last printed anything' }, `silent ${formatDuration(w.silentMs)}`);
}

/** `peek(lane, live)` gives the transcript box of an expanded lane. */
export function swimlanes(m, { expanded, peek }) {
  return m.lanes.map((lane) => {
    const live = lane.work.find((w) => w.log);
    const open = expanded.has(lane.role);
    return h('div', { class: ['lane', `state-${lane.state}`], dataset: { role: lane.role, key: lane.role } },
      h('div', { class: 'lane-head' },
        h('span', { class: 'lane-role' }, lane.role),
        h('span', { class: ['badge', `state-${lane.state}`] }, lane.state),
        h('span', { class: 'lane-text' }, ...lane.work.length > 0
          ? lane.work.map((w) => h('a', { class: 'chip task-chip', href: taskHref(m.run.id, w.taskId), title: w.title }, `${w.taskId}${w.attempt > 1 ? ` #${w.attempt}` : ''} · ${w.phase}`))
          : [lane.text]),
        ...lane.work.map(silence),
        h('span', { class: 'lane-spend' }, formatUsd(lane.spendUsd)),
        h('span', { class: 'lane-tally' }, lane.total > 0 ? `${lane.merged}/${lane.total} merged` : ''),
        h('button', { class: 'peek-toggle', type: 'button', disabled: !live && !open, 'aria-expanded': String(open), dataset: { action: 'peek', role: lane.role } }, open ? 'hide transcript' : 'transcript'),
      ),
      open ? peek(lane, live) : null,
    );
  });
}

function card(m, c) {
  return h('a', { class: ['card', `status-${c.status}`, c.critical && 'critical'], href: taskHref(m.run.id, c.id), dataset: { task: c.id, key: c.id } },
    h('div', { class: 'card-top' },
      h('span', { class: 'card-id' }, c.id),
      c.critical ? h('span', { class: 'crit', title: 'on the critical path' }, '★ critical') : null,
      c.ready ? h('span', { class: 'ready' }, 'ready') : null,
      h('span', { class: 'card-role' }, c.role)),
    h('div', { class: 'card-title' }, c.title),
    c.deps.length > 0 ? h('div', { class: 'deps' }, c.deps.map((d) => h('span', { class: ['chip', 'dep', d.merged ? 'dep-done' : 'dep-open'], title: d.merged ? `${d.id} merged` : `waits for ${d.id}` }, `${d.merged ? '✓' : '○'} ${d.id}`))) : null,
    h('div', { class: 'card-meta' },
      c.attempt > 0 ? h('span', null, `attempt ${c.attempt}`) : null,
      c.costUsd > 0 ? h('span', null, formatUsd(c.costUsd)) : null,
      c.elapsedMs !== null ? h('span', null, formatDuration(c.elapsedMs)) : null),
    c.note && c.status !== 'merged' ? h('div', { class: 'card-note' }, c.note) : null,
  );
}

export function board(m) {
  return m.columns.map((col) => h('section', { class: ['column', `col-${col.key}`], dataset: { column: col.key } },
    h('h3', null, col.title, h('span', { class: 'count' }, String(col.cards.length))),
    ...col.cards.map((c) => card(m, c))));
}

export function feed(m) {
  if (m.feed.length === 0) return [h('div', { class: 'calm' }, 'No events yet.')];
  return m.feed.map((e) => h('div', { class: ['event', `tone-${e.tone}`], dataset: { seq: e.seq, key: e.seq } },
    h('span', { class: 'ev-time' }, clock(e.ts)),
    e.taskId ? h('a', { class: 'chip task-chip', href: taskHref(m.run.id, e.taskId) }, e.taskId) : h('span', { class: 'chip run-chip' }, 'run'),
    h('span', { class: 'ev-what' }, e.what),
    h('span', { class: 'ev-text' }, e.text)));
}

/** The Workers panel (nats engine): one row per `loop worker` taking the run's roles; stale ones marked. */
export function workersPanel(listing, o) {
  const view = workersView(listing, o);
  if (view.kind === 'unreachable') return [h('div', { class: 'calm workers-error' }, `Workers not listed: ${view.error}`)];
  if (view.rows.length === 0) return [h('div', { class: 'calm' }, `No worker on ${view.server} takes this run's roles: start one with loop worker --server ${view.server} --roles …`)];
  return [h('table', { class: 'workers-table' },
    h('thead', null, h('tr', null, ['Worker', 'Roles', 'Slots', 'Tasks', 'Last heartbeat'].map((label) => h('th', null, label)))),
    h('tbody', null, view.rows.map((row) => h('tr', { class: ['worker', row.stale && 'stale'], dataset: { worker: row.name, key: row.name } },
      h('td', { class: 'w-name', title: `${row.host} · pid ${row.pid} · loop ${row.version}` }, row.name),
      h('td', { class: 'w-roles' }, row.roles.join(', ')),
      h('td', { class: 'w-slots' }, `${row.slots.used}/${row.slots.total}`),
      h('td', { class: 'w-tasks' }, row.tasks.length === 0 ? '—' : row.tasks.map((task) => (task.taskId
        ? h('a', { class: 'chip task-chip', href: taskHref(o.runId, task.taskId), title: `for ${formatDuration(task.forMs)}` }, task.label)
        : h('span', { class: 'chip', title: `for ${formatDuration(task.forMs)}` }, task.label)))),
      h('td', { class: 'w-seen' }, `${formatDuration(row.seenAgoMs)} ago`, row.stale ? h('span', { class: 'badge stale', title: 'no heartbeat for three beats: killed or cut off; its tasks go back to the queue when their lease runs out' }, 'stale') : null)))))];
}
