// Two small SVG charts: spend over time against the budget, and tasks merged over time.
import { clock, formatUsd } from '/m/ui/model/index.js';
import { s } from './dom.js';

const W = 560;
const H = 150;
const PAD = { left: 48, right: 12, top: 12, bottom: 22 };

function stepPath(points, x, y, startAt, endAt) {
  let d = `M${x(startAt)},${y(0)}`;
  let last = 0;
  for (const [t, v] of points) {
    d += ` L${x(t)},${y(last)} L${x(t)},${y(v)}`;
    last = v;
  }
  return `${d} L${x(endAt)},${y(last)}`;
}

function chart({ title, points, startAt, endAt, max, limit, limitLabel, format, cls }) {
  const t0 = startAt ?? points[0]?.[0] ?? 0;
  const t1 = Math.max(endAt, t0 + 1);
  const top = Math.max(max, limit ?? 0, 1e-9) * 1.1;
  const x = (t) => PAD.left + ((t - t0) / (t1 - t0)) * (W - PAD.left - PAD.right);
  const y = (v) => H - PAD.bottom - (v / top) * (H - PAD.top - PAD.bottom);
  const last = points.length > 0 ? points[points.length - 1][1] : 0;
  return s('svg', { viewBox: `0 0 ${W} ${H}`, class: ['chart', cls], role: 'img', 'aria-label': title },
    s('line', { x1: PAD.left, y1: y(0), x2: W - PAD.right, y2: y(0), class: 'axis' }),
    s('line', { x1: PAD.left, y1: PAD.top, x2: PAD.left, y2: y(0), class: 'axis' }),
    s('text', { x: PAD.left - 6, y: y(0) + 4, class: 'tick', 'text-anchor': 'end' }, format(0)),
    s('text', { x: PAD.left - 6, y: y(top / 1.1) + 4, class: 'tick', 'text-anchor': 'end' }, format(top / 1.1)),
    s('text', { x: PAD.left, y: H - 6, class: 'tick' }, clock(t0)),
    s('text', { x: W - PAD.right, y: H - 6, class: 'tick', 'text-anchor': 'end' }, clock(t1)),
    limit !== null && limit !== undefined
      ? [s('line', { x1: PAD.left, y1: y(limit), x2: W - PAD.right, y2: y(limit), class: 'limit' }),
        s('text', { x: W - PAD.right - 4, y: y(limit) - 4, class: 'limit-label', 'text-anchor': 'end' }, limitLabel)]
      : null,
    s('path', { d: `${stepPath(points, x, y, t0, t1)} L${x(t1)},${y(0)} Z`, class: 'area' }),
    s('path', { d: stepPath(points, x, y, t0, t1), class: 'line' }),
    s('text', { x: x(t1) - 4, y: y(last) - 6, class: 'value', 'text-anchor': 'end' }, format(last)),
  );
}

export function costChart(m) {
  const c = m.charts;
  const max = c.cost.points.reduce((a, p) => Math.max(a, p[1]), 0);
  return chart({ title: 'spend over time against the budget', points: c.cost.points, startAt: c.startedAt, endAt: c.endAt, max, limit: c.cost.budgetUsd, limitLabel: c.cost.budgetUsd === null ? '' : `budget ${formatUsd(c.cost.budgetUsd)}`, format: formatUsd, cls: `spend level-${m.kpis.spend.level}` });
}

export function doneChart(m) {
  const c = m.charts;
  return chart({ title: 'tasks merged over time', points: c.done.points, startAt: c.startedAt, endAt: c.endAt, max: c.done.total, limit: c.done.total, limitLabel: `${c.done.total} tasks`, format: (v) => String(Math.round(v)), cls: 'done' });
}
