/** Supervision facts (actor started, crashed, restarted, gave up; relayed emits) as board events. */
import type { BoardEventDraft } from '../../protocol/index.js';
import type { SupervisorEvent } from '../../supervisor/supervisor.js';

/** A role that gave up is handed to the conductor (`gaveUp`). */
export function bridge(event: SupervisorEvent, append: (draft: BoardEventDraft) => void, lastCrash: Map<string, string>, gaveUp: (role: string, reason: string) => void): void {
  switch (event.type) {
    case 'child-started':
      append({ type: 'actor.started', actor: event.id, pid: event.pid, restarts: event.restarts });
      return;
    case 'child-exited':
      if (['shutdown', 'normal'].includes(event.reason)) return;
      lastCrash.set(event.id, event.reason);
      append({ type: 'actor.crashed', actor: event.id, reason: event.reason, exitCode: event.code, signal: event.signal });
      return;
    case 'child-restarting':
      append({ type: 'actor.restarted', actor: event.id, restarts: event.restarts, delayMs: Math.round(event.delayMs) });
      return;
    case 'report': {
      append({ type: 'supervisor.report', supervisor: event.supervisor, context: event.context, reason: event.reason, offender: event.offender });
      if (event.context !== 'reached_max_restart_intensity') return;
      const role = event.supervisor.startsWith('role/') ? event.supervisor.slice(5) : event.offender.startsWith('sme/') ? event.offender.slice(4) : null;
      if (role) gaveUp(role, `its actor crashed too often (${lastCrash.get(`sme/${role}`) ?? event.reason})`);
      return;
    }
    case 'frame':
      if (event.body.type === 'emit') append(event.body.event);
      return;
    case 'protocol-error':
      append({ type: 'protocol.rejected', from: event.id, summary: event.summary });
      return;
  }
}

