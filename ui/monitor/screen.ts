/**
 * The monitor's screen from the dashboard model: a header, the KPI line, what needs attention, one
 * line per role, the tasks by stage with their dependencies, and the latest events. With a height
 * it fits the terminal (each section gives up rows, saying how many it hides); without one
 * (`--once`, pipes) it prints everything.
 */
import type { AttentionItem } from '../model/attention.js';
import type { DashboardModel } from '../model/dashboard.js';
import { clock, formatDuration, formatUsd } from '../model/format.js';
import type { SpendLevel } from '../model/kpis.js';
import type { IdleLevel, Lane } from '../model/lanes.js';
import { fit, padTo, render, type Line, type Style } from './spans.js';

export interface ScreenOptions {
  /** Columns available; Infinity never cuts a line (pipes). */
  width: number;
  /** Rows available; null prints every line. */
  height: number | null;
  color: boolean;
  nowMs: number;
  /** The latest events to show when there is no height limit. */
  events?: number;
}

const LEVEL_STYLE: Record<SpendLevel | IdleLevel, Style> = { none: 'plain', ok: 'plain', amber: 'amber', red: 'red' };
const STATUS_STYLE: Record<string, Style> = { running: 'cyan', merged: 'green', escalated: 'red', 'budget-exhausted': 'red', failed: 'red', interrupted: 'amber' };

function bar(pct: number, width: number): string {
  const full = Math.round((pct / 100) * width);
  return `${'█'.repeat(full)}${'░'.repeat(width - full)}`;
}

function header(model: DashboardModel, nowMs: number): Line[] {
  const run = model.run;
  return [
    [['loop monitor', 'bold'], ['  ·  ', 'dim'], [`run ${run.id}`, 'bold'], ['  ·  ', 'dim'], [run.status, STATUS_STYLE[run.status] ?? 'plain'],
      ['  ·  ', 'dim'], [run.mode], ['  ·  ', 'dim'], [formatDuration(model.kpis.elapsedMs)], ['  ·  ', 'dim'], [clock(nowMs), 'dim']],
    [[run.goal, 'dim']],
  ];
}

function kpiLine(model: DashboardModel): Line {
  const k = model.kpis;
  const spend: Line = k.spend.budgetUsd === null
    ? [[`${formatUsd(k.spend.usd)} (no budget cap)`]]
    : [[`${formatUsd(k.spend.usd)} / ${formatUsd(k.spend.budgetUsd)} (${Math.round(k.spend.pct ?? 0)}%)`, LEVEL_STYLE[k.spend.level]]];
  const label = (text: string): [string, Style] => [text, 'dim'];
  return [
    label('progress '), [`${k.merged}/${k.total} ${k.progressPct}% `, 'bold'], [bar(k.progressPct, 10), 'green'],
    label('  agents '), [`${k.agentsActive}/${k.roles}`],
    label('  in progress '), [String(k.inProgress)],
    label('  blocked '), [String(k.blocked), k.blocked > 0 ? 'red' : 'plain'],
    label('  retries '), [String(k.retries), k.retries > 0 ? 'amber' : 'plain'],
    label('  repairs '), [String(k.repairs), k.repairs > 0 ? 'amber' : 'plain'],
    label('  eta '), [k.eta.text],
    label('  spend '), ...spend,
  ];
}

function section(title: string, count: number | undefined, width: number): Line {
  const text = `── ${title}${count === undefined ? '' : ` (${count})`} `;
  return [[text + '─'.repeat(Math.max(0, Math.min(width, 100) - [...text].length)), 'heading']];
}

/** Busy stages first, then what is stuck, then what waits, then what is done. */
const MONITOR_ORDER: DashboardModel['columns'][number]['key'][] = ['agent', 'gate', 'review', 'merge', 'escalated', 'waiting', 'merged'];

function attentionLine(item: AttentionItem): Line {
  const mark: [string, Style] = item.severity === 'red' ? ['✗ ', 'red'] : ['! ', 'amber'];
  const where = item.taskId ? [[padTo(item.taskId, 6), 'bold'] as [string, Style], [` ${padTo(item.role ?? '', 10)} `, 'dim'] as [string, Style]] : [];
  const tail: Line = [];
  if (item.attempts !== undefined) tail.push([`  attempt ${item.attempts}`, 'dim']);
  return [mark, ...where, [item.kind === 'escalated' ? 'ESCALATED ' : '', 'red'], [item.reason, item.severity === 'red' ? 'red' : 'amber'], ...(item.detail ? [[` · ${item.detail}`, 'dim'] as [string, Style]] : []), ...tail];
}

