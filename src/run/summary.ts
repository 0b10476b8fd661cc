/** The final report of a run: a table of tasks with status and reasons, spend, landing, exit. */
import type { RunView } from '../board/view.js';
import type { RunOutcome } from './outcome.js';

const usd = (n: number): string => `$${n.toFixed(2)}`;

export function summaryTable(view: RunView): string {
  const rows = view.order.map((id) => {
    const t = view.tasks[id]!;
    const note =
      t.status === 'merged' ? (t.mergedSha ? `merged ${t.mergedSha.slice(0, 7)}` : 'merged')
      : t.reason ?? t.lastFailure?.summary ?? (t.status === 'planned' || t.status === 'ready' ? 'not started' : '');
    return [t.id, t.role, t.status, String(t.attempt), usd(t.costUsd), note];
  });
  const header = ['TASK', 'ROLE', 'STATUS', 'ATTEMPTS', 'COST', 'NOTE'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  widths[5] = 0;
  const render = (r: string[]): string => r.map((cell, i) => (i === r.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd();
  return [render(header), ...rows.map(render)].join('\n');
}

export function summaryText(view: RunView, outcome: RunOutcome, elapsedMs: number): string {
  const tasks = view.order.map((id) => view.tasks[id]!);
  const merged = tasks.filter((t) => t.status === 'merged').length;
  const budget = view.budgetUsd === null ? 'no budget cap' : `of ${usd(view.budgetUsd)} budget`;
  const lines = [
    '',
    summaryTable(view),
    '',
    `${merged}/${tasks.length} merged · spent ${usd(view.spend.totalUsd)} ${budget} (${view.spend.calls} provider call${view.spend.calls === 1 ? '' : 's'}) · ${formatDuration(elapsedMs)}`,
  ];
  lines.push(...landingLines(view));
  lines.push(`${outcome.status} (exit ${outcome.exitCode}): ${outcome.reason}`);
  return lines.join('\n') + '\n';
}

/** What landed where (with its tasks), what did not and why, and the tasks whose work is in none of it. */
export function landingLines(view: RunView): string[] {
  const lines: string[] = [];
  const delivered = new Set<string>();
  for (const landing of view.landings) {
    const tasks = landing.tasks && landing.tasks.length > 0 ? ` (${landing.tasks.join(', ')})` : '';
    if (landing.fastForwarded || landing.url) for (const id of landing.tasks ?? []) delivered.add(id);
    if (landing.fastForwarded) lines.push(`landed: ${landing.branch} fast-forwarded to ${landing.sha.slice(0, 7)} in ${landing.repo}${tasks}`);
    else if (landing.url) lines.push(`pull request: ${landing.url} into ${landing.branch} in ${landing.repo}${tasks}`);
    else lines.push(`not landed in ${landing.repo}${tasks}: ${landing.reason ?? ''}${landing.command ? `\n  land it with: ${landing.command}` : ''}`);
  }
  if (delivered.size > 0) {
    const rest = view.order.filter((id) => !delivered.has(id)).map((id) => {
      const task = view.tasks[id]!;
      return `${id} (${task.status === 'planned' || task.status === 'ready' ? 'not started' : task.status})`;
    });
    if (rest.length > 0) lines.push(`did not land: ${rest.join(', ')}`);
  }
  return lines;
}

export function summaryJson(view: RunView, outcome: RunOutcome): unknown {
  return {
    runId: view.runId,
    goal: view.goal,
    mode: view.mode,
    status: outcome.status,
    exitCode: outcome.exitCode,
    reason: outcome.reason,
    budgetUsd: view.budgetUsd,
    spend: view.spend,
    tasks: view.order.map((id) => {
      const t = view.tasks[id]!;
      return {
        id: t.id, title: t.title, role: t.role, status: t.status, attempts: t.attempt, repairs: t.repairs, retries: t.retries,
        costUsd: t.costUsd, ...(t.reason ? { reason: t.reason } : {}), ...(t.lastFailure ? { lastFailure: t.lastFailure } : {}),
        ...(t.mergedSha ? { mergedSha: t.mergedSha } : {}),
      };
    }),
    landings: view.landings,
    notes: view.notes,
  };
}

export function formatDuration(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${(ms / 1000).toFixed(1)}s`;
  const m = Math.floor(s / 60);
  return m < 60 ? `${m}m${String(s % 60).padStart(2, '0')}s` : `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}
