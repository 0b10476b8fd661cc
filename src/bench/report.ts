/**
 * `loop bench` output: a table for people, the JSON for scripts, and an HTML page with an SVG
 * chart of the sweep (throughput and makespan against its bound, per maxParallel), written beside
 * the JSON. Pure: strings in, strings out.
 */
import type { Knee, Stage, TrainFigures } from './measure.js';
import { STAGES } from './measure.js';
import type { SettingResult } from './sweep.js';
import { DEFAULT_MAX_TRAIN } from '../../protocol/config.js';

export interface SweepReport {
  kind: 'sweep';
  createdAt: string;
  machine: { cores: number; loadAverage: number[]; node: string };
  settings: Record<string, unknown>;
  results: SettingResult[];
  recommendation: Knee | null;
}

const fixed = (n: number | null | undefined, digits = 0): string => (n === null || n === undefined || !Number.isFinite(n) ? '—' : n.toFixed(digits));
const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)}s`;

export function sweepTable(report: SweepReport): string {
  const header = ['maxParallel', 'makespan', 'bound', 'ratio', 'tasks/s', 'suite runs/task', 'trains (size p50/max, red)', 'CPU busy', 'supervisor CPU', 'actors CPU', 'RSS sup/actor'];
  const rows = report.results.map((r) => [
    String(r.parallel), seconds(r.makespanMs), seconds(r.boundMs), fixed(r.ratio, 2), fixed(r.tasksPerSecond, 2), fixed(r.suiteRunsPerMergedTask, 2),
    `${r.trains.count} (${fixed(r.trains.sizeP50)}/${r.trains.largest}, ${r.trains.red})`,
    r.resources.cpuBusy === null ? '—' : `${Math.round(r.resources.cpuBusy * 100)}%`,
    r.resources.supervisorCpuMs === null ? '—' : `${fixed(r.resources.supervisorCpuMs)} ms`,
    r.resources.actorsCpuMs === null ? '—' : `${fixed(r.resources.actorsCpuMs)} ms`,
    `${fixed(r.resources.supervisorPeakRssMb)}/${fixed(r.resources.actorPeakRssMb)} MB`,
  ]);
  const stageHeader = ['maxParallel', ...STAGES.map((s) => `${s} p50/p99`)];
  const stageRows = report.results.map((r) => [String(r.parallel), ...STAGES.map((s: Stage) => `${fixed(r.stages[s].p50)}/${fixed(r.stages[s].p99)} ms`)]);
  const lines = [...layout(header, rows), '', 'time per stage (from board timestamps)', ...layout(stageHeader, stageRows), ''];
  lines.push(report.recommendation ? `recommended maxParallel: ${report.recommendation.parallel} — ${report.recommendation.reason}.` : 'no recommendation: no setting merged anything');
  lines.push(trainAdvice(report.results));
  lines.push('(bound: the longest agent time, or all agent time spread over the slots, whichever is larger; no schedule can beat it)');
  return `${lines.join('\n')}\n`;
}

/**
 * What the trains say about `loop.gate.maxTrain`: a cap that trains reached while every one of
 * them passed is what held them back; trains below it were limited by how many changes arrived.
 */
export function trainAdvice(results: readonly { trains: TrainFigures }[]): string {
  const largest = Math.max(0, ...results.map((r) => r.trains.largest));
  const largestGreen = Math.max(0, ...results.map((r) => r.trains.largestGreen));
  const red = results.reduce((sum, r) => sum + r.trains.red, 0);
  if (largest === 0) return 'merge trains: none ran';
  const cap = DEFAULT_MAX_TRAIN;
  if (largest >= cap) {
    return red === 0
      ? `merge trains: some reached loop.gate.maxTrain (${cap}) and every train passed: a larger cap would batch more changes per suite run`
      : `merge trains: some reached loop.gate.maxTrain (${cap}); ${red} red train${red === 1 ? ' was' : 's were'} bisected (about log2 of its size in extra runs each): keep the cap unless red trains are rare`;
  }
  return `merge trains: the largest took ${largest} change${largest === 1 ? '' : 's'} (${largestGreen} in one that passed whole)${red > 0 ? `, ${red} red` : ''}; below loop.gate.maxTrain (${cap}) they were limited by how many changes were accepted at once, not by the cap`;
}

function layout(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  return [header, ...rows].map((row) => row.map((cell, i) => cell.padEnd(widths[i]!)).join('  ').trimEnd());
}

const escape = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

/** An SVG line chart: x = maxParallel (evenly spaced), one or more series on a shared y axis from 0. */
export function lineChart(options: { title: string; xs: number[]; series: { name: string; color: string; values: number[] }[]; unit: string; width?: number; height?: number }): string {
  const width = options.width ?? 560;
  const height = options.height ?? 300;
  const pad = { left: 56, right: 16, top: 36, bottom: 44 };
  const max = Math.max(1e-9, ...options.series.flatMap((s) => s.values.filter(Number.isFinite)));
  const x = (i: number): number => pad.left + (options.xs.length === 1 ? (width - pad.left - pad.right) / 2 : (i * (width - pad.left - pad.right)) / (options.xs.length - 1));
  const y = (v: number): number => height - pad.bottom - (v / max) * (height - pad.top - pad.bottom);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="${width}" height="${height}" role="img" aria-label="${escape(options.title)}">`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="600">${escape(options.title)}</text>`,
    `<line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#888"/>`,
    `<line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#888"/>`,
  ];
  for (const fraction of [0, 0.5, 1]) {
    parts.push(`<text x="${pad.left - 6}" y="${y(max * fraction) + 4}" text-anchor="end" font-size="11">${(max * fraction).toPrecision(3)}</text>`);
  }
  options.xs.forEach((value, i) => parts.push(`<text x="${x(i)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="11">${value}</text>`));
  parts.push(`<text x="${width / 2}" y="${height - 8}" text-anchor="middle" font-size="12">maxParallel</text>`);
  parts.push(`<text x="14" y="${height / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${height / 2})">${escape(options.unit)}</text>`);
  options.series.forEach((s, k) => {
    const points = s.values.map((v, i) => (Number.isFinite(v) ? `${x(i).toFixed(1)},${y(v).toFixed(1)}` : null)).filter((p): p is string => p !== null);
    parts.push(`<polyline fill="none" stroke="${s.color}" stroke-width="2" points="${points.join(' ')}"/>`);
    for (const p of points) parts.push(`<circle cx="${p.split(',')[0]}" cy="${p.split(',')[1]}" r="3.5" fill="${s.color}"/>`);
    parts.push(`<text x="${width - pad.right - 4}" y="${pad.top + 14 * k}" text-anchor="end" font-size="11" fill="${s.color}">${escape(s.name)}</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

export function sweepHtml(report: SweepReport): string {
  const xs = report.results.map((r) => r.parallel);
  const throughput = lineChart({ title: 'Throughput', xs, unit: 'tasks/s', series: [{ name: 'tasks/s', color: '#1f6feb', values: report.results.map((r) => r.tasksPerSecond) }] });
  const makespan = lineChart({
    title: 'Makespan and its bound', xs, unit: 'seconds',
    series: [
      { name: 'makespan', color: '#d1242f', values: report.results.map((r) => r.makespanMs / 1000) },
      { name: 'critical-path bound', color: '#57606a', values: report.results.map((r) => r.boundMs / 1000) },
    ],
  });
  const recommendation = report.recommendation ? `Recommended maxParallel: <strong>${report.recommendation.parallel}</strong> — ${escape(report.recommendation.reason)}.` : 'No recommendation: no setting merged anything.';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>loop bench ${escape(report.createdAt)}</title>
<style>body{font:14px system-ui,sans-serif;margin:24px;color:#1f2328}pre{background:#f6f8fa;padding:12px;overflow:auto}.charts{display:flex;flex-wrap:wrap;gap:16px}</style>
</head><body>
<h1>loop bench</h1>
<p>${escape(report.createdAt)} · ${report.machine.cores} cores · load ${report.machine.loadAverage.map((l) => l.toFixed(2)).join(' ')} · Node ${escape(report.machine.node)}</p>
<p>${recommendation}</p>
<div class="charts">${throughput}${makespan}</div>
<pre>${escape(sweepTable(report))}</pre>
<pre>${escape(JSON.stringify(report.settings, null, 2))}</pre>
</body></html>
`;
}