function laneLine(lane: Lane): Line {
  const stateStyle: Style = lane.state === 'working' || lane.state === 'reviewing' ? 'cyan' : lane.state === 'idle' || lane.state === 'busy' ? 'plain' : 'red';
  const silent = lane.work.find((w) => w.silentMs !== null);
  return [
    [padTo(lane.role, 12), 'bold'],
    [padTo(lane.state, 10), stateStyle],
    [padTo(lane.text, 38)],
    silent ? [padTo(`silent ${formatDuration(silent.silentMs!)}`, 14), LEVEL_STYLE[silent.silence ?? 'ok']] : [padTo('', 14)],
    [padTo(formatUsd(lane.spendUsd), 9), 'dim'],
    [lane.total > 0 ? `${lane.merged}/${lane.total} merged` : '', 'dim'],
  ];
}

function taskLines(model: DashboardModel): Line[] {
  const lines: Line[] = [];
  const ordered = MONITOR_ORDER.map((key) => model.columns.find((c) => c.key === key)!).filter(Boolean);
  for (const column of ordered) {
    for (const c of column.cards) {
      const deps = c.deps.length > 0 ? [[` ← ${c.deps.map((d) => (d.merged ? `${d.id}✓` : d.id)).join(' ')}`, 'dim'] as [string, Style]] : [];
      const statusStyle: Style = column.key === 'merged' ? 'green' : column.key === 'escalated' ? 'red' : column.key === 'waiting' ? 'dim' : 'cyan';
      lines.push([
        [padTo(column.title.toLowerCase(), 14), statusStyle],
        [padTo(c.id, 6), 'bold'],
        [c.critical ? '★ ' : '  ', 'amber'],
        [`${c.title} `],
        [`(${c.role}${c.attempt > 1 ? ` · attempt ${c.attempt}` : ''}${c.costUsd > 0 ? ` · ${formatUsd(c.costUsd)}` : ''})`, 'dim'],
        ...deps,
        ...(c.note && column.key === 'escalated' ? [[` — ${c.note}`, 'red'] as [string, Style]] : []),
      ]);
    }
  }
  return lines;
}

function eventLine(e: DashboardModel['feed'][number]): Line {
  const tone: Style = e.tone === 'good' ? 'green' : e.tone === 'bad' ? 'red' : e.tone === 'warn' ? 'amber' : 'plain';
  return [[`${clock(e.ts)}  `, 'dim'], [padTo(e.taskId ?? '', 6), 'bold'], [` ${padTo(e.role ?? '', 10)} `, 'dim'], [padTo(e.what, 12), tone], [` ${e.text}`]];
}

/** Keeps at most `rows` of `lines` (the last ones when `tail`), with a "… N more" line when cut. */
function clip(lines: Line[], rows: number, tail = false): Line[] {
  if (lines.length <= rows) return lines;
  if (rows <= 0) return [];
  const keep = Math.max(0, rows - 1);
  const more: Line = [[`   … ${lines.length - keep} more`, 'dim']];
  return tail ? [more, ...lines.slice(lines.length - keep)] : [...lines.slice(0, keep), more];
}

export function renderScreen(model: DashboardModel, o: ScreenOptions): string[] {
  const top = [...header(model, o.nowMs), kpiLine(model)];
  const attention: Line[] = model.attention.length > 0 ? model.attention.map(attentionLine) : [[['   nothing: no task is escalated, rejected or blocked', 'dim']]];
  const roles = model.lanes.map(laneLine);
  const tasks = taskLines(model);
  // The feed is newest first; the screen reads top to bottom, oldest first.
  const events = [...model.feed].reverse().map(eventLine);
  const footer: Line[] = o.height === null ? [] : [[['q', 'bold'], [' quit', 'dim']]];
  let body: Line[][];
  if (o.height === null) {
    body = [attention, roles, tasks, events.slice(-(o.events ?? 15))];
  } else {
    // Fixed rows: top, 4 section headings, footer. The rest is shared, attention first.
    let room = Math.max(0, o.height - top.length - 4 - footer.length);
    const take = (lines: Line[], cap: number): number => {
      const n = Math.min(lines.length, cap, room);
      room -= n;
      return n;
    };
    const a = take(attention, Math.max(3, Math.floor(room / 4)));
    const r = take(roles, Math.max(3, Math.floor(room / 3)));
    const t = take(tasks, Math.max(4, Math.floor((room * 2) / 3)));
    const e = room;
    body = [clip(attention, a), clip(roles, r), clip(tasks, t), clip(events, e, true)];
  }
  const titles: Array<[string, number | undefined]> = [['needs attention', model.attention.length], ['roles', undefined], ['tasks', model.kpis.total], ['events', undefined]];
  const lines: Line[] = [...top];
  body.forEach((block, i) => lines.push(section(titles[i]![0], titles[i]![1], o.width), ...block));
  lines.push(...footer);
  return (o.height === null ? lines : lines.slice(0, o.height)).map((line) => render(fit(line, o.width), o.color));
}
