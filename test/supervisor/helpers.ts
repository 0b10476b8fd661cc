/**
 * Helpers for the process tests of the supervisor: fixture specs, an event recorder that waits on
 * events (never on time), and /proc-based liveness checks. Zombies count as dead: in a container
 * whose PID 1 does not reap orphans, a killed agent stays a zombie, which `kill(pid, 0)` still
 * reports as present. Set LOOP_TEST_ACTOR_LOGS=<dir> to keep every fixture actor's stdout/stderr.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { RequestBody } from '../../protocol/messages.js';
import type { SupervisorSpec, WorkerSpec } from '../../supervisor/child-spec.js';
import { Supervisor, type SupervisorEvent } from '../../supervisor/supervisor.js';
import { groupMembers } from '../../supervisor/process-group.js';

export const FIXTURE = fileURLToPath(new URL('./actors/fixture.js', import.meta.url));
export const ECHO = fileURLToPath(new URL('./actors/echo.js', import.meta.url));

export function worker(id: string, input: Record<string, unknown> = {}, extra: Partial<WorkerSpec> = {}): WorkerSpec {
  const debugDir = process.env['LOOP_TEST_ACTOR_LOGS'];
  const logFile = debugDir === undefined ? {} : { logFile: `${debugDir}/${id}-${process.pid}-${Date.now()}.log` };
  return { type: 'worker', id, module: FIXTURE, input, shutdownMs: 2_000, startTimeoutMs: 5_000, ...logFile, ...extra };
}

/** An `append` request whose note carries a fixture command. */
export function command(text: string): RequestBody {
  return { type: 'append', key: `k-${text}`, event: { type: 'run.note', level: 'info', message: text } };
}

export class Recorder {
  readonly events: SupervisorEvent[] = [];
  readonly #waiters = new Set<() => void>();

  constructor(readonly sup: Supervisor) {
    sup.on((event) => {
      this.events.push(event);
      for (const check of [...this.#waiters]) check();
    });
  }

  /** The first event (already seen or future) matching `predicate`, after the first `skip` matches. */
  waitFor(predicate: (event: SupervisorEvent) => boolean, { timeoutMs = 15_000, skip = 0 } = {}): Promise<SupervisorEvent> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.events.filter(predicate)[skip];
        if (found === undefined) return;
        this.#waiters.delete(check);
        clearTimeout(timer);
        resolve(found);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`no matching event within ${timeoutMs} ms; events so far:\n${this.events.map((e) => JSON.stringify(e)).join('\n')}`));
      }, timeoutMs);
      this.#waiters.add(check);
      check();
    });
  }

  of<T extends SupervisorEvent['type']>(type: T): Extract<SupervisorEvent, { type: T }>[] {
    return this.events.filter((event): event is Extract<SupervisorEvent, { type: T }> => event.type === type);
  }

  /** Every pid the tree reported: actors (child-started) and agent groups (agent-started frames). */
  pids(): number[] {
    const pids = new Set<number>();
    for (const event of this.events) {
      if (event.type === 'child-started' && event.pid !== process.pid) pids.add(event.pid);
      if (event.type === 'frame' && event.body.type === 'progress' && event.body.note === 'agent-started' && event.body.pid !== undefined) {
        pids.add(event.body.pid);
      }
    }
    return [...pids];
  }
}

/** A supervisor that is stopped after the test, which then asserts that no process it reported survives. */
export function supervise(t: TestContext, spec: SupervisorSpec, options?: ConstructorParameters<typeof Supervisor>[1]): { sup: Supervisor; rec: Recorder } {
  const sup = new Supervisor(spec, options);
  const rec = new Recorder(sup);
  t.after(async () => {
    await sup.stop('test finished');
    await assertAllGone(rec.pids());
  });
  return { sup, rec };
}

export async function assertAllGone(pids: readonly number[]): Promise<void> {
  // Killed processes are reaped asynchronously; allow a bounded moment before calling it a leak.
  await waitUntil(() => pids.every((pid) => !processAlive(pid)), 5_000).catch(() => undefined);
  const survivors = pids.filter(processAlive);
  assert.deepEqual(survivors, [], `processes still alive: ${survivors.join(', ')}`);
}

/** Poll a condition with a bounded deadline (for facts that have no event, such as another process's death). */
export async function waitUntil(condition: () => boolean, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface ProcStat { readonly state: string; readonly pgrp: number }

function procStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: fields[0] ?? '?', pgrp: Number(fields[2]) };
  } catch {
    return undefined;
  }
}

/** Alive = exists and is not a zombie. */
export function processAlive(pid: number): boolean {
  const stat = procStat(pid);
  return stat !== undefined && stat.state !== 'Z' && stat.state !== 'X';
}

/** Live (non-zombie) members of a process group. */
export function liveGroupMembers(pgid: number): number[] {
  return groupMembers(pgid).filter((member) => member.state !== 'Z' && member.state !== 'X').map((member) => member.pid);
}

/** What the brief asks for (`kill(-pgid, 0)` throws ESRCH), or, where orphans linger as zombies, no live member. */
export function groupGone(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return true;
    throw error;
  }
  return liveGroupMembers(pgid).length === 0;
}
