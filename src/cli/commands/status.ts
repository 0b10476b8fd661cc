/** `loop status`: the runs that are alive, with their supervisor, viewport, roles at work, slots and spend. */
import { Command, Option } from 'clipanion';
import { LoopCommand } from '../base.js';
import { loadConfig } from '../../config/load.js';
import { plannerRole } from '../../config/team.js';
import { foldBoard } from '../../board/fold.js';
import { readBoard } from '../../board/store.js';
import { pickRun, formatAge, listRuns } from '../../run/run-list.js';
import { readRunJson } from '../../run/run-json.js';
import { runStatus, type RunStatusView } from '../../run/status.js';
import { runSessionName } from '../../tmux/viewport.js';
import { hasSession } from '../../tmux/tmux.js';
import { runPaths } from '../../util/paths.js';
import type { LoadedConfig } from '../../config/load.js';
import type { WorkerListing } from '../../../protocol/index.js';
import { natsSettingsOf } from '../../nats/settings.js';
import { servingRoles } from '../../nats/workers-seen.js';

export class StatusCommand extends LoopCommand {
  static override paths = [['status']];
  static override usage = Command.Usage({
    description: 'show the runs that are alive: supervisor, tmux session, each role\'s task and state, slots, spend',
    details: `
      Reads each run's board (the same fold \`loop run\` drives), so what it says is what the board says. Without --run it shows every run whose supervisor is alive (foreground or \`--detach\`ed); with --run it shows that run whatever its state.
    `,
    examples: [
      ['What is running', '$0 status'],
      ['One run, for a script', '$0 status --run run-20261204-101500 --json'],
    ],
  });

  runId = Option.String('--run', { description: 'show this run (exact id), alive or not' });
  json = Option.Boolean('--json', false, { description: 'print JSON' });
  config = Option.String('-c,--config', { description: 'path to loop.config.yaml' });

  async run(): Promise<number> {
    const loaded = await loadConfig({ cwd: process.cwd(), ...(this.config ? { configFile: this.config } : {}) });
    const ids = this.runId !== undefined ? [pickRun(loaded.dir, this.runId)] : listRuns(loaded.dir).filter((r) => r.status === 'running').map((r) => r.runId);
    // One read of the server's workers for every run shown (they share this config's server).
    const listing = ids.length > 0 ? await workersOfConfig(loaded) : null;
    const runs = await Promise.all(ids.map((id) => describeRun(loaded, id, listing)));
    if (this.json) {
      this.context.stdout.write(`${JSON.stringify(runs, null, 2)}\n`);
      return 0;
    }
    if (runs.length === 0) {
      this.context.stdout.write('no run is running; `loop runs` lists the earlier ones\n');
      return 0;
    }
    this.context.stdout.write(runs.map(render).join('\n'));
    return 0;
  }
}

interface RunDescription extends RunStatusView {
  runId: string;
  goal: string;
  mode: string;
  status: string;
  pid: number | null;
  /** The viewport's tmux session, when it exists. */
  session: string | null;
  startedAt: number | null;
  /** On `loop.engine: nats`: the workers that take tasks of this run's roles, or why they could not be read. */
  workers?: WorkerListing;
}

async function workersOfConfig(loaded: LoadedConfig): Promise<WorkerListing | null> {
  const settings = natsSettingsOf(loaded);
  if (settings === null) return null;
  // Loaded here: the NATS client costs ~100 ms to import and the local engine never needs it.
  const { listWorkers } = await import('../../nats/worker-presence.js');
  return listWorkers(settings);
}

async function describeRun(loaded: LoadedConfig, runId: string, listing: WorkerListing | null): Promise<RunDescription> {
  const paths = runPaths(loaded.dir, runId);
  const run = readRunJson(paths.runJson);
  const view = foldBoard(readBoard(paths.events).events);
  const listed = listRuns(loaded.dir).find((r) => r.runId === runId);
  const session = runSessionName(loaded, runId);
  const roles = view.roles.length > 0 ? view.roles : loaded.config.roles.map((r) => r.name);
  return {
    runId,
    goal: run?.goal ?? view.goal ?? '',
    mode: run?.mode ?? view.mode ?? '',
    status: listed?.status ?? view.status,
    pid: run?.pid ?? null,
    session: (await hasSession(session)) ? session : null,
    startedAt: run?.startedAt ?? view.startedAt ?? null,
    ...runStatus(view, { roles, planner: plannerRole(loaded.config)?.name, nowMs: Date.now() }),
    ...(listing === null ? {} : { workers: listing.reachable ? { ...listing, workers: servingRoles(listing.workers, roles) } : listing }),
  };
}

function render(run: RunDescription): string {
  const now = Date.now();
  const lines = [
    `run ${run.runId} · ${run.status} · ${run.mode} · supervisor pid ${run.pid ?? '?'}${run.startedAt ? ` · started ${formatAge(now - run.startedAt)}` : ''}`,
    `  goal      ${run.goal}`,
    `  viewport  ${run.session ? `tmux session ${run.session} (loop attach <role> --run ${run.runId})` : 'none (headless)'}`,
    `  progress  ${run.tasks.merged}/${run.tasks.total} merged · ${run.tasks.inFlight} in flight · ${run.tasks.waiting} waiting · ${run.tasks.escalated} escalated · slots ${run.slots.used}/${run.slots.max}`,
    `  spend     $${run.spend.usd.toFixed(2)}${run.spend.budgetUsd === null ? ' (no budget cap)' : ` of $${run.spend.budgetUsd.toFixed(2)}`} · ${run.spend.calls} provider calls`,
  ];
  const rows = run.roles.flatMap((r) => (r.tasks.length === 0
    ? [[r.role, '-', 'idle', '', '']]
    : r.tasks.map((t) => [r.role, t.id, t.as === 'critic' ? 'reviewing (critic)' : t.status, formatAge(t.sinceMs).replace(' ago', ''), t.title])));
  lines.push(...table(['ROLE', 'TASK', 'STATE', 'FOR', 'TITLE'], rows));
  if (run.workers !== undefined) lines.push(...renderWorkers(run.workers, run.runId, now));
  return `${lines.join('\n')}\n`;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows].map((row) => `  ${row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ')}`.trimEnd());
}

/** The workers section: one line when the server cannot be read, else a row per worker (stale ones marked). */
export function renderWorkers(listing: WorkerListing, runId: string, now: number): string[] {
  if (!listing.reachable) return [`  workers   not listed: ${listing.error}`];
  if (listing.workers.length === 0) return [`  workers   none on ${listing.server} takes this run's roles; start one with \`loop worker --server ${listing.server} --roles …\``];
  const stale = listing.workers.filter((w) => w.stale).length;
  const head = `  workers   ${listing.workers.length} on ${listing.server}${stale > 0 ? ` (${stale} stale: no heartbeat for three beats; killed or cut off, its tasks go back to the queue when their lease runs out)` : ''}`;
  const rows = listing.workers.map((w) => [
    w.name,
    w.roles.join(','),
    `${w.jobs.length}/${w.slots}`,
    w.jobs.length === 0 ? '-' : w.jobs.map((job) => `${job.runId === runId ? '' : `${job.runId}/`}${job.taskId ?? job.job} (${formatAge(now - job.since).replace(' ago', '')})`).join(', '),
    `${formatAge(w.seenAgoMs)}${w.stale ? ' · STALE' : ''}`,
  ]);
  return [head, ...table(['WORKER', 'ROLES', 'SLOTS', 'TASKS', 'LAST HEARTBEAT'], rows)];
}
