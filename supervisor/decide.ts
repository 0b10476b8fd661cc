/**
 * Supervision decisions, one case each (OTP's `do_restart` clauses and `restart/3` per strategy).
 * Pure: no clock, no processes.
 */
import type { RestartType, Strategy } from './child-spec.js';

/** How a child ended: `normal` (exit 0 on its own), `shutdown` (asked to stop, or a sub-supervisor that gave up), or `abnormal`. */
export type ExitKind = 'normal' | 'shutdown' | 'abnormal';

/** OTP: permanent always; transient only after an abnormal exit; temporary never. */
export function shouldRestart(restart: RestartType, exit: ExitKind): boolean {
  switch (restart) {
    case 'permanent': return true;
    case 'transient': return exit === 'abnormal';
    case 'temporary': return false;
    default: return assertNever(restart);
  }
}

/**
 * Which children a restart of `deadId` involves, in start order: only the dead one (one_for_one),
 * the dead one and every child started after it (rest_for_one), or all of them (one_for_all).
 * `childIds` is the supervisor's children in start order.
 */
export function childrenToRestart(strategy: Strategy, childIds: readonly string[], deadId: string): string[] {
  const index = childIds.indexOf(deadId);
  if (index < 0) return [];
  switch (strategy) {
    case 'one_for_one': return [deadId];
    case 'rest_for_one': return childIds.slice(index);
    case 'one_for_all': return [...childIds];
    default: return assertNever(strategy);
  }
}

/**
 * How a worker process ended, from what the supervisor saw. A crash frame or an explicit kill is
 * abnormal even if the exit code is 0; exit 0 is `shutdown` when the supervisor asked for it.
 */
export function classifyExit({ code, crashed, killed, shutdownRequested }: {
  code: number | null;
  crashed: boolean;
  killed: boolean;
  shutdownRequested: boolean;
}): ExitKind {
  if (crashed || killed || code !== 0) return 'abnormal';
  return shutdownRequested ? 'shutdown' : 'normal';
}

function assertNever(value: never): never {
  throw new Error(`unexpected value ${String(value)}`);
}
