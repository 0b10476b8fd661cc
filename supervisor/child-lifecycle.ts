/**
 * Starting and stopping one child of a supervisor, for both kinds: a worker (an OS process with a
 * start handshake and a shutdown grace) and a sub-supervisor (an in-process node). The decisions
 * around them (when, which, how often) are the node's.
 */
import type { ExitKind } from './decide.js';
import type { StartError } from './errors.js';
import type { SupervisorNode } from './node.js';
import type { ChildRecord, ChildStatus, ParentLink, SupervisorRecord, Tree } from './records.js';
import type { ExitInfo } from './worker-process.js';

/** How a child ended, as the owning supervisor handles it. */
export type Exit = Pick<ExitInfo, 'code' | 'signal' | 'reason'> & { kind: ExitKind; gaveUp?: boolean };

export interface LifecycleContext {
  readonly tree: Tree;
  readonly supervisorId: string;
  /** Aborted when the owning supervisor stops: handshakes in progress end at once. */
  readonly halt: AbortSignal;
  setStatus(record: ChildRecord, status: ChildStatus): void;
  /** An unexpected end of a running child (crash, normal exit, sub-supervisor gave up). */
  childExited(record: ChildRecord, incarnation: object, exit: Exit): void;
  newNode(record: SupervisorRecord, link: ParentLink): SupervisorNode;
}

/** Fork (or take the prefork), handshake, mark running. Throws StartError; the status then stays `starting`. */
export async function startChild(ctx: LifecycleContext, record: ChildRecord): Promise<void> {
  ctx.setStatus(record, 'starting');
  if (record.type === 'worker') {
    const proc = ctx.tree.preforks.get(record.id) ?? ctx.tree.spawn(record.spec, ctx.supervisorId);
    ctx.tree.preforks.delete(record.id);
    record.proc = proc;
    await proc.handshake({ actorId: record.id, input: record.spec.input, timeoutMs: record.spec.startTimeoutMs, signal: ctx.halt });
    running(ctx, record, proc.pid ?? -1);
    void proc.exited.then((info) => {
      if (!proc.expected) ctx.childExited(record, proc, info);
    });
    return;
  }
  const node: SupervisorNode = ctx.newNode(record, {
    signal: ctx.halt,
    onGaveUp: () => ctx.childExited(record, node, { code: null, signal: null, reason: 'shutdown', kind: 'shutdown', gaveUp: true }),
  });
  record.node = node;
  await node.start();
  // A sub-supervisor lives in this process.
  running(ctx, record, process.pid);
}

function running(ctx: LifecycleContext, record: ChildRecord, pid: number): void {
  record.runningSince = ctx.tree.now();
  ctx.setStatus(record, 'running');
  ctx.tree.emit({ type: 'child-started', id: record.id, pid, restarts: record.restarts });
}

export function reportStartFailure(ctx: LifecycleContext, record: ChildRecord, failure: StartError): void {
  // A sub-supervisor's boot failure names the worker that failed inside it.
  const reason = failure.actorId === record.id ? failure.reason : `child "${failure.actorId}": ${failure.reason}`;
  // The status stays `starting` until the caller decides (restart → backoff, abort → exited):
  // waiters must not see a transient `exited`.
  record.lastReason = reason;
  ctx.tree.emit({ type: 'child-exited', id: record.id, code: failure.exit.code, signal: failure.exit.signal, reason });
  ctx.tree.emit({ type: 'report', supervisor: ctx.supervisorId, context: 'start_error', reason, offender: record.id });
}

/** Ask one child to stop and wait for it (a worker: shutdown, grace, SIGKILL of its group; a sub-supervisor: its own stop). */
export async function stopChild(ctx: LifecycleContext, record: ChildRecord, reason: string): Promise<void> {
  if (record.type === 'worker') {
    const proc = record.proc;
    // A dead process whose exit is still queued counts as running: its exit is reported here.
    if (proc === null || (record.status !== 'running' && record.status !== 'stopping')) return;
    proc.expected = true;
    ctx.setStatus(record, 'stopping');
    const info = await proc.stop(reason, record.spec.shutdownMs);
    record.runningSince = null;
    record.lastReason = info.reason;
    ctx.tree.emit({ type: 'child-exited', id: record.id, code: info.code, signal: info.signal, reason: info.reason });
    if (info.kind === 'abnormal') {
      ctx.tree.emit({ type: 'report', supervisor: ctx.supervisorId, context: 'shutdown_error', reason: info.reason, offender: record.id });
    }
    return;
  }
  const node = record.node;
  if (node === null || node.state === 'stopped' || record.status !== 'running') return;
  ctx.setStatus(record, 'stopping');
  await node.stop(reason);
  record.runningSince = null;
  ctx.tree.emit({ type: 'child-exited', id: record.id, code: null, signal: null, reason: 'shutdown' });
}
