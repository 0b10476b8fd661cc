/** Critic actor process: reviews with a real provider read-only, or with the sim critic. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCriticActor } from '../../../actors/critic.js';
import { SessionCosts } from '../../providers/call.js';
import { callAsActor } from './provider-call.js';
import { parseVerdict } from '../../providers/verdict.js';
import { effectiveSim, latencyFor } from '../../providers/sim/behaviour.js';
import { simVerdictText } from '../../providers/sim/critic.js';
import { cleanOwnSlot } from '../../git/slot-reset.js';
import { loopHome } from '../../util/paths.js';
import { agentEnv } from './agent-env.js';
import { simAnswer, simTranscript } from './sim-calls.js';
import { sleep } from '../../util/sleep.js';

const costs = new SessionCosts();
const rounds = new Map<string, number>();

export default createCriticActor({
  async ask(request, prompt, ctx) {
    const key = `${request.taskId}#${request.attempt}`;
    const round = (rounds.get(key) ?? 0) + 1;
    rounds.set(key, round);
    const provider = request.provider;
    if (provider.config.type === 'sim') {
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
    // The critic's copy is a detached slot of loop's own, never the user's checkout.
    return cleanOwnSlot(workdir, join(loopHome(), 'worktrees'));
  },
});
