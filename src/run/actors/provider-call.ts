/**
 * One provider call from inside an actor: the call runs under the request's abort signal, and the
 * agent's process group is adopted by the actor (and reported to the supervisor) for as long as it
 * lives, so it is killed with the actor if the actor dies.
 */
import type { RequestContext } from '../../../actors/runtime.js';
import type { AgentResult } from '../../../protocol/index.js';
import { callProvider, type CallProviderOptions } from '../../providers/call.js';

export function callAsActor(ctx: RequestContext, options: Omit<CallProviderOptions, 'signal' | 'onStart' | 'onExit'>): Promise<AgentResult> {
  return callProvider({
    ...options,
    signal: ctx.signal,
    onStart: (pid) => ctx.adoptGroup(pid),
    onExit: (pid) => ctx.releaseGroup(pid),
  });
}
