/**
 * What a `loop worker` does with a role's job: the same SME actor the supervisor would have
 * started (src/run/actors/sme.ts), hosted in the worker process, one instance per role, called
 * with the job's `run-attempt` request. The agent's process groups are killed when the worker
 * stops. The request's paths (the slot, prompt and log files) are the worker's own
 * (src/nats/worker-attempt.ts builds it from the job).
 */
import type { RequestOf, Result } from '../../protocol/index.js';
import type { ActorContext, ActorHandlers } from '../../actors/runtime.js';
import { killGroup } from '../../supervisor/process-group.js';

export class WorkerSme {
  readonly #handlers = new Map<string, Promise<ActorHandlers>>();
  readonly #groups = new Set<number>();
  readonly #say: (line: string) => void;

  constructor(say: (line: string) => void) {
    this.#say = say;
  }

  async run(role: string, jobId: string, body: RequestOf<'run-attempt'>, signal: AbortSignal): Promise<Result> {
    const ctx = { ...this.#context(`sme/${role}`), requestId: jobId, signal };
    return (await this.#actor(role)).handle(body, ctx);
  }

  /** Kills every agent process group still running (the worker is stopping). */
  killAgents(): void {
    for (const pgid of this.#groups) killGroup(pgid);
    this.#groups.clear();
  }

  #actor(role: string): Promise<ActorHandlers> {
    let handlers = this.#handlers.get(role);
    if (handlers === undefined) {
      handlers = import('../run/actors/sme.js').then(({ default: sme }) => sme.start({ role, crashOnStart: false }, this.#context(`sme/${role}`)));
      this.#handlers.set(role, handlers);
    }
    return handlers;
  }

  #context(actorId: string): ActorContext {
    return {
      actorId,
      // An SME casts no board events; a worker could not write them anyway.
      emit: (event) => this.#say(`${actorId}: ${event.type} not sent (a worker does not write the board)`),
      progress: () => undefined,
      adoptGroup: (pid) => void this.#groups.add(pid),
      releaseGroup: (pid) => void this.#groups.delete(pid),
    };
  }
}
