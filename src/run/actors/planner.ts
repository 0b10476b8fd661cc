/**
 * Planner actor process: the planner role's provider (or the sim planner) behind the re-ask policy.
 * Provider adapters and the sim planner are imported by the first call that needs them.
 */
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createPlannerActor } from '../../../actors/planner.js';
import { planPrompt } from '../prompts.js';
import { parsePlanText } from '../plan-parse.js';

/** Calls per goal, so the sim planner's `failAttempts` applies to the first answers only. */
const rounds = new Map<string, number>();

export default createPlannerActor({
  async ask(request, prompt, ctx) {
    const round = (rounds.get(request.goal) ?? 0) + 1;
    rounds.set(request.goal, round);
    const provider = request.provider;
    if (provider.config.type === 'sim') {
      const [{ effectiveSim, behaviourFor, latencyFor }, { simPlan }, { simAnswer }, { sleep }] = await Promise.all([
        import('../../providers/sim/behaviour.js'), import('../../providers/sim/planner.js'), import('./sim-calls.js'), import('../../util/sleep.js'),
      ]);
      const sim = effectiveSim(provider.config.sim, provider.key, process.env);
      await sleep(latencyFor(sim, `plan#${round}`), ctx.signal);
      const behaviour = behaviourFor(sim, null, round);
      if (behaviour === 'garbage') return simAnswer(sim, 'Sure! Here is my plan: first we think, then we code.');
      if (behaviour === 'fail') return simAnswer(sim, 'sim planner: simulated provider failure', false);
      return simAnswer(sim, JSON.stringify(simPlan(request.goal, request.roles, sim.tasksPerRole), null, 2));
    }
    const promptFile = join(dirname(request.systemPromptFile), `plan.${round}.md`);
    writeFileSync(promptFile, prompt);
    const { callAsActor } = await import('./provider-call.js');
    return callAsActor(ctx, {
      provider,
      purpose: 'plan',
      prompt,
      promptFile,
      systemPromptFile: request.systemPromptFile,
      workdir: request.workdir,
      env: { ...process.env, LOOP_ROLE: request.plannerRole },
      deadlineMs: request.deadlineMs,
      logFile: request.logFile,
    });
  },
  prompt: (request, previousError) => planPrompt(request.goal, request.roles, previousError),
  parse: (text, request) => parsePlanText(text, { roles: request.roles.map((r) => r.name) }),
});
