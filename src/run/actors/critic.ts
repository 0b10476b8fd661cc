/**
 * Critic actor process: reviews with a real provider read-only, or with the sim critic. Provider
 * adapters, the sim critic and git are imported by the first review that needs them, so the actor
 * is ready without loading them.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCriticActor } from '../../../actors/critic.js';
import type { SessionCosts } from '../../providers/call.js';
import { parseVerdict } from '../../providers/verdict.js';
import { loopHome } from '../../util/paths.js';
import { agentEnv } from './agent-env.js';

let costs: SessionCosts | undefined;
const rounds = new Map<string, number>();

export default createCriticActor({
  async ask(request, prompt, ctx) {
    const key = `${request.taskId}#${request.attempt}`;
    const round = (rounds.get(key) ?? 0) + 1;
    rounds.set(key, round);
    const provider = request.provider;
    if (provider.config.type === 'sim') {
      const [{ effectiveSim, latencyFor }, { simVerdictText }, { simAnswer, simTranscript }, { sleep }] = await Promise.all([
        import('../../providers/sim/behaviour.js'), import('../../providers/sim/critic.js'), import('./sim-calls.js'), import('../../util/sleep.js'),
      ]);
      const sim = effectiveSim(provider.config.sim, provider.key, process.env);
      const transcript = simTranscript(request.logFile, `review of ${request.taskId} attempt ${request.attempt}`);
      transcript.line('reading the diff, the task\'s acceptance criteria and the test evidence');
      await sleep(latencyFor(sim, `review:${key}`), ctx.signal);
      const answer = simAnswer(sim, simVerdictText(sim, request.taskId, request.attempt, []));
      transcript.line(answer.text);
      transcript.end(answer);
      return answer;
    }
    if (request.workdir === null) throw new Error(`a real critic (${provider.key}) was asked to review without a worktree`);
    const promptFile = round === 1 ? request.promptFile : `${request.promptFile.replace(/\.md$/, '')}.reask.md`;
    if (round > 1) writeFileSync(promptFile, prompt);
    const [{ callAsActor }, { SessionCosts }] = await Promise.all([import('./provider-call.js'), import('../../providers/call.js')]);
    costs ??= new SessionCosts();
    return callAsActor(ctx, {
      provider,
      purpose: 'review',
      prompt,
      promptFile,
      systemPromptFile: request.systemPromptFile,
      workdir: request.workdir,
      env: agentEnv(request.runId, request.taskId, request.critic),
      deadlineMs: request.deadlineMs,
      logFile: request.logFile,
      costs,
    });
  },
  parse: parseVerdict,
  async discardEdits(workdir) {
    if (workdir === null) return [];
    const { cleanOwnSlot } = await import('../../git/slot-reset.js');
    // The critic's copy is a detached slot of loop's own, never the user's checkout.
    return cleanOwnSlot(workdir, join(loopHome(), 'worktrees'));
  },
});
