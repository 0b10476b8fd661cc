// The drawer over the page: a task's story, an attempt log, or an attempt's diff (deep-linkable).
import { formatDuration, formatUsd } from '/m/ui/model/index.js';
import { h } from './dom.js';
import { logHref, taskHref } from './panels.js';

const runHref = (runId) => `#/run/${encodeURIComponent(runId)}`;
const LOG_LABEL = { agent: 'agent transcript', gate: 'gate log (tests)', review: 'critic transcript', merge: 'merge log' };

function drawer(runId, title, ...body) {
  return drawerWith({}, runId, title, ...body);
}

function drawerWith(attrs, runId, title, ...body) {
  return h('div', { class: 'drawer-backdrop' },
    h('aside', { class: 'drawer', role: 'dialog', 'aria-label': title, ...attrs },
      h('header', { class: 'drawer-head' }, h('h2', null, title), h('a', { class: 'close', href: runHref(runId), title: 'close' }, '✕')),
      h('div', { class: 'drawer-body' }, ...body)));
}

/** `logs`: the logs that exist for this attempt (from the server), or null while loading. */
function attemptCard(runId, taskId, a, logs) {
  const head = [`Attempt ${a.attempt}`];
  if (a.provider) head.push(`${a.provider}${a.providerType && a.providerType !== a.provider ? ` (${a.providerType})` : ''}`);
  if (a.outcome) head.push(a.outcome);
  if (a.durationMs !== undefined) head.push(formatDuration(a.durationMs));
  if (a.usd !== undefined) head.push(formatUsd(a.usd));
  return h('article', { class: 'attempt', dataset: { attempt: a.attempt } },
    h('h3', null, a.attempt === 0 ? 'Before any attempt' : head.join(' · ')),
    a.summary ? h('p', { class: 'summary' }, a.summary) : null,
    a.changedFiles.length > 0 ? h('div', { class: 'files' }, 'changed ', a.changedFiles.map((f) => h('code', { class: 'chip' }, f))) : null,
    a.commit ? h('div', { class: 'commit' }, 'commit ', h('code', null, a.commit.slice(0, 12))) : null,
    a.gate ? h('div', { class: ['step', a.gate.passed ? 'ok' : 'bad'] },
      h('b', null, a.gate.passed ? 'gate passed' : 'gate failed'), ' ', a.gate.text,
      a.gate.evidence ? h('details', { open: true }, h('summary', null, 'evidence'), h('pre', { class: 'evidence' }, a.gate.evidence)) : null) : null,
    ...a.reviews.map((r) => h('div', { class: ['step', r.verdict === 'accepted' ? 'ok' : r.verdict === 'rejected' ? 'bad' : 'pending'] },
      h('b', null, `critic ${r.critic}${r.provider ? ` (${r.provider})` : ''}: ${r.verdict}`),
      r.reasons.length > 0 ? h('ul', null, r.reasons.map((reason) => h('li', null, reason))) : null,
      r.notes.length > 0 ? h('ul', { class: 'criteria' }, r.notes.map((n) => h('li', { class: n.met ? 'met' : 'unmet' }, `${n.met ? '✓' : '✗'} ${n.criterion}${n.note ? ` — ${n.note}` : ''}`))) : null)),
    a.discarded.length > 0 ? h('div', { class: 'step bad' }, h('b', null, 'critic edits discarded: '), a.discarded.join(', ')) : null,
    a.merge ? h('div', { class: ['step', a.merge.merged ? 'ok' : 'bad'] }, h('b', null, a.merge.merged ? 'merged' : 'merge failed'), ' ', a.merge.text,
      a.merge.evidence ? h('details', null, h('summary', null, 'evidence'), h('pre', { class: 'evidence' }, a.merge.evidence)) : null) : null,
    a.next ? h('div', { class: ['step', 'next', `next-${a.next.kind}`] }, h('b', null, `${a.next.kind}: `), a.next.text) : null,
    a.attempt > 0 ? h('nav', { class: 'links' },
      (logs ?? []).map((kind) => h('a', { href: logHref(runId, taskId, a.attempt, kind) }, LOG_LABEL[kind] ?? `${kind} log`)),
      a.commit ? h('a', { href: `${taskHref(runId, taskId)}/diff/${a.attempt}` }, 'diff') : null) : null,
  );
}

/** `logs`: [{attempt, kind}] of the task's logs on disk, or null while they load. */
export function storyDrawer(runId, story, logs) {
  const c = story.card;
  return drawerWith({ dataset: { logs: logs ? 'listed' : 'loading' } }, runId, `${c.id} · ${c.title}`,
    h('div', { class: 'story-meta' },
      h('span', { class: ['badge', `status-${c.status}`] }, c.status),
      h('span', null, `role ${c.role}`),
      h('span', null, `${c.attempt} attempt${c.attempt === 1 ? '' : 's'} · ${c.repairs} repairs · ${c.retries} retries`),
      h('span', null, `cost ${formatUsd(c.costUsd)}`),
      c.critical ? h('span', { class: 'crit' }, '★ on the critical path') : null),
    story.reason ? h('p', { class: 'story-reason' }, story.reason) : null,
    story.lastFailure && c.status !== 'merged' ? h('p', { class: 'story-failure' }, `last failure: ${story.lastFailure}`) : null,
    c.deps.length > 0 ? h('div', { class: 'deps' }, 'depends on ', c.deps.map((d) => h('a', { class: ['chip', 'dep', d.merged ? 'dep-done' : 'dep-open'], href: taskHref(runId, d.id) }, `${d.merged ? '✓' : '○'} ${d.id}`))) : null,
    h('h4', null, 'Acceptance criteria'),
    h('ul', { class: 'acceptance' }, story.acceptance.map((a) => h('li', null, a))),
    story.files ? h('div', { class: 'files' }, 'scope ', story.files.map((f) => h('code', { class: 'chip' }, f))) : null,
    h('h4', null, 'Attempts'),
    story.attempts.length === 0 ? h('p', { class: 'calm' }, 'Not started yet.')
      : story.attempts.map((a) => attemptCard(runId, c.id, a, logs && logs.filter((l) => l.attempt === a.attempt).map((l) => l.kind))),
  );
}

/** A log or a diff; `content` is {text} once loaded, {error} when it could not be. */
export function textDrawer(runId, taskId, title, content, diff) {
  const body = !content ? h('p', { class: 'calm' }, 'loading…')
    : content.error ? h('p', { class: 'story-failure' }, content.error)
    : h('pre', { class: ['log', diff && 'diff'] }, diff ? content.text.split('\n').map((line) => h('span', { class: line.startsWith('+') ? 'add' : line.startsWith('-') ? 'del' : line.startsWith('@@') ? 'hunk' : null }, `${line}\n`)) : content.text);
  return drawer(runId, title, h('nav', { class: 'links' }, h('a', { href: taskHref(runId, taskId) }, `← ${taskId}`)), body);
}

export function notFoundDrawer(runId, what) {
  return drawer(runId, 'Not found', h('p', { class: 'story-failure' }, what));
}
