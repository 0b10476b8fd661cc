/**
 * The dashboard's Workers panel: the `loop worker` processes that take the run's roles, from the
 * listing the server read off the NATS server `elapsedMs` ago. Ages go on ticking on the page's
 * clock; stale is the server's word at that read (the page reads again at the workers' pace).
 */
import type { WorkerListing, WorkerSeen } from '../../protocol/workers.js';

export interface WorkerRow {
  name: string;
  host: string;
  pid: number;
  version: string;
  roles: string[];
  slots: { used: number; total: number };
  /** Tasks held: the run's own by task id, another run's as `<run>/<task>`. */
  tasks: Array<{ label: string; taskId: string | null; forMs: number }>;
  seenAgoMs: number;
  stale: boolean;
}

export type WorkersView =
  | { kind: 'unreachable'; server: string; error: string }
  | { kind: 'listed'; server: string; rows: WorkerRow[] };

export function workersView(listing: WorkerListing, o: { runId: string; roles: readonly string[]; elapsedMs: number; nowMs: number }): WorkersView {
  if (!listing.reachable) return { kind: 'unreachable', server: listing.server, error: listing.error };
  const serving = (w: WorkerSeen): boolean => o.roles.length === 0 || w.roles.some((role) => o.roles.includes(role));
  const rows = listing.workers.filter(serving).map((w): WorkerRow => {
    return {
      name: w.name, host: w.host, pid: w.pid, version: w.version, roles: w.roles,
      slots: { used: w.jobs.length, total: w.slots },
      tasks: w.jobs.map((job) => ({
        label: job.runId === o.runId ? job.taskId ?? job.job : `${job.runId}/${job.taskId ?? job.job}`,
        taskId: job.runId === o.runId ? job.taskId ?? null : null,
        forMs: Math.max(0, o.nowMs - job.since),
      })),
      seenAgoMs: w.seenAgoMs + o.elapsedMs,
      stale: w.stale,
    };
  });
  return { kind: 'listed', server: listing.server, rows };
}
