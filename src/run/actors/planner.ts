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
      const [{ effectiveSim, behaviourFor, latencyFor }, { simPlan }, { simAnswer, simTranscript }, { sleep }] = await Promise.all([
        import('../../providers/sim/behaviour.js'), import('../../providers/sim/planner.js'), import('./sim-calls.js'), import('../../util/sleep.js'),
      ]);
      const sim = effectiveSim(provider.config.sim, provider.key, process.env);
      const transcript = simTranscript(request.logFile, `planning round ${round}: ${request.goal}`);
      transcript.line(`splitting the goal for ${request.roles.map((r) => r.name).join(', ')}`);
      await sleep(latencyFor(sim, `plan#${round}`), ctx.signal);
      const behaviour = behaviourFor(sim, null, round);
      const plan = behaviour === 'garbage' || behaviour === 'fail' ? null : simPlan(request.goal, request.roles, sim.tasksPerRole);
      const answer = plan ? simAnswer(sim, JSON.stringify(plan, null, 2))
        : behaviour === 'garbage' ? simAnswer(sim, 'Sure! Here is my plan: first we think, then we code.')
        : simAnswer(sim, 'sim planner: simulated provider failure', false);
      for (const line of plan ? plan.tasks.map((t) => `${t.id} → ${t.role}: ${t.title}${t.dependsOn.length > 0 ? ` (after ${t.dependsOn.join(', ')})` : ''}`) : [answer.text]) transcript.line(line);
      transcript.end(answer);
      return answer;
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
